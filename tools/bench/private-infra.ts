/**
 * A Kafka broker and a FerretDB of the bench's own (tools/infra/infra.mjs on free ports, in a
 * data directory under .data/bench/), so that the idle CPU and RSS of Kafka and FerretDB are
 * the stack's alone, not other engineers' test suites' on the shared instance, and a large
 * preload does not weigh on theirs. The jars and the (patched) FerretDB binary come from the
 * shared cache. Like tools/faults/private-infra.ts, which cannot be bundled here (its paths are
 * relative to its own folder).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '@shagym/testing';

export interface BenchInfra {
  kind: 'private' | 'shared';
  kafkaBrokers: string;
  mongoUrl: string;
  pid(component: 'kafka' | 'ferretdb'): number | undefined;
  down(): Promise<void>;
}

const readPid = (file: string) => {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
};

export async function benchInfra(root: string, kind: 'private' | 'shared'): Promise<BenchInfra> {
  const infra = await import(pathToFileURL(join(root, 'tools', 'infra', 'infra.mjs')).href);
  if (kind === 'shared') {
    const up = await infra.up({ quiet: true });
    return { kind, kafkaBrokers: up.kafkaBrokers, mongoUrl: up.mongoUrl, pid: (c) => readPid(join(root, '.data', 'run', `${c}.pid`)), down: async () => undefined };
  }
  const dataDir = join(root, '.data', 'bench', `infra-${process.pid}`);
  mkdirSync(dataDir, { recursive: true });
  const cache = join(root, '.data', 'cache');
  if (existsSync(cache) && !existsSync(join(dataDir, 'cache'))) symlinkSync(cache, join(dataDir, 'cache'), 'dir');
  const kafkaPort = await freePort();
  let kafkaControllerPort = await freePort();
  while (kafkaControllerPort === kafkaPort) kafkaControllerPort = await freePort();
  const mongoPort = await freePort();
  const opts = { quiet: true, dataDir, kafkaPort, kafkaControllerPort, mongoPort };
  // infra.mjs treats KAFKA_BROKERS / MONGO_URL pointing elsewhere as external: ours are to be started.
  delete process.env.KAFKA_BROKERS;
  delete process.env.MONGO_URL;
  let up: { kafkaBrokers: string; mongoUrl: string };
  const down = async () => {
    await infra.down(opts).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    up = await infra.up(opts);
  } catch (err) {
    await down();
    throw err;
  }
  return { kind, kafkaBrokers: up.kafkaBrokers, mongoUrl: up.mongoUrl, pid: (c) => readPid(join(dataDir, 'run', `${c}.pid`)), down };
}

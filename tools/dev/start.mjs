#!/usr/bin/env node
// `npm start`: the whole system on its embedded default — Kafka and FerretDB (tools/infra,
// skipped when KAFKA_BROKERS / MONGO_URL point elsewhere), the five services and the gateway
// as separate processes. Waits until everything is ready, prints the URLs; Ctrl-C stops all.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from '../build/bundle.mjs';
import { ensureDevKeys } from '../auth/dev-issuer.mjs';
import * as infra from '../infra/infra.mjs';

const root = join(import.meta.dirname, '..', '..');
const logDir = join(process.env.INFRA_DATA_DIR ?? join(root, '.data'), 'logs');
mkdirSync(logDir, { recursive: true });

const SERVICES = [
  { name: 'routing', port: 4003 }, // first: it seeds the directory the others project
  { name: 'intake', port: 4001 },
  { name: 'registry', port: 4002 },
  { name: 'deadline', port: 4004 },
  { name: 'notification', port: 4005 },
];
const GATEWAY_PORT = Number(process.env.GATEWAY_PORT ?? 4000);
const portOf = (name, fallback) => Number(process.env[`${name.toUpperCase()}_PORT`] ?? fallback);

const children = new Map();
let infraStarted = { kafka: false, mongo: false };
let stopping = false;

/**
 * Node flags of every app (package.json "shagym.appNodeFlags", also used by the tests' stack and
 * the Dockerfile): a bounded V8 heap, so that each process's memory stays within what its
 * bounded caches need instead of growing lazily toward a quarter of the machine.
 */
const APP_NODE_FLAGS = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).shagym.appNodeFlags;

function log(msg) {
  console.log(`[start] ${msg}`);
}

/** Runs one app; its JSON logs go to .data/logs/<name>.log, warnings and errors also here. */
function run(name, env) {
  const file = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [...APP_NODE_FLAGS, join(root, 'dist', 'apps', name, 'main.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const echo = (chunk) => {
    file.write(chunk);
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry = JSON.parse(line);
        if (entry.level >= 40) console.log(`[${name}] ${entry.level >= 50 ? 'ERROR' : 'WARN'} ${entry.msg}${entry.correlationId ? ` (correlation ${entry.correlationId})` : ''}`);
      } catch {
        console.log(`[${name}] ${line}`);
      }
    }
  };
  child.stdout.on('data', echo);
  child.stderr.on('data', echo);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); see ${join(logDir, `${name}.log`)}. Stopping everything.`);
      void shutdown(1);
    }
  });
  children.set(name, child);
  return child;
}

async function waitReady(name, port, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    const ok = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok).catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${name} was not ready after ${timeoutMs / 1000}s; see ${join(logDir, `${name}.log`)}`);
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping services…');
  await Promise.all(
    [...children.entries()].map(
      ([, child]) =>
        new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
        }),
    ),
  );
  if (infraStarted.kafka || infraStarted.mongo) {
    log('stopping infrastructure (data stays in .data/)…');
    await infra.down({ kafka: infraStarted.kafka, mongo: infraStarted.mongo });
  }
  log('stopped');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  const t0 = Date.now();
  const env = await infra.up();
  infraStarted = env.started;
  const ms = await bundle();
  log(`apps bundled in ${ms} ms`);
  const common = { KAFKA_BROKERS: env.kafkaBrokers, MONGO_URL: env.mongoUrl };
  const urls = {};
  const [first, ...rest] = SERVICES;
  for (const group of [[first], rest]) {
    await Promise.all(
      group.map(async ({ name, port }) => {
        const p = portOf(name, port);
        // Document links point at the gateway, the one public origin (it passes /documents/ on).
        const extra = name === 'notification' && !process.env.DOCUMENTS_BASE_URL ? { DOCUMENTS_BASE_URL: `http://127.0.0.1:${GATEWAY_PORT}` } : {};
        run(name, { ...common, ...extra, PORT: String(p) });
        await waitReady(name, p);
        urls[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${p}/graphql`;
        log(`${name} ready on http://127.0.0.1:${p}/graphql`);
      }),
    );
  }
  // Development identity provider: the gateway trusts the dev issuer's keys unless a real one is set.
  const auth = process.env.AUTH_JWKS_URL || process.env.AUTH_JWKS_FILE ? {} : { AUTH_JWKS_FILE: (await ensureDevKeys()).jwksFile };
  run('gateway', { ...common, ...urls, ...auth, PORT: String(GATEWAY_PORT) });
  await waitReady('gateway', GATEWAY_PORT);
  const gw = `http://127.0.0.1:${GATEWAY_PORT}`;
  console.log(`
  Shagym is up in ${((Date.now() - t0) / 1000).toFixed(1)} s.

    GraphQL gateway:   ${gw}/graphql
    GraphQL sandbox:   ${gw}/graphql   (open in a browser)
    Health / ready:    ${gw}/health  ${gw}/ready   (and on every service)
    Metrics:           ${gw}/metrics  (Prometheus; every service has one)
    Kafka:             ${env.kafkaBrokers}
    MongoDB (wire):    ${env.mongoUrl}
    Logs:              ${logDir}/<service>.log
    Sign in (dev):     npm run token -- citizen 900101300017   → Authorization: Bearer <token>

  Ctrl-C stops everything; data stays in .data/ for the next start.
`);
} catch (err) {
  console.error(`[start] failed: ${err instanceof Error ? err.message : err}`);
  await shutdown(1);
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger, ensureTopics } from '@shagym/service-kit';
import { topicName, type TopicId } from '@shagym/contracts';
import { freePort, type IsolatedEnv } from '@shagym/testing';

const ROOT = join(__dirname, '..', '..');
const INFRA = join(ROOT, 'tools', 'infra', 'infra.mjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * A Kafka broker and a FerretDB of the fault test's own (tools/infra/infra.mjs on other
 * ports, in its own data directory), so that killing them hurts nobody else's tests. The
 * shared instance (19092/27027) is never touched: this class only signals the pids written
 * in its own data directory.
 */
export class PrivateInfra {
  readonly id = randomBytes(3).toString('hex');
  readonly dataDir = join(ROOT, '.data', 'faults', this.id);
  kafkaPort = 0;
  controllerPort = 0;
  mongoPort = 0;
  kills = { kafka: 0, mongo: 0 };

  get brokers(): string {
    return `127.0.0.1:${this.kafkaPort}`;
  }

  get mongoUrl(): string {
    return `mongodb://127.0.0.1:${this.mongoPort}/`;
  }

  private env(): NodeJS.ProcessEnv {
    // Without KAFKA_BROKERS / MONGO_URL: infra.mjs would otherwise treat them as external.
    const { KAFKA_BROKERS: _k, MONGO_URL: _m, ...rest } = process.env;
    return {
      ...rest,
      INFRA_DATA_DIR: this.dataDir,
      INFRA_KAFKA_PORT: String(this.kafkaPort),
      INFRA_KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      INFRA_MONGO_PORT: String(this.mongoPort),
    };
  }

  private cli(cmd: 'up' | 'down'): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(process.execPath, [INFRA, cmd], { cwd: ROOT, env: this.env(), timeout: 180_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`infra.mjs ${cmd} failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
  }

  /** Starts both on free ports; the jars and the FerretDB binary come from the shared cache. */
  async up(): Promise<void> {
    if (!this.kafkaPort) {
      this.kafkaPort = await freePort();
      this.controllerPort = await freePort();
      this.mongoPort = await freePort();
      while (this.controllerPort === this.kafkaPort) this.controllerPort = await freePort();
      mkdirSync(this.dataDir, { recursive: true });
      const cache = join(ROOT, '.data', 'cache');
      if (existsSync(cache) && !existsSync(join(this.dataDir, 'cache'))) symlinkSync(cache, join(this.dataDir, 'cache'), 'dir');
    }
    await this.cli('up');
  }

  private pid(component: 'kafka' | 'ferretdb'): number {
    const pid = Number(readFileSync(join(this.dataDir, 'run', `${component}.pid`), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid for ${component} in ${this.dataDir}`);
    return pid;
  }

  /** kill -9 of our own broker or database, then waits until the process is gone. */
  async kill(component: 'kafka' | 'ferretdb'): Promise<void> {
    const pid = this.pid(component);
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 200 && alive(pid); i++) await sleep(100);
    rmSync(join(this.dataDir, 'run', `${component}.pid`), { force: true });
    this.kills[component === 'kafka' ? 'kafka' : 'mongo']++;
  }

  /** Brings back whatever is not running (infra.mjs up is idempotent). */
  restart(): Promise<string> {
    return this.cli('up');
  }

  /** Stops our instance (never the shared one) and removes its data. */
  async destroy(): Promise<void> {
    if (!this.kafkaPort) return;
    await this.cli('down').catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** An IsolatedEnv on this instance, for ProcessStack. */
  isolated(label: string): IsolatedEnv {
    const id = `${label.replace(/[^a-z0-9]/gi, '').slice(0, 12).toLowerCase()}${randomBytes(3).toString('hex')}`;
    const prefix = `f.${id}.`;
    const brokers = this.brokers;
    return {
      id,
      env: {
        KAFKA_BROKERS: brokers,
        MONGO_URL: this.mongoUrl,
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_GROUP_PREFIX: prefix,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        NODE_ENV: 'test',
      },
      topic: (t: TopicId) => topicName(t, prefix),
      dbName: (service: string) => `f_${id}_${service}`,
      async createTopics() {
        const kafka = new Kafka({ clientId: 'faults-setup', brokers: [brokers], logLevel: logLevel.NOTHING });
        await ensureTopics(kafka, prefix, createLogger('faults', 'silent'));
      },
      // The whole instance (topics, databases) is removed by destroy().
      cleanup: () => Promise.resolve(),
    };
  }
}

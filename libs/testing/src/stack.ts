import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { IsolatedEnv } from './env';
import { waitFor } from './wait';

export const SERVICES = ['intake', 'registry', 'routing', 'deadline', 'notification'] as const;
export type Service = (typeof SERVICES)[number];

const ROOT = join(__dirname, '..', '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
}

/** The Node flags every app runs with, as `npm start` and the Dockerfile run them (package.json "shagym.appNodeFlags"). */
function appNodeFlags(): string[] {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { shagym: { appNodeFlags: string[] } }).shagym.appNodeFlags;
}

export interface ProcessStackOptions {
  /**
   * A file every service appends its MongoDB commands to (MONGO_COMMAND_LOG, read by the
   * key-first guard: tools/checks/key-first.ts). Default: MONGO_COMMAND_LOG of the test
   * process, if set, so that any e2e suite can be recorded from the command line.
   */
  commandLog?: string;
}

/**
 * Runs the bundled apps (dist/apps/<name>/main.js) as separate processes, the way
 * `npm start` does, each on a free port with the given environment; waits for /ready.
 */
export class ProcessStack {
  readonly procs = new Map<string, RunningProcess>();
  readonly commandLog: string | undefined;

  constructor(
    private readonly iso: IsolatedEnv,
    private readonly logDir = join(ROOT, '.data', 'logs', 'tests'),
    options: ProcessStackOptions = {},
  ) {
    mkdirSync(this.logDir, { recursive: true });
    this.commandLog = options.commandLog ?? process.env.MONGO_COMMAND_LOG;
  }

  private bundled = new Set<string>();

  /** Bundles the apps as `npm run build` does (tools/build/bundle.mjs), once per stack. */
  bundle(names: string[]): void {
    const missing = names.filter((n) => !this.bundled.has(n));
    if (!missing.length) return;
    execFileSync(process.execPath, [join(ROOT, 'tools', 'build', 'bundle.mjs'), ...missing], { cwd: ROOT, stdio: 'pipe' });
    for (const n of missing) this.bundled.add(n);
  }

  async startService(name: Service | 'gateway', extraEnv: Record<string, string> = {}): Promise<RunningProcess> {
    this.bundle([name]);
    const port = this.procs.get(name)?.port ?? (await freePort());
    const log = createWriteStream(join(this.logDir, `${this.iso.id}.${name}.log`), { flags: 'a' });
    // STACK_NODE_ARGS: extra Node flags for every service, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`
    // to profile a bench run (Node refuses --cpu-prof in NODE_OPTIONS).
    const nodeArgs = (process.env.STACK_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...appNodeFlags(), ...nodeArgs, join(ROOT, 'dist', 'apps', name, 'main.js')], {
      // Each service in the test's own database, as in production each has its own.
      env: {
        ...process.env,
        ...this.iso.env,
        MONGO_DB: this.iso.dbName(name),
        ...(this.commandLog ? { MONGO_COMMAND_LOG: this.commandLog } : {}),
        ...extraEnv,
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const proc = { name, port, url: `http://127.0.0.1:${port}/graphql`, child };
    this.procs.set(name, proc);
    await waitFor(`${name} /ready`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${this.logDir}`);
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      return res.status === 200;
    }, { timeoutMs: 90_000, intervalMs: 250 });
    return proc;
  }

  /** Starts the five services, then the gateway trusting `gatewayEnv` (e.g. AUTH_JWKS_FILE). */
  async startAll(gatewayEnv: Record<string, string> = {}): Promise<{ gatewayUrl: string }> {
    this.bundle([...SERVICES, 'gateway']);
    // Routing first: it seeds the directory that intake needs to be ready.
    await this.startService('routing');
    await Promise.all(SERVICES.filter((s) => s !== 'routing').map((s) => this.startService(s)));
    const urls = Object.fromEntries(SERVICES.map((s) => [`${s.toUpperCase()}_URL`, this.procs.get(s)!.url]));
    const gateway = await this.startService('gateway', { ...urls, ...gatewayEnv });
    return { gatewayUrl: gateway.url };
  }

  /** kill -9 (the fault tests' crash) or SIGTERM (a clean stop). */
  async stopService(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const proc = this.procs.get(name);
    if (!proc || proc.child.exitCode !== null) return;
    const exited = new Promise((r) => proc.child.once('exit', r));
    proc.child.kill(signal);
    await exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.procs.keys()].map((n) => this.stopService(n)));
  }
}

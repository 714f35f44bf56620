import { appendFileSync, promises as fsp } from 'node:fs';
import mongoose, { type Connection, type mongo } from 'mongoose';

/**
 * Records every command a service sends to MongoDB/FerretDB, one JSON line per
 * `commandStarted` event, when `MONGO_COMMAND_LOG` names a file. The key-first guard
 * (tools/checks/key-first.e2e-spec.ts) reads the file and fails on any read or write of a
 * growing collection filtered by anything but exactly `{_id: <value>}` (architecture.md,
 * "Reads that do not grow with the data").
 *
 * Off by default: without the variable the driver does not even monitor commands. When on,
 * a command costs a serialization into a buffer; the buffer is appended to the file
 * asynchronously (every 200 ms or 500 lines) and written synchronously only at exit.
 */

/** Commands that carry no filter on a growing collection (handshake, cursors, DDL, inserts). */
export const UNRECORDED_COMMANDS: ReadonlySet<string> = new Set([
  'hello',
  'isMaster',
  'ismaster',
  'ping',
  'endSessions',
  'getMore',
  'killCursors',
  'listCollections',
  'listIndexes',
  'createIndexes',
  'create',
  'drop',
  'dropDatabase',
  'insert',
]);

/** 'startup' until the service reports ready (markCommandsRunning), then 'running'. */
export type CommandPhase = 'startup' | 'running';

/** One line of the command log. Filters, sorts and pipelines are relaxed Extended JSON. */
export interface CommandRecord {
  t: string;
  pid: number;
  /** Per process; (pid, seq) identifies a record (the exit flush may repeat a line). */
  seq: number;
  service: string;
  db: string;
  phase: CommandPhase;
  command: string;
  /** The collection the command names; null for database-level commands. */
  collection: string | null;
  /** find/count/distinct/findAndModify: [filter]; update: updates[].q; delete: deletes[].q. */
  filters?: unknown[];
  sort?: unknown;
  pipeline?: unknown[];
}

/** The filters a command carries, in the shapes the driver sends them. */
export function describeCommand(commandName: string, command: Record<string, unknown>): Pick<CommandRecord, 'collection' | 'filters' | 'sort' | 'pipeline'> {
  const target = command[commandName];
  const collection = typeof target === 'string' ? target : null;
  const ejson = (v: unknown) => (v === undefined ? undefined : mongoose.mongo.BSON.EJSON.serialize(v, { relaxed: true }));
  switch (commandName) {
    case 'find':
      return { collection, filters: [ejson(command.filter ?? {})], ...(command.sort ? { sort: ejson(command.sort) } : {}) };
    case 'count':
    case 'distinct':
      return { collection, filters: [ejson(command.query ?? {})] };
    case 'findAndModify':
      return { collection, filters: [ejson(command.query ?? {})], ...(command.sort ? { sort: ejson(command.sort) } : {}) };
    case 'update':
      return { collection, filters: ((command.updates as { q?: unknown }[] | undefined) ?? []).map((u) => ejson(u.q ?? {})) };
    case 'delete':
      return { collection, filters: ((command.deletes as { q?: unknown }[] | undefined) ?? []).map((d) => ejson(d.q ?? {})) };
    case 'aggregate':
      return { collection, pipeline: ((command.pipeline as unknown[] | undefined) ?? []).map((s) => ejson(s)) };
    default:
      return { collection };
  }
}

const FLUSH_MS = 200;
const FLUSH_LINES = 500;

/** The buffered, append-only writer of one log file, shared by every connection of the process. */
class CommandLogFile {
  private buffer: string[] = [];
  private inFlight: string | null = null;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly path: string) {
    process.once('exit', () => this.flushSync());
  }

  append(line: string): void {
    this.buffer.push(line);
    if (this.buffer.length >= FLUSH_LINES) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.buffer.length) return this.chain;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.chain = this.chain.then(async () => {
      this.inFlight = chunk;
      try {
        await fsp.appendFile(this.path, chunk);
      } catch {
        // A recording aid never takes the service down; the guard notices missing lines.
      } finally {
        this.inFlight = null;
      }
    });
    return this.chain;
  }

  /** At exit: what is buffered, and a chunk whose asynchronous write may not have finished. */
  private flushSync(): void {
    const rest = (this.inFlight ?? '') + this.buffer.join('');
    this.buffer = [];
    if (!rest) return;
    try {
      appendFileSync(this.path, rest);
    } catch {
      // see flush
    }
  }
}

const files = new Map<string, CommandLogFile>();
const recorders = new WeakMap<Connection, CommandRecorder>();
let seq = 0;

export class CommandRecorder {
  phase: CommandPhase = 'startup';
  private readonly file: CommandLogFile;
  private readonly attached = new WeakSet<object>();

  constructor(
    path: string,
    private readonly service: string,
  ) {
    let file = files.get(path);
    if (!file) files.set(path, (file = new CommandLogFile(path)));
    this.file = file;
  }

  /** Listens to a driver client (created with `monitorCommands: true`); once per client. */
  attach(client: mongo.MongoClient): void {
    if (this.attached.has(client)) return;
    this.attached.add(client);
    client.on('commandStarted', (e) => this.record(e));
  }

  record(e: CommandStartedLike): void {
    if (UNRECORDED_COMMANDS.has(e.commandName)) return;
    let described: ReturnType<typeof describeCommand>;
    try {
      described = describeCommand(e.commandName, e.command);
    } catch {
      described = { collection: null };
    }
    const rec: CommandRecord = {
      t: new Date().toISOString(),
      pid: process.pid,
      seq: ++seq,
      service: this.service,
      db: e.databaseName,
      phase: this.phase,
      command: e.commandName,
      ...described,
    };
    this.file.append(`${JSON.stringify(rec)}\n`);
  }
}

export interface CommandStartedLike {
  commandName: string;
  databaseName: string;
  command: Record<string, unknown>;
}

/** Starts recording a connection's commands (connectMongo does it when given a log file). */
export function recordCommands(conn: Connection, path: string, service: string): CommandRecorder {
  let recorder = recorders.get(conn);
  if (!recorder) recorders.set(conn, (recorder = new CommandRecorder(path, service)));
  recorder.attach(conn.getClient());
  return recorder;
}

/** The recorder of a connection, if its commands are recorded. */
export function commandRecorderOf(conn: Connection): CommandRecorder | undefined {
  return recorders.get(conn);
}

/** The service has finished starting: what it sends from now on is the running phase. */
export function markCommandsRunning(conn: Connection): void {
  const recorder = recorders.get(conn);
  if (recorder) recorder.phase = 'running';
}

/** Writes out every buffered line (in-process tests, before reading the log). */
export async function flushCommandLogs(): Promise<void> {
  await Promise.all([...files.values()].map((f) => f.flush()));
}

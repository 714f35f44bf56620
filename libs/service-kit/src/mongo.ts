import mongoose, { type ConnectOptions, type Connection, type Model } from 'mongoose';
import type { Logger } from './logger';
import { commandRecorderOf, recordCommands } from './command-recorder';

/**
 * Opens the service's own database. Options hold on MongoDB proper and on FerretDB:
 * retryWrites off (FerretDB has no sessions), indexes created explicitly (autoIndex would
 * reject on options FerretDB lacks), no transactions anywhere.
 */
export function mongoOptions(dbName: string, recording = false): ConnectOptions {
  return {
    dbName,
    retryWrites: false,
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 20,
    // Only while recording (MONGO_COMMAND_LOG): the driver then emits commandStarted.
    ...(recording ? { monitorCommands: true } : {}),
  };
}

export interface ConnectMongoOptions {
  /** A file to append every command to (command-recorder.ts); default: MONGO_COMMAND_LOG. */
  commandLog?: string;
  /** Who the recorded commands come from; default: the database name. */
  service?: string;
}

export async function connectMongo(url: string, dbName: string, logger: Logger, options: ConnectMongoOptions = {}): Promise<Connection> {
  const commandLog = options.commandLog ?? process.env.MONGO_COMMAND_LOG;
  const conn = mongoose.createConnection(url, mongoOptions(dbName, Boolean(commandLog)));
  conn.on('disconnected', () => logger.warn({ dbName }, 'mongo disconnected'));
  conn.on('reconnected', () => logger.info({ dbName }, 'mongo reconnected'));
  await conn.asPromise();
  if (commandLog) recordCommands(conn, commandLog, options.service ?? dbName);
  logger.info({ dbName }, 'mongo connected');
  return conn;
}

export async function ensureIndexes(models: Model<any>[]): Promise<void> {
  for (const model of models) {
    await model.createCollection().catch((err: { code?: number }) => {
      if (err.code !== 48) throw err; // 48: NamespaceExists
    });
    await model.createIndexes();
  }
}

export async function pingMongo(conn: Connection, timeoutMs = 5_000): Promise<boolean> {
  try {
    const db = conn.db;
    if (!db) return false;
    await Promise.race([db.admin().ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('ping timed out')), timeoutMs).unref())]);
    return true;
  } catch {
    return false;
  }
}

/** Whether a new client reaches the server at `url` (the server is up, whatever our own client thinks). */
export async function serverReachable(url: string, timeoutMs = 3_000): Promise<boolean> {
  const client = new mongoose.mongo.MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, retryWrites: false });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

export interface MongoWatchOptions {
  intervalMs: number;
  /** How long pings may fail while the server answers a new client before the connection is reopened. */
  stuckMs: number;
  /** Overridable in tests. */
  ping?: (conn: Connection) => Promise<boolean>;
  reachable?: (url: string) => Promise<boolean>;
}

/**
 * Reopens the service's connection when the driver stays cut off from a server that is up.
 * Seen in the long fault run: after FerretDB was killed under load, two services' drivers kept
 * the server "Unknown" for 20 minutes (their monitor never checked again) while FerretDB
 * answered every new client. The models follow the reopened connection (mongoose rebinds its
 * collections on open). Returns the stop.
 */
export function watchMongo(conn: Connection, url: string, logger: Logger, options: MongoWatchOptions): () => void {
  const ping = options.ping ?? ((c: Connection) => pingMongo(c));
  const reachable = options.reachable ?? ((u: string) => serverReachable(u));
  let failingSince: number | null = null;
  let busy = false;
  let stopped = false;
  const check = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      if (await ping(conn)) {
        failingSince = null;
        return;
      }
      failingSince ??= Date.now();
      if (Date.now() - failingSince < options.stuckMs || !(await reachable(url)) || stopped) return;
      logger.warn({ failingForMs: Date.now() - failingSince }, 'mongo: the server answers a new client but not ours; reopening the connection');
      // Not forced: a force-closed mongoose connection refuses to be opened again.
      await conn.close().catch(() => undefined);
      const recorder = commandRecorderOf(conn);
      await conn.openUri(url, mongoOptions(conn.name, Boolean(recorder)));
      recorder?.attach(conn.getClient());
      failingSince = null;
      logger.info('mongo: connection reopened');
    } catch (err) {
      logger.warn({ err }, 'mongo: reopening the connection failed; will try again');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** Duplicate key on insert: the one write that FerretDB and MongoDB both make atomic. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/**
 * Inserts a document keyed by something unique (usually an event id): true when written,
 * false when it was there already — how redelivered events change nothing.
 */
export async function insertOnce<T>(model: Model<T>, doc: T): Promise<boolean> {
  try {
    await model.create(doc);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

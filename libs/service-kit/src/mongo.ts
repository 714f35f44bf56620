import mongoose, { type Connection, type Model } from 'mongoose';
import type { Logger } from './logger';

/**
 * Opens the service's own database. Options hold on MongoDB proper and on FerretDB:
 * retryWrites off (FerretDB has no sessions), indexes created explicitly (autoIndex would
 * reject on options FerretDB lacks), no transactions anywhere.
 */
export async function connectMongo(url: string, dbName: string, logger: Logger): Promise<Connection> {
  const conn = mongoose.createConnection(url, {
    dbName,
    retryWrites: false,
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 20,
  });
  conn.on('disconnected', () => logger.warn({ dbName }, 'mongo disconnected'));
  conn.on('reconnected', () => logger.info({ dbName }, 'mongo reconnected'));
  await conn.asPromise();
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

export async function pingMongo(conn: Connection): Promise<boolean> {
  try {
    await conn.db?.admin().ping();
    return true;
  } catch {
    return false;
  }
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

import { Schema, type Connection } from 'mongoose';
import { insertOnce } from './mongo';
import type { Logger } from './logger';

/**
 * One-time changes to data written by an earlier version (e.g. documents re-keyed for the
 * key-first model). Each runs once per database, at start-up, before the service takes
 * traffic; its id is recorded in `migrations` when it finished, so a crash half-way runs it
 * again: a migration must be safe to repeat (insert under the new key, then remove the old).
 * Data is never dropped silently: a migration moves it and logs how much.
 */
export interface Migration {
  /** Stable id, e.g. `2026-12-02-event-log-slots`. */
  id: string;
  description: string;
  /** Returns how many documents it moved (for the log). */
  run(conn: Connection, logger: Logger): Promise<number>;
}

interface AppliedMigration {
  _id: string;
  description: string;
  moved: number;
  appliedAt: Date;
}

const schema = new Schema<AppliedMigration>(
  { _id: String, description: String, moved: Number, appliedAt: Date },
  { versionKey: false, collection: 'migrations' },
);

export async function runMigrations(conn: Connection, migrations: Migration[], logger: Logger): Promise<void> {
  const model = conn.models['AppliedMigration'] ?? conn.model<AppliedMigration>('AppliedMigration', schema);
  for (const m of migrations) {
    if (await model.exists({ _id: m.id })) continue;
    const t0 = Date.now();
    logger.info({ migration: m.id }, `migrating: ${m.description}`);
    const moved = await m.run(conn, logger);
    await insertOnce(model, { _id: m.id, description: m.description, moved, appliedAt: new Date() });
    logger.info({ migration: m.id, moved, ms: Date.now() - t0 }, `migrated: ${m.description}`);
  }
}

/** Whether the database holds the collection (an old one to migrate from). */
export async function hasCollection(conn: Connection, name: string): Promise<boolean> {
  const found = await conn.db!.listCollections({ name }, { nameOnly: true }).toArray();
  return found.length > 0;
}

/**
 * Drops every index of the collection but `_id`, if the collection exists. Indexes an earlier
 * version created go: FerretDB never uses them and maintains them on every write, and an old
 * unique index would refuse a document re-keyed under its new `_id`.
 */
export async function dropSecondaryIndexes(conn: Connection, collection: string): Promise<void> {
  if (!(await hasCollection(conn, collection))) return;
  const coll = conn.db!.collection(collection);
  for (const index of await coll.indexes()) {
    if (index.name && index.name !== '_id_') await coll.dropIndex(index.name);
  }
}

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from 'mongoose';
import { isolatedEnv } from './index';
import { describeCommand, flushCommandLogs, markCommandsRunning, type CommandRecord, createLogger, connectMongo } from '@shagym/service-kit';

/** The recorder on the real driver against FerretDB: what the key-first guard reads. */
describe('MongoDB command recorder (MONGO_COMMAND_LOG)', () => {
  const iso = isolatedEnv('cmdrec');
  const dir = mkdtempSync(join(tmpdir(), 'cmdrec-'));
  const file = join(dir, 'commands.jsonl');
  let conn: Connection;

  beforeAll(async () => {
    conn = await connectMongo(iso.env.MONGO_URL!, iso.dbName('recorder'), createLogger('test', 'silent'), { commandLog: file, service: 'registry' });
  });

  afterAll(async () => {
    await conn.close();
    await iso.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const read = async (): Promise<CommandRecord[]> => {
    await flushCommandLogs();
    return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as CommandRecord);
  };

  it('records the filters of reads and writes, phase startup until the service is ready, then running', async () => {
    const coll = conn.db!.collection<{ _id: string; org: string; n: number }>('journal');
    await coll.insertOne({ _id: 'journal:o1:2026:000001', org: 'o1', n: 1 });
    await coll.findOne({ _id: 'journal:o1:2026:000001' });
    markCommandsRunning(conn);
    await coll.find({ org: 'o1' }).sort({ n: -1 }).toArray();
    await coll.updateOne({ _id: 'journal:o1:2026:000001' }, { $set: { n: 2 } });
    await coll.deleteMany({ org: 'o2' });
    await coll.countDocuments({});
    await conn.db!.admin().ping();

    const records = await read();
    // insert and ping are not recorded (nothing to filter).
    expect(records.map((r) => [r.phase, r.command, r.collection])).toEqual([
      ['startup', 'find', 'journal'],
      ['running', 'find', 'journal'],
      ['running', 'update', 'journal'],
      ['running', 'delete', 'journal'],
      ['running', 'aggregate', 'journal'],
    ]);
    expect(records.every((r) => r.service === 'registry' && r.db === iso.dbName('recorder') && r.pid === process.pid)).toBe(true);
    expect(records[0]!.filters).toEqual([{ _id: 'journal:o1:2026:000001' }]);
    expect(records[1]).toMatchObject({ filters: [{ org: 'o1' }], sort: { n: -1 } });
    expect(records[2]!.filters).toEqual([{ _id: 'journal:o1:2026:000001' }]);
    expect(records[3]!.filters).toEqual([{ org: 'o2' }]);
    expect(records[4]!.pipeline?.[0]).toEqual({ $match: {} });
    expect(new Set(records.map((r) => r.seq)).size).toBe(records.length);
  });

  it('writes BSON values as Extended JSON, so an ObjectId _id is told from a string', () => {
    const { ObjectId } = conn.base.mongo;
    const id = new ObjectId();
    expect(describeCommand('find', { find: 'c', filter: { _id: id } })).toEqual({ collection: 'c', filters: [{ _id: { $oid: id.toHexString() } }] });
    expect(describeCommand('update', { update: 'c', updates: [{ q: { _id: 'a' }, u: {} }, { q: { s: { $in: [1, 2] } }, u: {} }] }).filters).toEqual([{ _id: 'a' }, { s: { $in: [1, 2] } }]);
    expect(describeCommand('findAndModify', { findAndModify: 'c', query: { due: { $lte: new Date(0) } } }).filters).toEqual([{ due: { $lte: { $date: '1970-01-01T00:00:00Z' } } }]);
    expect(describeCommand('count', { count: 'c' }).filters).toEqual([{}]);
  });

  it('does not monitor commands when no log is named', async () => {
    const plain = await connectMongo(iso.env.MONGO_URL!, iso.dbName('plain'), createLogger('test', 'silent'), { commandLog: '' });
    try {
      expect(plain.getClient().options.monitorCommands).toBe(false);
    } finally {
      await plain.close();
    }
  });
});

import mongoose from 'mongoose';
import { infraEnv } from '@shagym/testing';

/**
 * The patches carried on FerretDB (tools/infra/ferretdb/patches/):
 * - 0001 makes a point read by `_id` an index search on the embedded SQLite store. Without it
 *   SQLite scans the table (its query says `->'$._id'`, the index `->"_id"`), so every
 *   key-first read would grow with the data. Its cost at 1 000 and 100 000 documents is
 *   measured by the bench (store part).
 * - 0002 closes each update statement's iterator when the statement is done: without it, an
 *   update command of more than ~100 statements waits forever for a pooled connection and the
 *   whole server stops answering.
 * - 0003 pushes `{_id: {$in: [...]}}` and `{_id: {$eq: v}}` down to the same index, so a batch
 *   of point reads (a DataLoader batch, a window of slots) is one command, not one per id.
 */
describe('the embedded store with our patches', () => {
  const { MONGO_URL } = infraEnv();
  const dbName = `t_ferretidx_${process.pid}`;
  let conn: mongoose.Connection;

  beforeAll(async () => {
    conn = await mongoose.createConnection(MONGO_URL, { retryWrites: false, dbName }).asPromise();
    const docs = Array.from({ length: 500 }, (_, i) => ({ _id: `complaint:${i}`, n: i }));
    await conn.db!.collection<{ _id: string; n: number }>('probe').insertMany(docs);
  });

  afterAll(async () => {
    await conn.dropDatabase();
    await conn.close();
  });

  const plan = async (command: Record<string, unknown>): Promise<string> => {
    const explained = await conn.db!.command({ explain: command });
    return JSON.stringify(explained.queryPlanner ?? explained);
  };

  it('find by _id is SEARCH … USING INDEX (not a SCAN)', async () => {
    const text = await plan({ find: 'probe', filter: { _id: 'complaint:321' } });
    expect(text).toMatch(/SEARCH \S+ USING INDEX \S+__id_/);
    expect(text).not.toMatch(/\bSCAN\b/);
    const found = await conn.db!.collection('probe').findOne({ _id: 'complaint:321' as never });
    expect(found).toMatchObject({ n: 321 });
  });

  it('find by _id $in is one index search per id and returns exactly the ids that exist (patch 0003)', async () => {
    const ids = ['complaint:3', 'complaint:450', 'complaint:17', 'complaint:absent'];
    const text = await plan({ find: 'probe', filter: { _id: { $in: ids } } });
    expect(text).toMatch(/SEARCH \S+ USING INDEX \S+__id_ \(<expr>=\?\)/);
    expect(text).not.toMatch(/\bSCAN\b/);
    const found = await conn.db!.collection<{ _id: string; n: number }>('probe').find({ _id: { $in: ids } }).toArray();
    expect(found.map((d) => d.n).sort((a, b) => a - b)).toEqual([3, 17, 450]);
  });

  it('find by _id $eq is an index search too (patch 0003)', async () => {
    const text = await plan({ find: 'probe', filter: { _id: { $eq: 'complaint:42' } } });
    expect(text).toMatch(/USING INDEX \S+__id_/);
    expect(await conn.db!.collection('probe').findOne({ _id: { $eq: 'complaint:42' } as never })).toMatchObject({ n: 42 });
  });

  it('$in on _id with another field, or with a non-string value, is not pushed down and still filters right', async () => {
    const probe = conn.db!.collection<{ _id: string; n: number }>('probe');
    expect(await plan({ find: 'probe', filter: { _id: { $in: ['complaint:3'] }, n: 3 } })).not.toMatch(/USING INDEX/);
    expect(await probe.find({ _id: { $in: ['complaint:3', 'complaint:4'] }, n: 4 }).toArray()).toEqual([{ _id: 'complaint:4', n: 4 }]);
    expect(await probe.find({ _id: { $in: ['complaint:5', 5 as never] } }).toArray()).toEqual([{ _id: 'complaint:5', n: 5 }]);
  });

  it('deleteMany by _id $in deletes exactly those (patch 0003)', async () => {
    const probe = conn.db!.collection<{ _id: string; n: number }>('probe');
    await probe.insertMany([{ _id: 'gone:1', n: -1 }, { _id: 'gone:2', n: -2 }, { _id: 'kept:3', n: -3 }]);
    const res = await probe.deleteMany({ _id: { $in: ['gone:1', 'gone:2', 'gone:absent'] } });
    expect(res.deletedCount).toBe(2);
    expect(await probe.findOne({ _id: 'kept:3' })).toMatchObject({ n: -3 });
    await probe.deleteOne({ _id: 'kept:3' });
  });

  it('a filter on another field still scans (why the data model is key-first)', async () => {
    const text = await plan({ find: 'probe', filter: { n: 321 } });
    expect(text).not.toMatch(/USING INDEX/);
  });

  it('a bulk of 300 updates by _id completes and updates each document (patch 0002)', async () => {
    const probe = conn.db!.collection<{ _id: string; n: number; seen?: boolean }>('probe');
    const ids = Array.from({ length: 300 }, (_, i) => `complaint:${i + 100}`);
    const result = await probe.bulkWrite(
      ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $set: { seen: true } } } })),
      { ordered: false },
    );
    expect(result.modifiedCount).toBe(300);
    expect(await probe.countDocuments({ seen: true })).toBe(300);
    // The server still answers other commands on that database afterwards.
    expect(await probe.findOne({ _id: 'complaint:99' })).toMatchObject({ n: 99 });
  });

  it('update and delete by _id touch exactly the keyed document', async () => {
    const probe = conn.db!.collection<{ _id: string; n: number }>('probe');
    await probe.updateOne({ _id: 'complaint:7' }, { $set: { n: -7 } });
    await probe.deleteOne({ _id: 'complaint:8' });
    expect(await probe.findOne({ _id: 'complaint:7' })).toMatchObject({ n: -7 });
    expect(await probe.findOne({ _id: 'complaint:8' })).toBeNull();
    expect(await probe.countDocuments({})).toBe(499);
  });
});

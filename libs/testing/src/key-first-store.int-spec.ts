import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { complaintAssigned, complaintRegistered, complaintSubmitted, dropAndClose, infraEnv, storeConnections } from './index';
import { ComplaintAccess, COMPLAINT_PARTIES_SLOTS_MIGRATION, ConcurrencyError, countSlots, EVENT_LOG_SLOTS_MIGRATION, EventLog, Inbox, readByIds, slotId, createLogger, runMigrations, mongoOptions, SlotList } from '@shagym/service-kit';

/**
 * The key-first store primitives (architecture.md, "Reads that do not grow with the data")
 * on the real FerretDB: the event log in `aggregate:version` slots, numbered slot lists, and
 * the migration of data written before them. Concurrency is real: separate connections.
 */
describe('key-first store on FerretDB', () => {
  const { MONGO_URL } = infraEnv();
  const dbName = `t_keyfirst_${process.pid}_${Date.now() % 100000}`;
  const logger = createLogger('test', 'silent');
  let conns: Connection[];

  beforeAll(async () => {
    conns = await storeConnections(dbName);
  });
  afterAll(() => dropAndClose(conns));
  const conn = () => conns[0]!;

  describe('EventLog', () => {
    it('keys each event by aggregate:version and loads them in order', async () => {
      const log = new EventLog(conn());
      const id = randomUUID();
      await log.append(complaintSubmitted('org-a', id));
      await log.append(complaintRegistered('org-a', id));
      expect((await log.load(id)).map((e) => e.type)).toEqual(['complaint.submitted', 'complaint.registered']);
      const raw = await conn().db!.collection('event_log').findOne({ _id: slotId(id, 2) as never });
      expect(raw).toMatchObject({ aggregateId: id, version: 2, type: 'complaint.registered' });
      expect(await log.currentVersion(id)).toBe(2);
      expect(await log.currentVersion(randomUUID())).toBe(0);
    });

    it('a redelivered event is a duplicate, even from a log whose cache never saw it', async () => {
      const id = randomUUID();
      const first = new EventLog(conns[0]!);
      const submitted = complaintSubmitted('org-a', id);
      await first.append(submitted);
      await first.append(complaintRegistered('org-a', id));
      const other = new EventLog(conns[1]!);
      expect(await other.append(submitted)).toEqual({ status: 'duplicate', version: 1 });
      // The first log's cache is stale (at version 2) when the other appends version 3.
      const assigned = complaintAssigned('org-a', id, 'exec-1');
      expect((await other.append(assigned)).version).toBe(3);
      expect(await first.append(assigned)).toEqual({ status: 'duplicate', version: 3 });
      expect(await first.currentVersion(id)).toBe(3);
    });

    it('concurrent writers on three connections take distinct, gapless versions and lose nothing', async () => {
      const id = randomUUID();
      const logs = conns.map((c) => new EventLog(c));
      const events = Array.from({ length: 24 }, () => complaintSubmitted('org-a', id));
      const results = await Promise.all(events.map((e, i) => logs[i % 3]!.append(e)));
      expect(results.every((r) => r.status === 'appended')).toBe(true);
      expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
      const loaded = await new EventLog(conns[2]!).load(id);
      expect(new Set(loaded.map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
    });

    it('expectedVersion refuses a decision made on a stale read', async () => {
      const id = randomUUID();
      const a = new EventLog(conns[0]!);
      const b = new EventLog(conns[1]!);
      await a.append(complaintSubmitted('org-a', id));
      const seen = await a.currentVersion(id);
      await b.append(complaintRegistered('org-a', id));
      await expect(a.append(complaintAssigned('org-a', id, 'x'), { expectedVersion: seen })).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await a.currentVersion(id)).toBe(2);
    });
  });

  describe('SlotList', () => {
    it('appends each item once, counts exactly and pages both ways, under concurrent writers', async () => {
      const lists = conns.map((c) => new SlotList<{ k: number }>(c, 'test_slots'));
      const list = `inbox:${randomUUID()}`;
      const n = await Promise.all(Array.from({ length: 30 }, (_, i) => lists[i % 3]!.append(list, `item-${i}`, { k: i })));
      expect([...n].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      // Redelivered items (same id) change nothing.
      await Promise.all(Array.from({ length: 30 }, (_, i) => lists[(i + 1) % 3]!.append(list, `item-${i}`, { k: i })));
      const fresh = new SlotList<{ k: number }>(conns[2]!, 'test_slots');
      expect(await fresh.count(list)).toBe(30);
      const newest = await fresh.page(list, { limit: 10, newestFirst: true });
      expect(newest.total).toBe(30);
      expect(newest.entries.map((e) => e.n)).toEqual([30, 29, 28, 27, 26, 25, 24, 23, 22, 21]);
      const second = await fresh.page(list, { after: 10, limit: 10 });
      expect(second.entries.map((e) => e.n)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
      expect((await fresh.all(list)).map((e) => e.data.k).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    });

    it('a slot written without its mark (a crash between the two) is found again after a restart', async () => {
      const list = `crash:${randomUUID()}`;
      const before = new SlotList<string>(conn(), 'test_slots');
      await before.append(list, 'a', 'first');
      // What a crash leaves: slot 2 holds item b, but no mark says so.
      await conn().db!.collection('test_slots').insertOne({ _id: SlotList.slotId(list, 2) as never, list, n: 2, itemId: 'b', data: 'second', at: new Date() });
      const restarted = new SlotList<string>(conns[1]!, 'test_slots');
      // A read after the restart (which caches the list's length) must not hide it.
      expect(await restarted.count(list)).toBe(2);
      expect(await restarted.append(list, 'b', 'second')).toBe(2);
      expect(await restarted.count(list)).toBe(2);
    });
  });

  describe('batched point reads ({_id: {$in}}, FerretDB patch 0003)', () => {
    it('readByIds returns exactly the documents that exist, across more ids than one read takes', async () => {
      const coll = conn().db!.collection<{ _id: string; k: number }>('test_batch');
      await coll.insertMany(Array.from({ length: 700 }, (_, i) => ({ _id: `doc:${i}`, k: i })));
      const ids = [...Array.from({ length: 650 }, (_, i) => `doc:${i * 2}`), 'doc:absent', 'doc:4'];
      const found = await readByIds<{ _id: string; k: number }>(new SlotList(conn(), 'test_batch').model, ids);
      expect(found.size).toBe(350); // doc:0, doc:2, … doc:698; doc:4 asked twice counts once
      expect(found.get('doc:698')).toMatchObject({ k: 698 });
      expect(found.has('doc:700')).toBe(false);
      expect(found.has('doc:absent')).toBe(false);
    });

    it('countSlots is exact for any length, counted cold or from a known prefix', async () => {
      const model = new SlotList(conn(), 'test_counts').model;
      const lengths = [0, 1, 7, 8, 9, 16, 17, 100, 1234];
      for (const length of lengths) {
        const list = `count:${length}:${randomUUID()}`;
        const idOf = (n: number) => SlotList.slotId(list, n);
        if (length) await model.collection.insertMany(Array.from({ length }, (_, i) => ({ _id: idOf(i + 1), n: i + 1 })) as never[]);
        expect(await countSlots(model, idOf)).toBe(length);
        for (const known of [1, 8, Math.floor(length / 2), length].filter((k) => k <= length)) {
          expect(await countSlots(model, idOf, known)).toBe(length);
        }
      }
    });

    it('the inbox finds a batch of handled events in one read and records a batch once', async () => {
      const inbox = new Inbox(conn());
      await inbox.recordAll('g1', [{ eventId: 'e1', type: 't' }, { eventId: 'e2', type: 't' }]);
      // Recording again (a redelivered batch) keeps what is there and adds what is new.
      await inbox.recordAll('g1', [{ eventId: 'e2', type: 't' }, { eventId: 'e3', type: 't' }]);
      expect([...(await inbox.seenOf('g1', ['e1', 'e2', 'e3', 'e4']))].sort()).toEqual(['e1', 'e2', 'e3']);
      expect([...(await inbox.seenOf('g2', ['e1']))]).toEqual([]);
      expect(await inbox.seen('g1', 'e3')).toBe(true);
    });
  });

  describe('migrations of data written before the key-first model', () => {
    it('moves an event log keyed by event id to slots, and party facts to slot lists, losing nothing', async () => {
      const mdb = `${dbName}_m`;
      const c = await mongoose.createConnection(MONGO_URL, mongoOptions(mdb)).asPromise();
      try {
        const id = randomUUID();
        const events = [complaintSubmitted('org-a', id), complaintRegistered('org-a', id), complaintAssigned('org-a', id, 'exec-7')];
        const old = c.db!.collection('event_log');
        await old.createIndex({ aggregateId: 1, version: 1 }, { unique: true });
        await old.insertMany(events.map((e, i) => ({ _id: e.id as never, aggregateId: id, version: i + 1, type: e.type, topic: 'complaints', envelope: JSON.stringify(e), createdAt: new Date(e.time), publishedAt: new Date() })));
        await c.db!.collection('complaint_parties').insertMany([
          { _id: events[0]!.id as never, complaintId: id, iin: '900101300017', organizationId: 'org-a' },
          { _id: events[2]!.id as never, complaintId: id, organizationId: 'org-a', executorOfficialId: 'exec-7' },
        ]);

        await runMigrations(c, [EVENT_LOG_SLOTS_MIGRATION, COMPLAINT_PARTIES_SLOTS_MIGRATION], logger);
        await runMigrations(c, [EVENT_LOG_SLOTS_MIGRATION, COMPLAINT_PARTIES_SLOTS_MIGRATION], logger); // once only

        const log = new EventLog(c);
        expect((await log.load(id)).map((e) => e.id)).toEqual(events.map((e) => e.id));
        expect(await log.append(events[1]!)).toEqual({ status: 'duplicate', version: 2 });
        expect(await c.db!.collection('event_log').countDocuments({})).toBe(3);
        const parties = await new ComplaintAccess(c).parties(id);
        expect(parties).toMatchObject({ complainantIin: '900101300017', organizationIds: ['org-a'], executorOfficialIds: ['exec-7'] });
      } finally {
        await c.dropDatabase();
        await c.close();
      }
    });
  });
});

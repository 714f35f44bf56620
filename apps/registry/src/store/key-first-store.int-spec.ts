import { randomUUID } from 'node:crypto';
import { createEvent } from '@shagym/contracts';
import { connectMongo, createLogger, ensureIndexes, EventLog, runMigrations } from '@shagym/service-kit';
import { complaintRegistered, complaintSubmitted, isolatedEnv } from '@shagym/testing';
import type { Connection } from 'mongoose';
import { entryHash, GENESIS_HASH, verifyChain, type ChainedEntry } from '../domain/journal-chain';
import { CaseRepository } from './case-repository';
import { entryId, Journal, markId } from './journal';
import { REGISTRY_MIGRATIONS } from './migrations';
import { StatisticsRepository } from './statistics-repository';

/**
 * The registry's key-first store on the real FerretDB: the journal's numbers taken by insert
 * under `<journal>:<org>:<year>:<seq>` (R7, gapless), found again by their mark, and the
 * migration of journals, learned events and statistics written by the previous version.
 */
describe('registry store, key-first, on FerretDB', () => {
  const iso = isolatedEnv('regstore');
  const logger = createLogger('test', 'silent');
  let conn: Connection;

  beforeAll(async () => {
    conn = await connectMongo(iso.env.MONGO_URL!, iso.dbName('registry'), logger);
  });
  afterAll(async () => {
    await conn?.close();
    await iso.cleanup();
  });

  describe('journal (R7)', () => {
    let journal: Journal;
    beforeAll(async () => {
      journal = new Journal(conn);
      await ensureIndexes([journal.model, journal.marks]);
    });

    it('keys each number by journal, organization, year and padded sequence, and finds it by the complaint', async () => {
      const a = await journal.allocate('incoming', 'org-keys', 2026, 'c-keys-1');
      const b = await journal.allocate('incoming', 'org-keys', 2026, 'c-keys-2');
      expect([a._id, b._id]).toEqual([entryId('incoming', 'org-keys', 2026, 1), 'incoming:org-keys:2026:00000002']);
      expect(b.prevHash).toBe(a.hash);
      expect((await journal.findByComplaint('incoming', 'c-keys-2', 'org-keys'))?.sequence).toBe(2);
      expect(await journal.count('incoming', 'org-keys', 2026)).toBe(2);
      expect((await journal.page('incoming', 'org-keys', 2026, 1, 50)).map((e) => e.complaintId)).toEqual(['c-keys-2']);
    });

    it('R7 + R18: a forwarded complaint takes its own number in the receiving body\'s journal; the first body\'s entry stays', async () => {
      const first = await journal.allocate('incoming', 'org-first', 2026, 'c-fwd-1');
      await journal.allocate('incoming', 'org-second', 2026, 'c-other');
      const second = await journal.allocate('incoming', 'org-second', 2026, 'c-fwd-1');
      expect(second._id).toBe(entryId('incoming', 'org-second', 2026, 2));
      // Redelivered: the same number in each journal, no third entry.
      expect((await new Journal(conn).allocate('incoming', 'org-second', 2026, 'c-fwd-1'))._id).toBe(second._id);
      expect((await new Journal(conn).allocate('incoming', 'org-first', 2026, 'c-fwd-1'))._id).toBe(first._id);
      expect((await journal.findByComplaint('incoming', 'c-fwd-1', 'org-first'))?._id).toBe(first._id);
      expect((await journal.findByComplaint('incoming', 'c-fwd-1', 'org-second'))?._id).toBe(second._id);
      expect((await journal.all('incoming', 'org-first', 2026)).map((e) => e.complaintId)).toEqual(['c-fwd-1']);
      expect(verifyChain(await journal.all('incoming', 'org-second', 2026))).toEqual({ intact: true, entries: 2 });
    });

    it('gives a complaint whose mark a crash left unwritten its own number again, not a second one', async () => {
      for (let i = 1; i <= 5; i++) await journal.allocate('incoming', 'org-crash', 2026, `c-crash-${i}`);
      // The crash: entry 3 was inserted, its mark never was.
      await conn.collection('journal_marks').deleteMany({ _id: { $in: [markId('incoming', 'c-crash-3'), markId('incoming', 'c-crash-3', 'org-crash')] } } as never);
      const fresh = new Journal(conn); // a restarted process: nothing cached
      expect((await fresh.allocate('incoming', 'org-crash', 2026, 'c-crash-3')).sequence).toBe(3);
      expect((await fresh.allocate('incoming', 'org-crash', 2026, 'c-crash-6')).sequence).toBe(6);
      expect(await conn.collection('journal_marks').countDocuments({ _id: markId('incoming', 'c-crash-3') } as never)).toBe(1);
      expect(await conn.collection('journal_marks').countDocuments({ _id: markId('incoming', 'c-crash-3', 'org-crash') } as never)).toBe(1);
      const all = await fresh.all('incoming', 'org-crash', 2026);
      expect(all.map((e) => e.complaintId)).toEqual(['c-crash-1', 'c-crash-2', 'c-crash-3', 'c-crash-4', 'c-crash-5', 'c-crash-6']);
      expect(verifyChain(all)).toEqual({ intact: true, entries: 6 });
    });

    it('lets the audit see a removed entry as a gap, not as the end of the journal', async () => {
      for (let i = 1; i <= 4; i++) await journal.allocate('incoming', 'org-removed', 2026, `c-rm-${i}`);
      await conn.collection('journal_entries').deleteOne({ _id: entryId('incoming', 'org-removed', 2026, 2) as never });
      expect(verifyChain(await new Journal(conn).all('incoming', 'org-removed', 2026))).toMatchObject({ intact: false, firstBrokenSequence: 3 });
    });

    it('numbers one complaint asked for by two writers at once only once', async () => {
      const other = new Journal(await connectMongo(iso.env.MONGO_URL!, iso.dbName('registry'), logger));
      try {
        const runs = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? journal : other).allocate('outgoing', 'org-twice', 2026, `c-twice-${Math.floor(i / 2)}`)),
        );
        for (let k = 0; k < 10; k++) expect(runs[2 * k]!.sequence).toBe(runs[2 * k + 1]!.sequence);
        expect(runs.map((r) => r.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, i + 1]).flat());
        expect(await conn.collection('journal_entries').countDocuments({ organizationId: 'org-twice' })).toBe(10);
      } finally {
        await (other.model.db as Connection).close();
      }
    });
  });

  describe('migration from the previous version’s shapes', () => {
    const ORG = 'org-mig';
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    let mig: Connection;

    beforeAll(async () => {
      mig = await connectMongo(iso.env.MONGO_URL!, iso.dbName('migration'), logger);
      // The previous journal: unpadded `_id`, found by its two unique indexes.
      const entries = mig.collection<ChainedEntry & { _id: string }>('journal_entries');
      await entries.createIndex({ journal: 1, organizationId: 1, year: 1, sequence: 1 }, { unique: true });
      await entries.createIndex({ journal: 1, complaintId: 1 }, { unique: true });
      let prevHash = GENESIS_HASH;
      for (let i = 0; i < 3; i++) {
        const e = { journal: 'incoming' as const, organizationId: ORG, year: 2026, sequence: i + 1, complaintId: ids[i]!, allocatedAt: new Date(Date.UTC(2026, 10, 30, 5, i)), prevHash };
        const hash = entryHash(e);
        await entries.insertOne({ _id: `incoming:${ORG}:2026:${i + 1}`, ...e, hash });
        prevHash = hash;
      }
      // The registry's own events (the event log's migration is service-kit's own).
      const log = new EventLog(mig);
      for (let i = 0; i < 3; i++) await log.append(complaintRegistered(ORG, ids[i], new Date(Date.UTC(2026, 10, 30, 5, i)), i + 1));
      // Learned events, one document per event id, read by complaintId.
      const breached = createEvent({
        type: 'deadline.breached',
        source: 'deadline',
        subject: ids[1]!,
        correlationId: 't',
        data: { complaintId: ids[1]!, organizationId: ORG, rule: 'R8', dueOn: '2026-12-07', dueAt: '2026-12-07T18:59:59.999Z', scheduledFor: '2026-12-07T19:00:00.000Z', firedAt: '2026-12-07T19:00:01.000Z' },
      });
      const old = [complaintSubmitted(ORG, ids[0]), complaintSubmitted(ORG, ids[1]), breached];
      await mig.collection('case_events').createIndex({ complaintId: 1 });
      await mig.collection<{ _id: string }>('case_events').insertMany(old.map((e) => ({ _id: e.id, complaintId: e.subject, type: e.type, envelope: JSON.stringify(e) })));
      await runMigrations(mig, REGISTRY_MIGRATIONS, logger);
    });
    afterAll(async () => mig?.close());

    it('re-keys the journal and marks each complaint, keeping the chain and the numbering (R7)', async () => {
      const raw = await mig.collection('journal_entries').find({}).toArray();
      expect(raw.map((d) => d._id).sort()).toEqual([1, 2, 3].map((n) => entryId('incoming', ORG, 2026, n)));
      const journal = new Journal(mig);
      await ensureIndexes([journal.model, journal.marks]);
      expect((await journal.findByComplaint('incoming', ids[2]!, ORG))?.sequence).toBe(3);
      // Numbering goes on where the previous version stopped, chained to its last entry.
      const next = await journal.allocate('incoming', ORG, 2026, randomUUID());
      expect(next.sequence).toBe(4);
      expect(verifyChain(await journal.all('incoming', ORG, 2026))).toEqual({ intact: true, entries: 4 });
      // The complaint index is back: an old complaint cannot take a second number.
      expect((await journal.allocate('incoming', ORG, 2026, ids[0]!)).sequence).toBe(1);
    });

    it('moves the learned events into the complaint’s slots and drops the old collection', async () => {
      expect(await mig.db!.listCollections({ name: 'case_events' }).toArray()).toEqual([]);
      const cases = new CaseRepository(mig, new EventLog(mig));
      const c = await cases.find(ids[1]!);
      expect(c).toMatchObject({ status: 'REGISTERED', channel: 'PORTAL', overdue: true, registration: { sequence: 2 } });
      expect((await cases.find(ids[0]!)).overdue).toBe(false);
    });

    it('settles the statistics of the complaints registered before they were kept from events, once', async () => {
      const stats = new StatisticsRepository(mig);
      expect(await stats.counts(ORG, 2026)).toMatchObject({ registered: 3, overdue: 1, answered: 0, refused: 0 });
      // Repeated (a crash before the migration was recorded): nothing counts twice.
      for (const m of REGISTRY_MIGRATIONS) await m.run(mig, logger);
      expect(await new StatisticsRepository(mig).counts(ORG, 2026)).toMatchObject({ registered: 3, overdue: 1 });
      expect(await mig.collection('journal_entries').countDocuments({ organizationId: ORG })).toBe(4);
    });
  });

  describe('statistics', () => {
    it('settles a complaint idempotently, and a move written before a crash is applied on the next settle', async () => {
      const cases = new CaseRepository(conn, new EventLog(conn));
      const log = new EventLog(conn);
      const id = randomUUID();
      await log.append(complaintRegistered('org-stats', id));
      const stats = new StatisticsRepository(conn);
      await stats.settle(await cases.find(id));
      await stats.settle(await cases.find(id));
      expect((await stats.counts('org-stats', 2026)).registered).toBe(1);

      // The crash: the move to "overdue" was written, its counters were not.
      await conn.collection('registry_stat_moves').insertOne({
        _id: `${id}:0002`,
        n: 2,
        from: { organizationId: 'org-stats', year: 2026, flags: ['registered'] },
        to: { organizationId: 'org-stats', year: 2026, flags: ['registered', 'overdue'] },
        at: new Date(),
      } as never);
      const restarted = new StatisticsRepository(conn);
      await restarted.settle({ ...(await cases.find(id)), overdue: true });
      expect(await restarted.counts('org-stats', 2026)).toMatchObject({ registered: 1, overdue: 1 });
      await restarted.settle(await cases.find(id)); // no longer overdue
      expect(await new StatisticsRepository(conn).counts('org-stats', 2026)).toMatchObject({ registered: 1, overdue: 0 });
    });
  });
});

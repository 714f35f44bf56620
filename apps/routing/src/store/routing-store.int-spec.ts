import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { createLogger, mongoOptions, runMigrations } from '@shagym/service-kit';
import { dropAndClose, infraEnv, storeConnections } from '@shagym/testing';
import { COMPLAINT_FACTS_SLOTS_MIGRATION, ComplaintFactsRepository } from './complaint-facts';
import { DirectoryRepository } from './directory-repository';
import { WORKLOAD_SLOTS_MIGRATION, WorkloadRepository, type WorkloadFact } from './workload-repository';
import type { Official, Organization } from '../domain/directory';

/**
 * Routing's key-first store (architecture.md, "Reads that do not grow with the data") on the
 * real FerretDB: workload counts from slot lists under concurrent writers on separate
 * connections, the migration of documents in the shapes the previous version wrote, and the
 * in-memory directory kept fresh by `_id` reads. A test may read the database any way it likes.
 */
describe('routing store on FerretDB', () => {
  const { MONGO_URL } = infraEnv();
  const dbName = `t_routingstore_${process.pid}_${Date.now() % 100000}`;
  const logger = createLogger('test', 'silent');
  let conns: Connection[];

  beforeAll(async () => {
    conns = await storeConnections(dbName);
  });
  afterAll(() => dropAndClose(conns));

  const fact = (officialId: string, complaintId: string, delta: 1 | -1, eventId = randomUUID()): WorkloadFact => ({
    _id: `${eventId}:${officialId}:${delta > 0 ? 'open' : 'close'}`,
    officialId,
    complaintId,
    delta,
    eventId,
    at: new Date(),
  });

  describe('workload (R2: the suggestion takes the least loaded executor)', () => {
    it('counts every assignment made at once from three processes to one official, and a redelivery adds nothing', async () => {
      const official = `off-${randomUUID()}`;
      const repos = conns.map((c) => new WorkloadRepository(c));
      // 30 complaints on different partitions (so different consumers) assigned to one official at once.
      const facts = Array.from({ length: 30 }, () => fact(official, randomUUID(), 1));
      await Promise.all(facts.map((f, i) => repos[i % 3]!.record([f])));
      for (const r of repos) expect((await r.openAssignments([official])).get(official)).toBe(30);
      // Redelivered to another process: one complaint's events have one consumer at a time (its partition's), so each fact is re-recorded alone.
      await Promise.all([0, 1, 2].map(async (k) => {
        for (const f of facts.filter((_, i) => i % 3 === k)) await repos[(k + 1) % 3]!.record([f]);
      }));
      // Ten of them closed (answered, R9) at once.
      const closes = facts.slice(0, 10).map((f) => fact(official, f.complaintId, -1));
      await Promise.all(closes.map((f, i) => repos[i % 3]!.record([f])));
      expect((await new WorkloadRepository(conns[0]!).openAssignments([official, 'off-nobody'])).get(official)).toBe(20);
      expect((await repos[1]!.openAssignments(['off-nobody'])).get('off-nobody')).toBe(0);
      // The official's lists are gapless slots: exactly 30 opened and 10 closed were written.
      const slots = conns[0]!.db!.collection('workload_slots');
      expect(await slots.countDocuments({ list: `opened:${official}` })).toBe(30);
      expect(await slots.countDocuments({ list: `closed:${official}` })).toBe(10);
    });

    it('knows who holds a complaint from its own short list (reassignment moves it)', async () => {
      const repo = new WorkloadRepository(conns[0]!);
      const complaintId = randomUUID();
      expect(await repo.holdersOf(complaintId)).toEqual([]);
      await repo.record([fact('off-a', complaintId, 1)]);
      const reassigned = randomUUID();
      await repo.record([fact('off-a', complaintId, -1, reassigned), fact('off-b', complaintId, 1, reassigned)]);
      expect(await new WorkloadRepository(conns[1]!).holdersOf(complaintId)).toEqual(['off-b']);
    });
  });

  describe('complaint facts', () => {
    it('folds a complaint’s facts in order and knows it closed (R9/R17), from another process too', async () => {
      const repo = new ComplaintFactsRepository(conns[0]!);
      const complaintId = randomUUID();
      expect(await repo.factsOf(complaintId)).toBeNull();
      const submitted = randomUUID();
      await repo.record({ eventId: submitted, complaintId, kind: 'SUBMITTED', addresseeOrganizationId: 'org-a', complainantRegion: 'MANGYSTAU', complainantIin: '900101300017', at: new Date() });
      await repo.record({ eventId: submitted, complaintId, kind: 'SUBMITTED', addresseeOrganizationId: 'org-a', complainantRegion: 'MANGYSTAU', complainantIin: '900101300017', at: new Date() });
      await repo.record({ eventId: randomUUID(), complaintId, kind: 'REGISTERED', registeredOn: '2026-12-01', at: new Date() });
      const other = new ComplaintFactsRepository(conns[1]!);
      expect(await other.factsOf(complaintId)).toEqual({ addresseeOrganizationId: 'org-a', complainantRegion: 'MANGYSTAU', complainantIin: '900101300017', registeredOn: '2026-12-01' });
      expect(await conns[0]!.db!.collection('complaint_fact_slots').countDocuments({ list: `complaint:${complaintId}` })).toBe(2);
      expect(await other.isClosed(complaintId)).toBe(false);
      await repo.recordClosed(complaintId, randomUUID(), new Date());
      await repo.recordClosed(complaintId, randomUUID(), new Date()); // a refusal after the answer: still one closing
      expect(await other.isClosed(complaintId)).toBe(true);
      expect(await conns[0]!.db!.collection('complaint_closed').findOne({ _id: `closed:${complaintId}` as never })).not.toBeNull();
    });
  });

  describe('migration from the previous version’s collections', () => {
    it('moves complaint_facts and workload_facts documents to their keys, keeps every count, and repeats safely', async () => {
      const db = `t_routingmig_${process.pid}_${Date.now() % 100000}`;
      const conn = await mongoose.createConnection(MONGO_URL, mongoOptions(db)).asPromise();
      try {
        const c1 = randomUUID();
        const c2 = randomUUID();
        const t = (s: number) => new Date(Date.UTC(2026, 10, 30, 5, 0, s));
        // Exactly what the previous version stored (store/complaint-facts.ts, store/workload-repository.ts before 2026-12-02).
        const oldFacts = conn.db!.collection('complaint_facts');
        await oldFacts.createIndex({ complaintId: 1 });
        await oldFacts.insertMany([
          { _id: 'e-sub-1', complaintId: c1, kind: 'SUBMITTED', addresseeOrganizationId: 'org-psc-aktau', complainantRegion: 'MANGYSTAU', complainantIin: '900101300017', at: t(1) },
          { _id: 'e-reg-1', complaintId: c1, kind: 'REGISTERED', registeredOn: '2026-11-30', at: t(2) },
          { _id: 'e-ans-1', complaintId: c1, kind: 'CLOSED', at: t(9) },
          { _id: 'e-sub-2', complaintId: c2, kind: 'SUBMITTED', addresseeOrganizationId: 'org-psc-aktau', complainantRegion: null, complainantBin: '000140000025', at: t(3) },
          { _id: 'e-reg-2', complaintId: c2, kind: 'REGISTERED', registeredOn: '2026-11-30', at: t(4) },
        ] as never[]);
        const oldWorkload = conn.db!.collection('workload_facts');
        await oldWorkload.createIndex({ officialId: 1 });
        await oldWorkload.createIndex({ complaintId: 1 });
        await oldWorkload.insertMany([
          { _id: 'e-as-1:off-1:open', officialId: 'off-1', complaintId: c1, delta: 1, eventId: 'e-as-1', at: t(5) },
          { _id: 'e-ans-1:off-1:close', officialId: 'off-1', complaintId: c1, delta: -1, eventId: 'e-ans-1', at: t(9) },
          { _id: 'e-as-2:off-1:open', officialId: 'off-1', complaintId: c2, delta: 1, eventId: 'e-as-2', at: t(6) },
          { _id: 'e-re-2:off-1:close', officialId: 'off-1', complaintId: c2, delta: -1, eventId: 'e-re-2', at: t(7) },
          { _id: 'e-re-2:off-2:open', officialId: 'off-2', complaintId: c2, delta: 1, eventId: 'e-re-2', at: t(7) },
        ] as never[]);
        // A crash half-way through an earlier attempt: one fact already moved, its old document still there.
        await new WorkloadRepository(conn).record([{ _id: 'e-as-1:off-1:open', officialId: 'off-1', complaintId: c1, delta: 1, eventId: 'e-as-1', at: t(5) }]);

        await runMigrations(conn, [COMPLAINT_FACTS_SLOTS_MIGRATION, WORKLOAD_SLOTS_MIGRATION], logger);

        const names = (await conn.db!.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
        expect(names).not.toContain('complaint_facts');
        expect(names).not.toContain('workload_facts');
        const applied = await conn.db!.collection('migrations').find({}).toArray();
        expect(applied.map((m) => [m._id, m.moved])).toEqual(expect.arrayContaining([[COMPLAINT_FACTS_SLOTS_MIGRATION.id, 5], [WORKLOAD_SLOTS_MIGRATION.id, 5]]));

        const facts = new ComplaintFactsRepository(conn);
        expect(await facts.factsOf(c1)).toEqual({ addresseeOrganizationId: 'org-psc-aktau', complainantRegion: 'MANGYSTAU', complainantIin: '900101300017', registeredOn: '2026-11-30' });
        expect(await facts.factsOf(c2)).toEqual({ addresseeOrganizationId: 'org-psc-aktau', complainantRegion: null, complainantBin: '000140000025', registeredOn: '2026-11-30' });
        expect(await facts.isClosed(c1)).toBe(true);
        expect(await facts.isClosed(c2)).toBe(false);
        const workload = new WorkloadRepository(conn);
        expect(Object.fromEntries(await workload.openAssignments(['off-1', 'off-2']))).toEqual({ 'off-1': 0, 'off-2': 1 });
        expect(await workload.holdersOf(c1)).toEqual([]);
        expect(await workload.holdersOf(c2)).toEqual(['off-2']);
        // The fact moved before the "crash" was not counted twice.
        expect(await conn.db!.collection('workload_slots').countDocuments({ list: 'opened:off-1' })).toBe(2);

        // Run again (as a crash before the migration was recorded would): nothing changes.
        await conn.db!.collection('migrations').deleteMany({});
        await runMigrations(conn, [COMPLAINT_FACTS_SLOTS_MIGRATION, WORKLOAD_SLOTS_MIGRATION], logger);
        expect(Object.fromEntries(await new WorkloadRepository(conn).openAssignments(['off-1', 'off-2']))).toEqual({ 'off-1': 0, 'off-2': 1 });
      } finally {
        await conn.dropDatabase();
        await conn.close();
      }
    });
  });

  describe('directory in memory', () => {
    const org = (id: string, over: Partial<Organization> = {}): Organization => ({
      id, code: id.replace(/[^A-Za-z0-9]/g, '').slice(-10).toUpperCase(), kind: 'PSC', name: { ru: `ЦОН ${id}`, kk: `ХҚКО ${id}`, en: `PSC ${id}` }, region: 'MANGYSTAU', acceptsComplaints: true, ...over,
    });
    const official = (id: string, organizationId: string, over: Partial<Official> = {}): Official => ({
      id, organizationId, fullName: `Official ${id}`, position: { ru: 'Менеджер', kk: 'Менеджер', en: 'Manager' }, roles: ['EXECUTOR'], active: true, ...over,
    });

    it('answers lists from memory after one start-up read, and follows another process’s change once its event arrives', async () => {
      const here = new DirectoryRepository(conns[0]!);
      const suffix = randomUUID().slice(0, 6);
      await here.saveOrganization(org(`org-a-${suffix}`, { services: ['svc-x'] }));
      await here.saveOrganization(org(`org-b-${suffix}`, { parentId: `org-a-${suffix}`, kind: 'SERVICE_PROVIDER' }));
      await here.saveOfficial(official(`off-2-${suffix}`, `org-a-${suffix}`));
      await here.saveOfficial(official(`off-1-${suffix}`, `org-a-${suffix}`));
      expect((await here.officialsOf(`org-a-${suffix}`)).map((o) => o.id)).toEqual([`off-1-${suffix}`, `off-2-${suffix}`]);
      expect((await here.childrenOf(`org-a-${suffix}`)).map((o) => o.id)).toEqual([`org-b-${suffix}`]);
      expect((await here.listOrganizations({ service: 'svc-x' })).map((o) => o.id)).toEqual([`org-a-${suffix}`]);
      expect((await here.listOrganizations({ kind: 'SERVICE_PROVIDER', search: `PSC org-b-${suffix}` })).map((o) => o.id)).toEqual([`org-b-${suffix}`]);

      // Another process (the seed command) moves an official to the other body.
      const there = new DirectoryRepository(conns[1]!);
      await there.saveOfficial(official(`off-2-${suffix}`, `org-b-${suffix}`, { active: false }));
      expect((await here.officialsOf(`org-a-${suffix}`)).map((o) => o.id)).toEqual([`off-1-${suffix}`, `off-2-${suffix}`]);
      await here.refreshFromEvent({ id: randomUUID(), type: 'official.upserted', subject: `off-2-${suffix}` });
      expect((await here.officialsOf(`org-a-${suffix}`)).map((o) => o.id)).toEqual([`off-1-${suffix}`]);
      expect(await here.officialsOf(`org-b-${suffix}`)).toEqual([expect.objectContaining({ id: `off-2-${suffix}`, active: false })]);

      // A third process starting now reads the whole directory once, as it stands.
      const fresh = new DirectoryRepository(conns[2]!);
      expect((await fresh.officialsOf(`org-b-${suffix}`)).map((o) => o.id)).toEqual([`off-2-${suffix}`]);
      // What a caller does with what it got does not change the directory.
      const got = (await fresh.organization(`org-a-${suffix}`))!;
      got.services!.push('svc-y');
      expect((await fresh.organization(`org-a-${suffix}`))!.services).toEqual(['svc-x']);
    });
  });
});

import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { createLogger, mongoOptions, runMigrations } from '@shagym/service-kit';
import { complaintAnswered, complaintRefused, dropAndClose, infraEnv, storeConnections, whyNotPoint } from '@shagym/testing';
import { INTAKE_MIGRATIONS, IntakeFactsRepository, MATTER_FIRSTS_MIGRATION, matterId } from './intake-facts';

/**
 * Intake's facts on the real FerretDB (architecture.md, "Reads that do not grow with the
 * data"): the repeat check and the reply check are point reads by `_id`, the first complaint
 * about a matter stays the first under concurrent writers, and data in the old shapes moves.
 */
describe('intake facts, key-first, on FerretDB', () => {
  const { MONGO_URL } = infraEnv();
  const dbName = `t_intakefacts_${process.pid}_${Date.now() % 100000}`;
  const logger = createLogger('test', 'silent');
  let conns: Connection[];

  beforeAll(async () => {
    // Monitored, so that a test can see the filters the repository sends.
    conns = await storeConnections(dbName);
  });
  afterAll(() => dropAndClose(conns));

  it('keeps the first complaint about a matter when many are filed at once from three connections', async () => {
    const repos = conns.map((c) => new IntakeFactsRepository(c));
    const who = `IIN:${randomUUID()}`;
    const ids = Array.from({ length: 12 }, () => randomUUID());
    await Promise.all(ids.map((id, i) => repos[i % 3]!.rememberMatter(id, who, 'org-a', 'очередь в цон 3 часа')));
    const seen = await Promise.all(repos.map((r) => r.earliestSameMatter(who, 'org-a', 'очередь в цон 3 часа')));
    expect(new Set(seen).size).toBe(1);
    expect(ids).toContain(seen[0]);
    // A later complaint never takes the place of the first (insert-only: no lost update).
    await repos[1]!.rememberMatter(randomUUID(), who, 'org-a', 'очередь в цон 3 часа');
    expect(await repos[2]!.earliestSameMatter(who, 'org-a', 'очередь в цон 3 часа')).toBe(seen[0]);
    // Another body or another matter is another key.
    expect(await repos[0]!.earliestSameMatter(who, 'org-b', 'очередь в цон 3 часа')).toBeNull();
    expect(await repos[0]!.earliestSameMatter(who, 'org-a', 'грубость сотрудника')).toBeNull();
  });

  it('knows a complaint was replied or refused (R9, R17) once, whatever is redelivered', async () => {
    const repo = new IntakeFactsRepository(conns[0]!);
    const id = randomUUID();
    expect(await repo.wasReplied(id)).toBe(false);
    const answered = complaintAnswered('org-a', id);
    await repo.learnReply(answered);
    await new IntakeFactsRepository(conns[1]!).learnReply(answered); // redelivered, another process
    await repo.learnReply(complaintRefused('org-a', id));
    expect(await new IntakeFactsRepository(conns[2]!).wasReplied(id)).toBe(true);
    const slots = await conns[0]!.db!.collection('reply_slots').find({ list: `replies:${id}` }).toArray();
    expect(slots.map((s) => s.data.type).sort()).toEqual(['complaint.answered', 'complaint.refused']);
  });

  it('reads and writes only by _id (one id, or a batch of ids): the filters FerretDB answers from its _id index', async () => {
    const conn = conns[0]!;
    const repo = new IntakeFactsRepository(conn);
    const filters: Array<{ command: string; filter: unknown }> = [];
    const listener = (e: { commandName: string; command: Record<string, any> }) => {
      if (e.commandName === 'find' || e.commandName === 'count') filters.push({ command: e.commandName, filter: e.command.filter ?? e.command.query });
      if (e.commandName === 'aggregate') filters.push({ command: e.commandName, filter: e.command.pipeline?.[0] });
      if (e.commandName === 'update') for (const u of e.command.updates) filters.push({ command: 'update', filter: u.q });
      if (e.commandName === 'delete') for (const d of e.command.deletes) filters.push({ command: 'delete', filter: d.q });
    };
    conn.getClient().on('commandStarted', listener);
    try {
      const who = `BIN:${randomUUID()}`;
      const id = randomUUID();
      await repo.earliestSameMatter(who, 'org-a', 'матер');
      await repo.rememberMatter(id, who, 'org-a', 'матер');
      await repo.earliestSameMatter(who, 'org-a', 'матер');
      await repo.wasReplied(id);
      await repo.learnReply(complaintAnswered('org-a', id));
      await repo.wasReplied(id);
    } finally {
      conn.getClient().off('commandStarted', listener);
    }
    expect(filters.length).toBeGreaterThan(0);
    // {_id}, {_id: {$eq}} or {_id: {$in: [...]}} (a coalesced batch): what the _id index answers.
    expect(filters.map(({ command, filter }) => ({ command, filter, why: whyNotPoint(filter) })).filter((f) => f.why !== null)).toEqual([]);
  });

  describe('migrations from the shapes the previous version wrote', () => {
    let c: Connection;
    const mdb = `${dbName}_m`;
    beforeEach(async () => {
      c = await mongoose.createConnection(MONGO_URL, mongoOptions(`${mdb}_${randomUUID().slice(0, 6)}`)).asPromise();
    });
    afterEach(async () => {
      await c.dropDatabase();
      await c.close();
    });

    /** What the previous intake wrote: one matter document per complaint, one reply fact per event. */
    async function writeOldShapes() {
      const matters = c.db!.collection<{ _id: string; complainant: string; addresseeId: string; matter: string; at: Date }>('matters');
      await matters.createIndex({ complainant: 1, addresseeId: 1, matter: 1, at: 1 });
      await matters.insertMany([
        { _id: 'c-later', complainant: 'IIN:900101300017', addresseeId: 'org-a', matter: 'очередь в цон', at: new Date('2026-11-20T10:00:00Z') },
        { _id: 'c-first', complainant: 'IIN:900101300017', addresseeId: 'org-a', matter: 'очередь в цон', at: new Date('2026-11-10T10:00:00Z') },
        { _id: 'c-other', complainant: 'IIN:900101300017', addresseeId: 'org-b', matter: 'очередь в цон', at: new Date('2026-11-15T10:00:00Z') },
      ]);
      const replies = c.db!.collection<{ _id: string; complaintId: string; type: string }>('reply_facts');
      await replies.createIndex({ complaintId: 1 });
      await replies.insertMany([
        { _id: randomUUID(), complaintId: 'c-first', type: 'complaint.answered' },
        { _id: randomUUID(), complaintId: 'c-first', type: 'complaint.refused' },
        { _id: randomUUID(), complaintId: 'c-other', type: 'complaint.refused' },
      ]);
    }

    it('moves every old document under its new key, the earliest complaint staying the first, once', async () => {
      await writeOldShapes();
      await runMigrations(c, INTAKE_MIGRATIONS, logger);
      await runMigrations(c, INTAKE_MIGRATIONS, logger); // recorded: runs once

      const repo = new IntakeFactsRepository(c);
      expect(await repo.earliestSameMatter('IIN:900101300017', 'org-a', 'очередь в цон')).toBe('c-first');
      expect(await repo.earliestSameMatter('IIN:900101300017', 'org-b', 'очередь в цон')).toBe('c-other');
      expect(await repo.wasReplied('c-first')).toBe(true);
      expect(await repo.wasReplied('c-other')).toBe(true);
      expect(await repo.wasReplied('c-later')).toBe(false);
      // Nothing dropped: both reply facts of c-first are in its slots; the old collections are gone.
      expect(await c.db!.collection('reply_slots').countDocuments({ list: 'replies:c-first' })).toBe(2);
      const names = (await c.db!.listCollections().toArray()).map((x) => x.name);
      expect(names).not.toContain('matters');
      expect(names).not.toContain('reply_facts');
      const applied = await c.db!.collection<{ _id: string; moved: number }>('migrations').find({}).toArray();
      expect(applied.map((m) => [m._id, m.moved]).sort()).toEqual([
        ['2026-12-02-intake-matter-firsts', 3],
        ['2026-12-02-intake-reply-slots', 3],
      ]);
    });

    it('completes a migration a crash interrupted between the insert and the removal', async () => {
      await writeOldShapes();
      // The crash: c-first was inserted under its new key, its old document still there.
      await c.db!.collection('matter_firsts').insertOne({
        _id: matterId('IIN:900101300017', 'org-a', 'очередь в цон') as never,
        complaintId: 'c-first',
        complainant: 'IIN:900101300017',
        addresseeId: 'org-a',
        matter: 'очередь в цон',
        at: new Date('2026-11-10T10:00:00Z'),
      });
      await MATTER_FIRSTS_MIGRATION.run(c, logger);
      const firsts = await c.db!.collection('matter_firsts').find({}).toArray();
      expect(firsts.map((d) => d.complaintId).sort()).toEqual(['c-first', 'c-other']);
    });
  });
});

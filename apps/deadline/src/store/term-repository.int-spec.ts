import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { complaintRegistered, dropAndClose, infraEnv, storeConnections, whyNotPoint } from '@shagym/testing';
import { createLogger, ensureIndexes, mongoOptions, runMigrations } from '@shagym/service-kit';
import type { TermRecord } from '../domain/deadline';
import type { PlannedTimer } from '../domain/term';
import { DEADLINE_MIGRATIONS } from './migrations';
import { ParkedTermRepository } from './parked-term-repository';
import { ParkedTimerRepository } from './parked-timer-repository';
import { TermRepository, timerIdOf } from './term-repository';

/**
 * The deadline store's key-first model on the real FerretDB (architecture.md, "Reads that do
 * not grow with the data"): leases and lists under concurrent writers on separate connections,
 * every hot read and write by `_id` alone (command monitoring), and the migration of
 * documents written by the previous version.
 */
describe('deadline store on FerretDB (key-first)', () => {
  const { MONGO_URL } = infraEnv();
  const dbName = `t_dlstore_${process.pid}_${Date.now() % 100000}`;
  const logger = createLogger('test', 'silent');
  let conns: Connection[];

  beforeAll(async () => {
    conns = await storeConnections(dbName);
    await ensureIndexes(new TermRepository(conns[0]!).models);
  });
  afterAll(() => dropAndClose(conns));

  const term = (complaintId: string, organizationId = 'org-s'): TermRecord => ({
    termId: randomUUID(),
    complaintId,
    organizationId,
    rule: 'R8', // 5 working days (R8)
    termWorkingDays: 5,
    startsOn: '2026-11-30',
    dueOn: '2026-12-07',
    dueAt: '2026-12-07T18:59:59.999Z',
  });
  const planned: PlannedTimer[] = [
    { kind: 'WARNING', warning: '1@09:00', fireAt: new Date('2026-12-04T04:00:00.000Z') },
    { kind: 'WARNING', warning: '0@09:00', fireAt: new Date('2026-12-07T04:00:00.000Z') },
    { kind: 'BREACH', fireAt: new Date('2026-12-07T19:00:00.000Z') },
  ];

  it('a lease is taken by one of many racing instances, and the next attempt only once it expired', async () => {
    const repos = conns.map((c) => new TermRepository(c));
    const t = term(randomUUID());
    await repos[0]!.recordTerm(t, planned);
    const timerId = timerIdOf(t.termId, planned[2]!);
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => repos[i % 3]!.lease(timerId, `owner-${i}`, now, 60_000)));
    expect(results.filter((r) => r.status === 'TAKEN')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'HELD')).toHaveLength(11);
    // The owner died: after the lease, exactly one other instance takes attempt 1.
    const later = new Date(now.getTime() + 60_001);
    const again = await Promise.all(Array.from({ length: 6 }, (_, i) => repos[i % 3]!.lease(timerId, `late-${i}`, later, 60_000)));
    expect(again.filter((r) => r.status === 'TAKEN')).toHaveLength(1);
    expect(again.find((r) => r.status === 'TAKEN')).toEqual({ status: 'TAKEN', attempt: 1 });
    // Its owner, whose attempt failed, takes the next one at once (it retries on its own backoff,
    // issue 15); anyone else still waits for the lease.
    const owner = `late-${again.findIndex((r) => r.status === 'TAKEN')}`;
    expect(await repos[0]!.lease(timerId, 'someone-else', later, 60_000)).toMatchObject({ status: 'HELD' });
    expect(await repos[1]!.lease(timerId, owner, later, 60_000)).toEqual({ status: 'TAKEN', attempt: 2 });
    const leases = await conns[0]!.db!.collection('deadline_timer_leases').find({ timerId }).sort({ attempt: 1 }).toArray();
    expect(leases.map((l) => l._id)).toEqual([`${timerId}:0`, `${timerId}:1`, `${timerId}:2`]);
    // Done: a lease after the mark finds nothing to do.
    await repos[1]!.markDone(timerId, 'FIRED', later);
    expect(await repos[2]!.lease(timerId, 'x', new Date(later.getTime() + 120_000), 60_000)).toEqual({ status: 'DONE' });
  });

  it('a term recorded twice at once (a redelivery on two instances) lists each timer once; cancelling finds them by the list', async () => {
    const repos = conns.map((c) => new TermRepository(c));
    const complaintId = randomUUID();
    const t = term(complaintId);
    const written = await Promise.all(repos.map((r) => r.recordTerm(t, planned)));
    expect(written.every((w) => w.length === 3)).toBe(true);
    const fresh = new TermRepository(conns[2]!);
    // Three writers at once may each take a slot for one timer; readers see each timer once.
    expect(await fresh.timerLists.count(`timers:${complaintId}`)).toBeGreaterThanOrEqual(3);
    expect((await fresh.timersOf(complaintId)).map((x) => x.kind).sort()).toEqual(['BREACH', 'WARNING', 'WARNING']);
    expect((await fresh.pendingTimersOf(complaintId)).map((x) => x.fireAt.toISOString())).toEqual(planned.map((p) => p.fireAt.toISOString()));
    await fresh.markDone(timerIdOf(t.termId, planned[0]!), 'FIRED', new Date());
    const cancelled = await repos[0]!.cancelTimers(complaintId);
    expect(cancelled.sort()).toEqual([timerIdOf(t.termId, planned[1]!), timerIdOf(t.termId, planned[2]!)].sort());
    expect(await fresh.pendingTimersOf(complaintId)).toEqual([]);
    const outcomes = await conns[0]!.db!.collection('deadline_timers').find({ complaintId }).toArray();
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['CANCELLED', 'CANCELLED', 'FIRED']);
  });

  it('breaches listed per organization once each, from concurrent writers', async () => {
    const repos = conns.map((c) => new TermRepository(c));
    const org = `org-${randomUUID()}`;
    const terms = Array.from({ length: 9 }, () => term(randomUUID(), org));
    const timers = (await Promise.all(terms.map((t) => repos[0]!.recordTerm(t, planned)))).map((w) => w.find((x) => x.kind === 'BREACH')!);
    // Every breach recorded by two instances (a crash before the mark fires it again: a duplicate).
    await Promise.all([...timers, ...timers].map((t, i) => repos[i % 3]!.recordBreach(t, new Date())));
    const listed = await new TermRepository(conns[1]!).breaches(org);
    expect(listed).toHaveLength(9);
    expect(new Set(listed.map((b) => b.termId))).toEqual(new Set(terms.map((t) => t.termId)));
  });

  it('every hot read and write filters by _id alone', async () => {
    const c = conns[1]!;
    const seen: Array<{ command: string; filter: unknown }> = [];
    const client = c.getClient();
    const listener = (ev: { commandName: string; command: Record<string, unknown> }) => {
      const cmd = ev.command;
      if (ev.commandName === 'find') seen.push({ command: 'find', filter: cmd.filter });
      if (ev.commandName === 'update') for (const u of cmd.updates as Array<{ q: unknown }>) seen.push({ command: 'update', filter: u.q });
      if (ev.commandName === 'delete') for (const d of cmd.deletes as Array<{ q: unknown }>) seen.push({ command: 'delete', filter: d.q });
      if (['count', 'aggregate', 'distinct', 'findAndModify'].includes(ev.commandName)) seen.push({ command: ev.commandName, filter: cmd.query ?? cmd.pipeline });
    };
    client.on('commandStarted', listener);
    try {
      const repo = new TermRepository(c);
      const parked = new ParkedTermRepository(c);
      const complaintId = randomUUID();
      const t = term(complaintId);
      const [, , breach] = await repo.recordTerm(t, planned);
      await repo.lease(breach!.timerId, 'me', new Date(), 1_000);
      await repo.recordBreach(breach!, new Date());
      await repo.markDone(breach!.timerId, 'FIRED', new Date());
      await repo.timersOf(complaintId);
      await repo.pendingTimersOf(complaintId);
      await repo.breaches('org-s', 50);
      await repo.cancelTimers(complaintId);
      const cause = complaintRegistered('org-s', complaintId);
      await parked.park({ causeId: cause.id, complaintId, year: 2031, reason: 'no data for 2031', cause });
      expect((await parked.waitingOf(complaintId))?.year).toBe(2031);
      await parked.resolve(cause.id);
      expect(await parked.waitingOf(complaintId)).toBeNull();
      expect(await parked.waitingOf(randomUUID())).toBeNull();
      // Issue 15: parking a failing timer, listing, finding and resuming it are point reads too.
      const parkedTimers = new ParkedTimerRepository(c);
      const [warning] = await repo.recordTerm(term(randomUUID()), planned);
      await parkedTimers.park(warning!, { reason: 'Error: test', failures: 5, correlationId: `deadline-timer-${warning!.timerId}`, lastAttempt: 4 }, new Date());
      expect(await parkedTimers.countedFrom(warning!.timerId)).toBe(0);
      expect((await parkedTimers.parked('org-s')).map((p) => p.timerId)).toContain(warning!.timerId);
      expect((await parkedTimers.resume(warning!.timerId, 'sup', new Date()))?.resumedBy).toBe('sup');
      expect(await parkedTimers.countedFrom(warning!.timerId)).toBe(5);
      expect((await parkedTimers.find(warning!.timerId))?.resumedAt).toEqual(expect.any(Date));
      expect((await parkedTimers.parked(null)).map((p) => p.timerId)).not.toContain(warning!.timerId);
    } finally {
      client.off('commandStarted', listener);
    }
    expect(seen.length).toBeGreaterThan(10);
    // {_id}, {_id: {$eq}} and {_id: {$in}} are point reads (FerretDB patches 0001, 0003; libs/testing key-first).
    const notPoint = seen.filter((s) => whyNotPoint(s.filter) !== null);
    expect(notPoint).toEqual([]);
  });

  it('migrates the documents of the previous version: lists built from old timers and parkings, nothing lost, safe to repeat', async () => {
    const mdb = `${dbName}_m`;
    const c = await mongoose.createConnection(MONGO_URL, mongoOptions(mdb)).asPromise();
    try {
      const complaintId = randomUUID();
      const stoppedId = randomUUID();
      const termId = randomUUID();
      const stoppedTermId = randomUUID();
      const old = (id: string, tid: string, cid: string, kind: string, fireAt: string, done: null | string, outcome: string | null, termStoppedAt: Date | null = null) => ({
        _id: id as never,
        termId: tid,
        complaintId: cid,
        organizationId: 'org-old',
        kind,
        ...(kind === 'WARNING' ? { warning: '1@09:00' } : {}),
        fireAt: new Date(fireAt),
        doneAt: done ? new Date(done) : null,
        outcome,
        termStoppedAt,
      });
      // As the previous version wrote them, with its secondary indexes.
      const timers = c.db!.collection('deadline_timers');
      await timers.createIndex({ doneAt: 1, fireAt: 1 });
      await timers.createIndex({ complaintId: 1 });
      await timers.insertMany([
        old(timerIdOf(termId, { kind: 'WARNING', warning: '1@09:00' }), termId, complaintId, 'WARNING', '2026-12-04T04:00:00.000Z', '2026-12-04T05:00:00.000Z', 'FIRED'),
        old(timerIdOf(termId, { kind: 'BREACH' }), termId, complaintId, 'BREACH', '2026-12-07T19:00:00.000Z', '2026-12-08T05:00:00.000Z', 'FIRED'),
        old(timerIdOf(stoppedTermId, { kind: 'BREACH' }), stoppedTermId, stoppedId, 'BREACH', '2026-12-07T19:00:00.000Z', '2026-12-08T05:00:00.000Z', 'FIRED', new Date('2026-12-09T05:00:00.000Z')),
        old(timerIdOf(stoppedTermId, { kind: 'WARNING', warning: '1@09:00' }), stoppedTermId, stoppedId, 'WARNING', '2026-12-20T04:00:00.000Z', null, null),
      ]);
      await c.db!.collection('deadline_timer_leases').createIndex({ timerId: 1, attempt: 1 }, { unique: true });
      const cause = complaintRegistered('org-old', complaintId);
      const parkedColl = c.db!.collection('deadline_parked_terms');
      await parkedColl.createIndex({ year: 1, resolvedAt: 1 });
      await parkedColl.insertOne({ _id: cause.id as never, complaintId, year: 2031, reason: 'no data for 2031', cause: JSON.stringify(cause), parkedAt: new Date(), resolvedAt: null });

      await runMigrations(c, DEADLINE_MIGRATIONS, logger);
      const moved = await Promise.all(DEADLINE_MIGRATIONS.map((m) => m.run(c, logger))); // a crash before it was recorded: run again
      expect(moved).toEqual([5, 1]); // 4 timers + 1 overdue breach; 1 parking — appended idempotently

      const repo = new TermRepository(c);
      expect((await repo.timersOf(complaintId)).map((t) => t.kind)).toEqual(['WARNING', 'BREACH']);
      expect(await repo.timerLists.count(`timers:${complaintId}`)).toBe(2);
      expect((await repo.pendingTimersOf(stoppedId)).map((t) => t.kind)).toEqual(['WARNING']);
      // The overdue list holds the fired breach whose term did not stop.
      expect(await repo.breaches('org-old')).toEqual([{ complaintId, termId }]);
      expect((await repo.pendingTimers()).map((t) => t.complaintId)).toEqual([stoppedId]);
      expect((await new ParkedTermRepository(c).waitingOf(complaintId))?.causeId).toBe(cause.id);
      // Old documents kept (they are still the timers' state); secondary indexes gone.
      expect(await timers.countDocuments({})).toBe(4);
      expect((await timers.indexes()).map((i) => i.name)).toEqual(['_id_']);
      expect((await parkedColl.indexes()).map((i) => i.name)).toEqual(['_id_']);
    } finally {
      await c.dropDatabase();
      await c.close();
    }
  });
});

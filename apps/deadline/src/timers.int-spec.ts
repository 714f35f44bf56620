import mongoose from 'mongoose';
import type { RunningService } from '@shagym/service-kit';
import { as, complaintRegistered, entitiesQuery, IDENTITIES, gql, isolatedEnv, organizationUpserted, publishEvents, readTopicUntil, startInProcess, waitFor, type IsolatedEnv, type ReadEvent } from '@shagym/testing';
import { loadDeadlineConfig, startDeadline } from './app';

/**
 * Durable timers over the real Kafka and FerretDB with an injectable clock: warnings and the
 * breach fire once each, across a restart and with two instances running.
 */
function settableClock(iso: string) {
  return { at: new Date(iso), now() { return this.at; } };
}

const start = (iso: IsolatedEnv, clock: { now(): Date }, leaseMs = 1_000) =>
  startInProcess(iso, 'deadline', (env) => startDeadline(loadDeadlineConfig(env), { clock }), {
    DEADLINE_SCHEDULER_INTERVAL_MS: '50',
    DEADLINE_LEASE_MS: String(leaseMs),
  });

const query = entitiesQuery('Complaint', 'deadline { state dueAt breachedAt warningsSentAt nextCheckAt remainingWorkingDays }');
const deadlineOf = async (svc: RunningService, id: string) =>
  (await gql(svc.url, query, { representations: [{ __typename: 'Complaint', id }] }, as(IDENTITIES.supervisor('org-adgs', 'sup-1')))).data?._entities?.[0]?.deadline;

async function withDb<T>(iso: IsolatedEnv, fn: (db: mongoose.Connection) => Promise<T>): Promise<T> {
  const conn = await mongoose.createConnection(iso.env.MONGO_URL!, { dbName: iso.dbName('deadline'), retryWrites: false }).asPromise();
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

const logged = (iso: IsolatedEnv, filter: object) => withDb(iso, (db) => db.collection('event_log').countDocuments(filter));

describe('deadline timers survive restarts and run once with two instances', () => {
  describe('one instance, killed between the warning and the breach', () => {
    const iso = isolatedEnv('dltimers');
    const clock = settableClock('2026-12-01T05:00:00.000Z');
    let svc: RunningService | undefined;

    beforeAll(async () => {
      await iso.createTopics();
      await publishEvents(iso.topic('directory'), [organizationUpserted('org-tm-psc')]);
    });

    afterAll(async () => {
      await svc?.stop();
      await iso.cleanup();
    });

    it('fires the warning once, catches up the breach after a restart, and doubles nothing', async () => {
      svc = await start(iso, clock);
      // Registered Monday 30 November 2026: due Monday 7 December, 24:00 Almaty.
      const reg = complaintRegistered('org-tm-psc', undefined, new Date('2026-11-30T05:00:00.000Z'));
      await publishEvents(iso.topic('complaints'), [reg]);
      expect(await waitFor('term and its timers', async () => (await deadlineOf(svc!, reg.subject))?.nextCheckAt && deadlineOf(svc!, reg.subject))).toMatchObject({
        state: 'ON_TRACK',
        nextCheckAt: '2026-12-04T04:00:00.000Z', // one working day before the last, 09:00 Almaty
        warningsSentAt: [],
      });

      // Friday 4 December, 10:00 Almaty: the first warning is due.
      clock.at = new Date('2026-12-04T05:00:00.000Z');
      const warned = await waitFor('warning', async () => {
        const d = await deadlineOf(svc!, reg.subject);
        return d?.warningsSentAt.length ? d : undefined;
      });
      expect(warned).toMatchObject({ state: 'AT_RISK', warningsSentAt: ['2026-12-04T05:00:00.000Z'], nextCheckAt: '2026-12-07T04:00:00.000Z' });

      // The service dies; the last-morning warning and the end pass while it is down.
      await svc.stop();
      svc = undefined;
      clock.at = new Date('2026-12-08T05:00:00.000Z');
      svc = await start(iso, clock);
      const breached = await waitFor('breach after restart', async () => {
        const d = await deadlineOf(svc!, reg.subject);
        return d?.breachedAt ? d : undefined;
      });
      expect(breached).toMatchObject({ state: 'BREACHED', breachedAt: '2026-12-08T05:00:00.000Z', remainingWorkingDays: 0, nextCheckAt: null });

      // A warning that would come after the end is skipped, not sent late.
      expect(await logged(iso, { aggregateId: reg.subject, type: 'deadline.warning' })).toBe(1);
      expect(await logged(iso, { aggregateId: reg.subject, type: 'deadline.breached' })).toBe(1);
      const mine = (all: ReadEvent[]) => all.filter((e) => e.subject === reg.subject);
      const onKafka = mine(await readTopicUntil(iso.topic('complaints'), (all) => mine(all).some((e) => e.type === 'deadline.breached')));
      expect(onKafka.map((e) => e.type).sort()).toEqual(['complaint.registered', 'deadline.breached', 'deadline.set', 'deadline.warning']);
      expect(onKafka.find((e) => e.type === 'deadline.breached')!.data).toMatchObject({ organizationId: 'org-tm-psc', dueOn: '2026-12-07', scheduledFor: '2026-12-07T19:00:00.000Z' });
    });

    it('a crash after the event was stored but before the timer was marked done fires nothing twice', async () => {
      const reg = complaintRegistered('org-tm-psc', undefined, new Date('2026-12-02T05:00:00.000Z')); // due 9 December
      clock.at = new Date('2026-12-10T05:00:00.000Z');
      await publishEvents(iso.topic('complaints'), [reg]);
      await waitFor('breach', async () => (await deadlineOf(svc!, reg.subject))?.breachedAt);
      await svc!.stop();
      svc = undefined;
      // What a crash between the append and the mark leaves: the event stored, the timer pending.
      const reset = await withDb(iso, (db) =>
        db.collection('deadline_timers').updateMany({ complaintId: reg.subject, kind: 'BREACH' }, { $set: { doneAt: null, outcome: null } }),
      );
      expect(reset.modifiedCount).toBe(1);
      svc = await start(iso, clock);
      const outcome = await waitFor('timer worked again', () =>
        withDb(iso, async (db) => (await db.collection('deadline_timers').findOne({ complaintId: reg.subject, kind: 'BREACH' }))?.outcome),
      );
      expect(outcome).toBe('DUPLICATE');
      expect(await logged(iso, { aggregateId: reg.subject, type: 'deadline.breached' })).toBe(1);
    });
  });

  describe('two instances on one database', () => {
    const iso = isolatedEnv('dltwo');
    const clock = settableClock('2026-12-01T05:00:00.000Z');
    const instances: RunningService[] = [];

    beforeAll(async () => {
      await iso.createTopics();
      await publishEvents(iso.topic('directory'), [organizationUpserted('org-tw-psc')]);
    });

    afterAll(async () => {
      for (const s of instances) await s.stop();
      await iso.cleanup();
    });

    it('fires each warning and breach once between them', async () => {
      instances.push(await start(iso, clock, 30_000), await start(iso, clock, 30_000));
      const regs = Array.from({ length: 12 }, (_, i) => complaintRegistered('org-tw-psc', undefined, new Date('2026-11-30T05:00:00.000Z'), i + 1));
      await publishEvents(iso.topic('complaints'), regs);
      await waitFor('all terms', async () => (await withDb(iso, (db) => db.collection('deadline_timers').countDocuments({}))) === 36);

      clock.at = new Date('2026-12-04T05:00:00.000Z'); // first warnings
      await waitFor('warnings', async () => (await logged(iso, { type: 'deadline.warning' })) >= 12);
      clock.at = new Date('2026-12-07T05:00:00.000Z'); // last-morning warnings
      await waitFor('second warnings', async () => (await logged(iso, { type: 'deadline.warning' })) >= 24);
      clock.at = new Date('2026-12-08T05:00:00.000Z'); // breaches
      await waitFor('breaches', async () => (await logged(iso, { type: 'deadline.breached' })) >= 12);
      await waitFor('timers done', async () => (await withDb(iso, (db) => db.collection('deadline_timers').countDocuments({ doneAt: null }))) === 0);

      expect(await logged(iso, { type: 'deadline.warning' })).toBe(24);
      expect(await logged(iso, { type: 'deadline.breached' })).toBe(12);
      const outcomes = await withDb(iso, (db) =>
        db.collection('deadline_timers').aggregate<{ _id: string; n: number }>([{ $group: { _id: '$outcome', n: { $sum: 1 } } }]).toArray(),
      );
      expect(Object.fromEntries(outcomes.map((o) => [o._id, o.n]))).toEqual({ FIRED: 36 });
      // One lease per timer: the two instances never worked the same one.
      expect(await withDb(iso, (db) => db.collection('deadline_timer_leases').countDocuments({}))).toBe(36);

      // Two relays may both publish a pending event (at least once); consumers dedupe by id.
      const isFired = (e: { type: string }) => e.type === 'deadline.warning' || e.type === 'deadline.breached';
      const events = await readTopicUntil(iso.topic('complaints'), (seen) => new Set(seen.filter(isFired).map((e) => e.id)).size >= 36);
      const fired = [...new Map(events.filter(isFired).map((e) => [e.id, e])).values()];
      expect(fired).toHaveLength(36);
      for (const r of regs) {
        expect(fired.filter((e) => e.subject === r.subject).map((e) => e.type).sort()).toEqual(['deadline.breached', 'deadline.warning', 'deadline.warning']);
      }
    });
  });
});

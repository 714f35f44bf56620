import mongoose from 'mongoose';
import type { RunningService } from '@shagym/service-kit';
import { as, complaintRegistered, gql, IDENTITIES, isolatedEnv, organizationUpserted, publishEvents, startInProcess, waitFor, type IsolatedEnv } from '@shagym/testing';
import { loadDeadlineConfig, startDeadline } from './app';
import type { DueTimer } from './domain/deadline';
import type { TimerFirer } from './scheduler';

/**
 * Issue 15, "a failing timer is parked with its reason and does not hold the others", over the
 * real Kafka and FerretDB. One complaint's timers fail on purpose (a wrapped FireTimer: its
 * first firing hangs until the test lets it throw, the later ones throw at once); every
 * assertion is on order and outcome, never on how long something took.
 */
const ORG = 'org-pk-psc';
const OTHER_ORG = 'org-pk-other';
const MAX_ATTEMPTS = 3;

function settableClock(iso: string) {
  return { at: new Date(iso), now() { return this.at; } };
}

/** A firing that fails for one complaint until `fixed`; its first call hangs until `release`. */
class FailingFor {
  complaintId = '';
  fixed = false;
  calls: DueTimer[] = [];
  inFlight = 0;
  private releaseFirst: () => void = () => undefined;
  private readonly firstReleased = new Promise<void>((resolve) => {
    this.releaseFirst = resolve;
  });

  release(): void {
    this.releaseFirst();
  }

  wrap = (fire: TimerFirer): TimerFirer => ({
    execute: async (timer, now) => {
      if (timer.complaintId !== this.complaintId || this.fixed) return fire.execute(timer, now);
      this.calls.push(timer);
      this.inFlight++;
      try {
        if (this.calls.length === 1) await this.firstReleased;
        throw new Error(`term of ${timer.complaintId} is inconsistent (test)`);
      } finally {
        this.inFlight--;
      }
    },
  });
}

async function withDb<T>(iso: IsolatedEnv, fn: (db: mongoose.Connection) => Promise<T>): Promise<T> {
  const conn = await mongoose.createConnection(iso.env.MONGO_URL!, { dbName: iso.dbName('deadline'), retryWrites: false }).asPromise();
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

const PARKED = `query($org: ID) { parkedTimers(organizationId: $org) { timerId complaint { id } organizationId kind warning fireAt reason failures correlationId parkedAt resumedAt } }`;
const RESUME = `mutation($id: ID!) { resumeParkedTimer(timerId: $id) { timerId kind resumedAt resumedBy } }`;
const supervisor = as(IDENTITIES.supervisor('org-adgs', 'sup-1'));

describe('deadline scheduler: a failing timer holds no other and is parked after its attempts (issue 15)', () => {
  const iso = isolatedEnv('dlpark');
  // Sunday 20 December 2026: every term below is over (R8: 5 working days), all their timers due.
  const clock = settableClock('2026-12-20T05:00:00.000Z');
  const failing = new FailingFor();
  let svc: RunningService | undefined;

  const start = () =>
    startInProcess(iso, 'deadline', (env) => startDeadline(loadDeadlineConfig(env), { clock, wrapFire: failing.wrap }), {
      DEADLINE_SCHEDULER_INTERVAL_MS: '50',
      DEADLINE_LEASE_MS: '1000',
      DEADLINE_TIMER_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      DEADLINE_TIMER_RETRY_BASE_MS: '20',
      DEADLINE_TIMER_RETRY_MAX_MS: '100',
      DEADLINE_TIMER_CONCURRENCY: '4',
      // Far above the test: the others must fire while the failing attempt is still under way.
      DEADLINE_TIMER_ATTEMPT_TIMEOUT_MS: '600000',
    });

  const logged = (filter: object) => withDb(iso, (db) => db.collection('event_log').countDocuments(filter));
  const timersOf = (complaintId: string) => withDb(iso, (db) => db.collection('deadline_timers').find({ complaintId }).toArray());
  const leasesOf = (timerId: string) => withDb(iso, (db) => db.collection('deadline_timer_leases').countDocuments({ timerId }));
  const parkedList = async (headers: Record<string, string>, org?: string) => gql(svc!.url, PARKED, org ? { org } : {}, headers);

  // The failing complaint is registered first and earlier: its first timer is the earliest due,
  // so a scheduler that works timers one after another would sit behind it.
  const poison = complaintRegistered(ORG, undefined, new Date('2026-11-27T05:00:00.000Z'));
  const others = Array.from({ length: 6 }, (_, i) => complaintRegistered(ORG, undefined, new Date('2026-11-30T05:00:00.000Z'), i + 2));
  failing.complaintId = poison.subject;

  beforeAll(async () => {
    await iso.createTopics();
    await publishEvents(iso.topic('directory'), [organizationUpserted(ORG), organizationUpserted(OTHER_ORG)]);
  });

  afterAll(async () => {
    failing.release();
    await svc?.stop();
    await iso.cleanup();
  });

  it('a throwing timer does not delay the others: they fire while its attempt is still under way', async () => {
    svc = await start();
    await publishEvents(iso.topic('complaints'), [poison, ...others]);
    // Every other complaint's breach fires (R8) …
    await waitFor('the other breaches', async () => (await logged({ type: 'deadline.breached' })) >= others.length);
    // … while the failing timer's first attempt has not even settled.
    expect(failing.calls).toHaveLength(1);
    expect(failing.inFlight).toBe(1);
    expect(failing.calls[0]!.kind).toBe('WARNING'); // its earliest timer: first in due order
    for (const o of others) {
      const timers = await waitFor(`timers of ${o.subject} done`, async () => {
        const t = await timersOf(o.subject);
        return t.length === 3 && t.every((d) => d.doneAt) ? t : undefined;
      });
      // The warnings come after the end (caught up): skipped in favour of the breach.
      expect(timers.map((t) => `${t.kind}:${t.outcome}`).sort()).toEqual(['BREACH:FIRED', 'WARNING:SKIPPED', 'WARNING:SKIPPED']);
    }
    expect(await logged({ aggregateId: poison.subject, type: 'deadline.breached' })).toBe(0);
  });

  it('a timer that keeps failing is parked with its reason after its attempts, counted, and retried no more', async () => {
    failing.release();
    const parked = await waitFor('three parked timers', async () => {
      const res = await parkedList(supervisor, ORG);
      return res.data?.parkedTimers?.length === 3 ? res.data.parkedTimers : undefined;
    });
    expect(parked.map((p: { kind: string }) => p.kind).sort()).toEqual(['BREACH', 'WARNING', 'WARNING']);
    for (const p of parked) {
      expect(p).toMatchObject({
        complaint: { id: poison.subject },
        organizationId: ORG,
        reason: `Error: term of ${poison.subject} is inconsistent (test)`,
        failures: MAX_ATTEMPTS,
        correlationId: `deadline-timer-${p.timerId}`,
        resumedAt: null,
      });
      // Bounded: one lease per attempt, and no attempt after the parking.
      expect(await leasesOf(p.timerId)).toBe(MAX_ATTEMPTS);
    }
    expect(failing.calls).toHaveLength(3 * MAX_ATTEMPTS);
    // Still pending in the store (not done): parked, not lost.
    expect((await timersOf(poison.subject)).every((t) => t.doneAt === null)).toBe(true);

    // The supervisor's list of every organization shows them too; a head sees their own organization's only.
    expect((await parkedList(supervisor)).data?.parkedTimers).toHaveLength(3);
    expect((await parkedList(as(IDENTITIES.head(ORG, 'head-pk')), ORG)).data?.parkedTimers).toHaveLength(3);
    expect((await parkedList(as(IDENTITIES.head(OTHER_ORG, 'head-other')), ORG)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await parkedList(as(IDENTITIES.head(ORG, 'head-pk')))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await parkedList(as(IDENTITIES.executor(ORG, 'exec-pk')), ORG)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // Counted in the service's metrics, by kind.
    const metrics = await (await fetch(new URL('/metrics', svc!.url))).text();
    expect(metrics).toMatch(/shagym_deadline_timers_parked_total\{[^}]*kind="BREACH"[^}]*\} 1\b/);
    expect(metrics).toMatch(/shagym_deadline_timers_parked_total\{[^}]*kind="WARNING"[^}]*\} 2\b/);
    expect(metrics).toMatch(new RegExp(`shagym_deadline_timer_failures_total\\{[^}]*kind="BREACH"[^}]*\\} ${MAX_ATTEMPTS}\\b`));
  });

  it('stays parked across a restart, and a supervisor resumes it once the cause is fixed', async () => {
    const parked: Array<{ timerId: string; kind: string }> = (await parkedList(supervisor, ORG)).data.parkedTimers;
    const breach = parked.find((p) => p.kind === 'BREACH')!;
    const warnings = parked.filter((p) => p.kind === 'WARNING');

    await svc!.stop();
    svc = await start();
    failing.fixed = true;
    const callsBefore = failing.calls.length;

    // Only a supervisor resumes.
    expect((await gql(svc.url, RESUME, { id: breach.timerId }, as(IDENTITIES.head(ORG, 'head-pk')))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(svc.url, RESUME, { id: 'no-such-timer' }, supervisor)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const resumed = await gql(svc.url, RESUME, { id: breach.timerId }, supervisor);
    expect(resumed.errors).toBeUndefined();
    expect(resumed.data.resumeParkedTimer).toMatchObject({ timerId: breach.timerId, kind: 'BREACH', resumedBy: 'sup-1' });
    expect(resumed.data.resumeParkedTimer.resumedAt).toEqual(expect.any(String));
    expect((await gql(svc.url, RESUME, { id: breach.timerId }, supervisor)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // The resumed breach fires (R8) …
    await waitFor('the resumed breach', async () => (await logged({ aggregateId: poison.subject, type: 'deadline.breached' })) === 1);
    const byId = async () => new Map((await timersOf(poison.subject)).map((t) => [String(t._id), t]));
    const done = await waitFor('breach marked', async () => {
      const t = await byId();
      return t.get(breach.timerId)?.doneAt ? t : undefined;
    });
    expect(done.get(breach.timerId)!.outcome).toBe('FIRED');
    // … while the warnings, earlier in due order, were not loaded by the restart: still parked, never worked again.
    for (const w of warnings) expect(done.get(w.timerId)!.doneAt).toBeNull();
    expect(failing.calls).toHaveLength(callsBefore);
    const left = (await parkedList(supervisor, ORG)).data.parkedTimers.map((p: { timerId: string }) => p.timerId).sort();
    expect(left).toEqual(warnings.map((w) => w.timerId).sort());

    // Resumed too, the warnings come after the end: skipped, and nothing is parked any more.
    for (const w of warnings) expect((await gql(svc.url, RESUME, { id: w.timerId }, supervisor)).errors).toBeUndefined();
    const all = await waitFor('every timer done', async () => {
      const t = await timersOf(poison.subject);
      return t.every((d) => d.doneAt) ? t : undefined;
    });
    expect(all.map((t) => `${t.kind}:${t.outcome}`).sort()).toEqual(['BREACH:FIRED', 'WARNING:SKIPPED', 'WARNING:SKIPPED']);
    expect((await parkedList(supervisor, ORG)).data.parkedTimers).toEqual([]);
    expect(await logged({ aggregateId: poison.subject, type: 'deadline.breached' })).toBe(1);
  });
});

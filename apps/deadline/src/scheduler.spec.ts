import { createLogger } from '@shagym/service-kit';
import type { DueTimer, TimerOutcome } from './domain/deadline';
import { DeadlineScheduler, type ParkingStore, type SchedulerStore, type TimerFirer } from './scheduler';
import type { LeaseResult } from './store/term-repository';

/**
 * The scheduler's failure handling (issue 15) over in-memory fakes of its store: fast, and
 * about order and outcome only. The same over the real FerretDB and Kafka: timers-parking.int-spec.ts.
 */
const timer = (id: string, complaintId: string, iso: string): DueTimer => ({
  timerId: id,
  termId: `term-${complaintId}`,
  complaintId,
  organizationId: 'org-1',
  kind: 'BREACH',
  fireAt: new Date(iso),
});

class FakeStore implements SchedulerStore, ParkingStore {
  leases = new Map<string, number>();
  done = new Map<string, TimerOutcome>();
  parkedTimers = new Map<string, { reason: string; failures: number; lastAttempt: number }>();
  constructor(private readonly pending: DueTimer[]) {}
  async pendingTimers() {
    return this.pending;
  }
  async lease(timerId: string): Promise<LeaseResult> {
    if (this.done.has(timerId)) return { status: 'DONE' };
    const attempt = this.leases.get(timerId) ?? 0;
    this.leases.set(timerId, attempt + 1);
    return { status: 'TAKEN', attempt };
  }
  async markDone(timerId: string, outcome: TimerOutcome) {
    this.done.set(timerId, outcome);
  }
  async recordBreach(): Promise<void> {
    // Breaches are not what these tests look at.
  }
  async park(t: DueTimer, p: { reason: string; failures: number; lastAttempt: number }) {
    this.parkedTimers.set(t.timerId, p);
  }
  async countedFrom() {
    return 0;
  }
  async unresumedIds() {
    return new Set(this.parkedTimers.keys());
  }
}

const logger = createLogger('deadline-test', 'silent');
const clock = { now: () => new Date('2026-12-20T05:00:00.000Z') };

function scheduler(store: FakeStore, fire: TimerFirer, concurrency: number) {
  return new DeadlineScheduler(store, store, fire, {
    clock,
    maxSleepMs: 20,
    leaseMs: 1_000,
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
    concurrency,
    attemptTimeoutMs: 30,
  }, logger);
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}`);
}

describe('DeadlineScheduler: a failing timer holds no other (issue 15)', () => {
  it('a firing that never settles counts as failed after the attempt timeout, even with one place: the others fire, it is parked', async () => {
    // The hanging timer is the earliest: worked first, and alone (concurrency 1).
    const store = new FakeStore([timer('hang', 'c-hang', '2026-12-01T00:00:00Z'), timer('a', 'c-a', '2026-12-02T00:00:00Z'), timer('b', 'c-b', '2026-12-03T00:00:00Z')]);
    const order: string[] = [];
    const fire: TimerFirer = {
      execute: (t) => {
        order.push(t.timerId);
        return t.timerId === 'hang' ? new Promise<TimerOutcome>(() => undefined) : Promise.resolve('FIRED');
      },
    };
    const s = scheduler(store, fire, 1);
    await s.start();
    await until('the others done and the hanging one parked', () => store.done.size === 2 && store.parkedTimers.has('hang'));
    await s.stop();
    expect(store.done.get('a')).toBe('FIRED');
    expect(store.done.get('b')).toBe('FIRED');
    expect(store.parkedTimers.get('hang')).toMatchObject({ failures: 2, lastAttempt: 1, reason: 'AttemptTimedOut: the attempt did not settle within 30 ms' });
    // Bounded: two attempts, then no more.
    expect(order.filter((id) => id === 'hang')).toHaveLength(2);
    expect(store.leases.get('hang')).toBe(2);
  });

  it('a throwing timer is retried, then parked; a parked timer stays out at the next start until resumed', async () => {
    const store = new FakeStore([timer('bad', 'c-bad', '2026-12-01T00:00:00Z'), timer('good', 'c-good', '2026-12-02T00:00:00Z')]);
    let broken = true;
    const calls: string[] = [];
    const fire: TimerFirer = {
      execute: async (t) => {
        calls.push(t.timerId);
        if (t.timerId === 'bad' && broken) throw new Error('event cannot be appended');
        return 'FIRED';
      },
    };
    const first = scheduler(store, fire, 4);
    await first.start();
    await until('parked', () => store.parkedTimers.has('bad') && store.done.has('good'));
    await first.stop();
    expect(store.parkedTimers.get('bad')).toMatchObject({ failures: 2, reason: 'Error: event cannot be appended' });

    // A restart does not retry it: the store still holds it as pending, but it is parked.
    broken = false;
    const second = scheduler(store, fire, 4);
    const before = calls.length;
    second.schedule([timer('later', 'c-later', '2026-12-03T00:00:00Z')]);
    await second.start();
    await until('the later timer', () => store.done.has('later'));
    expect(calls.slice(before)).toEqual(['later']);
    // Resumed: fired at once.
    second.resume(timer('bad', 'c-bad', '2026-12-01T00:00:00Z'));
    await until('resumed and fired', () => store.done.get('bad') === 'FIRED');
    await second.stop();
  });
});

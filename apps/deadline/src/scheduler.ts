import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '@shagym/service-kit';
import { timerCorrelationId, type DueTimer, type FireTimer } from './domain/deadline';
import { afterTimerFailure, failureReason, failuresAt, type TimerRetryPolicy } from './domain/timer-retry';
import type { ParkedTimerRepository } from './store/parked-timer-repository';
import type { TermRepository } from './store/term-repository';
import { TimerWheel } from './timer-wheel';

/** Where "now" comes from: the wall clock in production, a settable one in tests. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * Business time from a file holding an ISO instant, read on every use: a test moves time for a
 * service running in another process (one it kills and restarts). Wall time when the file is
 * missing or empty.
 */
export function fileClock(path: string): Clock {
  return {
    now() {
      let text = '';
      try {
        text = readFileSync(path, 'utf8').trim();
      } catch {
        return new Date();
      }
      const at = text ? new Date(text) : new Date();
      if (Number.isNaN(at.getTime())) throw new Error(`${path} must hold an ISO instant, not "${text}"`);
      return at;
    },
  };
}

export interface SchedulerOptions {
  /**
   * The longest the scheduler sleeps before looking at the clock again, when the next timer
   * is further away (a wall clock may be set, a test clock jumps). Waking reads nothing from
   * the database: the schedule is in memory.
   */
  maxSleepMs: number;
  leaseMs: number;
  /** Business time (due dates); injectable. Leases use the wall clock: they are about processes. */
  clock: Clock;
  /** Failed attempts, backoff and parking (domain/timer-retry.ts). */
  retry: TimerRetryPolicy;
  /**
   * Timers worked at the same time (of different complaints). One slow or failing timer takes
   * one of them, never the whole schedule.
   */
  concurrency: number;
  /**
   * An attempt not settled by then counts as failed (and frees its place): a firing that hangs
   * on the store is treated like one that throws. Should it finish later, nothing is doubled:
   * the event id is deterministic.
   */
  attemptTimeoutMs: number;
}

/** What the scheduler needs of the store (store/term-repository.ts). */
export type SchedulerStore = Pick<TermRepository, 'pendingTimers' | 'lease' | 'markDone' | 'recordBreach'>;
/** Where timers that spent their attempts are parked (store/parked-timer-repository.ts). */
export type ParkingStore = Pick<ParkedTimerRepository, 'park' | 'countedFrom' | 'unresumedIds'>;
/** What fires one timer (domain/deadline.ts FireTimer; a test may wrap it to make it fail). */
export type TimerFirer = Pick<FireTimer, 'execute'>;

/** Counters the scheduler feeds (Prometheus in app.ts). */
export interface SchedulerMetrics {
  failed(timer: DueTimer): void;
  parked(timer: DueTimer): void;
}

const NO_METRICS: SchedulerMetrics = { failed: () => undefined, parked: () => undefined };

export class AttemptTimedOut extends Error {
  override name = 'AttemptTimedOut';
  constructor(ms: number) {
    super(`the attempt did not settle within ${ms} ms`);
  }
}

/** The promise, or a rejection after `ms` (the promise itself goes on; its outcome is then ignored). */
function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AttemptTimedOut(ms)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Fires due timers from a timer wheel in memory (timer-wheel.ts): loaded once from the store
 * at start (so firings missed during downtime are caught up), fed by this service's own
 * writes (`schedule` for new timers, `forget` for cancelled ones), and woken by the next
 * instant due — no polling of the store, whatever it holds (architecture.md, "Reads that do
 * not grow with the data"). Each due timer is leased by an insert, fired (an event with a
 * deterministic id: a second firing is a duplicate) and marked done. Nothing in memory holds
 * what a restart could lose: the timers are stored before they enter the wheel.
 * Another instance's new timers are in its own wheel; this one reads them at its next start.
 *
 * A failing timer holds no other (issue 15): due timers are worked `concurrency` at a time and
 * the loop never waits for a particular one — each attempt runs on its own, bounded by
 * `attemptTimeoutMs`, and frees its place when it settles. A timer whose attempt fails is
 * retried after a backoff, and after `retry.maxAttempts` failures it is parked with its reason
 * (store/parked-timer-repository.ts), logged with its correlation id and counted; it stays out
 * of the schedule, across restarts too, until a supervisor resumes it (`resume`): a restart is
 * no sign that an inconsistent term was repaired, and retrying it at every start would only
 * repeat the failure. A complaint's timers are worked one at a time, in due order, so its log
 * gets a warning before its breach when both are caught up after downtime.
 */
export class DeadlineScheduler {
  readonly owner = randomUUID();
  private readonly wheel = new TimerWheel();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private kicked = false;
  private readonly retries = new Set<NodeJS.Timeout>();
  /** Attempts under way, by timer id. */
  private readonly working = new Map<string, Promise<void>>();
  /** Complaints with a timer under way, and their other due timers waiting for it. */
  private readonly busy = new Map<string, DueTimer[]>();
  /** Parked timers (not resumed): never put in the wheel. */
  private parked = new Set<string>();

  constructor(
    private readonly store: SchedulerStore,
    private readonly parking: ParkingStore,
    private readonly fire: TimerFirer,
    private readonly options: SchedulerOptions,
    private readonly logger: Logger,
    private readonly metrics: SchedulerMetrics = NO_METRICS,
  ) {}

  /** Loads the pending timers (the one full read, at start-up) and starts firing them; parked ones stay out. */
  async start(): Promise<void> {
    if (this.running) return;
    const [pending, parked] = await Promise.all([this.store.pendingTimers(), this.parking.unresumedIds()]);
    this.parked = parked;
    for (const t of pending) if (!parked.has(t.timerId)) this.wheel.add(t);
    this.logger.info({ pending: this.wheel.size, parked: parked.size, next: this.wheel.next()?.toISOString() ?? null }, 'deadline timers loaded');
    this.running = true;
    this.loop = this.run();
  }

  /** Timers just stored (a new term): the wheel wakes if one is earlier than what it waits for. */
  schedule(timers: DueTimer[]): void {
    // A redelivered cause returns its timers again: a parked one stays parked.
    const schedulable = timers.filter((t) => !this.parked.has(t.timerId));
    for (const t of schedulable) this.wheel.add(t);
    if (schedulable.length) this.kick();
  }

  /** Timers just cancelled in the store (the term stopped). */
  forget(timerIds: string[]): void {
    for (const id of timerIds) this.wheel.forget(id);
  }

  /** A parked timer was resumed (store/parked-timer-repository.ts): it is due again at once, with a fresh budget of attempts. */
  resume(timer: DueTimer): void {
    this.parked.delete(timer.timerId);
    this.wheel.add(timer);
    this.kick();
  }

  /** How many attempts are under way (for tests and health). */
  get inFlight(): number {
    return this.working.size;
  }

  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    this.wake?.();
    await this.loop;
    // Each is bounded by attemptTimeoutMs; what was not worked stays stored as pending, for the next start.
    await Promise.allSettled([...this.working.values()]);
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      try {
        this.dispatch();
      } catch (err) {
        this.logger.warn({ err }, 'deadline scheduler dispatch failed');
      }
      if (!this.running || this.kicked) continue;
      // Every place taken: sleep until an attempt settles (it kicks), whatever is due.
      const next = this.working.size >= this.options.concurrency ? null : this.wheel.next();
      // Nothing pending: sleep until a new timer is scheduled.
      const delay = next === null ? null : Math.min(Math.max(0, next.getTime() - this.options.clock.now().getTime()), this.options.maxSleepMs);
      await new Promise<void>((resolve) => {
        const t = delay === null ? null : setTimeout(resolve, delay);
        this.wake = () => {
          if (t) clearTimeout(t);
          this.wake = null;
          resolve();
        };
      });
    }
  }

  /** Starts an attempt for each due timer, earliest first, while places are free; returns how many it started. */
  private dispatch(): number {
    const now = this.options.clock.now();
    let started = 0;
    while (this.running && this.working.size < this.options.concurrency) {
      const [timer] = this.wheel.takeDue(now, 1);
      if (!timer) break;
      // Scheduled again while its attempt is under way: that attempt decides (and retries it if it fails).
      if (this.working.has(timer.timerId)) continue;
      const waiting = this.busy.get(timer.complaintId);
      if (waiting) {
        waiting.push(timer);
        continue;
      }
      this.busy.set(timer.complaintId, []);
      this.launch(timer, now);
      started++;
    }
    return started;
  }

  private launch(timer: DueTimer, now: Date): void {
    const attempt = this.attempt(timer, now).finally(() => {
      this.working.delete(timer.timerId);
      // The complaint's next timers, held back while this one was worked, are due again.
      for (const t of this.busy.get(timer.complaintId) ?? []) this.wheel.add(t);
      this.busy.delete(timer.complaintId);
      this.kick();
    });
    this.working.set(timer.timerId, attempt);
  }

  /** One attempt; never rejects: a failure is retried or parked (`failed`). */
  private async attempt(timer: DueTimer, now: Date): Promise<void> {
    const lease: { attempt: number | null } = { attempt: null };
    try {
      await withTimeout(this.work(timer, now, lease), this.options.attemptTimeoutMs);
    } catch (err) {
      await this.failed(timer, lease.attempt, err);
    }
  }

  private async work(timer: DueTimer, now: Date, taken: { attempt: number | null }): Promise<boolean> {
    const lease = await this.store.lease(timer.timerId, this.owner, new Date(), this.options.leaseMs);
    if (lease.status === 'DONE') return false;
    if (lease.status === 'HELD') {
      // Another instance works it, or a dead one did: take it over once its lease expired.
      this.retryLater(timer, lease.retryInMs);
      return false;
    }
    taken.attempt = lease.attempt;
    const outcome = await this.fire.execute(timer, now);
    // Before the mark: a crash in between fires it again (a duplicate) and appends again (idempotent).
    if (timer.kind === 'BREACH' && (outcome === 'FIRED' || outcome === 'DUPLICATE')) await this.store.recordBreach(timer, now);
    await this.store.markDone(timer.timerId, outcome, now);
    this.logger.info({ timerId: timer.timerId, complaintId: timer.complaintId, kind: timer.kind, outcome }, 'deadline timer');
    return outcome === 'FIRED';
  }

  /** After a failed attempt: retry after the backoff, or park once its attempts are spent. Never throws. */
  private async failed(timer: DueTimer, attempt: number | null, err: unknown): Promise<void> {
    const policy = this.options.retry;
    const reason = failureReason(err);
    const about = { timerId: timer.timerId, complaintId: timer.complaintId, kind: timer.kind, correlationId: timerCorrelationId(timer.timerId), reason };
    this.metrics.failed(timer);
    if (!this.running) {
      this.logger.warn(about, 'deadline timer failed while stopping; it stays pending for the next start');
      return;
    }
    if (attempt === null) {
      // Failed before a lease was taken (the store did not answer): no attempt of this timer
      // was made, so none is counted against it; wait the longest backoff.
      this.logger.warn({ ...about, retryInMs: policy.maxDelayMs }, 'deadline timer not leased; retried later');
      this.retryLater(timer, policy.maxDelayMs);
      return;
    }
    try {
      const failures = failuresAt(attempt, await this.parking.countedFrom(timer.timerId));
      const decision = afterTimerFailure(policy, failures);
      if (decision.action === 'RETRY') {
        this.logger.warn({ ...about, failures, retryInMs: decision.delayMs }, 'deadline timer failed; retried after a backoff');
        this.retryLater(timer, decision.delayMs);
        return;
      }
      // Parked by wall time, like leases: it is about this process, not about business time.
      await this.parking.park(timer, { reason, failures, correlationId: about.correlationId, lastAttempt: attempt }, new Date());
      this.parked.add(timer.timerId);
      this.metrics.parked(timer);
      this.logger.error({ ...about, failures }, 'deadline timer parked after its attempts; resume it (resumeParkedTimer) once the cause is fixed');
    } catch (parkErr) {
      this.logger.warn({ ...about, err: parkErr, retryInMs: policy.maxDelayMs }, 'deadline timer failed and could not be parked; retried later');
      this.retryLater(timer, policy.maxDelayMs);
    }
  }

  private retryLater(timer: DueTimer, ms: number): void {
    const t = setTimeout(() => {
      this.retries.delete(t);
      if (!this.running || this.parked.has(timer.timerId)) return;
      this.wheel.add(timer);
      this.kick();
    }, Math.max(10, ms));
    this.retries.add(t);
  }
}

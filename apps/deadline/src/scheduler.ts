import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '@shagym/service-kit';
import type { DueTimer, FireTimer } from './domain/deadline';
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
}

/** What the scheduler needs of the store (store/term-repository.ts). */
export type SchedulerStore = Pick<TermRepository, 'pendingTimers' | 'lease' | 'markDone' | 'recordBreach'>;

/**
 * Fires due timers from a timer wheel in memory (timer-wheel.ts): loaded once from the store
 * at start (so firings missed during downtime are caught up), fed by this service's own
 * writes (`schedule` for new timers, `forget` for cancelled ones), and woken by the next
 * instant due — no polling of the store, whatever it holds (architecture.md, "Reads that do
 * not grow with the data"). Each due timer is leased by an insert, fired (an event with a
 * deterministic id: a second firing is a duplicate) and marked done. Nothing in memory holds
 * what a restart could lose: the timers are stored before they enter the wheel.
 * Another instance's new timers are in its own wheel; this one reads them at its next start.
 */
export class DeadlineScheduler {
  readonly owner = randomUUID();
  private readonly wheel = new TimerWheel();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private kicked = false;
  private readonly retries = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: SchedulerStore,
    private readonly fire: FireTimer,
    private readonly options: SchedulerOptions,
    private readonly logger: Logger,
  ) {}

  /** Loads the pending timers (the one full read, at start-up) and starts firing them. */
  async start(): Promise<void> {
    if (this.running) return;
    for (const t of await this.store.pendingTimers()) this.wheel.add(t);
    this.logger.info({ pending: this.wheel.size, next: this.wheel.next()?.toISOString() ?? null }, 'deadline timers loaded');
    this.running = true;
    this.loop = this.run();
  }

  /** Timers just stored (a new term): the wheel wakes if one is earlier than what it waits for. */
  schedule(timers: DueTimer[]): void {
    for (const t of timers) this.wheel.add(t);
    if (timers.length) this.kick();
  }

  /** Timers just cancelled in the store (the term stopped). */
  forget(timerIds: string[]): void {
    for (const id of timerIds) this.wheel.forget(id);
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
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      try {
        await this.tick();
      } catch (err) {
        this.logger.warn({ err }, 'deadline scheduler tick failed');
      }
      if (!this.running || this.kicked) continue;
      const next = this.wheel.next();
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

  /** Fires what is due now; returns how many this instance fired. */
  async tick(): Promise<number> {
    const now = this.options.clock.now();
    let fired = 0;
    for (;;) {
      const due = this.wheel.takeDue(now, 100);
      if (!due.length) return fired;
      for (const [i, timer] of due.entries()) {
        if (!this.running && this.loop) {
          // Stopping: what was not worked stays stored as pending, for the next start.
          for (const t of due.slice(i)) this.wheel.add(t);
          return fired;
        }
        try {
          if (await this.work(timer, now)) fired++;
        } catch (err) {
          this.logger.warn({ err, timerId: timer.timerId }, 'deadline timer failed; retried after the lease');
          this.retryLater(timer, this.options.leaseMs);
        }
      }
    }
  }

  private async work(timer: DueTimer, now: Date): Promise<boolean> {
    const lease = await this.store.lease(timer.timerId, this.owner, new Date(), this.options.leaseMs);
    if (lease.status === 'DONE') return false;
    if (lease.status === 'HELD') {
      // Another instance works it, or a dead one did: take it over once its lease expired.
      this.retryLater(timer, lease.retryInMs);
      return false;
    }
    const outcome = await this.fire.execute(timer, now);
    // Before the mark: a crash in between fires it again (a duplicate) and appends again (idempotent).
    if (timer.kind === 'BREACH' && (outcome === 'FIRED' || outcome === 'DUPLICATE')) await this.store.recordBreach(timer, now);
    await this.store.markDone(timer.timerId, outcome, now);
    this.logger.info({ timerId: timer.timerId, complaintId: timer.complaintId, kind: timer.kind, outcome }, 'deadline timer');
    return outcome === 'FIRED';
  }

  private retryLater(timer: DueTimer, ms: number): void {
    const t = setTimeout(() => {
      this.retries.delete(t);
      if (!this.running) return;
      this.wheel.add(timer);
      this.kick();
    }, Math.max(10, ms));
    this.retries.add(t);
  }
}

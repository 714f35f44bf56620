import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '@shagym/service-kit';
import type { FireTimer } from './domain/deadline';
import type { TermStore } from './store/term-store';

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
  intervalMs: number;
  leaseMs: number;
  /** Business time (due dates); injectable. Leases use the wall clock: they are about processes. */
  clock: Clock;
}

/**
 * Fires due timers from the stored schedule: every tick it reads the timers whose time has
 * come (so firings missed during downtime are caught up at start), takes a lease on each by
 * an insert, fires it (an event with a deterministic id: a second firing is a duplicate) and
 * marks it done. No in-memory timer holds anything that a restart could lose.
 */
export class DeadlineScheduler {
  readonly owner = randomUUID();
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly store: TermStore,
    private readonly fire: FireTimer,
    private readonly options: SchedulerOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        try {
          await this.tick();
        } catch (err) {
          this.logger.warn({ err }, 'deadline scheduler tick failed');
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.options.intervalMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    })();
  }

  kick(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** One pass over the due timers; returns how many this instance fired. */
  async tick(): Promise<number> {
    const now = this.options.clock.now();
    let fired = 0;
    for (const timer of await this.store.due(now)) {
      if (!this.running && this.loop) break;
      if (!(await this.store.lease(timer.timerId, this.owner, new Date(), this.options.leaseMs))) continue;
      const outcome = await this.fire.execute(timer, now);
      await this.store.markDone(timer.timerId, outcome, now);
      if (outcome === 'FIRED') fired++;
      this.logger.info({ timerId: timer.timerId, complaintId: timer.complaintId, kind: timer.kind, outcome }, 'deadline timer');
    }
    return fired;
  }
}

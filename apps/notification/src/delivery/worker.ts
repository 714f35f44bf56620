import type { Logger } from '@shagym/service-kit';
import { nextStep, type DeliveryAttempt, type DeliveryIntent, type DeliveryPolicy, type ExternalChannel } from '../domain/messages';
import type { DeliveryRepository, OpenDelivery } from '../store/delivery-repository';
import type { ChannelAdapter } from './channels';

export interface WorkerOptions extends DeliveryPolicy {
  /** Deliveries older than this are settled as FAILED (expired) instead of being tried again. */
  maxAgeMs: number;
  /** Attempts under way at once. */
  batchSize: number;
}

/**
 * Delivers what the consumer recorded, apart from it: the consumer only inserts intents, so
 * a slow or failing channel never blocks it. Each attempt is claimed by an insert (two
 * workers never send the same attempt), its outcome recorded, retried with backoff, and given
 * up with the reason. Channels run side by side: one failing channel does not hold the others.
 *
 * Woken by what it does, never by polling (architecture.md, "no polling scans"): the open
 * deliveries are held in memory — loaded once at start (what a stop left open) and fed by the
 * consumer as it writes intents (`enqueue`) — and a round runs when one is added, when an
 * attempt ends, or when the earliest retry (backoff, or a lost attempt's timeout) falls due.
 * A round reads nothing from the database.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  /** When the timer fires (ms since epoch); Infinity when none is set. */
  private timerAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | null = null;
  private started = false;
  private stopped = false;
  private again = false;
  private readonly open = new Map<string, OpenDelivery>();
  /** Attempts under way: a round never waits for them, so a hanging channel holds nothing else. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly repo: DeliveryRepository,
    private readonly channels: Partial<Record<ExternalChannel, ChannelAdapter>>,
    private readonly options: WorkerOptions,
    private readonly logger: Logger,
    private readonly onAttempt: (channel: ExternalChannel, outcome: 'delivered' | 'failed' | 'rejected') => void = () => undefined,
  ) {}

  /** Loads what is still open (a start-up read) and starts delivering it. */
  async start(): Promise<void> {
    const since = new Date(Date.now() - this.options.maxAgeMs);
    for (const d of await this.repo.openSince(since)) if (!this.open.has(d.intent.id)) this.open.set(d.intent.id, d);
    this.started = true;
    if (this.open.size) this.logger.info({ open: this.open.size }, 'open deliveries loaded');
    this.schedule(0);
  }

  /** An intent was written: deliver it (a disabled one was finished when written). */
  enqueue(intent: DeliveryIntent): void {
    if (this.stopped || intent.disabledReason || this.open.has(intent.id)) return;
    this.open.set(intent.id, { intent, attempts: [] });
    if (this.started) this.schedule(0);
  }

  /** How many deliveries are open in this process (for tests and logs). */
  get openCount(): number {
    return this.open.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    // An attempt cut short here has no outcome; after attemptTimeoutMs it counts as failed.
    await Promise.race([Promise.allSettled(this.inFlight.values()), new Promise((r) => setTimeout(r, 2_000).unref())]);
    for (const c of Object.values(this.channels)) c?.close?.();
  }

  /** Runs a round in `ms` (or sooner if one is already due sooner). */
  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.running) {
      if (ms === 0) this.again = true;
      else this.wakeAt(Date.now() + ms);
      return;
    }
    this.wakeAt(Date.now() + ms);
  }

  private wakeAt(at: number): void {
    if (this.stopped || (this.timer && this.timerAt <= at)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Number.POSITIVE_INFINITY;
      if (this.running) {
        this.again = true;
        return;
      }
      this.running = this.round()
        .catch((err: unknown) => {
          this.logger.warn({ err }, 'delivery round failed');
          return Date.now() + 1_000;
        })
        .then((next) => {
          this.running = null;
          const again = this.again;
          this.again = false;
          if (again) this.wakeAt(Date.now());
          else if (Number.isFinite(next)) this.wakeAt(next);
        });
    }, Math.max(0, at - Date.now()));
    this.timer.unref?.();
  }

  /**
   * One round over the open deliveries in memory: each that is due gets its next attempt (in
   * the background, up to batchSize at once), each settled one its result. Returns when the
   * next round is due (the earliest wait), or Infinity.
   */
  private async round(): Promise<number> {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [id, d] of this.open) {
      if (this.inFlight.has(id) || this.stopped) continue;
      if (Date.parse(d.intent.createdAt) < now - this.options.maxAgeMs) {
        // Too old to be worth sending: settled as FAILED, so the inbox does not show it pending forever.
        this.logger.warn({ deliveryId: id, channel: d.intent.channel }, 'delivery expired');
        await this.repo.finish(id, 'FAILED', 'expired: not delivered in time', new Date());
        this.open.delete(id);
        continue;
      }
      const step = nextStep(d.attempts, this.options, now);
      if (step.kind === 'done') {
        await this.repo.finish(id, 'DELIVERED', undefined, new Date());
        this.open.delete(id);
      } else if (step.kind === 'give-up') {
        this.logger.warn({ deliveryId: id, channel: d.intent.channel, reason: step.reason }, 'delivery given up');
        await this.repo.finish(id, 'FAILED', step.reason, new Date());
        this.open.delete(id);
      } else if (step.kind === 'wait') {
        next = Math.min(next, step.until);
      } else if (this.inFlight.size < this.options.batchSize) {
        const run = this.attempt(d, step.attempt)
          .catch((err: unknown) => this.logger.warn({ err, deliveryId: id }, 'delivery attempt failed to record'))
          .finally(() => {
            this.inFlight.delete(id);
            this.schedule(0); // its next step, and room for one that waited for a slot
          });
        this.inFlight.set(id, run);
      }
      // An attempt that found no room runs when one in flight ends (schedule above).
    }
    return next;
  }

  private async attempt(d: OpenDelivery, attempt: number): Promise<void> {
    const { intent } = d;
    const adapter = this.channels[intent.channel];
    if (!adapter) {
      this.open.delete(intent.id);
      return this.repo.finish(intent.id, 'DISABLED', `${intent.channel} is not configured`, new Date());
    }
    // Another instance may hold this delivery too (both loaded it at start): what is stored
    // decides (point reads), so a delivery it finished or an attempt it took is not sent again.
    const stored = await this.repo.state(intent.id);
    if (stored.finished) {
      this.open.delete(intent.id);
      return;
    }
    if (stored.attempts.length !== d.attempts.length) {
      d.attempts = stored.attempts;
      return; // decided again by the next round
    }
    const startedAt = new Date();
    if (!(await this.repo.claim(intent.id, attempt, startedAt))) {
      d.attempts = (await this.repo.state(intent.id)).attempts;
      return;
    }
    const mine: DeliveryAttempt = { deliveryId: intent.id, attempt, startedAt: startedAt.toISOString() };
    d.attempts = [...d.attempts, mine];
    const result = await adapter.send(intent).catch((err: unknown) => ({ ok: false, permanent: false, error: String(err) }));
    const finishedAt = new Date();
    await this.repo.recordOutcome(intent.id, attempt, result, finishedAt);
    mine.outcome = { ok: result.ok, permanent: result.permanent, ...(result.error ? { error: result.error } : {}), finishedAt: finishedAt.toISOString() };
    this.onAttempt(intent.channel, result.ok ? 'delivered' : result.permanent ? 'rejected' : 'failed');
    this.logger.info({ deliveryId: intent.id, channel: intent.channel, attempt, ok: result.ok, error: result.error }, 'delivery attempt');
    let final: ['DELIVERED' | 'FAILED', string | undefined] | null = null;
    if (result.ok) final = ['DELIVERED', undefined];
    else if (result.permanent) final = ['FAILED', `rejected: ${result.error ?? 'unknown'}`];
    else if (attempt >= this.options.maxAttempts) final = ['FAILED', `${attempt} attempts failed; last: ${result.error ?? 'unknown'}`];
    if (final) {
      await this.repo.finish(intent.id, final[0], final[1], new Date());
      this.open.delete(intent.id);
    }
    // Otherwise the backoff is decided by nextStep in the round that follows.
  }
}

import type { Logger } from '@shagym/service-kit';
import { nextStep, type DeliveryIntent, type DeliveryPolicy, type ExternalChannel } from '../domain/messages';
import type { DeliveryRepository } from '../store/delivery-repository';
import type { ChannelAdapter } from './channels';

export interface WorkerOptions extends DeliveryPolicy {
  intervalMs: number;
  /** Deliveries older than this are no longer looked at (they have long been given up). */
  maxAgeMs: number;
  batchSize: number;
}

/**
 * Delivers what the consumer recorded, apart from it: the consumer only inserts intents, so
 * a slow or failing channel never blocks it. Each attempt is claimed by an insert (two
 * workers never send the same attempt), its outcome recorded, retried with backoff, and given
 * up with the reason. Channels run side by side: one failing channel does not hold the others.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private again = false;
  /** Attempts under way: a round never waits for them, so a hanging channel holds nothing else. */
  private readonly inFlight = new Map<string, Promise<void>>();
  /**
   * Nothing created before this is still open: rounds look only at newer intents. A minute
   * of margin covers intents stamped by another instance with a slightly slower clock.
   */
  private watermark = 0;

  constructor(
    private readonly repo: DeliveryRepository,
    private readonly channels: Partial<Record<ExternalChannel, ChannelAdapter>>,
    private readonly options: WorkerOptions,
    private readonly logger: Logger,
    private readonly onAttempt: (channel: ExternalChannel, outcome: 'delivered' | 'failed' | 'rejected') => void = () => undefined,
  ) {}

  start(): void {
    this.schedule(0);
  }

  /** Something new to deliver: look now rather than at the next interval. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    // An attempt cut short here has no outcome; after attemptTimeoutMs it counts as failed.
    await Promise.race([Promise.allSettled(this.inFlight.values()), new Promise((r) => setTimeout(r, 2_000).unref())]);
    for (const c of Object.values(this.channels)) c?.close?.();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.tick()
        .catch((err: unknown) => this.logger.warn({ err }, 'delivery round failed'))
        .finally(() => {
          this.running = null;
          const again = this.again;
          this.again = false;
          this.schedule(again ? 0 : this.options.intervalMs);
        });
    }, ms);
    this.timer.unref?.();
  }

  /**
   * One round: every open delivery that is due gets its next attempt. Attempts run in the
   * background (up to batchSize at once); the round does not wait for them.
   */
  async tick(): Promise<void> {
    const now = Date.now();
    const open = await this.repo.pending(new Date(Math.max(now - this.options.maxAgeMs, this.watermark)), this.options.batchSize * 4);
    this.watermark = open[0] ? Date.parse(open[0].intent.createdAt) : now - 60_000;
    for (const { intent, attempts } of open) {
      if (this.inFlight.has(intent.id)) continue;
      const step = nextStep(attempts, this.options, Date.now());
      if (step.kind === 'done') await this.repo.finish(intent.id, 'DELIVERED', undefined, new Date());
      else if (step.kind === 'give-up') {
        this.logger.warn({ deliveryId: intent.id, channel: intent.channel, reason: step.reason }, 'delivery given up');
        await this.repo.finish(intent.id, 'FAILED', step.reason, new Date());
      } else if (step.kind === 'attempt' && this.inFlight.size < this.options.batchSize && !this.stopped) {
        const run = this.attempt(intent, step.attempt)
          .catch((err: unknown) => this.logger.warn({ err, deliveryId: intent.id }, 'delivery attempt failed to record'))
          .finally(() => this.inFlight.delete(intent.id));
        this.inFlight.set(intent.id, run);
      }
    }
  }

  private async attempt(intent: DeliveryIntent, attempt: number): Promise<void> {
    const adapter = this.channels[intent.channel];
    if (!adapter) return this.repo.finish(intent.id, 'DISABLED', `${intent.channel} is not configured`, new Date());
    if (!(await this.repo.claim(intent.id, attempt, new Date()))) return;
    const result = await adapter.send(intent).catch((err: unknown) => ({ ok: false, permanent: false, error: String(err) }));
    await this.repo.recordOutcome(intent.id, attempt, result, new Date());
    this.onAttempt(intent.channel, result.ok ? 'delivered' : result.permanent ? 'rejected' : 'failed');
    this.logger.info({ deliveryId: intent.id, channel: intent.channel, attempt, ok: result.ok, error: result.error }, 'delivery attempt');
    if (result.ok) await this.repo.finish(intent.id, 'DELIVERED', undefined, new Date());
    else if (result.permanent) await this.repo.finish(intent.id, 'FAILED', `rejected: ${result.error ?? 'unknown'}`, new Date());
    else if (attempt >= this.options.maxAttempts) await this.repo.finish(intent.id, 'FAILED', `${attempt} attempts failed; last: ${result.error ?? 'unknown'}`, new Date());
    else this.kick(); // the backoff is decided by nextStep on the next round
  }
}

import type { Producer } from 'kafkajs';
import { CORRELATION_HEADER } from './context';
import { EventLog, type StoredEvent } from './event-log';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/**
 * Publishes what the event log holds and Kafka has not yet got, in log order. At least once:
 * if the process dies after the send and before marking, the events go out again and
 * consumers drop them by id.
 */
export class OutboxRelay {
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly log: EventLog,
    private readonly producer: Producer,
    private readonly topicPrefix: string,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly intervalMs: number,
    private readonly batchSize = 500,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Called after an append so the event goes out now rather than at the next poll. */
  kick(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
  }

  /** Publishes one batch; returns how many events went out. Exposed for tests and tools. */
  async publishPending(): Promise<number> {
    const batch = await this.log.pending(this.batchSize);
    if (!batch.length) {
      this.metrics.outboxPending.set(0);
      return 0;
    }
    const byTopic = new Map<string, StoredEvent[]>();
    for (const e of batch) {
      const topic = EventLog.topicFor(e, this.topicPrefix);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), e]);
    }
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, events]) => ({
        topic,
        messages: events.map((e) => ({
          key: e.aggregateId,
          value: e.envelope,
          headers: {
            'event-type': e.type,
            'event-id': e._id,
            [CORRELATION_HEADER]: (JSON.parse(e.envelope) as { correlationId: string }).correlationId,
          },
        })),
      })),
    });
    await this.log.markPublished(batch.map((e) => e._id));
    for (const e of batch) this.metrics.eventsPublished.inc({ type: e.type });
    return batch.length;
  }

  private async run(): Promise<void> {
    let backoff = this.intervalMs;
    while (this.running) {
      try {
        const n = await this.publishPending();
        if (n === this.batchSize) continue;
        // Idle: poll less and less often (an append in this process wakes the relay at once;
        // polling only catches what a crash or another instance left behind).
        backoff = n > 0 ? this.intervalMs : Math.min(backoff * 2, Math.max(this.intervalMs, 2_000));
      } catch (err) {
        this.logger.warn({ err }, 'outbox relay: publish failed, will retry');
        backoff = Math.min(backoff * 2, 5_000);
      }
      let woken = false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => {
          woken = true;
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
      if (woken) backoff = this.intervalMs;
    }
    // Drain what is left on a clean stop, so a restart starts with an empty outbox.
    await this.publishPending().catch(() => undefined);
  }
}

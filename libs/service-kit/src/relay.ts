import type { Producer } from 'kafkajs';
import { CORRELATION_HEADER } from './context';
import { EventLog, type StoredEvent } from './event-log';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/**
 * Publishes what the event log holds and Kafka has not yet got, in log order. At least once:
 * if the process dies after the send and before marking, the events go out again and
 * consumers drop them by id.
 *
 * Events appended by this process are handed over in memory (`enqueue`) and go out at once —
 * no query, and no polling: an idle relay sleeps until an append wakes it. The log is scanned
 * for unpublished events only at start (what a crash left behind); FerretDB answers that scan
 * by reading the whole collection, so it is never repeated while running (architecture.md,
 * "Reads that do not grow with the data"). A failed send keeps its batch at the head of the
 * queue and is retried with backoff, so the order per aggregate holds.
 */
/** How long a wakened relay waits for more appends before it sends. */
const RELAY_LINGER_MS = 5;

export class OutboxRelay {
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private queue: StoredEvent[] = [];
  /** True until the start-up scan found the log empty of unpublished events. */
  private mustScan = true;

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

  /** Hands a just-appended event to the relay: it goes out now, with no read of the log. */
  enqueue(event: StoredEvent): void {
    this.queue.push(event);
    this.kick();
  }

  kick(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
  }

  /** Scans the log and publishes one batch of unpublished events; returns how many went out. */
  async publishPending(): Promise<number> {
    const batch = await this.log.pending(this.batchSize);
    this.metrics.outboxPending.set(batch.length);
    if (!batch.length) return 0;
    await this.send(batch);
    // Those may also wait in the queue (appended just before the scan): do not send them twice.
    const sent = new Set(batch.map((e) => e._id));
    this.queue = this.queue.filter((e) => !sent.has(e._id));
    return batch.length;
  }

  private async send(batch: StoredEvent[]): Promise<void> {
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
  }

  private async run(): Promise<void> {
    let backoff = this.intervalMs;
    while (this.running) {
      let idle = false;
      try {
        if (this.mustScan) {
          const n = await this.publishPending();
          // Scan again until the log has nothing older than the queue.
          if (n > 0) continue;
          this.mustScan = false;
        }
        if (this.queue.length) {
          // Linger a moment (Kafka producers' linger.ms): the appends of the other partitions
          // being handled now join the batch — one send and one markPublished for all of them.
          if (this.queue.length < this.batchSize) await new Promise((r) => setTimeout(r, RELAY_LINGER_MS));
          const batch = this.queue.slice(0, this.batchSize);
          await this.send(batch);
          this.queue.splice(0, batch.length);
          this.metrics.outboxPending.set(this.queue.length);
          backoff = this.intervalMs;
          continue;
        }
        idle = true;
      } catch (err) {
        // The batch stays at the head of the queue (or in the log, for the start-up scan).
        this.logger.warn({ err }, 'outbox relay: publish failed, will retry');
        backoff = Math.min(backoff * 2, 5_000);
      }
      // Idle: sleep until an append wakes the relay. After a failure: wait out the backoff.
      await new Promise<void>((resolve) => {
        const timer = idle ? null : setTimeout(resolve, backoff);
        this.wake = () => {
          if (timer) clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    // Drain what is left on a clean stop, so a restart starts with an empty outbox.
    if (this.queue.length) await this.send(this.queue.splice(0)).catch(() => undefined);
  }

}

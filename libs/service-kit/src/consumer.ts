import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { decodeEvent, TOPIC_PARTITIONS, topicName, type DomainEvent, type EventType, type TopicId } from '@shagym/contracts';
import { runWithContext } from './context';
import { PermanentError, RetryLaterError, isInfrastructureError } from './errors';
import { buildDeadLetter, DEAD_LETTER_ID_HEADER, deadLetterMarkId, producesLetter, type DeadLetterMarks } from './dead-letters';
import type { Inbox } from './inbox';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { aggregateOf, asKafkaMessage, DEFAULT_RETRY_POLICY, ParkedMessages, toParked, type ParkedMessage, type ParkedMessageStore, type RetryPolicy } from './parked-messages';

export type EventHandlers = {
  [T in EventType]?: (event: DomainEvent<T>) => Promise<void>;
};

export interface ConsumerSpec {
  /** Consumer group (without the environment's prefix). */
  group: string;
  topics: TopicId[];
  handlers: EventHandlers;
  /**
   * The event types of `topics` this consumer reads past on purpose (issue 15). Every type of a
   * subscribed topic is either handled or listed here; tools/checks/event-coverage.spec.ts
   * fails otherwise, so a new event in the catalog makes each consumer decide instead of
   * silently skipping it. Not used at run time (an unhandled type is skipped as before).
   */
  ignores?: readonly EventType[];
  /** Attempts for an ordinary handler error before dead-lettering (infrastructure errors retry until stopped). */
  maxAttempts?: number;
  /**
   * Partitions handled at once (each still strictly in order, so one aggregate's events stay
   * ordered). Handlers must be safe under concurrency across aggregates — they are: writes
   * are inserts under a unique `_id` (event-log and list slots, marks). Default: every
   * partition of the complaints topic, so that the point reads of their events go out
   * together (service-kit pointReader).
   */
  partitionsConcurrently?: number;
  /**
   * Called whenever this instance (re)joins its group: the partitions it owns may have changed,
   * so a cache of what only a partition's owner writes must be dropped.
   */
  onAssignmentChange?: () => void;
  /** Backoff of parked (retry-later) messages; defaults to DEFAULT_RETRY_POLICY (tests shorten it). */
  parking?: Partial<Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>>;
}

interface Deps {
  kafka: Kafka;
  producer: Producer;
  inbox: Inbox;
  logger: Logger;
  metrics: Metrics;
  topicPrefix: string;
  groupPrefix: string;
  /** The service the groups belong to: dead letters are one per service, not per group. */
  service: string;
  deadLetterMarks: DeadLetterMarks;
  /**
   * Where a RetryLaterError parks its message so the partition moves on (parked-messages.ts).
   * Without it the handler is retried in place for the error's window, holding the partition.
   */
  parkedMessages?: ParkedMessageStore;
}

/**
 * Consumes with `eachBatch` and commits an offset only after its effect is stored
 * (architecture.md, kafkajs). Every message is validated at the edge; what cannot be
 * processed goes to the dead-letter topic with its reason and the consumer goes on.
 */
export class EventConsumer {
  private consumer: Consumer | null = null;
  private stopping = false;
  private readonly parked: ParkedMessages | null;

  constructor(
    private readonly spec: ConsumerSpec,
    private readonly deps: Deps,
  ) {
    this.parked = deps.parkedMessages
      ? new ParkedMessages(
          this.groupId,
          deps.parkedMessages,
          { run: (m) => this.runParked(m), deadLetter: (m, reason) => this.deadLetter(m.topic, m.partition, asKafkaMessage(m), reason, m.type, m.eventId) },
          deps,
          { ...DEFAULT_RETRY_POLICY, maxAttempts: spec.maxAttempts ?? 6, ...spec.parking },
        )
      : null;
  }

  get groupId(): string {
    return `${this.deps.groupPrefix}${this.spec.group}`;
  }

  async start(): Promise<void> {
    const { kafka, topicPrefix } = this.deps;
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      retry: { retries: 12, initialRetryTime: 300 },
    });
    const onJoin = this.spec.onAssignmentChange;
    if (onJoin) this.consumer.on(this.consumer.events.GROUP_JOIN, () => onJoin());
    const parked = this.parked;
    if (parked) this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => parked.assigned(e.payload.memberAssignment));
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: this.spec.topics.map((t) => topicName(t, topicPrefix)),
      fromBeginning: true,
    });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.spec.partitionsConcurrently ?? TOPIC_PARTITIONS.complaints,
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.parked?.stop();
    await this.consumer?.disconnect();
  }

  /** Consumer lag (end offsets minus committed offsets) per topic, as a metric. */
  async measureLag(admin: Admin): Promise<void> {
    const { topicPrefix, metrics } = this.deps;
    for (const t of this.spec.topics) {
      const topic = topicName(t, topicPrefix);
      const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId: this.groupId, topics: [topic] })]);
      const done = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset === '-1' ? '0' : p.offset)]));
      const lag = ends.reduce((sum, p) => sum + (BigInt(p.high) - (done.get(p.partition) ?? BigInt(p.low))), 0n);
      metrics.consumerLag.set({ group: this.groupId, topic }, Number(lag));
    }
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const { inbox } = this.deps;
    const group = this.groupId;
    // The parked set must reflect the store after a (re)join before a message may pass it.
    await this.parked?.ready;
    // Decoded once; what the group handled before (a redelivery) is found in one read for the
    // whole batch, and what it handles now is recorded in one insert before each commit.
    const decoded = batch.messages.map((message) => ({ message, decoded: decodeEvent(message.value) }));
    const ids = decoded.flatMap((d) => (d.decoded.ok && this.spec.handlers[d.decoded.event.type] ? [d.decoded.event.id] : []));
    const seen = await inbox.seenOf(group, ids);
    const handled: { eventId: string; type: string }[] = [];
    let done: string | null = null;
    let committedAt = Date.now();
    const commit = async () => {
      if (done === null) return;
      // The inbox first: an offset is committed only once what it covers is recorded.
      await inbox.recordAll(group, handled.splice(0));
      await commitOffsetsIfNecessary({ topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next(done) }] }] });
      done = null;
      committedAt = Date.now();
    };
    for (const { message, decoded: d } of decoded) {
      if (!isRunning() || isStale() || this.stopping) break;
      const outcome = await this.handleMessage(batch.topic, batch.partition, message, d, seen, heartbeat);
      if (outcome) {
        handled.push(outcome);
        // The same event twice in one batch (a re-publish) is handled once.
        seen.add(outcome.eventId);
      }
      resolveOffset(message.offset);
      // The effect is stored: the offset may be committed. One commit per batch (or per second
      // of a long one), not per message: a commit is a round trip to the broker, and what a
      // crash replays is dropped by the inbox, or else by the handlers' own idempotence.
      done = message.offset;
      if (Date.now() - committedAt >= COMMIT_EVERY_MS) await commit();
      // A long batch must not outlive the session: kafkajs sends at most one heartbeat per
      // heartbeatInterval, so calling it after every message costs nothing.
      await heartbeat().catch(() => undefined);
    }
    await commit();
  }

  /** Handles one message; returns the event to record in the inbox when its handler ran. */
  private async handleMessage(
    topic: string,
    partition: number,
    message: KafkaMessage,
    decoded: ReturnType<typeof decodeEvent>,
    seen: ReadonlySet<string>,
    heartbeat: () => Promise<void>,
  ): Promise<{ eventId: string; type: string } | null> {
    const { logger, metrics } = this.deps;
    const group = this.groupId;
    if (!decoded.ok) {
      await this.deadLetter(topic, partition, message, decoded.reason, decoded.type, decoded.id);
      return null;
    }
    const event = decoded.event;
    const handler = this.spec.handlers[event.type] as ((e: DomainEvent) => Promise<void>) | undefined;
    if (!handler) {
      metrics.eventsConsumed.inc({ group, type: event.type, outcome: 'skipped' });
      return null;
    }
    if (seen.has(event.id)) {
      metrics.eventsConsumed.inc({ group, type: event.type, outcome: 'duplicate' });
      return null;
    }
    // A later message of an aggregate with parked messages must not overtake them. Parked
    // counts as handled for the offset (it is stored), not for the inbox (it has not run).
    const aggregate = aggregateOf(topic, message.key, event.subject);
    if (this.parked && (await this.parked.parkBehind(aggregate, toParked(topic, partition, message, event)))) return null;
    return runWithContext({ correlationId: event.correlationId, causationId: event.id }, async () => {
      const maxAttempts = this.spec.maxAttempts ?? 6;
      const firstTry = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          await handler(event);
          metrics.eventsConsumed.inc({ group, type: event.type, outcome: 'handled' });
          logger.debug({ eventId: event.id, type: event.type, subject: event.subject }, 'event handled');
          return { eventId: event.id, type: event.type };
        } catch (err) {
          if (err instanceof RetryLaterError && this.parked) {
            await this.parked.park(aggregate, toParked(topic, partition, message, event), err);
            return null;
          }
          const infra = isInfrastructureError(err);
          const later = err instanceof RetryLaterError && Date.now() - firstTry < err.retryForMs;
          if (err instanceof PermanentError || (!infra && !later && attempt >= maxAttempts) || this.stopping) {
            if (this.stopping && !(err instanceof PermanentError)) throw err; // redelivered after restart
            await this.deadLetter(topic, partition, message, `handler failed: ${(err as Error).message}`, event.type, event.id);
            return null;
          }
          const delay = Math.min(200 * 2 ** Math.min(attempt, 8), 10_000);
          logger.warn({ err, attempt, eventId: event.id, type: event.type, infra }, 'event handler failed, retrying');
          await sleepWithHeartbeat(delay, heartbeat);
        }
      }
    });
  }

  /** Runs a parked message once (parked-messages.ts decides what a failure means). */
  private async runParked(m: ParkedMessage): Promise<'handled' | 'duplicate'> {
    const { inbox, metrics } = this.deps;
    const decoded = decodeEvent(asKafkaMessage(m).value);
    const handler = decoded.ok ? (this.spec.handlers[decoded.event.type] as ((e: DomainEvent) => Promise<void>) | undefined) : undefined;
    if (!decoded.ok || !handler) throw new PermanentError(`parked message no longer handled: ${decoded.ok ? decoded.event.type : decoded.reason}`);
    const event = decoded.event;
    if (await inbox.seen(this.groupId, event.id)) return 'duplicate';
    await runWithContext({ correlationId: event.correlationId, causationId: event.id }, () => handler(event));
    await inbox.record(this.groupId, event.id, event.type);
    metrics.eventsConsumed.inc({ group: this.groupId, type: event.type, outcome: 'handled' });
    return 'handled';
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'headers'>,
    reason: string,
    eventType?: string,
    eventId?: string,
  ): Promise<void> {
    const { producer, topicPrefix, logger, metrics, service, deadLetterMarks } = this.deps;
    const group = this.groupId;
    const letter = buildDeadLetter({ service, group, topic, partition, message, reason, eventType, eventId, at: new Date() });
    const type = eventType ?? 'unknown';
    // The marker before the send: the service's other groups meet the same message and must
    // find that a letter is on its way (issue 15: one letter per poison message per service).
    const owner = await deadLetterMarks.claim(deadLetterMarkId(topic, partition, message.offset), letter.id!, group);
    if (!producesLetter(owner, group)) {
      metrics.eventsConsumed.inc({ group, type, outcome: 'dead_lettered_by_sibling' });
      logger.warn({ reason, topic, partition, offset: message.offset, eventType, eventId, letter: letter.id, by: owner }, 'message dead-lettered by another group of this service');
      return;
    }
    await producer.send({
      topic: topicName('deadLetter', topicPrefix),
      acks: -1,
      messages: [{ key: message.key, value: JSON.stringify(letter), headers: { reason: reason.slice(0, 500), [DEAD_LETTER_ID_HEADER]: letter.id! } }],
    });
    metrics.eventsConsumed.inc({ group, type, outcome: 'dead_lettered' });
    logger.error({ reason, topic, partition, offset: message.offset, eventType, eventId, letter: letter.id }, 'message dead-lettered');
  }
}

const COMMIT_EVERY_MS = 1_000;

function next(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}

async function sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(1_000, end - Date.now())));
    await heartbeat().catch(() => undefined);
  }
}

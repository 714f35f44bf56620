import { Schema, type Connection, type Model } from 'mongoose';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { headersAsText } from './dead-letters';
import { isInfrastructureError, PermanentError, RetryLaterError } from './errors';
import { SlotList, readPoint } from './slots';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/**
 * Parked messages (issue 15). A handler throws RetryLaterError when an event arrived before a
 * fact it depends on (registry and deadline: the organization's directory event is still on
 * its way on another topic). Retrying in place held every other complaint of the partition for
 * up to the error's window (5 minutes). Instead the message is parked in the service's own
 * database with its due time and the partition moves on; a timer at the earliest due time
 * re-runs it. Kafka's order is per key, so while a key (an aggregate) has parked messages its
 * later messages are parked behind them and resumed in order, never overtaking.
 *
 * Key-first (architecture.md, "Reads that do not grow with the data"): every read and write is
 * by `_id` — a SlotList `parked:<group>:<aggregate>` of the parked messages, a progress document
 * per list (how many of its slots are resolved, and the head's retry state), and a SlotList
 * `parked-aggregates:<group>` of the aggregates that have ever had one, walked at start and on
 * each rebalance to rebuild the in-memory set. No collection is ever scanned or polled.
 */

/** What is kept of a parked message: enough to run it again, or to dead-letter it untouched. */
export interface ParkedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** The exact bytes (base64): what a dead letter must carry. */
  valueBase64: string | null;
  headers: Record<string, string>;
  eventId: string;
  type: string;
  /** Set when the message was parked because its own handler said "later"; absent when parked behind. */
  firstFailedAt?: string;
  retryForMs?: number;
}

/** Why a resumed message failed, as the decision needs it. */
export type Failure =
  | { kind: 'later'; retryForMs: number }
  | { kind: 'permanent' }
  | { kind: 'infrastructure' }
  | { kind: 'error' };

export function classifyFailure(err: unknown): Failure {
  if (err instanceof PermanentError) return { kind: 'permanent' };
  if (err instanceof RetryLaterError) return { kind: 'later', retryForMs: err.retryForMs };
  if (isInfrastructureError(err)) return { kind: 'infrastructure' };
  return { kind: 'error' };
}

export interface RetryPolicy {
  /** The first wait; doubled on each failure of the same message. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Ordinary (non-RetryLater, non-infrastructure) failures before dead-lettering, as in the consumer. */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 6 };

export function retryDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(policy.baseDelayMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)), policy.maxDelayMs);
}

/**
 * After the head of a parked list failed for the `attempts`-th time: dead-letter it, or try
 * again at `dueAt`. A RetryLater message gets its window from its first failure and one last
 * try at the window's end, so it is dead-lettered soon after the window, not a backoff later.
 */
export function decide(
  failure: Failure,
  state: { attempts: number; firstFailedAt: number; retryForMs: number | null },
  now: number,
  policy: RetryPolicy,
): { action: 'dead-letter' } | { action: 'retry'; dueAt: number } {
  const next = now + retryDelay(state.attempts, policy);
  switch (failure.kind) {
    case 'permanent':
      return { action: 'dead-letter' };
    case 'infrastructure':
      return { action: 'retry', dueAt: next }; // never the message's fault
    case 'error':
      return state.attempts >= policy.maxAttempts ? { action: 'dead-letter' } : { action: 'retry', dueAt: next };
    case 'later': {
      const end = state.firstFailedAt + (state.retryForMs ?? failure.retryForMs);
      return now >= end ? { action: 'dead-letter' } : { action: 'retry', dueAt: Math.min(next, end) };
    }
  }
}

/** In-memory state of one aggregate with parked messages (slots done+1 … count are waiting). */
export interface AggregateState {
  topic: string;
  partition: number;
  count: number;
  done: number;
  attempts: number;
  firstFailedAt: number | null;
  retryForMs: number | null;
  dueAt: number;
}

/**
 * The ordering rules, without I/O: which aggregates hold their later messages back, and which
 * are due. Only aggregates of partitions this instance owns are resumed: after a rebalance the
 * new owner resumes them (its set is rebuilt from the store on join).
 */
export class ParkedIndex {
  readonly states = new Map<string, AggregateState>();
  private owned = new Set<string>();

  static partitionKey(topic: string, partition: number): string {
    return `${topic}:${partition}`;
  }

  /** True while the aggregate has messages waiting: a new one must go behind them. */
  isParked(aggregate: string): boolean {
    const s = this.states.get(aggregate);
    return !!s && s.count > s.done;
  }

  setOwned(assignment: Record<string, number[]>): void {
    this.owned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => ParkedIndex.partitionKey(t, p))));
  }

  owns(s: Pick<AggregateState, 'topic' | 'partition'>): boolean {
    return this.owned.has(ParkedIndex.partitionKey(s.topic, s.partition));
  }

  /** The head resolved (handled, found handled, or dead-lettered): the next one is due now. */
  resolveHead(aggregate: string, now: number): void {
    const s = this.states.get(aggregate);
    if (!s) return;
    s.done += 1;
    s.attempts = 0;
    s.firstFailedAt = null;
    s.retryForMs = null;
    s.dueAt = now;
    if (s.done >= s.count) this.states.delete(aggregate);
  }

  /** Aggregates to resume now, among those owned and not `busy`. */
  due(now: number, busy: ReadonlySet<string>): string[] {
    return [...this.states].filter(([a, s]) => !busy.has(a) && this.owns(s) && s.count > s.done && s.dueAt <= now).map(([a]) => a);
  }

  /** When the timer must wake next, or null when nothing owned waits. */
  earliestDue(busy: ReadonlySet<string>): number | null {
    let min: number | null = null;
    for (const [a, s] of this.states) if (!busy.has(a) && this.owns(s) && s.count > s.done && (min === null || s.dueAt < min)) min = s.dueAt;
    return min;
  }
}

/** The aggregate a message belongs to: its key on its topic (Kafka orders per key and partition). */
export function aggregateOf(topic: string, key: Buffer | null, subject: string): string {
  return `${topic}:${key?.toString('utf8') ?? subject}`;
}

export function toParked(topic: string, partition: number, message: Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'headers'>, event: { id: string; type: string }): ParkedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString('utf8') ?? null,
    valueBase64: message.value?.toString('base64') ?? null,
    headers: headersAsText(message.headers),
    eventId: event.id,
    type: event.type,
  };
}

/** The message as kafkajs gave it (what dead-lettering takes). */
export function asKafkaMessage(p: ParkedMessage): Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'headers'> {
  return {
    offset: p.offset,
    key: p.key === null ? null : Buffer.from(p.key, 'utf8'),
    value: p.valueBase64 === null ? null : Buffer.from(p.valueBase64, 'base64'),
    headers: p.headers as IHeaders,
  };
}

interface Progress {
  _id: string;
  done: number;
  attempts: number;
  firstFailedAt: Date | null;
  retryForMs: number | null;
  dueAt: Date;
}

const progressSchema = new Schema<Progress>(
  {
    _id: { type: String, required: true },
    done: { type: Number, required: true },
    attempts: { type: Number, required: true },
    firstFailedAt: { type: Date, default: null },
    retryForMs: { type: Number, default: null },
    dueAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'parked_progress' },
);

/** The parked messages of one service's database (shared by its consumer groups). */
export class ParkedMessageStore {
  readonly messages: SlotList<ParkedMessage>;
  readonly aggregates: SlotList<{ topic: string; partition: number }>;
  readonly progress: Model<Progress>;

  constructor(conn: Connection) {
    this.messages = new SlotList<ParkedMessage>(conn, 'parked_messages');
    this.aggregates = new SlotList<{ topic: string; partition: number }>(conn, 'parked_aggregates');
    this.progress = (conn.models.ParkedProgress as Model<Progress> | undefined) ?? conn.model<Progress>('ParkedProgress', progressSchema);
  }

  static listOf(group: string, aggregate: string): string {
    return `parked:${group}:${aggregate}`;
  }

  static indexOf(group: string): string {
    return `parked-aggregates:${group}`;
  }

  async saveProgress(group: string, aggregate: string, s: AggregateState): Promise<void> {
    const _id = ParkedMessageStore.listOf(group, aggregate);
    const doc = { done: s.done, attempts: s.attempts, firstFailedAt: s.firstFailedAt === null ? null : new Date(s.firstFailedAt), retryForMs: s.retryForMs, dueAt: new Date(s.dueAt) };
    await this.progress.collection.replaceOne({ _id } as never, doc, { upsert: true });
  }

  /** The group's aggregates that still have parked messages: point reads only. */
  async load(group: string, now: number): Promise<Map<string, AggregateState>> {
    const known = await this.aggregates.all(ParkedMessageStore.indexOf(group));
    const out = new Map<string, AggregateState>();
    await Promise.all(
      known.map(async ({ itemId: aggregate, data }) => {
        const list = ParkedMessageStore.listOf(group, aggregate);
        const [count, p] = await Promise.all([this.messages.count(list), readPoint<Progress>(this.progress, list)]);
        const done = p?.done ?? 0;
        if (count <= done) return;
        out.set(aggregate, {
          ...data,
          count,
          done,
          attempts: p?.attempts ?? 0,
          firstFailedAt: p?.firstFailedAt ? new Date(p.firstFailedAt).getTime() : null,
          retryForMs: p?.retryForMs ?? null,
          dueAt: p ? new Date(p.dueAt).getTime() : now,
        });
      }),
    );
    return out;
  }
}

/** What the consumer lends the parking: how to run a message once, and how to dead-letter it. */
export interface ParkingHooks {
  /** Runs the message's handler once (and records it in the inbox); throws what the handler threw. */
  run(message: ParkedMessage): Promise<'handled' | 'duplicate'>;
  deadLetter(message: ParkedMessage, reason: string): Promise<void>;
}

/** One consumer group's parking: the in-memory set, the per-aggregate order, the timer. */
export class ParkedMessages {
  readonly index = new ParkedIndex();
  private readonly busy = new Set<string>();
  /** When (by `seq`) this process last parked for an aggregate, and whose parking is in flight: a load may predate those writes. */
  private readonly touched = new Map<string, number>();
  private readonly inflight = new Set<string>();
  private seq = 0;
  private readonly locks = new Map<string, Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt: number | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Settles when the set reflects the store after the latest (re)join. */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly group: string,
    private readonly store: ParkedMessageStore,
    private readonly hooks: ParkingHooks,
    private readonly deps: { logger: Logger; metrics: Metrics },
    private readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  /** On every (re)join: the owned partitions changed, and another instance may have parked for them. */
  assigned(assignment: Record<string, number[]>): void {
    this.index.setOwned(assignment);
    // One load after another: an older read must never land over a newer one. A failed load
    // fails the batches that wait for it (kafkajs retries, then restarts and rejoins): a
    // message must not pass an aggregate whose parked messages are unknown.
    const ready = this.ready.catch(() => undefined).then(() => this.reload());
    ready.catch((err) => this.deps.logger.error({ err, group: this.group }, 'could not load parked messages'));
    this.ready = ready;
  }

  private async reload(): Promise<void> {
    const from = ++this.seq;
    const inflight = new Set(this.inflight);
    const loaded = await this.store.load(this.group, Date.now());
    // What this process is resuming, or parked while the load ran, it knows best (the load
    // may have read before those writes); the rest comes from the store, which the
    // partition's previous owner may have changed.
    const keep = (a: string) => this.busy.has(a) || inflight.has(a) || (this.touched.get(a) ?? 0) >= from;
    for (const [a, at] of this.touched) if (at < from) this.touched.delete(a);
    for (const a of [...this.index.states.keys()]) if (!keep(a)) this.index.states.delete(a);
    for (const [a, st] of loaded) if (!keep(a)) this.index.states.set(a, st);
    this.gauge();
    this.schedule();
  }

  /** Parks the message behind its aggregate's parked ones, if it has any; false when it may run now. */
  async parkBehind(aggregate: string, message: ParkedMessage): Promise<boolean> {
    return this.withLock(aggregate, async () => {
      if (!this.index.isParked(aggregate)) return false;
      await this.append(aggregate, message);
      this.deps.metrics.parkedMessages.inc({ group: this.group, type: message.type, outcome: 'parked_behind' });
      return true;
    });
  }

  /** Parks a message whose handler said "later" (`err`), due after the first backoff. */
  async park(aggregate: string, message: ParkedMessage, err: RetryLaterError): Promise<void> {
    await this.withLock(aggregate, async () => {
      const now = Date.now();
      const parked = { ...message, firstFailedAt: new Date(now).toISOString(), retryForMs: err.retryForMs };
      const behind = this.index.isParked(aggregate);
      await this.append(aggregate, parked);
      const s = this.index.states.get(aggregate);
      if (!behind && s && s.done + 1 === s.count) {
        s.attempts = 1;
        s.firstFailedAt = now;
        s.retryForMs = err.retryForMs;
        s.dueAt = now + retryDelay(1, this.policy);
        await this.store.saveProgress(this.group, aggregate, s);
      }
      this.deps.metrics.parkedMessages.inc({ group: this.group, type: message.type, outcome: 'parked' });
      this.deps.logger.warn({ eventId: message.eventId, type: message.type, aggregate, reason: err.message }, 'event parked to retry later');
      this.schedule();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Appends to the aggregate's list (and the group's index); the in-memory count follows. */
  private async append(aggregate: string, message: ParkedMessage): Promise<void> {
    this.inflight.add(aggregate);
    this.touched.set(aggregate, this.seq);
    try {
      await this.appendNow(aggregate, message);
    } finally {
      this.inflight.delete(aggregate);
      this.touched.set(aggregate, this.seq);
    }
  }

  private async appendNow(aggregate: string, message: ParkedMessage): Promise<void> {
    const list = ParkedMessageStore.listOf(this.group, aggregate);
    const { n, added } = await this.store.messages.add(list, `${message.topic}:${message.partition}:${message.offset}`, message);
    let s = this.index.states.get(aggregate);
    if (!s) {
      // A new episode: every earlier slot is resolved, so `done` is n - 1. A redelivered message
      // already parked and resolved (n ≤ done in the store) needs nothing more.
      if (!added) {
        const p = await readPoint<Progress>(this.store.progress, list);
        if (p && p.done >= n) return;
      }
      await this.store.aggregates.append(ParkedMessageStore.indexOf(this.group), aggregate, { topic: message.topic, partition: message.partition });
      s = { topic: message.topic, partition: message.partition, count: n, done: n - 1, attempts: 0, firstFailedAt: null, retryForMs: null, dueAt: Date.now() };
      this.index.states.set(aggregate, s);
      this.gauge();
    }
    s.count = Math.max(s.count, n);
  }

  /** Wakes at the earliest due time of what this instance owns; one timer, never a scan. */
  private schedule(): void {
    if (this.stopped) return;
    const at = this.index.earliestDue(this.busy);
    if (at === null) return;
    if (this.timer && this.timerAt !== null && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = null;
      this.running = this.running.then(() => this.wake()).catch((err) => this.deps.logger.error({ err, group: this.group }, 'parked-message wake failed'));
    }, Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  private async wake(): Promise<void> {
    const due = this.index.due(Date.now(), this.busy);
    await Promise.all(due.map((a) => this.resume(a)));
    this.schedule();
  }

  /** Re-runs the aggregate's parked messages in order until one must wait again or none is left. */
  private async resume(aggregate: string): Promise<void> {
    this.busy.add(aggregate);
    try {
      while (!this.stopped) {
        const s = this.index.states.get(aggregate);
        if (!s || s.count <= s.done || s.dueAt > Date.now() || !this.index.owns(s)) return;
        const n = s.done + 1;
        const list = ParkedMessageStore.listOf(this.group, aggregate);
        const [entry] = await this.store.messages.read(list, [n]);
        if (!entry) {
          // Only a store changed under us could do this; reload on the next join.
          this.deps.logger.error({ aggregate, n, group: this.group }, 'parked message missing');
          return;
        }
        const message = entry.data;
        let outcome: 'handled' | 'duplicate' | 'dead_lettered';
        try {
          outcome = await this.hooks.run(message);
        } catch (err) {
          if (this.stopped) return; // tried again after the restart
          s.attempts += 1;
          s.firstFailedAt ??= message.firstFailedAt ? Date.parse(message.firstFailedAt) : Date.now();
          s.retryForMs ??= message.retryForMs ?? null;
          const verdict = decide(classifyFailure(err), { attempts: s.attempts, firstFailedAt: s.firstFailedAt, retryForMs: s.retryForMs }, Date.now(), this.policy);
          if (verdict.action === 'retry') {
            s.dueAt = verdict.dueAt;
            await this.store.saveProgress(this.group, aggregate, s);
            this.deps.logger.warn({ err, attempt: s.attempts, eventId: message.eventId, aggregate }, 'parked event failed again, retrying later');
            return;
          }
          await this.hooks.deadLetter(message, `handler failed: ${(err as Error).message}`);
          outcome = 'dead_lettered';
        }
        await this.withLock(aggregate, async () => {
          this.index.resolveHead(aggregate, Date.now());
          await this.store.saveProgress(this.group, aggregate, { ...s });
        });
        this.deps.metrics.parkedMessages.inc({ group: this.group, type: message.type, outcome: outcome === 'dead_lettered' ? 'dead_lettered' : 'resumed' });
        this.gauge();
      }
    } catch (err) {
      this.deps.logger.error({ err, aggregate, group: this.group }, 'resuming parked messages failed');
      const s = this.index.states.get(aggregate);
      if (s) s.dueAt = Date.now() + this.policy.maxDelayMs;
    } finally {
      this.busy.delete(aggregate);
    }
  }

  /** One bookkeeping step per aggregate at a time: a park behind never races the resumer's "list drained". */
  private async withLock<T>(aggregate: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(aggregate) ?? Promise.resolve();
    const result = before.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.locks.set(aggregate, tail);
    void tail.then(() => {
      if (this.locks.get(aggregate) === tail) this.locks.delete(aggregate);
    });
    return result;
  }

  private gauge(): void {
    this.deps.metrics.parkedAggregates.set({ group: this.group }, this.index.states.size);
  }
}

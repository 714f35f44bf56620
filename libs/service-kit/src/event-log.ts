import { LRUCache } from 'lru-cache';
import { Schema, type Connection, type Model } from 'mongoose';
import { decodeEvent, topicName, topicOf, type DomainEvent, type TopicId } from '@shagym/contracts';
import { isDuplicateKey } from './mongo';
import { dropSecondaryIndexes, hasCollection, type Migration } from './migrations';
import { MAX_IDS_PER_READ, readSlots } from './slots';

/**
 * The append-only log of the facts a service produces, which doubles as its transactional
 * outbox (architecture.md): one document per event, keyed by its slot `aggregate:version`.
 * Appending is a single insert under that `_id`, the one write FerretDB makes atomic, so
 * "store the fact" and "intend to publish it" can never be separated by a crash, and two
 * writers can never take the same version.
 *
 * Key-first (architecture.md, "Reads that do not grow with the data"): every read is a point
 * read by `_id`. An aggregate is loaded by reading its slots 1, 2, 3, … until one is missing;
 * a bounded cache keeps what was read (slots never change), so a later load reads only the
 * slots after it.
 */
export interface StoredEvent {
  /** `aggregateId:version` (see slotId). */
  _id: string;
  eventId: string;
  aggregateId: string;
  version: number;
  type: string;
  topic: TopicId;
  envelope: string;
  createdAt: Date;
  /** null until the relay has handed the event to Kafka. */
  publishedAt: Date | null;
}

const storedEventSchema = new Schema<StoredEvent>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    aggregateId: { type: String, required: true },
    version: { type: Number, required: true },
    type: { type: String, required: true },
    topic: { type: String, required: true },
    // Kept as the exact JSON that goes on the wire: no BSON conversion can alter an event.
    envelope: { type: String, required: true },
    createdAt: { type: Date, required: true },
    publishedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'event_log' },
);

/** The `_id` of an aggregate's n-th event. Zero-padded so that `_id` order is version order. */
export function slotId(aggregateId: string, version: number): string {
  return `${aggregateId}:${String(version).padStart(6, '0')}`;
}

export type AppendResult = { status: 'appended' | 'duplicate'; version: number; stored?: StoredEvent };

export interface AppendOptions {
  /**
   * Optimistic concurrency: the aggregate version the decision was based on. The event is
   * written as the next version only if nobody appended since; otherwise ConcurrencyError.
   */
  expectedVersion?: number;
}

/** Someone appended to the aggregate after the caller read it: re-read and decide again. */
export class ConcurrencyError extends Error {
  override name = 'ConcurrencyError';
}

/** What is known of an aggregate: its events in version order (versions 1..n, no gaps). */
interface KnownAggregate {
  events: DomainEvent[];
  ids: Set<string>;
  bytes: number;
}

export interface EventLogOptions {
  /** Heap bytes the aggregate cache may hold (bounded; least recently used go first; see HEAP_BYTES_PER_ENVELOPE_CHAR). */
  cacheBytes?: number;
}

/**
 * What a cached event costs the heap per character of its envelope: the parsed event object
 * beside the ids, measured roughly (2-byte strings, property overhead). The caches' bounds are
 * heap bounds: the apps run with a 256 MB old space (package.json shagym.appNodeFlags).
 */
export const HEAP_BYTES_PER_ENVELOPE_CHAR = 3;

export class EventLog {
  readonly model: Model<StoredEvent>;
  private readonly known: LRUCache<string, KnownAggregate>;

  constructor(conn: Connection, options: EventLogOptions = {}) {
    this.model = conn.model<StoredEvent>('StoredEvent', storedEventSchema);
    this.known = new LRUCache<string, KnownAggregate>({
      maxSize: options.cacheBytes ?? 32 * 1024 * 1024,
      sizeCalculation: (a) => Math.max(1, a.bytes * HEAP_BYTES_PER_ENVELOPE_CHAR),
    });
  }

  /**
   * Appends the event as the next version of its aggregate. Idempotent by event id: an event
   * already in the aggregate is reported as a duplicate, not written twice. A version taken by
   * a concurrent writer is read and the event retried at the next one — a stale cache can
   * therefore never let a duplicate through: the insert fails until every later slot was read.
   */
  async append(event: DomainEvent, options: AppendOptions = {}): Promise<AppendResult> {
    let agg = this.known.get(event.subject) ?? (await this.refresh(event.subject));
    for (let attempt = 0; attempt < 50; attempt++) {
      if (agg.ids.has(event.id)) return { status: 'duplicate', version: agg.events.findIndex((e) => e.id === event.id) + 1 };
      const current = agg.events.length;
      if (options.expectedVersion !== undefined && current !== options.expectedVersion) {
        throw new ConcurrencyError(`${event.subject} is at version ${current}, not ${options.expectedVersion}`);
      }
      const version = current + 1;
      const stored: StoredEvent = {
        _id: slotId(event.subject, version),
        eventId: event.id,
        aggregateId: event.subject,
        version,
        type: event.type,
        topic: topicOf(event.type),
        envelope: JSON.stringify(event),
        createdAt: new Date(event.time),
        publishedAt: null,
      };
      try {
        await this.model.collection.insertOne(stored as never);
        this.remember(event.subject, agg, [event], stored.envelope.length);
        return { status: 'appended', version, stored };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // The slot is taken: read it and whatever follows, then decide again.
        agg = await this.refresh(event.subject);
      }
    }
    throw new Error(`could not append ${event.type} to ${event.subject}: too much contention`);
  }

  async currentVersion(aggregateId: string): Promise<number> {
    return (await this.refresh(aggregateId)).events.length;
  }

  /** The aggregate's events in order, re-validated against the contracts when first read. */
  async load(aggregateId: string): Promise<DomainEvent[]> {
    return [...(await this.refresh(aggregateId)).events];
  }

  async loadByType(aggregateId: string, type: DomainEvent['type']): Promise<DomainEvent[]> {
    return (await this.load(aggregateId)).filter((e) => e.type === type);
  }

  /** Many aggregates at once: one batch of point reads per round, not one query per aggregate. */
  async loadMany(aggregateIds: readonly string[]): Promise<DomainEvent[][]> {
    return Promise.all(aggregateIds.map((id) => this.load(id)));
  }

  /**
   * Unpublished events, oldest first. A full read of the log: only for the relay's start-up
   * (what a crash left behind) and admin jobs, never per event.
   */
  async pending(limit: number): Promise<StoredEvent[]> {
    return this.model.find({ publishedAt: null }).sort({ createdAt: 1, version: 1 }).limit(limit).lean();
  }

  /**
   * Marks events as handed to Kafka: one update of `{_id: {$in}}` per 500 (a point read per id:
   * tools/infra/ferretdb/patches/0003).
   */
  async markPublished(ids: string[], at = new Date()): Promise<void> {
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_READ) {
      const chunk = ids.slice(i, i + MAX_IDS_PER_READ);
      await this.model.collection.updateMany({ _id: { $in: chunk } } as never, { $set: { publishedAt: at } });
    }
  }

  static topicFor(stored: StoredEvent, prefix: string): string {
    return topicName(stored.topic, prefix);
  }

  /** Reads the slots after what is known of the aggregate until one is missing. */
  private async refresh(aggregateId: string): Promise<KnownAggregate> {
    const agg = this.known.get(aggregateId) ?? { events: [], ids: new Set<string>(), bytes: 0 };
    const docs = await readSlots(this.model, (n) => slotId(aggregateId, n), agg.events.length + 1);
    if (!docs.length) return agg;
    const events = docs.map((d) => parseStored(d));
    return this.remember(aggregateId, agg, events, docs.reduce((n, d) => n + d.envelope.length, 0));
  }

  private remember(aggregateId: string, agg: KnownAggregate, events: DomainEvent[], bytes: number): KnownAggregate {
    // Concurrent appends in this process may have cached more already: never go back.
    const cached = this.known.get(aggregateId);
    if (cached && cached.events.length >= agg.events.length + events.length) return cached;
    const next: KnownAggregate = {
      events: [...agg.events, ...events],
      ids: new Set([...agg.ids, ...events.map((e) => e.id)]),
      bytes: agg.bytes + bytes,
    };
    this.known.set(aggregateId, next);
    return next;
  }
}

function parseStored(doc: StoredEvent): DomainEvent {
  const decoded = decodeEvent(doc.envelope);
  if (!decoded.ok) throw new Error(`corrupt event ${doc._id} in the log: ${decoded.reason}`);
  return decoded.event;
}

/**
 * Event logs written before the key-first model were keyed by event id with a unique index on
 * (aggregateId, version). Each event moves to its slot `aggregate:version` (insert first, then
 * remove the old document: a crash half-way repeats safely), after the old unique index is
 * dropped, which would refuse the slot's insert while the old document is still there.
 */
export const EVENT_LOG_SLOTS_MIGRATION: Migration = {
  id: '2026-12-02-event-log-slots',
  description: 'event_log documents re-keyed from event id to aggregate:version',
  async run(conn) {
    if (!(await hasCollection(conn, 'event_log'))) return 0;
    await dropSecondaryIndexes(conn, 'event_log');
    const coll = conn.db!.collection<StoredEvent>('event_log');
    let moved = 0;
    for await (const old of coll.find({ eventId: { $exists: false } })) {
      const slot: StoredEvent = { ...old, _id: slotId(old.aggregateId, old.version), eventId: old._id };
      await coll.insertOne(slot).catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err;
      });
      await coll.deleteOne({ _id: old._id });
      moved++;
    }
    return moved;
  },
};

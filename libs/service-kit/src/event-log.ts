import { Schema, type Connection, type Model } from 'mongoose';
import { decodeEvent, topicName, topicOf, type DomainEvent, type TopicId } from '@shagym/contracts';
import { isDuplicateKey } from './mongo';

/**
 * The append-only log of the facts a service produces, which doubles as its transactional
 * outbox (architecture.md): one document per event, unique by event id and by
 * (aggregateId, version). Appending is a single insert, the one write FerretDB makes atomic,
 * so "store the fact" and "intend to publish it" can never be separated by a crash.
 */
export interface StoredEvent {
  _id: string;
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
storedEventSchema.index({ aggregateId: 1, version: 1 }, { unique: true });
storedEventSchema.index({ publishedAt: 1, createdAt: 1 });

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

export class EventLog {
  readonly model: Model<StoredEvent>;

  constructor(conn: Connection) {
    this.model = conn.model<StoredEvent>('StoredEvent', storedEventSchema);
  }

  /**
   * Appends the event as the next version of its aggregate. Idempotent by event id: an event
   * already in the log is reported as a duplicate, not written twice. A version taken by a
   * concurrent writer is retried with the next one.
   */
  async append(event: DomainEvent, options: AppendOptions = {}): Promise<AppendResult> {
    for (let attempt = 0; attempt < 50; attempt++) {
      // The common case is a new event: insert straight away and look for a duplicate only
      // when a unique index refuses the insert.
      if (attempt > 0) {
        const existing = await this.model.findById(event.id, { version: 1 }).lean();
        if (existing) return { status: 'duplicate', version: existing.version };
      }
      const current = await this.currentVersion(event.subject);
      if (options.expectedVersion !== undefined && current !== options.expectedVersion) {
        throw new ConcurrencyError(`${event.subject} is at version ${current}, not ${options.expectedVersion}`);
      }
      const version = current + 1;
      try {
        const stored: StoredEvent = {
          _id: event.id,
          aggregateId: event.subject,
          version,
          type: event.type,
          topic: topicOf(event.type),
          envelope: JSON.stringify(event),
          createdAt: new Date(event.time),
          publishedAt: null,
        };
        await this.model.create(stored);
        return { status: 'appended', version, stored };
      } catch (err) {
        // 11000 carries no index name on FerretDB: re-read to learn which key was taken.
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`could not append ${event.type} to ${event.subject}: too much contention`);
  }

  async currentVersion(aggregateId: string): Promise<number> {
    const last = await this.model.findOne({ aggregateId }, { version: 1 }).sort({ version: -1 }).lean();
    return last?.version ?? 0;
  }

  /** The aggregate's events in order, re-validated against the contracts. */
  async load(aggregateId: string): Promise<DomainEvent[]> {
    const docs = await this.model.find({ aggregateId }).sort({ version: 1 }).lean();
    return docs.map((d) => parseStored(d));
  }

  async loadByType(aggregateId: string, type: DomainEvent['type']): Promise<DomainEvent[]> {
    const docs = await this.model.find({ aggregateId, type }).sort({ version: 1 }).lean();
    return docs.map((d) => parseStored(d));
  }

  async pending(limit: number): Promise<StoredEvent[]> {
    return this.model.find({ publishedAt: null }).sort({ createdAt: 1, version: 1 }).limit(limit).lean();
  }

  async countPending(): Promise<number> {
    return this.model.countDocuments({ publishedAt: null });
  }

  async markPublished(ids: string[], at = new Date()): Promise<void> {
    if (ids.length) await this.model.updateMany({ _id: { $in: ids } }, { $set: { publishedAt: at } });
  }

  static topicFor(stored: StoredEvent, prefix: string): string {
    return topicName(stored.topic, prefix);
  }
}

function parseStored(doc: StoredEvent): DomainEvent {
  const decoded = decodeEvent(doc.envelope);
  if (!decoded.ok) throw new Error(`corrupt event ${doc._id} in the log: ${decoded.reason}`);
  return decoded.event;
}

import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from './mongo';
import { readByIds } from './slots';

/**
 * Remembers which events a consumer group has fully handled, so that a redelivered event
 * is skipped. Handlers are idempotent on their own too (deterministic ids); this makes a
 * redelivery cheap and keeps side effects such as messages from repeating.
 */
interface ProcessedEvent {
  _id: string;
  group: string;
  eventId: string;
  type: string;
  processedAt: Date;
}

const processedSchema = new Schema<ProcessedEvent>(
  {
    _id: { type: String, required: true },
    group: { type: String, required: true },
    eventId: { type: String, required: true },
    type: { type: String, required: true },
    processedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'inbox' },
);

export class Inbox {
  readonly model: Model<ProcessedEvent>;

  constructor(conn: Connection) {
    this.model = conn.model<ProcessedEvent>('ProcessedEvent', processedSchema);
  }

  async seen(group: string, eventId: string): Promise<boolean> {
    return (await this.seenOf(group, [eventId])).has(eventId);
  }

  /** Which of the events the group has handled: one read for a whole Kafka batch. */
  async seenOf(group: string, eventIds: readonly string[]): Promise<Set<string>> {
    if (!eventIds.length) return new Set();
    const docs = await readByIds<ProcessedEvent>(this.model, eventIds.map((id) => `${group}:${id}`), { _id: 1, eventId: 1 });
    return new Set([...docs.values()].map((d) => d.eventId));
  }

  async record(group: string, eventId: string, type: string): Promise<void> {
    await this.recordAll(group, [{ eventId, type }]);
  }

  /** Records handled events in one insert; those recorded already are left as they are. */
  async recordAll(group: string, events: readonly { eventId: string; type: string }[]): Promise<void> {
    if (!events.length) return;
    const processedAt = new Date();
    const docs = events.map(({ eventId, type }) => ({ _id: `${group}:${eventId}`, group, eventId, type, processedAt }));
    try {
      await this.model.collection.insertMany(docs as never[], { ordered: false });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

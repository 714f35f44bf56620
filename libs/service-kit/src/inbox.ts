import { Schema, type Connection, type Model } from 'mongoose';
import { insertOnce } from './mongo';

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
    return (await this.model.exists({ _id: `${group}:${eventId}` })) !== null;
  }

  async record(group: string, eventId: string, type: string): Promise<void> {
    await insertOnce(this.model, { _id: `${group}:${eventId}`, group, eventId, type, processedAt: new Date() });
  }
}

import { Schema, type Connection, type Model } from 'mongoose';
import type { InboxMessage } from '../domain/messages';
import type { TimelineEntry } from '../domain/timeline';
import { insertOnce } from '@shagym/service-kit';

interface MessageDoc {
  _id: string;
  recipientKey: string;
  complaintId: string;
  entry: TimelineEntry;
  external: boolean;
  occurredAt: Date;
  createdAt: Date;
}

interface ReadDoc {
  _id: string;
  recipientKey: string;
  readAt: Date;
}

const messageSchema = new Schema<MessageDoc>(
  {
    _id: String,
    recipientKey: { type: String, required: true },
    complaintId: { type: String, required: true },
    entry: { type: Schema.Types.Mixed, required: true },
    external: { type: Boolean, required: true },
    occurredAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'inbox_messages', minimize: false },
);
messageSchema.index({ recipientKey: 1, occurredAt: -1 });

const readSchema = new Schema<ReadDoc>(
  { _id: String, recipientKey: { type: String, required: true }, readAt: { type: Date, required: true } },
  { versionKey: false, collection: 'inbox_reads' },
);
readSchema.index({ recipientKey: 1 });

export interface InboxItem extends InboxMessage {
  readAt: string | null;
}

/**
 * The in-app inbox: messages inserted once per (event, recipient); "read" is another insert
 * keyed by the message id, never an update (FerretDB loses concurrent updates).
 */
export class InboxRepository {
  readonly messages: Model<MessageDoc>;
  readonly reads: Model<ReadDoc>;

  constructor(conn: Connection) {
    this.messages = conn.model<MessageDoc>('InboxMessage', messageSchema);
    this.reads = conn.model<ReadDoc>('InboxRead', readSchema);
  }

  /** True when the message is new (not a redelivery). */
  async add(message: InboxMessage): Promise<boolean> {
    const { id, createdAt, ...rest } = message;
    return insertOnce(this.messages, { _id: id, ...rest, occurredAt: new Date(message.entry.occurredAt), createdAt: new Date(createdAt) });
  }

  async find(id: string): Promise<InboxMessage | null> {
    const doc = await this.messages.findById(id).lean();
    return doc ? toMessage(doc) : null;
  }

  /** Newest first (by when the step happened). */
  async list(recipientKey: string, opts: { unreadOnly: boolean; first: number }): Promise<InboxItem[]> {
    const reads = await this.readMap(recipientKey);
    const filter = opts.unreadOnly ? { recipientKey, _id: { $nin: [...reads.keys()] } } : { recipientKey };
    const docs = await this.messages.find(filter).sort({ occurredAt: -1, _id: 1 }).limit(opts.first).lean();
    return docs.map((d) => ({ ...toMessage(d), readAt: reads.get(d._id) ?? null }));
  }

  async unreadCount(recipientKey: string): Promise<number> {
    const [total, read] = await Promise.all([this.messages.countDocuments({ recipientKey }), this.reads.countDocuments({ recipientKey })]);
    return Math.max(0, total - read);
  }

  /** Marks the recipient's own messages read (others' ids are ignored); returns how many were newly marked. */
  async markRead(recipientKey: string, ids: string[] | null, now: Date): Promise<number> {
    const filter = ids ? { recipientKey, _id: { $in: ids } } : { recipientKey };
    const mine = await this.messages.find(filter, { _id: 1 }).lean();
    let marked = 0;
    for (const m of mine) if (await insertOnce(this.reads, { _id: m._id, recipientKey, readAt: now })) marked++;
    return marked;
  }

  private async readMap(recipientKey: string): Promise<Map<string, string>> {
    const reads = await this.reads.find({ recipientKey }).lean();
    return new Map(reads.map((r) => [r._id, r.readAt.toISOString()]));
  }
}

function toMessage(d: MessageDoc): InboxMessage {
  return { id: d._id, recipientKey: d.recipientKey, complaintId: d.complaintId, entry: d.entry, external: d.external, createdAt: d.createdAt.toISOString() };
}

import { Schema, type Connection, type Model } from 'mongoose';
import type { DomainEvent } from '@shagym/contracts';
import { insertOnce } from '@shagym/service-kit';

/** Which complaint was about which matter (repeat detection); one insert per complaint. */
interface MatterDoc {
  _id: string;
  complainant: string;
  addresseeId: string;
  matter: string;
  at: Date;
}

/** Replies and refusals intake learned from the registry (for escalation, R12). */
interface ReplyFactDoc {
  _id: string;
  complaintId: string;
  type: string;
}

const matterSchema = new Schema<MatterDoc>(
  { _id: String, complainant: String, addresseeId: String, matter: String, at: Date },
  { versionKey: false, collection: 'matters' },
);
matterSchema.index({ complainant: 1, addresseeId: 1, matter: 1, at: 1 });

const replySchema = new Schema<ReplyFactDoc>({ _id: String, complaintId: String, type: String }, { versionKey: false, collection: 'reply_facts' });
replySchema.index({ complaintId: 1 });

/** Insert-only facts intake keeps besides its event log. */
export class IntakeFacts {
  readonly matters: Model<MatterDoc>;
  readonly replies: Model<ReplyFactDoc>;

  constructor(conn: Connection) {
    this.matters = conn.model<MatterDoc>('Matter', matterSchema);
    this.replies = conn.model<ReplyFactDoc>('ReplyFact', replySchema);
  }

  async earliestSameMatter(complainant: string, addresseeId: string, matter: string): Promise<string | null> {
    const doc = await this.matters.findOne({ complainant, addresseeId, matter }).sort({ at: 1 }).lean();
    return doc?._id ?? null;
  }

  async rememberMatter(complaintId: string, complainant: string, addresseeId: string, matter: string): Promise<void> {
    await insertOnce(this.matters, { _id: complaintId, complainant, addresseeId, matter, at: new Date() });
  }

  async learnReply(event: DomainEvent<'complaint.answered' | 'complaint.refused'>): Promise<void> {
    await insertOnce(this.replies, { _id: event.id, complaintId: event.subject, type: event.type });
  }

  async wasReplied(complaintId: string): Promise<boolean> {
    return (await this.replies.exists({ complaintId })) !== null;
  }
}

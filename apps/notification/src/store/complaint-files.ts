import { Schema, type Connection, type Model } from 'mongoose';
import { foldFile, type ComplaintFact, type ComplaintFile } from '../domain/complaint-file';
import { insertOnce } from '@shagym/service-kit';

type FactDoc = Omit<ComplaintFact, 'id' | 'at'> & { _id: string; at: Date };

const schema = new Schema<FactDoc>(
  {
    _id: String,
    complaintId: { type: String, required: true },
    type: { type: String, required: true },
    at: { type: Date, required: true },
    recipientKey: String,
    patch: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, collection: 'complaint_facts', minimize: false },
);
schema.index({ complaintId: 1 });
schema.index({ recipientKey: 1, at: -1 });

/** The complaint files (notification's projection), as insert-only facts keyed by event id. */
export class ComplaintFileRepository {
  readonly model: Model<FactDoc>;

  constructor(conn: Connection) {
    this.model = conn.model<FactDoc>('ComplaintFact', schema);
  }

  async add(fact: ComplaintFact): Promise<void> {
    const { id, at, ...rest } = fact;
    await insertOnce(this.model, { _id: id, at: new Date(at), ...rest });
  }

  async find(complaintId: string): Promise<ComplaintFile | null> {
    const docs = await this.model.find({ complaintId }).lean();
    if (!docs.length) return null;
    return foldFile(complaintId, docs.map(toFact));
  }

  /** The complaints filed by this recipient, newest first. */
  async complaintIdsOf(recipientKey: string, first: number): Promise<string[]> {
    const docs = await this.model.find({ recipientKey, type: 'complaint.submitted' }, { complaintId: 1 }).sort({ at: -1 }).limit(first).lean();
    return [...new Set(docs.map((d) => d.complaintId))];
  }
}

function toFact({ _id, at, ...rest }: FactDoc): ComplaintFact {
  return { id: _id, at: at.toISOString(), ...rest, ...(rest.recipientKey ? { recipientKey: rest.recipientKey } : {}) } as ComplaintFact;
}

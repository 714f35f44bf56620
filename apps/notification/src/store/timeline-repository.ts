import { Schema, type Connection, type Model } from 'mongoose';
import { insertOnce } from '@shagym/service-kit';
import { sortTimeline, type TimelineEntry } from '../domain/timeline';

/** `recordedAt`: when this service stored the entry (what the bench measures the stage by), not part of the entry. */
type EntryDoc = Omit<TimelineEntry, 'id' | 'occurredAt'> & { _id: string; occurredAt: Date; recordedAt?: Date };

const schema = new Schema<EntryDoc>(
  {
    _id: String,
    complaintId: { type: String, required: true },
    type: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    params: { type: Schema.Types.Mixed, default: {} },
    recordedAt: Date,
  },
  { versionKey: false, collection: 'timeline', minimize: false },
);
schema.index({ complaintId: 1, occurredAt: 1 });

/** One entry per event id: a redelivered event is a duplicate insert, never a second entry. */
export class TimelineRepository {
  readonly model: Model<EntryDoc>;

  constructor(conn: Connection) {
    this.model = conn.model<EntryDoc>('TimelineEntry', schema);
  }

  async add(entry: TimelineEntry): Promise<void> {
    const { id, occurredAt, ...rest } = entry;
    await insertOnce(this.model, { _id: id, occurredAt: new Date(occurredAt), ...rest, recordedAt: new Date() });
  }

  async forComplaint(complaintId: string): Promise<TimelineEntry[]> {
    const docs = await this.model.find({ complaintId }).lean();
    return sortTimeline(docs.map(({ _id, occurredAt, recordedAt: _recordedAt, ...rest }) => ({ id: _id, occurredAt: occurredAt.toISOString(), ...rest })));
  }
}

import { Schema, type Connection, type Model } from 'mongoose';
import { decodeEvent, type DomainEvent } from '@shagym/contracts';
import { insertOnce, type EventLog } from '@shagym/service-kit';
import { foldCase, type CaseEvent, type ComplaintCase } from '../domain/case';

/** An event of another service the registry learned about the complaint: one insert per event id. */
interface LearnedEventDoc {
  _id: string;
  complaintId: string;
  type: string;
  envelope: string;
}

const schema = new Schema<LearnedEventDoc>(
  { _id: String, complaintId: { type: String, required: true }, type: { type: String, required: true }, envelope: { type: String, required: true } },
  { versionKey: false, collection: 'case_events' },
);
schema.index({ complaintId: 1 });

const CASE_TYPES = new Set(['complaint.escalated', 'deadline.breached', 'deadline.stopped', 'complaint.submitted', 'complaint.delivered', 'complaint.registered', 'complaint.assigned', 'complaint.answered', 'complaint.refused']);

/**
 * The registry's case file of a complaint: its own events (registration, reply) from the
 * event log plus the events learned from other services. Insert-only, so redelivery and
 * concurrency are safe on FerretDB; the case is folded on read.
 */
export class CaseRepository {
  readonly learned: Model<LearnedEventDoc>;

  constructor(
    conn: Connection,
    private readonly log: EventLog,
  ) {
    this.learned = conn.model<LearnedEventDoc>('LearnedEvent', schema);
  }

  async learn(event: DomainEvent): Promise<void> {
    await insertOnce(this.learned, { _id: event.id, complaintId: event.subject, type: event.type, envelope: JSON.stringify(event) });
  }

  async find(complaintId: string): Promise<ComplaintCase> {
    const [own, learned] = await Promise.all([this.log.load(complaintId), this.learned.find({ complaintId }).lean()]);
    const events = [...own, ...learned.flatMap((d) => {
      const decoded = decodeEvent(d.envelope);
      return decoded.ok ? [decoded.event] : [];
    })].filter((e): e is CaseEvent => CASE_TYPES.has(e.type));
    return foldCase(complaintId, events, await this.log.currentVersion(complaintId));
  }

  async findMany(ids: string[]): Promise<ComplaintCase[]> {
    return Promise.all(ids.map((id) => this.find(id)));
  }
}

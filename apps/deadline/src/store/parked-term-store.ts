import { Schema, type Connection, type Model } from 'mongoose';
import type { DomainEvent } from '@shagym/contracts';
import { isDuplicateKey } from '@shagym/service-kit';
import type { ParkedTerm, ParkingPorts } from '../domain/parked-terms';

interface ParkedDoc {
  _id: string;
  complaintId: string;
  year: number;
  reason: string;
  /** The whole event, as JSON (its data is replayed as it came). */
  cause: string;
  parkedAt: Date;
  resolvedAt: Date | null;
}

const parkedSchema = new Schema<ParkedDoc>(
  {
    _id: String,
    complaintId: { type: String, required: true },
    year: { type: Number, required: true },
    reason: { type: String, required: true },
    cause: { type: String, required: true },
    parkedAt: { type: Date, required: true },
    resolvedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'deadline_parked_terms' },
);
parkedSchema.index({ year: 1, resolvedAt: 1 });
parkedSchema.index({ complaintId: 1 });

const toParked = (d: ParkedDoc): ParkedTerm => ({
  causeId: d._id,
  complaintId: d.complaintId,
  year: d.year,
  reason: d.reason,
  cause: JSON.parse(d.cause) as DomainEvent,
});

/**
 * Terms waiting for a year of the calendar (domain/parked-terms.ts). One document per cause
 * event: inserted by the complaint consumer, moved to another year or resolved only by the
 * calendar consumer's replay — one writer at a time per document, as FerretDB needs.
 */
export class ParkedTermStore implements ParkingPorts {
  readonly model: Model<ParkedDoc>;

  constructor(db: Connection) {
    this.model = db.model<ParkedDoc>('DeadlineParkedTerm', parkedSchema);
  }

  async park(parked: ParkedTerm, now = new Date()): Promise<void> {
    const fields = { complaintId: parked.complaintId, year: parked.year, reason: parked.reason, cause: JSON.stringify(parked.cause) };
    try {
      await this.model.create({ _id: parked.causeId, ...fields, parkedAt: now, resolvedAt: null });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.model.updateOne({ _id: parked.causeId }, { $set: { year: parked.year, reason: parked.reason, resolvedAt: null } });
    }
  }

  async waitingFor(year: number): Promise<ParkedTerm[]> {
    return (await this.model.find({ year, resolvedAt: null }).sort({ parkedAt: 1 }).lean()).map(toParked);
  }

  async resolve(causeId: string, now = new Date()): Promise<void> {
    await this.model.updateOne({ _id: causeId, resolvedAt: null }, { $set: { resolvedAt: now } });
  }

  /** Why the complaint has no term, if it is waiting for the calendar. */
  async waitingOf(complaintId: string): Promise<ParkedTerm | null> {
    const doc = await this.model.findOne({ complaintId, resolvedAt: null }).sort({ parkedAt: -1 }).lean();
    return doc ? toParked(doc) : null;
  }
}

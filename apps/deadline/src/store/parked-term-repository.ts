import { Schema, type Connection, type Model } from 'mongoose';
import type { DomainEvent } from '@shagym/contracts';
import { firstOfEach, isDuplicateKey, SlotList } from '@shagym/service-kit';
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

// No secondary indexes: FerretDB never uses them (architecture.md, "Reads that do not grow with the data").
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

const toParked = (d: ParkedDoc): ParkedTerm => ({
  causeId: d._id,
  complaintId: d.complaintId,
  year: d.year,
  reason: d.reason,
  cause: JSON.parse(d.cause) as DomainEvent,
});

export const parkedListOf = (complaintId: string) => `parked:${complaintId}`;

/**
 * Terms waiting for a year of the calendar (domain/parked-terms.ts). One document per cause
 * event, keyed by its id: inserted by the complaint consumer, moved to another year or
 * resolved only by the calendar consumer's replay — one writer at a time per document, as
 * FerretDB needs. A complaint's parkings are also listed in slots `parked:<complaintId>`
 * (insert-only, safe for both consumers), so the per-request question "is this complaint
 * waiting for the calendar?" is point reads: usually one, finding the list empty.
 */
export class ParkedTermRepository implements ParkingPorts {
  readonly model: Model<ParkedDoc>;
  readonly lists: SlotList<{ causeId: string }>;

  constructor(db: Connection) {
    this.model = (db.models['DeadlineParkedTerm'] as Model<ParkedDoc> | undefined) ?? db.model<ParkedDoc>('DeadlineParkedTerm', parkedSchema);
    this.lists = new SlotList<{ causeId: string }>(db, 'deadline_parked_lists', { cacheSize: 20_000 });
  }

  get models(): Model<any>[] {
    return [this.model, this.lists.model];
  }

  async park(parked: ParkedTerm, now = new Date()): Promise<void> {
    const fields = { complaintId: parked.complaintId, year: parked.year, reason: parked.reason, cause: JSON.stringify(parked.cause) };
    try {
      await this.model.create({ _id: parked.causeId, ...fields, parkedAt: now, resolvedAt: null });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await this.model.updateOne({ _id: parked.causeId }, { $set: { year: parked.year, reason: parked.reason, resolvedAt: null } });
    }
    // After the document: a crash in between is repaired by the redelivered cause (park again).
    await this.lists.append(parkedListOf(parked.complaintId), parked.causeId, { causeId: parked.causeId }, now);
  }

  /**
   * The unresolved parked terms waiting for `year`, oldest first. A full read: only when a
   * supervisor adds a year (the calendar consumer's replay, an admin job), never per request.
   */
  async waitingFor(year: number): Promise<ParkedTerm[]> {
    return (await this.model.find({ year, resolvedAt: null }).sort({ parkedAt: 1 }).lean()).map(toParked);
  }

  async resolve(causeId: string, now = new Date()): Promise<void> {
    await this.model.updateOne({ _id: causeId }, { $set: { resolvedAt: now } });
  }

  /** Why the complaint has no term, if it is waiting for the calendar (the latest parking). */
  async waitingOf(complaintId: string): Promise<ParkedTerm | null> {
    const entries = firstOfEach(await this.lists.all(parkedListOf(complaintId)), (e) => e.data.causeId);
    if (!entries.length) return null;
    const docs = await Promise.all(entries.map((e) => this.model.findById(e.data.causeId).lean<ParkedDoc>().exec()));
    const waiting = docs
      .filter((d): d is ParkedDoc => !!d && d.resolvedAt === null)
      .sort((a, b) => b.parkedAt.getTime() - a.parkedAt.getTime());
    return waiting[0] ? toParked(waiting[0]) : null;
  }
}

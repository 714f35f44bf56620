import { Schema, type Connection, type Model } from 'mongoose';
import { isDuplicateKey } from '@shagym/service-kit';

/** One document per allocated number: inserting it is what takes the number. */
export interface Allocation {
  _id: string;
  organizationId: string;
  year: number;
  sequence: number;
  complaintId: string;
  allocatedAt: Date;
}

const schema = new Schema<Allocation>(
  {
    _id: String,
    organizationId: { type: String, required: true },
    year: { type: Number, required: true },
    sequence: { type: Number, required: true },
    complaintId: { type: String, required: true },
    allocatedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'incoming_numbers' },
);
schema.index({ organizationId: 1, year: 1, sequence: 1 }, { unique: true });
schema.index({ complaintId: 1 }, { unique: true });

/**
 * Allocates R7 incoming numbers, unique and gapless per organization and year.
 *
 * Never a shared `$inc` counter: FerretDB's updates are read-modify-write and lose
 * increments under concurrency (architecture.md). Instead each number is an insert under
 * two unique indexes — (organization, year, sequence) and complaint — so two writers can
 * never take the same number, and one complaint never takes two. A writer that loses the
 * race re-reads and tries the next number. A number once inserted belongs to its complaint
 * for good, so a crash before the registration event is healed by redelivery: the same
 * number is found and the event written — no gap.
 */
export class IncomingNumberAllocator {
  readonly model: Model<Allocation>;

  constructor(conn: Connection) {
    this.model = conn.model<Allocation>('Allocation', schema);
  }

  async allocate(organizationId: string, year: number, complaintId: string, now = new Date()): Promise<Allocation> {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const existing = await this.model.findOne({ complaintId }).lean();
      if (existing) return existing;
      const last = await this.model.findOne({ organizationId, year }, { sequence: 1 }).sort({ sequence: -1 }).lean();
      const sequence = (last?.sequence ?? 0) + 1;
      const doc: Allocation = { _id: `${organizationId}:${year}:${sequence}`, organizationId, year, sequence, complaintId, allocatedAt: now };
      try {
        await this.model.create(doc);
        return doc;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Taken by another writer (or this complaint got a number meanwhile): look again.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * attempt)));
      }
    }
    throw new Error(`could not allocate a number for ${complaintId} in ${organizationId}/${year}`);
  }

  async findByComplaint(complaintId: string): Promise<Allocation | null> {
    return this.model.findOne({ complaintId }).lean();
  }

  async journal(organizationId: string, year: number, afterSequence: number, limit: number): Promise<Allocation[]> {
    return this.model
      .find({ organizationId, year, sequence: { $gt: afterSequence } })
      .sort({ sequence: 1 })
      .limit(limit)
      .lean();
  }
}

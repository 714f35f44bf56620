import { Schema, type Connection, type Model } from 'mongoose';
import { insertOnce } from '@shagym/service-kit';
import type { ComplaintFacts } from '../domain/assignment';

/**
 * What routing keeps of other services' complaint events: one insert-only document per event
 * (keyed by its id), so a redelivery writes nothing and nothing is ever updated.
 */
interface FactDoc {
  _id: string;
  complaintId: string;
  kind: 'SUBMITTED' | 'REGISTERED' | 'CLOSED';
  addresseeOrganizationId?: string;
  complainantRegion?: string | null;
  /** Who filed it (R3/R4), so that the complainant may see routing's part of the complaint. */
  complainantIin?: string;
  complainantBin?: string;
  registeredOn?: string;
  at: Date;
}

const factSchema = new Schema<FactDoc>(
  {
    _id: String,
    complaintId: { type: String, required: true },
    kind: { type: String, required: true },
    addresseeOrganizationId: String,
    complainantRegion: String,
    complainantIin: String,
    complainantBin: String,
    registeredOn: String,
    at: Date,
  },
  { versionKey: false, collection: 'complaint_facts' },
);
factSchema.index({ complaintId: 1 });

export class ComplaintFactsRepository {
  readonly model: Model<FactDoc>;

  constructor(conn: Connection) {
    this.model = conn.model<FactDoc>('ComplaintFact', factSchema);
  }

  async record(fact: FactDoc): Promise<void> {
    await insertOnce(this.model, fact);
  }

  async factsOf(complaintId: string): Promise<ComplaintFacts | null> {
    const docs = await this.model.find({ complaintId }).sort({ at: 1 }).lean();
    if (!docs.length) return null;
    const facts: ComplaintFacts = {};
    for (const d of docs) {
      if (d.addresseeOrganizationId) facts.addresseeOrganizationId = d.addresseeOrganizationId;
      if (d.complainantRegion !== undefined) facts.complainantRegion = d.complainantRegion;
      if (d.registeredOn) facts.registeredOn = d.registeredOn;
      if (d.complainantIin) facts.complainantIin = d.complainantIin;
      if (d.complainantBin) facts.complainantBin = d.complainantBin;
    }
    return facts;
  }

  async isClosed(complaintId: string): Promise<boolean> {
    return (await this.model.exists({ complaintId, kind: 'CLOSED' })) !== null;
  }
}

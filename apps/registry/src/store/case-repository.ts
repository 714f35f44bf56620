import { Schema, type Connection, type Model } from 'mongoose';
import type { DomainEvent } from '@shagym/contracts';
import { isDuplicateKey, type EventLog } from '@shagym/service-kit';
import { deriveStatus, type CaseFact, type ComplaintCase, type Registration } from '../domain/case';

/** A fact the registry learned from another service's event: one insert per event id. */
interface FactDoc {
  _id: string;
  complaintId: string;
  type: CaseFact;
  at: Date;
}

const factSchema = new Schema<FactDoc>(
  { _id: String, complaintId: { type: String, required: true }, type: { type: String, required: true }, at: Date },
  { versionKey: false, collection: 'case_facts' },
);
factSchema.index({ complaintId: 1 });

/**
 * The registry's case file of a complaint: its own events (registration) from the event log
 * plus facts learned from other services. Insert-only, so redelivery and concurrency are
 * safe on FerretDB; the status is derived on read.
 */
export class CaseRepository {
  readonly facts: Model<FactDoc>;

  constructor(
    conn: Connection,
    private readonly log: EventLog,
  ) {
    this.facts = conn.model<FactDoc>('CaseFact', factSchema);
  }

  async recordFact(event: DomainEvent & { type: CaseFact }): Promise<void> {
    try {
      await this.facts.create({ _id: event.id, complaintId: event.subject, type: event.type, at: new Date(event.time) });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async find(complaintId: string): Promise<ComplaintCase> {
    const [own, learned] = await Promise.all([
      this.log.load(complaintId),
      this.facts.find({ complaintId }, { type: 1 }).lean(),
    ]);
    const registered = own.find((e) => e.type === 'complaint.registered');
    const facts: CaseFact[] = [...learned.map((f) => f.type), ...own.map((e) => e.type as CaseFact)];
    return {
      id: complaintId,
      status: deriveStatus(facts),
      registration: registered?.type === 'complaint.registered' ? toRegistration(registered.data) : null,
    };
  }
}

export function toRegistration(d: DomainEvent<'complaint.registered'>['data']): Registration {
  return {
    organizationId: d.organizationId,
    organizationCode: d.organizationCode,
    incomingNumber: d.incomingNumber,
    year: d.year,
    sequence: d.sequence,
    registeredAt: d.registeredAt,
    registeredOn: d.registeredOn,
  };
}

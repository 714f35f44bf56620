import { Schema, type Connection, type Model } from 'mongoose';
import type { DomainEvent } from '@shagym/contracts';
import type { ConsumerSpec } from './consumer';
import { forbidden, requireIdentity, type Identity } from './identity';
import { insertOnce } from './mongo';

/** Who is party to a complaint: the complainant and the bodies that handle it. */
export interface ComplaintParties {
  complaintId: string;
  complainantIin: string | null;
  complainantBin: string | null;
  organizationIds: string[];
  executorOfficialIds: string[];
}

/** Scope an inter-agency client needs to read complaints. */
export const COMPLAINTS_READ_SCOPE = 'complaints:read';

/**
 * Who may see a complaint (issue 8), decided the same way in every subgraph:
 * the complainant (CITIZEN by ИИН, COMPANY by БИН); officials of a body that received,
 * registered, handles or was forwarded it; the quality-control supervisors; agencies holding
 * `complaints:read`. Analysts see aggregates only, never a single complaint.
 */
export function canSeeComplaint(identity: Identity, parties: ComplaintParties | null): boolean {
  if (identity.roles.includes('SUPERVISOR')) return true;
  if (identity.roles.includes('AGENCY') && identity.scopes?.includes(COMPLAINTS_READ_SCOPE)) return true;
  if (!parties) return false;
  if (identity.roles.includes('CITIZEN') && identity.iin && identity.iin === parties.complainantIin) return true;
  if (identity.roles.includes('COMPANY') && identity.bin && identity.bin === parties.complainantBin) return true;
  const official = identity.roles.some((r) => r === 'OPERATOR' || r === 'HEAD' || r === 'EXECUTOR');
  return official && !!identity.organizationId && parties.organizationIds.includes(identity.organizationId);
}

interface PartyFactDoc {
  _id: string;
  complaintId: string;
  iin?: string;
  bin?: string;
  organizationId?: string;
  executorOfficialId?: string;
}

const schema = new Schema<PartyFactDoc>(
  { _id: String, complaintId: { type: String, required: true }, iin: String, bin: String, organizationId: String, executorOfficialId: String },
  { versionKey: false, collection: 'complaint_parties' },
);
schema.index({ complaintId: 1 });

/**
 * Each service's projection of who is party to which complaint, learned from the complaint
 * events (insert-only, one document per event, so redelivery and concurrency are safe).
 */
export class ComplaintAccess {
  readonly model: Model<PartyFactDoc>;

  constructor(conn: Connection) {
    this.model = conn.model<PartyFactDoc>('ComplaintParty', schema);
  }

  async learn(event: DomainEvent): Promise<void> {
    const fact = factOf(event);
    if (!fact) return;
    await insertOnce(this.model, { _id: event.id, complaintId: event.subject, ...fact });
  }

  async parties(complaintId: string): Promise<ComplaintParties | null> {
    const facts = await this.model.find({ complaintId }).lean();
    if (!facts.length) return null;
    return {
      complaintId,
      complainantIin: facts.find((f) => f.iin)?.iin ?? null,
      complainantBin: facts.find((f) => f.bin)?.bin ?? null,
      organizationIds: [...new Set(facts.flatMap((f) => (f.organizationId ? [f.organizationId] : [])))],
      executorOfficialIds: [...new Set(facts.flatMap((f) => (f.executorOfficialId ? [f.executorOfficialId] : [])))],
    };
  }

  /**
   * The caller may see the complaint, or UNAUTHENTICATED / FORBIDDEN. `known` adds parties
   * the service knows first-hand (intake knows its complainant before its event comes back).
   */
  async authorize(identity: Identity | null, complaintId: string, known?: Partial<ComplaintParties>): Promise<Identity> {
    const caller = requireIdentity(identity);
    const learned = await this.parties(complaintId);
    const parties = known ? mergeParties(complaintId, learned, known) : learned;
    if (!canSeeComplaint(caller, parties)) throw forbidden('you may not see this complaint');
    return caller;
  }

  consumer(service: string): ConsumerSpec {
    const learn = (e: DomainEvent) => this.learn(e);
    return {
      group: `${service}.access`,
      topics: ['complaints'],
      handlers: { 'complaint.submitted': learn, 'complaint.registered': learn, 'complaint.assigned': learn },
    };
  }
}

function mergeParties(complaintId: string, a: ComplaintParties | null, b: Partial<ComplaintParties>): ComplaintParties {
  return {
    complaintId,
    complainantIin: a?.complainantIin ?? b.complainantIin ?? null,
    complainantBin: a?.complainantBin ?? b.complainantBin ?? null,
    organizationIds: [...new Set([...(a?.organizationIds ?? []), ...(b.organizationIds ?? [])])],
    executorOfficialIds: [...new Set([...(a?.executorOfficialIds ?? []), ...(b.executorOfficialIds ?? [])])],
  };
}

function factOf(event: DomainEvent): Omit<PartyFactDoc, '_id' | 'complaintId'> | null {
  switch (event.type) {
    case 'complaint.submitted': {
      const c = event.data.complainant;
      return { ...(c.kind === 'INDIVIDUAL' ? { iin: c.iin } : { bin: c.bin }), organizationId: event.data.addresseeOrganizationId };
    }
    case 'complaint.registered':
      return { organizationId: event.data.organizationId };
    case 'complaint.assigned':
      return { organizationId: event.data.organizationId, executorOfficialId: event.data.executor.officialId };
    default:
      return null;
  }
}

import { LRUCache } from 'lru-cache';
import type { Connection } from 'mongoose';
import type { DomainEvent } from '@shagym/contracts';
import type { ConsumerSpec } from './consumer';
import { forbidden, requireIdentity, type Identity } from './identity';
import { hasCollection, type Migration } from './migrations';
import { SlotList } from './slots';

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

type PartyFact = { iin?: string; bin?: string; organizationId?: string; executorOfficialId?: string };

/** The list of a complaint's party facts: slots `parties:<complaintId>:<n>`. */
const listOf = (complaintId: string) => `parties:${complaintId}`;

function partiesFrom(complaintId: string, facts: PartyFact[]): ComplaintParties | null {
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
 * Each service's projection of who is party to which complaint, learned from the complaint
 * events: insert-only slots per complaint (one per event, so redelivery and concurrency are
 * safe), read by `_id` (architecture.md, key-first). A bounded cache of what was read serves
 * most checks; since parties are only ever added, a cached "may see" is still true, and a
 * cached "may not" is re-read before it is refused.
 */
export class ComplaintAccess {
  private readonly facts: SlotList<PartyFact>;
  private readonly cache = new LRUCache<string, ComplaintParties>({ max: 20_000 });

  constructor(conn: Connection) {
    this.facts = new SlotList<PartyFact>(conn, 'complaint_party_slots');
  }

  get model() {
    return this.facts.model;
  }

  async learn(event: DomainEvent): Promise<void> {
    const fact = factOf(event);
    if (!fact) return;
    await this.facts.append(listOf(event.subject), event.id, fact, new Date(event.time));
    this.cache.delete(event.subject);
  }

  async parties(complaintId: string): Promise<ComplaintParties | null> {
    const parties = partiesFrom(complaintId, (await this.facts.all(listOf(complaintId))).map((e) => e.data));
    if (parties) this.cache.set(complaintId, parties);
    return parties;
  }

  /**
   * The caller may see the complaint, or UNAUTHENTICATED / FORBIDDEN. `known` adds parties
   * the service knows first-hand (intake knows its complainant before its event comes back).
   */
  async authorize(identity: Identity | null, complaintId: string, known?: Partial<ComplaintParties>): Promise<Identity> {
    const caller = requireIdentity(identity);
    const decide = (learned: ComplaintParties | null) => canSeeComplaint(caller, known ? mergeParties(complaintId, learned, known) : learned);
    const cached = this.cache.get(complaintId);
    if (cached && decide(cached)) return caller;
    if (!decide(await this.parties(complaintId))) throw forbidden('you may not see this complaint');
    return caller;
  }

  consumer(service: string): ConsumerSpec {
    const learn = (e: DomainEvent) => this.learn(e);
    return {
      group: `${service}.access`,
      topics: ['complaints'],
      handlers: { 'complaint.submitted': learn, 'complaint.registered': learn, 'complaint.assigned': learn, 'complaint.reassigned': learn },
    };
  }
}

/** Party facts written before the key-first model (one document per event, read by complaintId) move to slots. */
export const COMPLAINT_PARTIES_SLOTS_MIGRATION: Migration = {
  id: '2026-12-02-complaint-parties-slots',
  description: 'complaint_parties facts moved to complaint_party_slots',
  async run(conn) {
    if (!(await hasCollection(conn, 'complaint_parties'))) return 0;
    const facts = new SlotList<PartyFact>(conn, 'complaint_party_slots');
    const old = conn.db!.collection<{ _id: string; complaintId: string } & PartyFact>('complaint_parties');
    let moved = 0;
    for await (const doc of old.find({})) {
      const { _id, complaintId, ...fact } = doc;
      await facts.append(listOf(complaintId), _id, fact);
      await old.deleteOne({ _id });
      moved++;
    }
    await old.drop();
    return moved;
  },
};

function mergeParties(complaintId: string, a: ComplaintParties | null, b: Partial<ComplaintParties>): ComplaintParties {
  return {
    complaintId,
    complainantIin: a?.complainantIin ?? b.complainantIin ?? null,
    complainantBin: a?.complainantBin ?? b.complainantBin ?? null,
    organizationIds: [...new Set([...(a?.organizationIds ?? []), ...(b.organizationIds ?? [])])],
    executorOfficialIds: [...new Set([...(a?.executorOfficialIds ?? []), ...(b.executorOfficialIds ?? [])])],
  };
}

function factOf(event: DomainEvent): PartyFact | null {
  switch (event.type) {
    case 'complaint.submitted': {
      const c = event.data.complainant;
      return { ...(c.kind === 'INDIVIDUAL' ? { iin: c.iin } : { bin: c.bin }), organizationId: event.data.addresseeOrganizationId };
    }
    case 'complaint.registered':
      return { organizationId: event.data.organizationId };
    case 'complaint.assigned':
    case 'complaint.reassigned':
      return { organizationId: event.data.organizationId, executorOfficialId: event.data.executor.officialId };
    default:
      return null;
  }
}

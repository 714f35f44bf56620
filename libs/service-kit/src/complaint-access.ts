import { LRUCache } from 'lru-cache';
import type { Connection } from 'mongoose';
import type { DomainEvent, EventType } from '@shagym/contracts';
import type { ConsumerSpec, EventHandlers } from './consumer';
import { forbidden, requireIdentity, type Identity } from './identity';
import { hasCollection, type Migration } from './migrations';
import { firstOfEach, SlotList } from './slots';

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

/**
 * One fact a complaint event adds to who holds the complaint. Facts written before `kind`
 * existed (issue 8) carry only iin/bin/organizationId/executorOfficialId; `legacyKind` reads them.
 */
export type HolderFact =
  /** R1: filed by the complainant, addressed to the head of a body; R12: may escalate another. */
  | { kind: 'SUBMITTED'; iin?: string; bin?: string; organizationId: string; escalationOf?: string }
  /** R7: the body's registry office registered it. */
  | { kind: 'REGISTERED'; organizationId: string }
  /** R2, R6, R12, R18: the complaint went to the head of this body. */
  | { kind: 'ROUTED'; organizationId: string }
  /** R2: the head appointed (or replaced, `complaint.reassigned`) the responsible executor. */
  | { kind: 'ASSIGNED'; organizationId: string; executorOfficialId: string }
  /** R18: forwarded to the competent body, which holds it from now on. */
  | { kind: 'FORWARDED'; fromOrganizationId: string; organizationId: string }
  /** R12: the complainant took it further; a new complaint at the authorized body continues it. */
  | { kind: 'ESCALATED'; escalationComplaintId: string; authorizedBodyId: string };

type LegacyPartyFact = { kind?: undefined; iin?: string; bin?: string; organizationId?: string; executorOfficialId?: string };
type StoredFact = HolderFact | LegacyPartyFact;

/**
 * Who holds a complaint now, and who ever did. `organizationIds` only grows: every body that
 * received, registered, handled or was forwarded the complaint keeps read access (issue 8, R18
 * keeps the history); `currentOrganizationId` / `currentExecutorOfficialId` say who may act on it.
 */
export interface ComplaintHolder extends ComplaintParties {
  /** R1: the body the complainant addressed. */
  addresseeOrganizationId: string | null;
  /** R7: the body whose registry office registered it last (the receiving body after a forwarding). */
  registeringOrganizationId: string | null;
  /** R2, R18: the body that holds it now (after every forwarding). */
  currentOrganizationId: string | null;
  /** R2: the executor the current body's head appointed last; null until one is, or after a forwarding. */
  currentExecutorOfficialId: string | null;
  /** R12: the complaint this one escalates, if any. */
  escalationOf: string | null;
  /** R12: the complaints to the authorized body that continue this one, in order. */
  escalatedTo: string[];
}

/** The list of a complaint's holder facts: slots `parties:<complaintId>:<n>`. */
const listOf = (complaintId: string) => `parties:${complaintId}`;

function legacyKind(f: LegacyPartyFact): HolderFact | null {
  if (f.iin || f.bin) return { kind: 'SUBMITTED', ...(f.iin ? { iin: f.iin } : {}), ...(f.bin ? { bin: f.bin } : {}), organizationId: f.organizationId ?? '' };
  if (f.organizationId && f.executorOfficialId) return { kind: 'ASSIGNED', organizationId: f.organizationId, executorOfficialId: f.executorOfficialId };
  if (f.organizationId) return { kind: 'REGISTERED', organizationId: f.organizationId };
  return null;
}

/**
 * Folds a complaint's facts, in the order its events came (the complaints topic is keyed by
 * complaint id, so that is the order they happened in), into who holds it. Pure: the one
 * place where "who holds a complaint" is decided for every subgraph and for registry's
 * "who may answer" (R2, R9, R17, R18).
 */
export function foldHolder(complaintId: string, facts: readonly StoredFact[]): ComplaintHolder | null {
  if (!facts.length) return null;
  const h: ComplaintHolder = {
    complaintId,
    complainantIin: null,
    complainantBin: null,
    organizationIds: [],
    executorOfficialIds: [],
    addresseeOrganizationId: null,
    registeringOrganizationId: null,
    currentOrganizationId: null,
    currentExecutorOfficialId: null,
    escalationOf: null,
    escalatedTo: [],
  };
  const held = (org: string) => {
    if (org && !h.organizationIds.includes(org)) h.organizationIds.push(org);
  };
  // The body changes hands: the executor appointed by the previous body's head no longer acts (R2, R18).
  const moveTo = (org: string) => {
    if (h.currentOrganizationId !== org) h.currentExecutorOfficialId = null;
    h.currentOrganizationId = org;
  };
  for (const stored of facts) {
    const f = stored.kind ? stored : legacyKind(stored);
    if (!f) continue;
    switch (f.kind) {
      case 'SUBMITTED':
        h.complainantIin ??= f.iin ?? null;
        h.complainantBin ??= f.bin ?? null;
        h.escalationOf ??= f.escalationOf ?? null;
        if (f.organizationId) {
          h.addresseeOrganizationId ??= f.organizationId;
          held(f.organizationId);
          // Only the first holder: a submission seen after a forwarding must not undo it.
          if (!h.currentOrganizationId) h.currentOrganizationId = f.organizationId;
        }
        break;
      case 'REGISTERED':
        held(f.organizationId);
        h.registeringOrganizationId = f.organizationId;
        if (!h.currentOrganizationId) h.currentOrganizationId = f.organizationId;
        break;
      case 'ROUTED':
        // R2/R6/R12/R18: routed to the head of this body, who appoints the executor.
        held(f.organizationId);
        moveTo(f.organizationId);
        break;
      case 'FORWARDED':
        held(f.fromOrganizationId);
        held(f.organizationId);
        moveTo(f.organizationId);
        break;
      case 'ASSIGNED':
        held(f.organizationId);
        if (!h.executorOfficialIds.includes(f.executorOfficialId)) h.executorOfficialIds.push(f.executorOfficialId);
        // R2: an appointment by the head of a body that no longer holds it (forwarded away, R18) does not make its executor the one who answers.
        if (!h.currentOrganizationId || h.currentOrganizationId === f.organizationId) {
          h.currentOrganizationId = f.organizationId;
          h.currentExecutorOfficialId = f.executorOfficialId;
        }
        break;
      case 'ESCALATED':
        if (!h.escalatedTo.includes(f.escalationComplaintId)) h.escalatedTo.push(f.escalationComplaintId);
        break;
    }
  }
  return h;
}

/**
 * The events of the complaints topic the holder projection folds, and those it reads past on
 * purpose (the catalog-coverage test, tools/checks/event-coverage.spec.ts, fails when an event
 * type of the topic is in neither list).
 */
export const HOLDER_EVENT_TYPES = [
  'complaint.submitted',
  'complaint.registered',
  'complaint.routed',
  'complaint.assigned',
  'complaint.reassigned',
  'complaint.forwarded',
  'complaint.escalated',
] as const satisfies readonly EventType[];
export const HOLDER_IGNORED_EVENT_TYPES = [
  // Delivery marks the addressee (already known from the submission) as holder: nothing new.
  'complaint.delivered',
  // Declaring it outside the body's competence does not move it; the forwarding does (R18).
  'complaint.outside-competence',
  // The reply ends the review (R9, R17) but not who held it: they keep read access.
  'complaint.answered',
  'complaint.refused',
  // Terms say nothing of who holds the complaint (R8, R13, R18).
  'deadline.set',
  'deadline.warning',
  'deadline.breached',
  'deadline.stopped',
  'deadline.recomputed',
] as const satisfies readonly EventType[];

/**
 * Each service's projection of who holds which complaint, learned from the complaint events:
 * insert-only slots per complaint (one per event id, so redelivery and concurrency are safe),
 * read by `_id` (architecture.md, key-first). A bounded cache of what was read serves most
 * read checks; since the bodies that may read only ever grow, a cached "may see" is still
 * true, and a cached "may not" is re-read before it is refused. `holder` (who may act) is
 * always read afresh.
 */
export class ComplaintAccess {
  private readonly facts: SlotList<StoredFact>;
  private readonly cache = new LRUCache<string, ComplaintHolder>({ max: 20_000 });

  constructor(conn: Connection) {
    this.facts = new SlotList<StoredFact>(conn, 'complaint_party_slots');
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

  /**
   * Records a fact known otherwise than from its event (a migration seeding the projection from
   * a service's older store); `itemId` is the event's id, so the event itself adds nothing later.
   */
  async remember(complaintId: string, itemId: string, fact: HolderFact, at: Date): Promise<void> {
    await this.facts.append(listOf(complaintId), itemId, fact, at);
    this.cache.delete(complaintId);
  }

  /** Who holds the complaint now (R2, R18) and who ever did; null when no event of it was seen. */
  async holder(complaintId: string): Promise<ComplaintHolder | null> {
    const entries = firstOfEach(await this.facts.all(listOf(complaintId)), (e) => e.itemId);
    const holder = foldHolder(complaintId, entries.map((e) => e.data));
    if (holder) this.cache.set(complaintId, holder);
    return holder;
  }

  async parties(complaintId: string): Promise<ComplaintParties | null> {
    return this.holder(complaintId);
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
      handlers: Object.fromEntries(HOLDER_EVENT_TYPES.map((t) => [t, learn])) as EventHandlers,
      ignores: [...HOLDER_IGNORED_EVENT_TYPES],
    };
  }
}

/** Party facts written before the key-first model (one document per event, read by complaintId) move to slots. */
export const COMPLAINT_PARTIES_SLOTS_MIGRATION: Migration = {
  id: '2026-12-02-complaint-parties-slots',
  description: 'complaint_parties facts moved to complaint_party_slots',
  async run(conn) {
    if (!(await hasCollection(conn, 'complaint_parties'))) return 0;
    const facts = new SlotList<StoredFact>(conn, 'complaint_party_slots');
    const old = conn.db!.collection<{ _id: string; complaintId: string } & LegacyPartyFact>('complaint_parties');
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

function factOf(event: DomainEvent): HolderFact | null {
  switch (event.type) {
    case 'complaint.submitted': {
      const c = event.data.complainant;
      return {
        kind: 'SUBMITTED',
        ...(c.kind === 'INDIVIDUAL' ? { iin: c.iin } : { bin: c.bin }),
        organizationId: event.data.addresseeOrganizationId,
        ...(event.data.escalationOf ? { escalationOf: event.data.escalationOf } : {}),
      };
    }
    case 'complaint.registered':
      return { kind: 'REGISTERED', organizationId: event.data.organizationId };
    case 'complaint.routed':
      return { kind: 'ROUTED', organizationId: event.data.organizationId };
    case 'complaint.assigned':
    case 'complaint.reassigned':
      return { kind: 'ASSIGNED', organizationId: event.data.organizationId, executorOfficialId: event.data.executor.officialId };
    case 'complaint.forwarded':
      return { kind: 'FORWARDED', fromOrganizationId: event.data.fromOrganizationId, organizationId: event.data.toOrganizationId };
    case 'complaint.escalated':
      return { kind: 'ESCALATED', escalationComplaintId: event.data.escalationComplaintId, authorizedBodyId: event.data.authorizedBodyId };
    default:
      return null;
  }
}

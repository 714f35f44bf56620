import type { DomainEvent } from '@shagym/contracts';
import type { ComplaintHolder } from '@shagym/service-kit';

/**
 * R11: the statuses a complainant sees, in lifecycle order; ANSWERED and REFUSED end a case,
 * ESCALATED (R12) links it to the new case at the authorized body.
 */
export const STATUS_ORDER = ['SUBMITTED', 'DELIVERED', 'REGISTERED', 'ASSIGNED', 'ANSWERED', 'REFUSED', 'ESCALATED'] as const;
export type ComplaintStatus = (typeof STATUS_ORDER)[number];

export interface Registration {
  organizationId: string;
  organizationCode: string;
  incomingNumber: string;
  year: number;
  sequence: number;
  registeredAt: string;
  registeredOn: string;
  entryHash: string | null;
  /** R7 + R18: set on the receiving body's registration of a forwarded complaint. */
  forwardedFrom: RegistrationLink | null;
}

/** The link of a receiving body's registration to the one before it (R18). */
export interface RegistrationLink {
  organizationId: string;
  reason: string;
  forwardedAt: string;
  registration: Pick<Registration, 'organizationId' | 'organizationCode' | 'incomingNumber' | 'registeredOn'> | null;
}

/** R18: a forwarding as the registry knows it, with the registration it came from. */
export interface Forwarding {
  eventId: string;
  fromOrganizationId: string;
  toOrganizationId: string;
  reason: string;
  forwardedAt: string;
  /** The complaint's registration when it was forwarded (the first body's, for the first forwarding). */
  registrationBefore: Registration | null;
}

export interface Reply {
  kind: 'ANSWER' | 'REFUSAL';
  outgoingNumber: string;
  on: string;
  at: string;
  executorOfficialId: string;
  decision: string | null;
  refusalReason: string | null;
  reasoning: string;
  legalBasis: string | null;
  delivery: string | null;
  trackingNumber: string | null;
  informedOfEscalation: boolean;
  informedOfCourt: boolean;
}

/** The registry office's case file of a complaint, folded from the events it knows. */
export interface ComplaintCase {
  id: string;
  status: ComplaintStatus;
  /** Version of the registry's own event stream for the complaint (optimistic concurrency). */
  version: number;
  channel: string | null;
  addresseeOrganizationId: string | null;
  /** The current registration: the receiving body's after a forwarding (R7, R18). */
  registration: Registration | null;
  /**
   * Every registration, oldest first: the first body's stays a record (journals are never
   * rewritten), the receiving body's follows, linked to it.
   */
  registrations: Registration[];
  /** R18: forwardings, oldest first. */
  forwardings: Forwarding[];
  /** R7 at the receiving body: it holds the complaint and has not registered it yet. */
  awaitingRegistrationBy: string | null;
  executorOfficialId: string | null;
  reply: Reply | null;
  /** The review term ran out with no reply yet (deadline.breached, not followed by a stop). */
  overdue: boolean;
  /** Whether the reply came within the term (deadline.stopped); null until replied. */
  repliedOnTime: boolean | null;
  /** R12: the complaint to the authorized body that continues this one. */
  escalatedTo: string | null;
}

/** The events the case is made of: the registry's own and those it learns from others. */
export type CaseEvent = Extract<
  DomainEvent,
  {
    type:
      | 'complaint.submitted'
      | 'complaint.delivered'
      | 'complaint.registered'
      | 'complaint.assigned'
      | 'complaint.reassigned'
      | 'complaint.forwarded'
      | 'complaint.answered'
      | 'complaint.refused'
      | 'complaint.escalated'
      | 'deadline.breached'
      | 'deadline.stopped';
  }
>;

const STATUS_OF: Partial<Record<CaseEvent['type'], ComplaintStatus>> = {
  // Delivered: the addressee's registry office has received it (R11 "delivery mark").
  'complaint.submitted': 'DELIVERED',
  'complaint.delivered': 'DELIVERED',
  'complaint.registered': 'REGISTERED',
  'complaint.assigned': 'ASSIGNED',
  'complaint.reassigned': 'ASSIGNED',
  'complaint.answered': 'ANSWERED',
  'complaint.refused': 'REFUSED',
  'complaint.escalated': 'ESCALATED',
};

/**
 * Folds what the registry knows into the case. The status is the furthest stage reached,
 * whatever order events of different services arrived in. A complaint intake accepted but
 * the registry has not yet received is SUBMITTED.
 */
export function foldCase(id: string, events: CaseEvent[], ownVersion: number): ComplaintCase {
  const c: ComplaintCase = {
    id,
    status: 'SUBMITTED',
    version: ownVersion,
    channel: null,
    addresseeOrganizationId: null,
    registration: null,
    registrations: [],
    forwardings: [],
    awaitingRegistrationBy: null,
    executorOfficialId: null,
    reply: null,
    overdue: false,
    repliedOnTime: null,
    escalatedTo: null,
  };
  let rank = 0;
  for (const e of [...events].sort((a, b) => a.time.localeCompare(b.time))) {
    const stage = STATUS_OF[e.type];
    if (stage) rank = Math.max(rank, STATUS_ORDER.indexOf(stage));
    switch (e.type) {
      case 'complaint.submitted':
        c.channel = e.data.channel;
        c.addresseeOrganizationId = e.data.addresseeOrganizationId;
        break;
      case 'complaint.delivered':
        break;
      case 'complaint.escalated':
        c.escalatedTo = e.data.escalationComplaintId;
        break;
      case 'deadline.breached':
        c.overdue = true;
        break;
      case 'deadline.stopped':
        // The forwarding term (R18) stopping says nothing of the reply itself.
        if (e.data.stoppedBy !== 'FORWARDED') {
          c.overdue = false;
          c.repliedOnTime = e.data.outcome === 'MET';
        }
        break;
      case 'complaint.registered': {
        const { complaintId: _c, channel, entryHash, forwardedFrom, ...reg } = e.data;
        c.channel = channel;
        const registration: Registration = {
          ...reg,
          entryHash: entryHash ?? null,
          forwardedFrom: forwardedFrom ? { ...forwardedFrom, registration: forwardedFrom.registration ?? null } : null,
        };
        // One registration per body (a redelivered event has the same id and is one event in the fold).
        if (!c.registrations.some((r) => r.organizationId === registration.organizationId && r.incomingNumber === registration.incomingNumber)) c.registrations.push(registration);
        c.registration = registration;
        if (c.awaitingRegistrationBy === registration.organizationId) c.awaitingRegistrationBy = null;
        break;
      }
      case 'complaint.forwarded':
        // R18 then R7: the receiving body registers it in its own journal; until then it waits.
        c.forwardings.push({
          eventId: e.id,
          fromOrganizationId: e.data.fromOrganizationId,
          toOrganizationId: e.data.toOrganizationId,
          reason: e.data.reason,
          forwardedAt: e.data.forwardedAt,
          registrationBefore: c.registration,
        });
        c.awaitingRegistrationBy = e.data.toOrganizationId;
        break;
      case 'complaint.assigned':
      case 'complaint.reassigned':
        // R2: the head's latest appointment decides who answers; a replaced executor no longer may.
        c.executorOfficialId = e.data.executor.officialId;
        break;
      case 'complaint.answered':
        c.reply = {
          kind: 'ANSWER',
          outgoingNumber: e.data.outgoingNumber,
          on: e.data.answeredOn,
          at: e.data.answeredAt,
          executorOfficialId: e.data.executorOfficialId,
          decision: e.data.decision,
          refusalReason: null,
          reasoning: e.data.reasoning,
          legalBasis: e.data.legalBasis ?? null,
          delivery: e.data.delivery,
          trackingNumber: e.data.trackingNumber ?? null,
          informedOfEscalation: e.data.informedOfEscalation,
          informedOfCourt: e.data.informedOfCourt,
        };
        break;
      case 'complaint.refused':
        c.reply = {
          kind: 'REFUSAL',
          outgoingNumber: e.data.outgoingNumber,
          on: e.data.refusedOn,
          at: e.data.refusedAt,
          executorOfficialId: e.data.executorOfficialId,
          decision: null,
          refusalReason: e.data.reason,
          reasoning: e.data.reasoning,
          legalBasis: null,
          delivery: null,
          trackingNumber: null,
          informedOfEscalation: e.data.informedOfEscalation,
          informedOfCourt: e.data.informedOfCourt,
        };
        break;
    }
  }
  c.status = STATUS_ORDER[rank]!;
  if (c.reply) c.overdue = false;
  return c;
}

export type TransitionRefusal = { code: 'INVALID_TRANSITION' | 'FORBIDDEN'; message: string };

/** Who holds the complaint now, as the holder projection (service-kit ComplaintAccess) folds it. */
export type CurrentHolder = Pick<ComplaintHolder, 'currentOrganizationId' | 'currentExecutorOfficialId'>;

/**
 * R9, R17: only the appointed executor may reply or refuse, and only once the complaint is
 * assigned and before it has been replied to. The case says how far it went; the holder says
 * who may act (issue 15): the executor the head of the body that holds it now appointed last —
 * R2 after a reassignment, R18 after a forwarding (the first body's executor no longer may,
 * and nobody may until the receiving body's head appoints one).
 */
export function checkReply(c: ComplaintCase, holder: CurrentHolder | null, officialId: string | undefined, action: 'answer' | 'refuse'): TransitionRefusal | null {
  if (c.status === 'ANSWERED' || c.status === 'REFUSED' || c.status === 'ESCALATED') {
    return { code: 'INVALID_TRANSITION', message: `cannot ${action}: the complaint is already ${c.status}` };
  }
  if (c.status !== 'ASSIGNED') {
    return { code: 'INVALID_TRANSITION', message: `cannot ${action}: the complaint is ${c.status}, not yet ASSIGNED to an executor` };
  }
  if (!holder?.currentOrganizationId || !holder.currentExecutorOfficialId) {
    return { code: 'FORBIDDEN', message: `no executor is appointed at the body that holds this complaint now: nobody may ${action} it yet` };
  }
  if (!officialId || officialId !== holder.currentExecutorOfficialId) {
    return { code: 'FORBIDDEN', message: `only the appointed executor of the body that holds it may ${action} this complaint` };
  }
  return null;
}

/**
 * The body whose registry office registers the complaint now (R7): the addressee, or after a
 * forwarding the receiving body (R18) until it has registered it; null when nobody is to.
 */
export function registeringBody(c: ComplaintCase): string | null {
  if (c.awaitingRegistrationBy) return c.awaitingRegistrationBy;
  return c.registration ? null : c.addresseeOrganizationId;
}

/** The registration a body's journal entry stands for (each body's journal lists its own, R7). */
export function registrationIn(c: ComplaintCase, organizationId: string, sequence: number, year: number): Registration | null {
  return c.registrations.find((r) => r.organizationId === organizationId && r.sequence === sequence && r.year === year) ?? null;
}

/** R18: what the receiving body's registration links to (the forwarding that brought it there). */
export function linkOfForwarding(f: Forwarding): RegistrationLink {
  const r = f.registrationBefore;
  return {
    organizationId: f.fromOrganizationId,
    reason: f.reason,
    forwardedAt: f.forwardedAt,
    registration: r ? { organizationId: r.organizationId, organizationCode: r.organizationCode, incomingNumber: r.incomingNumber, registeredOn: r.registeredOn } : null,
  };
}

/** The forwarding the receiving body is to register, if it waits for that (R7 at the receiving body). */
export function pendingForwarding(c: ComplaintCase): Forwarding | null {
  if (!c.awaitingRegistrationBy) return null;
  return [...c.forwardings].reverse().find((f) => f.toOrganizationId === c.awaitingRegistrationBy) ?? null;
}

/**
 * R7: a paper complaint waits for the registry office; only a delivered one can be registered.
 * After a forwarding (R18) the receiving body registers it once more, in its own journal.
 */
export function checkManualRegistration(c: ComplaintCase): TransitionRefusal | null {
  if (c.status === 'SUBMITTED') return { code: 'INVALID_TRANSITION', message: 'the complaint has not reached this registry office' };
  if (c.awaitingRegistrationBy) return null;
  if (c.registration) return { code: 'INVALID_TRANSITION', message: `already registered as ${c.registration.incomingNumber}` };
  return null;
}

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
  registration: Registration | null;
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
        const { complaintId: _c, channel, entryHash, ...reg } = e.data;
        c.channel = channel;
        c.registration = { ...reg, entryHash: entryHash ?? null };
        break;
      }
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

/** R7: a paper complaint waits for the registry office; only a delivered one can be registered. */
export function checkManualRegistration(c: ComplaintCase): TransitionRefusal | null {
  if (c.status === 'SUBMITTED') return { code: 'INVALID_TRANSITION', message: 'the complaint has not reached this registry office' };
  if (c.registration) return { code: 'INVALID_TRANSITION', message: `already registered as ${c.registration.incomingNumber}` };
  return null;
}

import type { DomainEvent, Language } from '@shagym/contracts';
import type { Identity } from '@shagym/service-kit';

/**
 * Notification's own minimal projection of a complaint (no service reads another's
 * database): who complained and how to reach them, and what the receipt (R7) and the reply
 * letter (R9, R17) print. Who may see the complaint is not decided from it but from the shared
 * holder projection (service-kit ComplaintAccess, issue 15), as in every subgraph.
 */
export interface ComplaintFile {
  id: string;
  complainant?: {
    /** The recipient: `iin:<ИИН>` or `bin:<БИН>`. */
    recipientKey: string;
    kind: 'INDIVIDUAL' | 'LEGAL_ENTITY';
    displayName: string;
    postalAddress: string;
    email?: string;
    phone?: string;
  };
  language?: Language;
  channel?: string;
  subject?: string;
  addresseeOrganizationId?: string;
  submittedAt?: string;
  registration?: { organizationId: string; organizationCode: string; incomingNumber: string; registeredOn: string; registeredAt: string; entryHash?: string };
  assignment?: { organizationId: string; executorOfficialId: string; executorName: string; executorPosition: string };
  /** R2: the head the complaint was routed to (the latest routing). */
  routing?: { organizationId: string; headOfficialId: string };
  reply?: {
    kind: 'ANSWER' | 'REFUSAL';
    organizationId: string;
    outgoingNumber: string;
    on: string;
    at: string;
    /** ANSWER: REPLY_DECISIONS; REFUSAL: REFUSAL_REASONS. */
    outcome: string;
    reasoning: string;
    /** The norms the decision rests on (R9). */
    legalBasis?: string;
    executorOfficialId: string;
  };
}

/** One stored fact: what one event contributes to the file (insert-only, keyed by event id). */
export interface ComplaintFact {
  id: string;
  complaintId: string;
  type: string;
  at: string;
  /** The complainant's recipient key, on `complaint.submitted` (to find "my complaints"). */
  recipientKey?: string;
  patch: Partial<Omit<ComplaintFile, 'id'>>;
}

export const recipientKeyOfIin = (iin: string) => `iin:${iin}`;
export const recipientKeyOfBin = (bin: string) => `bin:${bin}`;
export const recipientKeyOfOfficial = (officialId: string) => `official:${officialId}`;

/** The fact an event adds to the file, or null when it adds nothing notification needs. */
export function toFact(event: DomainEvent): ComplaintFact | null {
  const base = { id: event.id, complaintId: event.subject, type: event.type, at: event.time };
  switch (event.type) {
    case 'complaint.submitted': {
      const d = event.data;
      const c = d.complainant;
      const recipientKey = c.kind === 'INDIVIDUAL' ? recipientKeyOfIin(c.iin) : recipientKeyOfBin(c.bin);
      const displayName = c.kind === 'INDIVIDUAL' ? [c.surname, c.givenName, c.patronymic].filter(Boolean).join(' ') : c.name;
      return {
        ...base,
        at: d.submittedAt,
        recipientKey,
        patch: {
          complainant: {
            recipientKey,
            kind: c.kind,
            displayName,
            postalAddress: c.postalAddress,
            ...(c.email ? { email: c.email } : {}),
            ...(c.phone ? { phone: c.phone } : {}),
          },
          language: d.language,
          channel: d.channel,
          subject: d.subject,
          addresseeOrganizationId: d.addresseeOrganizationId,
          submittedAt: d.submittedAt,
        },
      };
    }
    case 'complaint.registered': {
      const d = event.data;
      return {
        ...base,
        at: d.registeredAt,
        patch: {
          registration: {
            organizationId: d.organizationId,
            organizationCode: d.organizationCode,
            incomingNumber: d.incomingNumber,
            registeredOn: d.registeredOn,
            registeredAt: d.registeredAt,
            ...(d.entryHash ? { entryHash: d.entryHash } : {}),
          },
        },
      };
    }
    // A reassignment records the new executor the same way (the history is routing's).
    case 'complaint.assigned':
    case 'complaint.reassigned': {
      const d = event.data;
      return {
        ...base,
        at: d.assignedAt,
        patch: {
          assignment: {
            organizationId: d.organizationId,
            executorOfficialId: d.executor.officialId,
            executorName: d.executor.fullName,
            executorPosition: d.executor.position,
          },
        },
      };
    }
    case 'complaint.routed': {
      const d = event.data;
      return {
        ...base,
        at: d.routedAt,
        patch: {
          routing: { organizationId: d.organizationId, headOfficialId: d.head.officialId },
        },
      };
    }
    case 'complaint.answered': {
      const d = event.data;
      return {
        ...base,
        at: d.answeredAt,
        patch: {
          reply: {
            kind: 'ANSWER',
            organizationId: d.organizationId,
            outgoingNumber: d.outgoingNumber,
            on: d.answeredOn,
            at: d.answeredAt,
            outcome: d.decision,
            reasoning: d.reasoning,
            ...(d.legalBasis ? { legalBasis: d.legalBasis } : {}),
            executorOfficialId: d.executorOfficialId,
          },
        },
      };
    }
    case 'complaint.refused': {
      const d = event.data;
      return {
        ...base,
        at: d.refusedAt,
        patch: {
          reply: {
            kind: 'REFUSAL',
            organizationId: d.organizationId,
            outgoingNumber: d.outgoingNumber,
            on: d.refusedOn,
            at: d.refusedAt,
            outcome: d.reason,
            reasoning: d.reasoning,
            executorOfficialId: d.executorOfficialId,
          },
        },
      };
    }
    default:
      return null;
  }
}

/** Folds the facts in the order they happened, whatever order they arrived in. */
export function foldFile(complaintId: string, facts: ComplaintFact[]): ComplaintFile {
  const sorted = [...facts].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  return sorted.reduce<ComplaintFile>((file, f) => ({ ...file, ...f.patch }), { id: complaintId });
}

/** The inbox of the caller: a citizen by ИИН, a company by БИН, an official by directory id. */
export function recipientKeyOf(identity: Identity): string | null {
  if (identity.roles.includes('CITIZEN') && identity.iin) return recipientKeyOfIin(identity.iin);
  if (identity.roles.includes('COMPANY') && identity.bin) return recipientKeyOfBin(identity.bin);
  if (identity.officialId && OFFICIAL_ROLES.some((r) => identity.roles.includes(r))) return recipientKeyOfOfficial(identity.officialId);
  return null;
}

const OFFICIAL_ROLES = ['OPERATOR', 'HEAD', 'EXECUTOR', 'SUPERVISOR'] as const;

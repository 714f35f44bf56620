/** R11: the statuses a complainant sees, in lifecycle order. */
export const STATUS_ORDER = ['SUBMITTED', 'DELIVERED', 'REGISTERED', 'ASSIGNED', 'ANSWERED', 'REFUSED'] as const;
export type ComplaintStatus = (typeof STATUS_ORDER)[number];

export interface Registration {
  organizationId: string;
  organizationCode: string;
  incomingNumber: string;
  year: number;
  sequence: number;
  registeredAt: string;
  registeredOn: string;
}

/** The registry office's view of a complaint. */
export interface ComplaintCase {
  id: string;
  status: ComplaintStatus;
  registration: Registration | null;
}

/** A fact about the complaint the registry learned (its own or from another service's event). */
export type CaseFact = 'complaint.submitted' | 'complaint.registered' | 'complaint.assigned';

const STATUS_OF_FACT: Record<CaseFact, ComplaintStatus> = {
  // Delivered: the registry office of the addressee has received it (R11 "delivery mark").
  'complaint.submitted': 'DELIVERED',
  'complaint.registered': 'REGISTERED',
  'complaint.assigned': 'ASSIGNED',
};

/**
 * The status is the furthest stage reached, whatever order the facts arrived in (events of
 * different services can overtake each other). A complaint intake accepted but the registry
 * has not yet received is SUBMITTED.
 */
export function deriveStatus(facts: CaseFact[]): ComplaintStatus {
  let best = 0;
  for (const f of facts) best = Math.max(best, STATUS_ORDER.indexOf(STATUS_OF_FACT[f]));
  return STATUS_ORDER[best]!;
}

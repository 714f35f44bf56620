import { almatyDate, createEvent, deterministicUuid, type Channel, type DomainEvent } from '@shagym/contracts';
import { PermanentError, RetryLaterError, type KnownOrganization } from '@shagym/service-kit';
import { formatIncomingNumber } from './incoming-number';
import type { JournalKind } from './journal-chain';
import type { RegistrationLink } from './case';

export interface RegisterComplaintPorts {
  findOrganization(id: string): Promise<KnownOrganization | null>;
  allocate(journal: JournalKind, organizationId: string, year: number, complaintId: string, now: Date): Promise<{ sequence: number; allocatedAt: Date; hash: string }>;
  emit(event: DomainEvent<'complaint.registered'>): Promise<unknown>;
}

/** The directory event may still be on its way (another topic): retried for a while. */
export class OrganizationNotYetKnown extends RetryLaterError {
  override name = 'OrganizationNotYetKnown';
}

export interface RegistrationRequest {
  complaintId: string;
  organizationId: string;
  channel: Channel;
  correlationId: string;
  /** The event that led to it: the delivery, or the operator's request. */
  causationId?: string;
  /** R7 + R18: the receiving body registers a forwarded complaint, linked to the registration before. */
  forwardedFrom?: RegistrationLink;
}

/**
 * The registration's event id: one per complaint at the addressee (as before), one per
 * (complaint, body) at a receiving body (R18) — so a redelivery yields the same event and a
 * receiving body's registration is a new one.
 */
export function registrationEventId(req: Pick<RegistrationRequest, 'complaintId' | 'organizationId' | 'forwardedFrom'>): string {
  return req.forwardedFrom ? deterministicUuid('complaint.registered', req.complaintId, req.organizationId) : deterministicUuid('complaint.registered', req.complaintId);
}

/**
 * R7: the registry office registers the complaint — incoming number, registration date
 * (Asia/Almaty), the journal entry's hash for the receipt — and it goes on to the head (R2).
 * Safe to repeat: the number belongs to the complaint and the event id derives from it, so a
 * redelivery yields the same registration.
 */
export class RegisterComplaint {
  constructor(private readonly ports: RegisterComplaintPorts) {}

  async execute(req: RegistrationRequest, now = new Date()): Promise<DomainEvent<'complaint.registered'>> {
    const org = await this.ports.findOrganization(req.organizationId);
    // The directory event may still be on its way (another topic): a retryable error.
    if (!org) throw new OrganizationNotYetKnown(`organization ${req.organizationId} is not (yet) in the directory`);
    if (!org.acceptsComplaints) throw new PermanentError(`organization ${org.id} does not register complaints`);

    const entry = await this.ports.allocate('incoming', org.id, Number(almatyDate(now).slice(0, 4)), req.complaintId, now);
    const year = Number(almatyDate(entry.allocatedAt).slice(0, 4));
    const event = createEvent({
      type: 'complaint.registered',
      id: registrationEventId(req),
      source: 'registry',
      subject: req.complaintId,
      correlationId: req.correlationId,
      ...(req.causationId ? { causationId: req.causationId } : {}),
      time: entry.allocatedAt,
      data: {
        complaintId: req.complaintId,
        organizationId: org.id,
        organizationCode: org.code,
        incomingNumber: formatIncomingNumber(org.code, year, entry.sequence),
        year,
        sequence: entry.sequence,
        registeredAt: entry.allocatedAt.toISOString(),
        registeredOn: almatyDate(entry.allocatedAt),
        channel: req.channel,
        entryHash: entry.hash,
        ...(req.forwardedFrom ? { forwardedFrom: withoutNulls(req.forwardedFrom) } : {}),
      },
    });
    await this.ports.emit(event);
    return event;
  }
}

/** The contract's optional link: absent rather than null. */
function withoutNulls(link: RegistrationLink) {
  const { registration, ...rest } = link;
  return registration ? { ...rest, registration } : rest;
}

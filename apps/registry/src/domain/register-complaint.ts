import { almatyDate, createEvent, deterministicUuid, type DomainEvent } from '@shagym/contracts';
import { PermanentError, type KnownOrganization } from '@shagym/service-kit';
import { formatIncomingNumber } from './incoming-number';

export interface RegisterComplaintPorts {
  findOrganization(id: string): Promise<KnownOrganization | null>;
  allocate(organizationId: string, year: number, complaintId: string, now: Date): Promise<{ sequence: number; allocatedAt: Date }>;
  emit(event: DomainEvent<'complaint.registered'>): Promise<unknown>;
}

export class OrganizationNotYetKnown extends Error {
  override name = 'OrganizationNotYetKnown';
}

/**
 * R7: the registry office registers the complaint — incoming number, registration date
 * (Asia/Almaty) — and it goes on to the head (R2). Portal complaints are registered on
 * delivery. Safe to repeat: the number belongs to the complaint and the event id is derived
 * from the complaint, so a redelivered submission yields the same registration.
 */
export class RegisterComplaint {
  constructor(private readonly ports: RegisterComplaintPorts) {}

  async execute(submitted: DomainEvent<'complaint.submitted'>, now = new Date()): Promise<DomainEvent<'complaint.registered'>> {
    const { complaintId, addresseeOrganizationId, channel } = submitted.data;
    const org = await this.ports.findOrganization(addresseeOrganizationId);
    // The directory event may still be on its way (another topic): a retryable error.
    if (!org) throw new OrganizationNotYetKnown(`organization ${addresseeOrganizationId} is not (yet) in the directory`);
    if (!org.acceptsComplaints) throw new PermanentError(`organization ${org.id} does not register complaints`);

    const year = Number(almatyDate(now).slice(0, 4));
    const allocation = await this.ports.allocate(org.id, year, complaintId, now);
    const allocatedYear = Number(almatyDate(allocation.allocatedAt).slice(0, 4));
    const event = createEvent({
      type: 'complaint.registered',
      id: deterministicUuid('complaint.registered', complaintId),
      source: 'registry',
      subject: complaintId,
      correlationId: submitted.correlationId,
      causationId: submitted.id,
      time: allocation.allocatedAt,
      data: {
        complaintId,
        organizationId: org.id,
        organizationCode: org.code,
        incomingNumber: formatIncomingNumber(org.code, allocatedYear, allocation.sequence),
        year: allocatedYear,
        sequence: allocation.sequence,
        registeredAt: allocation.allocatedAt.toISOString(),
        registeredOn: almatyDate(allocation.allocatedAt),
        channel,
      },
    });
    await this.ports.emit(event);
    return event;
  }
}

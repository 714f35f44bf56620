import { createEvent, deterministicUuid, type DomainEvent } from '@shagym/contracts';
import type { KnownOrganization } from '@shagym/service-kit';
import { computeTerm, ruleForOrganizationKind, type TermRule } from './term';
import type { Calendar } from './working-days';

export interface ComplaintRef {
  id: string;
}

export interface Deadline {
  rule: TermRule;
  termWorkingDays: number;
  startsOn: string;
  dueOn: string;
  dueAt: string;
}

export interface SetDeadlinePorts {
  findOrganization(id: string): Promise<KnownOrganization | null>;
  emit(event: DomainEvent<'deadline.set'>): Promise<unknown>;
}

/**
 * Sets the review term when a complaint is registered: 5 working days (R8), 15 at the
 * authorized body (R13), from the registration date (R16 calendar). Repeatable: the event id
 * derives from the registration event.
 */
export class SetDeadlineOnRegistration {
  constructor(
    private readonly ports: SetDeadlinePorts,
    private readonly calendar: Calendar,
  ) {}

  async execute(registered: DomainEvent<'complaint.registered'>): Promise<DomainEvent<'deadline.set'>> {
    const org = await this.ports.findOrganization(registered.data.organizationId);
    if (!org) throw new Error(`organization ${registered.data.organizationId} is not (yet) in the directory`);
    const term = computeTerm(ruleForOrganizationKind(org.kind), registered.data.registeredOn, this.calendar);
    const event = createEvent({
      type: 'deadline.set',
      id: deterministicUuid('deadline.set', registered.id),
      source: 'deadline',
      subject: registered.data.complaintId,
      correlationId: registered.correlationId,
      causationId: registered.id,
      data: { complaintId: registered.data.complaintId, ...term },
    });
    await this.ports.emit(event);
    return event;
  }
}

export function toDeadline(event: DomainEvent<'deadline.set'>): Deadline {
  const { complaintId: _id, ...term } = event.data;
  return term;
}

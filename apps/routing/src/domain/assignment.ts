import { createEvent, deterministicUuid, type DomainEvent } from '@shagym/contracts';
import { PermanentError } from '@shagym/service-kit';
import { headOf, type Official } from './directory';

/** The complaint as routing knows it: an id (the entity's key). */
export interface ComplaintRef {
  id: string;
}

/** R2: who examines the complaint, and who appointed them. */
export interface Assignment {
  executorId: string;
  assignedById: string;
  assignedAt: string;
}

export interface AssignExecutorPorts {
  officialsOf(organizationId: string): Promise<Official[]>;
  emit(event: DomainEvent<'complaint.assigned'>): Promise<unknown>;
}

/**
 * R2: once registered, the complaint goes to the head of the addressed body, who appoints the
 * responsible executor. For now the head takes it (the full rule — a suggested executor by
 * workload, assignExecutor by the head — is issue 5). Repeatable: the event id derives from
 * the registration.
 */
export class AssignOnRegistration {
  constructor(private readonly ports: AssignExecutorPorts) {}

  async execute(registered: DomainEvent<'complaint.registered'>, now = new Date()): Promise<DomainEvent<'complaint.assigned'>> {
    const { complaintId, organizationId } = registered.data;
    const head = headOf(await this.ports.officialsOf(organizationId));
    if (!head) throw new PermanentError(`organization ${organizationId} has no active head to route the complaint to (R2)`);
    const event = createEvent({
      type: 'complaint.assigned',
      id: deterministicUuid('complaint.assigned', registered.id),
      source: 'routing',
      subject: complaintId,
      correlationId: registered.correlationId,
      causationId: registered.id,
      time: now,
      data: {
        complaintId,
        organizationId,
        executor: { officialId: head.id, fullName: head.fullName, position: head.position.ru },
        assignedBy: { officialId: head.id, fullName: head.fullName },
        assignedAt: now.toISOString(),
      },
    });
    await this.ports.emit(event);
    return event;
  }
}

export function toAssignment(event: DomainEvent<'complaint.assigned'>): Assignment {
  return {
    executorId: event.data.executor.officialId,
    assignedById: event.data.assignedBy.officialId,
    assignedAt: event.data.assignedAt,
  };
}

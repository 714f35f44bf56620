import { createEvent, deterministicUuid, type DomainEvent } from '@shagym/contracts';
import type { ConsumerSpec } from '@shagym/service-kit';
import { registersOnDelivery } from '../domain/registration-policy';
import type { RegisterComplaint } from '../domain/register-complaint';
import type { CaseRepository } from '../store/case-repository';
import type { PolicyRepository } from '../store/policy-repository';

/** The registry office's inbox: delivered complaints are registered (R7), later steps noted. */
export function complaintConsumer(
  cases: CaseRepository,
  policies: PolicyRepository,
  register: RegisterComplaint,
  emit: (event: DomainEvent) => Promise<unknown>,
): ConsumerSpec {
  return {
    group: 'registry.complaints',
    topics: ['complaints'],
    handlers: {
      'complaint.submitted': async (event) => {
        await cases.learn(event);
        const { complaintId, addresseeOrganizationId, channel } = event.data;
        // R11: the delivery mark the complainant sees in the cabinet.
        await emit(
          createEvent({
            type: 'complaint.delivered',
            id: deterministicUuid('complaint.delivered', event.id),
            source: 'registry',
            subject: complaintId,
            correlationId: event.correlationId,
            causationId: event.id,
            data: { complaintId, organizationId: addresseeOrganizationId, channel, deliveredAt: new Date().toISOString() },
          }),
        );
        // Paper waits for the operator unless the organization registers it on delivery (R7).
        if (registersOnDelivery(await policies.get(addresseeOrganizationId), channel)) {
          await register.execute({ complaintId, organizationId: addresseeOrganizationId, channel, correlationId: event.correlationId, causationId: event.id });
        }
      },
      'complaint.assigned': (event) => cases.learn(event),
      // For the journal's overdue filter and the statistics of replies on time.
      'complaint.escalated': (event) => cases.learn(event),
      'deadline.breached': (event) => cases.learn(event),
      'deadline.stopped': (event) => cases.learn(event),
    },
  };
}

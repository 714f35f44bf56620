import { createEvent, deterministicUuid, type DomainEvent } from '@shagym/contracts';
import type { ConsumerSpec } from '@shagym/service-kit';
import { registersOnDelivery } from '../domain/registration-policy';
import type { RegisterComplaint } from '../domain/register-complaint';
import type { CaseRepository } from '../store/case-repository';
import type { PolicyRepository } from '../store/policy-repository';
import type { StatisticsRepository } from '../store/statistics-repository';

/**
 * The registry office's inbox: delivered complaints are registered (R7), later steps noted.
 * It is also the one writer of each complaint's statistics (the topic is keyed by complaint
 * id): after anything that can change them, the complaint is settled from its case.
 */
export function complaintConsumer(
  cases: CaseRepository,
  policies: PolicyRepository,
  stats: StatisticsRepository,
  register: RegisterComplaint,
  emit: (event: DomainEvent) => Promise<unknown>,
): ConsumerSpec {
  const settle = async (event: DomainEvent) => stats.settle(await cases.find(event.subject));
  const learnAndSettle = async (event: DomainEvent) => {
    await cases.learn(event);
    await settle(event);
  };
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
      'complaint.reassigned': (event) => cases.learn(event),
      // The registry's own facts come back here for the statistics (R7, R9, R17).
      'complaint.registered': settle,
      'complaint.answered': settle,
      'complaint.refused': settle,
      // For the journal's overdue filter and the statistics of replies on time.
      'complaint.escalated': learnAndSettle,
      'deadline.breached': learnAndSettle,
      'deadline.stopped': learnAndSettle,
    },
    ignores: [
      // Its own delivery mark (R11) changes nothing the case does not know from the submission.
      'complaint.delivered',
      // Who holds it after routing or a forwarding (R2, R18) is the holder projection's
      // (service-kit ComplaintAccess, group registry.access), which "who may answer" reads.
      'complaint.routed',
      'complaint.forwarded',
      'complaint.outside-competence',
      // Terms matter to the journal only when breached or stopped (handled above).
      'deadline.set',
      'deadline.warning',
      'deadline.recomputed',
    ],
  };
}

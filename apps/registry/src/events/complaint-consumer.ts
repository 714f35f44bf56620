import { createEvent, deterministicUuid, type Channel, type DomainEvent } from '@shagym/contracts';
import { HOLDER_EVENT_TYPES, type ComplaintAccess, type ConsumerSpec, type EventHandlers } from '@shagym/service-kit';
import { linkOfForwarding } from '../domain/case';
import { registersOnDelivery } from '../domain/registration-policy';
import type { RegisterComplaint } from '../domain/register-complaint';
import type { CaseRepository } from '../store/case-repository';
import type { PolicyRepository } from '../store/policy-repository';
import type { StatisticsRepository } from '../store/statistics-repository';

/**
 * The registry office's inbox: delivered complaints are registered (R7), later steps noted.
 * It is also the one writer of each complaint's statistics (the topic is keyed by complaint
 * id): after anything that can change them, the complaint is settled from its case.
 *
 * Registry's holder projection (service-kit ComplaintAccess: who holds the complaint and who
 * may answer, R2, R9, R17, R18) is fed here, before each event's own handling, rather than by a
 * group of its own: "who may answer" reads the holder and the case together, and one consumer
 * feeding both means they never disagree (a case already ASSIGNED to a new executor whose
 * holder still names the replaced one would let the replaced one answer).
 */
export function complaintConsumer(
  cases: CaseRepository,
  policies: PolicyRepository,
  stats: StatisticsRepository,
  register: RegisterComplaint,
  emit: (event: DomainEvent) => Promise<unknown>,
  holders: Pick<ComplaintAccess, 'learn'>,
): ConsumerSpec {
  const settle = async (event: DomainEvent) => stats.settle(await cases.find(event.subject));
  const learnAndSettle = async (event: DomainEvent) => {
    await cases.learn(event);
    await settle(event);
  };
  const handlers: EventHandlers = {
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
    // R18 then R7: the receiving body registers a forwarded complaint in its own incoming
    // journal, by its own policy — at once, or when its registry office does (registerComplaint).
    'complaint.forwarded': async (event) => {
      await cases.learn(event);
      const c = await cases.find(event.subject);
      const forwarding = c.forwardings.find((f) => f.eventId === event.id);
      // Answered, refused or escalated meanwhile: nothing is left to register.
      if (!forwarding || c.reply || c.escalatedTo || !c.channel) return;
      const organizationId = event.data.toOrganizationId;
      if (!registersOnDelivery(await policies.get(organizationId), c.channel as Channel)) return;
      await register.execute({
        complaintId: event.subject,
        organizationId,
        channel: c.channel as Channel,
        correlationId: event.correlationId,
        causationId: event.id,
        forwardedFrom: linkOfForwarding(forwarding),
      });
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
  };
  // The holder learns first: by the time the case shows an appointment, the holder knows it.
  for (const type of HOLDER_EVENT_TYPES) {
    const own = handlers[type] as ((e: DomainEvent) => Promise<void>) | undefined;
    (handlers as Record<string, (e: DomainEvent) => Promise<void>>)[type] = async (event) => {
      await holders.learn(event);
      if (own) await own(event);
    };
  }
  return {
    group: 'registry.complaints',
    topics: ['complaints'],
    handlers,
    ignores: [
      // Its own delivery mark (R11) changes nothing the case does not know from the submission.
      'complaint.delivered',
      // Declaring it outside the competence moves nothing; the forwarding does (R18, learned by the holder).
      'complaint.outside-competence',
      // Terms matter to the journal only when breached or stopped (handled above).
      'deadline.set',
      'deadline.warning',
      'deadline.recomputed',
    ],
  };
}

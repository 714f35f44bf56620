import type { ConsumerSpec } from '@shagym/service-kit';
import type { DirectoryRepository } from '../store/directory-repository';
import type { RouteOnRegistration } from '../domain/assignment';
import { regionOfAddress } from '../domain/regions';
import { workloadChanges, type WorkloadEvent } from '../domain/workload';
import type { ComplaintFactsRepository } from '../store/complaint-facts';
import type { WorkloadRepository } from '../store/workload-repository';

/**
 * Routing's reading of the complaints topic: what it needs of intake's and registry's events,
 * routing after registration (R2, R6, R12), and open assignments per executor from its own
 * events and the replies that close them.
 */
/** The workload facts an event adds (ids by event and official, so each is stored once). */
export async function countWorkload(workload: WorkloadRepository, event: WorkloadEvent): Promise<void> {
  const changes = workloadChanges(event, await workload.holdersOf(event.data.complaintId));
  await workload.record(
    changes.map((c) => ({
      _id: `${event.id}:${c.officialId}:${c.delta > 0 ? 'open' : 'close'}`,
      officialId: c.officialId,
      complaintId: event.data.complaintId,
      delta: c.delta,
      eventId: event.id,
      at: new Date(event.time),
    })),
  );
}

export function complaintConsumer(deps: { route: RouteOnRegistration; facts: ComplaintFactsRepository; workload: WorkloadRepository }): ConsumerSpec {
  const { route, facts, workload } = deps;
  const count = (event: WorkloadEvent) => countWorkload(workload, event);
  const closed = async (event: WorkloadEvent) => {
    await facts.recordClosed(event.data.complaintId, event.id, new Date(event.time));
    await count(event);
  };
  return {
    group: 'routing.complaints',
    topics: ['complaints'],
    handlers: {
      'complaint.submitted': async (event) => {
        await facts.record({
          eventId: event.id,
          complaintId: event.data.complaintId,
          kind: 'SUBMITTED',
          addresseeOrganizationId: event.data.addresseeOrganizationId,
          complainantRegion: regionOfAddress(event.data.complainant.postalAddress),
          ...(event.data.complainant.kind === 'INDIVIDUAL' ? { complainantIin: event.data.complainant.iin } : { complainantBin: event.data.complainant.bin }),
          at: new Date(event.time),
        });
      },
      'complaint.registered': async (event) => {
        // R18: a receiving body's registration neither routes (RouteOnRegistration) nor changes
        // the facts kept of the first one (the addressee's registration day; at a receiving body
        // R18 counts from the forwarding, see receivedOn in domain/assignment.ts).
        if (event.data.forwardedFrom) return;
        await facts.record({ eventId: event.id, complaintId: event.data.complaintId, kind: 'REGISTERED', registeredOn: event.data.registeredOn, at: new Date(event.time) });
        await route.execute(event);
      },
      'complaint.assigned': count,
      'complaint.reassigned': count,
      'complaint.forwarded': count,
      'complaint.answered': closed,
      'complaint.refused': closed,
    },
    ignores: [
      // Routing's own steps: workload counts from the appointments they lead to.
      'complaint.routed',
      'complaint.outside-competence',
      // The delivery mark and terms do not route anything.
      'complaint.delivered',
      'deadline.set',
      'deadline.warning',
      'deadline.breached',
      'deadline.stopped',
      'deadline.recomputed',
      // R12: the escalation is a new complaint, routed when it is registered (handled above).
      'complaint.escalated',
    ],
  };
}

/**
 * Keeps this process's in-memory directory fresh when another process (the `seed` command)
 * changed it: each directory event makes the entity re-read by `_id`.
 */
export function directoryConsumer(directory: DirectoryRepository): ConsumerSpec {
  const refresh = (event: { id: string; type: string; subject: string }) => directory.refreshFromEvent(event);
  return {
    group: 'routing.directory-memory',
    topics: ['directory'],
    handlers: { 'organization.upserted': refresh, 'organization.profile-updated': refresh, 'official.upserted': refresh },
    ignores: [],
  };
}

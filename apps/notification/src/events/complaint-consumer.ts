import type { DomainEvent } from '@shagym/contracts';
import type { ConsumerSpec } from '@shagym/service-kit';
import { toTimelineEntry, type TimelineEventType } from '../domain/timeline';
import type { TimelineRepository } from '../store/timeline-repository';

/** Every step of the complaint becomes one timeline entry (R11). */
export function complaintConsumer(timeline: TimelineRepository): ConsumerSpec {
  const record = (event: DomainEvent & { type: TimelineEventType }) => timeline.add(toTimelineEntry(event));
  return {
    group: 'notification.timeline',
    topics: ['complaints'],
    handlers: {
      'complaint.submitted': record,
      'complaint.registered': record,
      'complaint.assigned': record,
      'deadline.set': record,
    },
  };
}

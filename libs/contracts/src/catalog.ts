import { z } from 'zod';
import type { ServiceName } from './envelope';
import type { TopicId } from './topics';
import {
  complaintDeliveredV1,
  complaintEscalatedV1,
  complaintAnsweredV1,
  complaintRefusedV1,
  complaintAssignedV1,
  complaintRegisteredV1,
  complaintSubmittedV1,
  deadlineSetV1,
} from './complaint-events';
import { organizationUpsertedV1 } from './directory-events';
import { calendarChangedV1, deadlineBreachedV1, deadlineRecomputedV1, deadlineStoppedV1, deadlineWarningV1 } from './deadline-events';
import {
  complaintForwardedV1,
  complaintOutsideCompetenceV1,
  complaintReassignedV1,
  complaintRoutedV1,
  officialUpsertedV1,
  organizationProfileUpdatedV1,
} from './routing-events';

/**
 * Every event the system publishes: one entry per (type, version). Consumers validate at
 * their edge against this catalog; the AsyncAPI document is generated from it.
 */
export const EVENT_CATALOG = {
  'complaint.submitted': {
    version: 1,
    topic: 'complaints',
    producer: 'intake',
    schema: complaintSubmittedV1,
    summary: 'A complaint was filed through a channel (R1) and accepted by intake.',
  },
  'complaint.registered': {
    version: 1,
    topic: 'complaints',
    producer: 'registry',
    schema: complaintRegisteredV1,
    summary: 'The registry office registered the complaint with an incoming number (R7); after a forwarding, the receiving body registers it again in its own journal, linked to the earlier registration (forwardedFrom, R18).',
  },
  'complaint.assigned': {
    version: 1,
    topic: 'complaints',
    producer: 'routing',
    schema: complaintAssignedV1,
    summary: 'The head appointed the responsible executor (R2).',
  },
  'deadline.set': {
    version: 1,
    topic: 'complaints',
    producer: 'deadline',
    schema: deadlineSetV1,
    summary: 'The review term was computed in working days (R8, R13, R16).',
  },
  'complaint.delivered': {
    version: 1,
    topic: 'complaints',
    producer: 'registry',
    schema: complaintDeliveredV1,
    summary: 'The addressee’s registry office received the complaint (R11 delivery mark).',
  },
  'complaint.escalated': {
    version: 1,
    topic: 'complaints',
    producer: 'intake',
    schema: complaintEscalatedV1,
    summary: 'The complainant escalated the complaint to the authorized body (R12); the new complaint is linked.',
  },
  'complaint.answered': {
    version: 1,
    topic: 'complaints',
    producer: 'registry',
    schema: complaintAnsweredV1,
    summary: 'The reasoned reply was sent (R9); the review term stops.',
  },
  'complaint.refused': {
    version: 1,
    topic: 'complaints',
    producer: 'registry',
    schema: complaintRefusedV1,
    summary: 'Review was refused with reasons (R17); the review term stops.',
  },
  'organization.upserted': {
    version: 1,
    topic: 'directory',
    producer: 'routing',
    schema: organizationUpsertedV1,
    summary: 'An organization of the directory was created or changed.',
  },
  'complaint.routed': {
    version: 1,
    topic: 'complaints',
    producer: 'routing',
    schema: complaintRoutedV1,
    summary: 'The complaint went to the head of the body that examines it (R2, R6, R12 escalation, R18 forwarding).',
  },
  'complaint.reassigned': {
    version: 1,
    topic: 'complaints',
    producer: 'routing',
    schema: complaintReassignedV1,
    summary: 'The head replaced the responsible executor; the earlier assignment stays in the history (R2).',
  },
  'complaint.forwarded': {
    version: 1,
    topic: 'complaints',
    producer: 'routing',
    schema: complaintForwardedV1,
    summary: 'The complaint was forwarded to the competent body, keeping its history (R18, within 3 working days).',
  },
  'complaint.outside-competence': {
    version: 1,
    topic: 'complaints',
    producer: 'routing',
    schema: complaintOutsideCompetenceV1,
    summary: 'The head found the complaint outside the body’s competence: it is to be forwarded to the competent body within 3 working days of receipt (R18), a term with its own warnings.',
  },
  'organization.profile-updated': {
    version: 1,
    topic: 'directory',
    producer: 'routing',
    schema: organizationProfileUpdatedV1,
    summary: 'An organization’s contacts, working hours, services or auto-assignment setting changed (R1, R6, R10, R15).',
  },
  'official.upserted': {
    version: 1,
    topic: 'directory',
    producer: 'routing',
    schema: officialUpsertedV1,
    summary: 'An official of the directory was added or changed (roles, absence).',
  },
  'deadline.warning': {
    version: 1,
    topic: 'complaints',
    producer: 'deadline',
    schema: deadlineWarningV1,
    summary: 'A review term is about to end (configured warning, e.g. one working day before; R8, R13, R18).',
  },
  'deadline.breached': {
    version: 1,
    topic: 'complaints',
    producer: 'deadline',
    schema: deadlineBreachedV1,
    summary: 'A review or forwarding term ended without an answer, refusal or forwarding (once per term).',
  },
  'deadline.stopped': {
    version: 1,
    topic: 'complaints',
    producer: 'deadline',
    schema: deadlineStoppedV1,
    summary: 'The term stopped on the answer (R9) or refusal (R17): met or missed, by how many working days.',
  },
  'deadline.recomputed': {
    version: 1,
    topic: 'complaints',
    producer: 'deadline',
    schema: deadlineRecomputedV1,
    summary: 'A correction of the production calendar moved an open term (R16).',
  },
  'calendar.changed': {
    version: 1,
    topic: 'calendar',
    producer: 'deadline',
    schema: calendarChangedV1,
    summary: 'A supervisor added or corrected a year of the production calendar (R16); keyed calendar-kz.',
  },
} as const satisfies Record<
  string,
  { version: number; topic: TopicId; producer: ServiceName; schema: z.ZodType; summary: string }
>;

export type EventType = keyof typeof EVENT_CATALOG;
export type EventData<T extends EventType> = z.infer<(typeof EVENT_CATALOG)[T]['schema']>;
/** What a producer passes: fields with defaults may be left out. */
export type EventDataInput<T extends EventType> = z.input<(typeof EVENT_CATALOG)[T]['schema']>;

export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_CATALOG, type);
}

import { z } from 'zod';
import type { ServiceName } from './envelope';
import type { TopicId } from './topics';
import {
  complaintAnsweredV1,
  complaintRefusedV1,
  complaintAssignedV1,
  complaintRegisteredV1,
  complaintSubmittedV1,
  deadlineSetV1,
} from './complaint-events';
import { organizationUpsertedV1 } from './directory-events';

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
    summary: 'The registry office registered the complaint with an incoming number (R7).',
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

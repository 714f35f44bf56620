import type { ConsumerSpec } from '@shagym/service-kit';
import type { IntakeFactsRepository } from '../store/intake-facts';

/**
 * Intake's reading of the complaints topic: only whether a complaint was replied to (R9) or
 * refused (R17), which an escalation needs (R12: the complainant disagrees with the result).
 */
export function replyConsumer(facts: Pick<IntakeFactsRepository, 'learnReply'>): ConsumerSpec {
  return {
    group: 'intake.replies',
    topics: ['complaints'],
    handlers: { 'complaint.answered': (e) => facts.learnReply(e), 'complaint.refused': (e) => facts.learnReply(e) },
    ignores: [
      // Intake knows what was filed first-hand; who holds it is the access projection's (intake.access).
      'complaint.submitted',
      'complaint.delivered',
      'complaint.registered',
      'complaint.routed',
      'complaint.assigned',
      'complaint.reassigned',
      'complaint.forwarded',
      'complaint.outside-competence',
      // Its own escalation (R12) comes back: intake already wrote it in its event log.
      'complaint.escalated',
      // Terms are the deadline service's (R8, R13, R18).
      'deadline.set',
      'deadline.warning',
      'deadline.breached',
      'deadline.stopped',
      'deadline.recomputed',
    ],
  };
}

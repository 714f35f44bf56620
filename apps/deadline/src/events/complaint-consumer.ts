import type { DomainEvent } from '@shagym/contracts';
import type { ConsumerSpec } from '@shagym/service-kit';
import type { ForwardDeadline, RecomputeOnCalendarChange, SetDeadlineOnRegistration, StartForwardingTerm, StopDeadline } from '../domain/deadline';
import type { ParkWhenYearMissing, TermWork } from '../domain/parked-terms';

/** The use cases that set a term, by the event that causes it. */
export interface TermSetters {
  setDeadline: SetDeadlineOnRegistration;
  forward: ForwardDeadline;
  startForwarding: StartForwardingTerm;
}

/** The work that sets a term for `cause` (also what a parked term replays). */
export function termWork(setters: TermSetters, cause: DomainEvent): TermWork {
  switch (cause.type) {
    case 'complaint.registered':
      return () => setters.setDeadline.execute(cause);
    case 'complaint.forwarded':
      return () => setters.forward.execute(cause);
    case 'complaint.outside-competence':
      return () => setters.startForwarding.execute(cause);
    default:
      throw new Error(`no term is set by ${cause.type}`);
  }
}

/**
 * Terms start on registration (R8, R13), stop on the answer (R9) or refusal (R17), give way to
 * the forwarding term (R18) and move with a forwarding. A term that runs into a year without
 * calendar data waits for it (parked, with the year named), never guessed (R16).
 */
export function complaintConsumer(setters: TermSetters, stop: StopDeadline, parking: ParkWhenYearMissing): ConsumerSpec {
  const setTerm = async (event: DomainEvent & { data: { complaintId: string } }) => {
    await parking.run(event, event.data.complaintId, termWork(setters, event));
  };
  return {
    group: 'deadline.complaints',
    topics: ['complaints'],
    handlers: {
      'complaint.registered': setTerm,
      'complaint.outside-competence': setTerm,
      'complaint.forwarded': setTerm,
      'complaint.answered': async (event) => {
        await stop.execute(event);
      },
      'complaint.refused': async (event) => {
        await stop.execute(event);
      },
    },
    ignores: [
      // R8, R13: terms count from registration, not from filing, delivery or routing.
      'complaint.submitted',
      'complaint.delivered',
      'complaint.routed',
      // The term belongs to the complaint, not to its executor (R2).
      'complaint.assigned',
      'complaint.reassigned',
      // R12: the escalation is a new complaint with its own term (R13) from its registration.
      'complaint.escalated',
      // Its own events come back on the topic.
      'deadline.set',
      'deadline.warning',
      'deadline.breached',
      'deadline.stopped',
      'deadline.recomputed',
    ],
  };
}

/**
 * A calendar correction (ours, from the calendar topic) moves every open term it touches and
 * sets the terms that waited for the year (R16).
 */
export function calendarConsumer(recompute: RecomputeOnCalendarChange, parking: ParkWhenYearMissing, setters: TermSetters): ConsumerSpec {
  return {
    group: 'deadline.calendar',
    topics: ['calendar'],
    handlers: {
      'calendar.changed': async (event) => {
        await recompute.execute(event);
        await parking.replay(event.data.year, (cause) => termWork(setters, cause));
      },
    },
    ignores: [],
  };
}

import { PermanentError, type ConsumerSpec } from '@shagym/service-kit';
import { TermNotComputable, type ForwardDeadline, type RecomputeOnCalendarChange, type SetDeadlineOnRegistration, type StopDeadline } from '../domain/deadline';

/** Terms start on registration (R8, R13), stop on the answer (R9) or refusal (R17), move with a forwarding (R18). */
export function complaintConsumer(setDeadline: SetDeadlineOnRegistration, stop: StopDeadline, forward: ForwardDeadline): ConsumerSpec {
  return {
    group: 'deadline.complaints',
    topics: ['complaints'],
    handlers: {
      'complaint.registered': async (event) => {
        try {
          await setDeadline.execute(event);
        } catch (err) {
          // A year without calendar data is never guessed: dead-lettered with the year named.
          if (err instanceof TermNotComputable) throw new PermanentError(err.message);
          throw err;
        }
      },
      'complaint.answered': async (event) => {
        await stop.execute(event);
      },
      'complaint.refused': async (event) => {
        await stop.execute(event);
      },
      'complaint.forwarded': async (event) => {
        try {
          await forward.execute(event);
        } catch (err) {
          if (err instanceof TermNotComputable) throw new PermanentError(err.message);
          throw err;
        }
      },
    },
  };
}

/** A calendar correction (ours, from the directory topic) moves every open term it touches (R16). */
export function calendarConsumer(recompute: RecomputeOnCalendarChange): ConsumerSpec {
  return {
    group: 'deadline.calendar',
    topics: ['directory'],
    handlers: {
      'calendar.changed': async (event) => {
        await recompute.execute(event);
      },
    },
  };
}

import { badUserInput, DateScalar, DateTimeScalar, type EventLog } from '@shagym/service-kit';
import { toDeadline } from '../domain/deadline';
import { addWorkingDays, workingDaysBetween, type Calendar } from '../domain/working-days';
import type { Resolvers } from './__generated__/resolvers-types';

const MAX_SPAN_DAYS = 366 * 2;

export function createResolvers(deps: { log: EventLog; calendar: Calendar }): Resolvers {
  return {
    Date: DateScalar,
    DateTime: DateTimeScalar,
    Complaint: {
      __resolveReference: (ref) => ({ id: ref.id }),
      deadline: async (complaint) => {
        const set = (await deps.log.loadByType(complaint.id, 'deadline.set')).at(-1);
        return set?.type === 'deadline.set' ? toDeadline(set) : null;
      },
    },
    Query: {
      addWorkingDays: (_p, { from, days }) => {
        if (days < 0 || days > 260) throw badUserInput({ field: 'days', message: 'must be between 0 and 260' });
        return addWorkingDays(from, days, deps.calendar);
      },
      workingDays: (_p, { from, to }) => {
        const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
        if (span > MAX_SPAN_DAYS) throw badUserInput({ field: 'to', message: `must be at most ${MAX_SPAN_DAYS} days after from` });
        return workingDaysBetween(from, to, deps.calendar);
      },
    },
  };
}

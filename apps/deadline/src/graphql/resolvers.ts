import { GraphQLError } from 'graphql';
import { almatyDate, languageOf, type LocalizedText } from '@shagym/contracts';
import { badUserInput, DateScalar, DateTimeScalar, forbidden, requireRole, type ComplaintAccess, type EventLog } from '@shagym/service-kit';
import { CalendarYearMissingError } from '../domain/calendar';
import { deadlineState, InvalidCalendarChange, projectDeadline, type ChangeCalendarYear, type Deadline, type OverdueComplaint } from '../domain/deadline';
import { explainTerm } from '../domain/explain';
import { remainingWorkingDays } from '../domain/term';
import { addWorkingDays, workingDaysBetween } from '../domain/working-days';
import type { Clock } from '../scheduler';
import type { CalendarStore } from '../store/calendar-store';
import type { ParkedTermStore } from '../store/parked-term-store';
import type { TermStore } from '../store/term-store';
import type { Resolvers } from './__generated__/resolvers-types';

const MAX_SPAN_DAYS = 366 * 2;

/** The counting rule, once, in the three languages (term.ts has the legal reasoning). */
const COUNTING_RULE: LocalizedText = {
  ru: 'Срок исчисляется в рабочих днях по производственному календарю Республики Казахстан со дня, следующего за днём регистрации (ГК РК ст. 187), и истекает в 24:00 (Алматы) последнего рабочего дня срока (ст. 188). Выходные, праздники, перенесённые и религиозные выходные дни не считаются.',
  kk: 'Мерзім Қазақстан Республикасының өндірістік күнтізбесі бойынша жұмыс күндерімен тіркелген күннен кейінгі күннен бастап есептеледі (АК 187-бап) және мерзімнің соңғы жұмыс күнінің 24:00-де (Алматы) аяқталады (188-бап). Демалыс, мереке, ауыстырылған және діни демалыс күндері есептелмейді.',
  en: 'The term is counted in working days of the Kazakhstan production calendar from the day after registration (Civil Code art. 187) and ends at 24:00 (Almaty) of its last working day (art. 188). Weekends, holidays, moved and religious days off are not counted.',
};

export interface ResolverDeps {
  access: ComplaintAccess;
  log: EventLog;
  calendars: CalendarStore;
  store: TermStore;
  parked: ParkedTermStore;
  clock: Clock;
  changeCalendar: ChangeCalendarYear;
}

function calendarError(err: unknown, field: string): GraphQLError | unknown {
  return err instanceof CalendarYearMissingError ? badUserInput({ field, message: err.message }) : err;
}

export function createResolvers(deps: ResolverDeps): Resolvers {
  const loadDeadline = async (complaintId: string): Promise<Deadline | null> => projectDeadline(await deps.log.load(complaintId));
  const withCalendar = async <T>(field: string, fn: (c: Awaited<ReturnType<CalendarStore['current']>>) => T): Promise<T> => {
    const calendar = await deps.calendars.current();
    try {
      return fn(calendar);
    } catch (err) {
      throw calendarError(err, field);
    }
  };

  return {
    Date: DateScalar,
    DateTime: DateTimeScalar,
    Complaint: {
      // Who may see the complaint is decided alike in every subgraph (service-kit ComplaintAccess).
      __resolveReference: async (ref, ctx) => {
        await deps.access.authorize(ctx.identity, ref.id);
        return { id: ref.id };
      },
      deadline: async (complaint) => {
        const parked = await deps.parked.waitingOf(complaint.id);
        // R16: never a guessed term; the field says which year the calendar lacks until a supervisor adds it.
        if (parked) throw new GraphQLError(parked.reason, { extensions: { code: 'CALENDAR_YEAR_MISSING', field: 'deadline', year: parked.year } });
        return loadDeadline(complaint.id);
      },
    },
    Deadline: {
      remainingWorkingDays: (d) =>
        d.stop ? 0 : withCalendar('remainingWorkingDays', (c) => remainingWorkingDays(d, deps.clock.now(), almatyDate(deps.clock.now()), c)),
      state: async (d) => deadlineState(d, deps.clock.now(), await deps.store.firstWarningAt(d.termId)),
      stoppedAt: (d) => d.stop?.stoppedAt ?? null,
      stoppedBy: (d) => d.stop?.stoppedBy ?? null,
      workingDaysEarly: (d) => d.stop?.workingDaysEarly ?? null,
      workingDaysLate: (d) => d.stop?.workingDaysLate ?? null,
      breachedAt: (d) => d.breachedAt,
      warningsSentAt: (d) => d.warnings.map((w) => w.firedAt),
      nextCheckAt: async (d) => (await deps.store.pendingTimers(d.complaintId))[0]?.fireAt.toISOString() ?? null,
      explanation: (d) => withCalendar('explanation', (c) => explainTerm(d, c)),
    },
    TermExplanation: {
      rule: (_e, { language }) => COUNTING_RULE[languageOf(language)],
    },
    DayOff: {
      name: (d, { language }) => d.name[languageOf(language)],
      relatedDate: (d) => d.relatedDate ?? null,
    },
    CalendarYear: {
      daysOff: (y, { includeWeekends }) => y.daysOff.filter((d) => includeWeekends || d.kind !== 'WEEKEND'),
      kurbanAit: (y) => y.entries.kurbanAit.date,
      note: (y) => y.entries.note ?? null,
    },
    OverdueComplaint: {
      complaint: (o) => ({ id: o.deadline.complaintId }),
    },
    Query: {
      addWorkingDays: (_p, { from, days }) => {
        if (days < 0 || days > 260) throw badUserInput({ field: 'days', message: 'must be between 0 and 260' });
        return withCalendar('from', (c) => addWorkingDays(from, days, c));
      },
      workingDays: (_p, { from, to }) => {
        const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
        if (span > MAX_SPAN_DAYS) throw badUserInput({ field: 'to', message: `must be at most ${MAX_SPAN_DAYS} days after from` });
        return withCalendar('from', (c) => workingDaysBetween(from, to, c));
      },
      calendarYear: (_p, { year }) => withCalendar('year', (c) => c.year(year)),
      calendarYears: async () => (await deps.calendars.current()).knownYears(),
      overdueComplaints: async (_p, { organizationId }, ctx) => {
        const caller = requireRole(ctx.identity, 'SUPERVISOR', 'ANALYST', 'HEAD', 'EXECUTOR', 'OPERATOR');
        const anyOrganization = caller.roles.includes('SUPERVISOR') || caller.roles.includes('ANALYST');
        if (!anyOrganization && caller.organizationId !== organizationId) throw forbidden('officials see the overdue list of their own organization');
        const now = deps.clock.now();
        const seen = new Set<string>();
        const overdue: OverdueComplaint[] = [];
        for (const t of await deps.store.pastDue(organizationId, now)) {
          if (seen.has(t.complaintId)) continue;
          seen.add(t.complaintId);
          const d = await loadDeadline(t.complaintId);
          if (d && !d.stop && Date.parse(d.dueAt) < now.getTime()) overdue.push({ deadline: d });
        }
        return overdue.sort((a, b) => a.deadline.dueAt.localeCompare(b.deadline.dueAt));
      },
    },
    Mutation: {
      setCalendarYear: async (_p, { input }, ctx) => {
        const caller = requireRole(ctx.identity, 'SUPERVISOR');
        const { reason, note, ...rest } = input;
        if (!reason.trim()) throw badUserInput({ field: 'input.reason', message: 'say why the calendar changes' });
        try {
          const { calendar } = await deps.changeCalendar.execute(
            {
              entries: { ...rest, ...(note ? { note } : {}) },
              reason,
              changedBy: {
                subject: caller.subject,
                ...(caller.officialId ? { officialId: caller.officialId } : {}),
                ...(caller.organizationId ? { organizationId: caller.organizationId } : {}),
              },
            },
            deps.clock.now(),
            ctx.correlationId,
          );
          return calendar.year(input.year);
        } catch (err) {
          if (err instanceof InvalidCalendarChange) throw badUserInput(err.problems.map((p) => ({ ...p, field: `input.${p.field}` })));
          if (err instanceof Error && err.name === 'ZodError') throw badUserInput({ field: 'input', message: err.message });
          throw err;
        }
      },
    },
  };
}

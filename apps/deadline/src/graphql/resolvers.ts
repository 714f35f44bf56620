import { GraphQLError } from 'graphql';
import { almatyDate, languageOf, type LocalizedText } from '@shagym/contracts';
import { badUserInput, DateScalar, DateTimeScalar, forbidden, notFound, requireRole, type ComplaintAccess, type EventLog } from '@shagym/service-kit';
import { CalendarYearMissingError } from '../domain/calendar';
import { deadlineState, InvalidCalendarChange, projectDeadline, type ChangeCalendarYear, type Deadline, type DueTimer, type OverdueComplaint } from '../domain/deadline';
import { explainTerm } from '../domain/explain';
import { remainingWorkingDays } from '../domain/term';
import { addWorkingDays, workingDaysBetween } from '../domain/working-days';
import type { Clock, DeadlineScheduler } from '../scheduler';
import type { RequestContext } from '../context';
import type { CalendarRepository } from '../store/calendar-repository';
import type { ParkedTermRepository } from '../store/parked-term-repository';
import { dueTimerOf, type ParkedTimer, type ParkedTimerRepository } from '../store/parked-timer-repository';
import type { TermRepository } from '../store/term-repository';
import type { ParkedTimer as ParkedTimerView, Resolvers } from './__generated__/resolvers-types';

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
  calendars: CalendarRepository;
  store: TermRepository;
  parked: ParkedTermRepository;
  clock: Clock;
  changeCalendar: ChangeCalendarYear;
  parkedTimers: ParkedTimerRepository;
  scheduler: Pick<DeadlineScheduler, 'resume'>;
}

/** A parked timer as the graph shows it (no mapper: the record is plain data). */
function parkedTimerView(p: ParkedTimer): ParkedTimerView {
  return {
    timerId: p.timerId,
    complaint: { id: p.complaintId },
    organizationId: p.organizationId,
    kind: p.kind,
    warning: p.warning ?? null,
    fireAt: p.fireAt.toISOString(),
    reason: p.reason,
    failures: p.failures,
    correlationId: p.correlationId,
    parkedAt: p.parkedAt.toISOString(),
    resumedAt: p.resumedAt?.toISOString() ?? null,
    resumedBy: p.resumedBy,
  };
}

/** When the term's first warning is planned (its AT_RISK threshold); null without warnings. */
function firstWarningAt(timers: DueTimer[], termId: string): Date | null {
  const at = timers.filter((t) => t.termId === termId && t.kind === 'WARNING').map((t) => t.fireAt.getTime());
  return at.length ? new Date(Math.min(...at)) : null;
}

function calendarError(err: unknown, field: string): GraphQLError | unknown {
  return err instanceof CalendarYearMissingError ? badUserInput({ field, message: err.message }) : err;
}

export function createResolvers(deps: ResolverDeps): Resolvers {
  // Per complaint, once per request, batched across the complaints of one query (ctx.loaders):
  // each is a batch of point reads (the log's slots, the complaint's timer and parking slots).
  const loadDeadline = (ctx: RequestContext, complaintId: string): Promise<Deadline | null> =>
    ctx.loaders.load('deadline', complaintId, async (id) => projectDeadline(await deps.log.load(id)));
  const timersOf = (ctx: RequestContext, complaintId: string) => ctx.loaders.load('timers', complaintId, (id) => deps.store.timersOf(id));
  const pendingTimersOf = (ctx: RequestContext, complaintId: string) =>
    ctx.loaders.load('pendingTimers', complaintId, async (id) => deps.store.pendingTimersOf(id, await timersOf(ctx, id)));
  const waitingOf = (ctx: RequestContext, complaintId: string) => ctx.loaders.load('parked', complaintId, (id) => deps.parked.waitingOf(id));
  const withCalendar = async <T>(field: string, fn: (c: Awaited<ReturnType<CalendarRepository['current']>>) => T): Promise<T> => {
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
      deadline: async (complaint, _args, ctx) => {
        const parked = await waitingOf(ctx, complaint.id);
        // R16: never a guessed term; the field says which year the calendar lacks until a supervisor adds it.
        if (parked) throw new GraphQLError(parked.reason, { extensions: { code: 'CALENDAR_YEAR_MISSING', field: 'deadline', year: parked.year } });
        return loadDeadline(ctx, complaint.id);
      },
    },
    Deadline: {
      remainingWorkingDays: (d) =>
        d.stop ? 0 : withCalendar('remainingWorkingDays', (c) => remainingWorkingDays(d, deps.clock.now(), almatyDate(deps.clock.now()), c)),
      state: async (d, _args, ctx) => deadlineState(d, deps.clock.now(), firstWarningAt(await timersOf(ctx, d.complaintId), d.termId)),
      stoppedAt: (d) => d.stop?.stoppedAt ?? null,
      stoppedBy: (d) => d.stop?.stoppedBy ?? null,
      workingDaysEarly: (d) => d.stop?.workingDaysEarly ?? null,
      workingDaysLate: (d) => d.stop?.workingDaysLate ?? null,
      breachedAt: (d) => d.breachedAt,
      warningsSentAt: (d) => d.warnings.map((w) => w.firedAt),
      nextCheckAt: async (d, _args, ctx) => (await pendingTimersOf(ctx, d.complaintId))[0]?.fireAt.toISOString() ?? null,
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
        // The organization's fired breaches (slots), each checked against the complaint's
        // current deadline (point reads): a term that stopped or gave way to another drops out.
        const breaches = await deps.store.breaches(organizationId);
        const deadlines = await Promise.all(breaches.map((b) => loadDeadline(ctx, b.complaintId)));
        const seen = new Set<string>();
        const overdue: OverdueComplaint[] = [];
        breaches.forEach((b, i) => {
          const d = deadlines[i];
          if (!d || seen.has(b.complaintId) || d.termId !== b.termId || d.stop || Date.parse(d.dueAt) >= now.getTime()) return;
          seen.add(b.complaintId);
          overdue.push({ deadline: d });
        });
        return overdue.sort((a, b) => a.deadline.dueAt.localeCompare(b.deadline.dueAt));
      },
      // Operational, like the overdue list: the organization's head, or a supervisor for any (or all).
      parkedTimers: async (_p, { organizationId }, ctx) => {
        const caller = requireRole(ctx.identity, 'SUPERVISOR', 'HEAD');
        const anyOrganization = caller.roles.includes('SUPERVISOR');
        if (!anyOrganization && (!organizationId || caller.organizationId !== organizationId)) {
          throw forbidden('a head sees the parked timers of their own organization');
        }
        return (await deps.parkedTimers.parked(organizationId ?? null)).map(parkedTimerView);
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
      // A supervisor's act, not a restart's: only someone who fixed (or judged) the cause knows
      // that another try can succeed (issue 15). The resume is stored first, then the timer is
      // due in this instance's wheel at once; should this instance die first, the next start
      // loads it as pending (it is no longer parked).
      resumeParkedTimer: async (_p, { timerId }, ctx) => {
        const caller = requireRole(ctx.identity, 'SUPERVISOR');
        const resumed = await deps.parkedTimers.resume(timerId, caller.subject, new Date());
        if (!resumed) {
          const known = await deps.parkedTimers.find(timerId);
          if (!known) throw notFound('parked timer', timerId);
          throw badUserInput({ field: 'timerId', message: 'the timer was resumed already' });
        }
        deps.scheduler.resume(dueTimerOf(resumed));
        return parkedTimerView(resumed);
      },
    },
  };
}

import { almatyDate, createEvent, deterministicUuid, type CalendarYearEntries, type DomainEvent } from '@shagym/contracts';
import { RetryLaterError, type KnownOrganization } from '@shagym/service-kit';
import { CalendarYearMissingError, validateEntries, type ProductionCalendar } from './calendar';
import {
  computeTerm,
  DEFAULT_COUNTING,
  plannedTimers,
  remainingWorkingDays,
  ruleForOrganizationKind,
  termOutcome,
  type ComputedTerm,
  type CountingRule,
  type PlannedTimer,
  type TermRule,
  type WarningSpec,
} from './term';

export interface ComplaintRef {
  id: string;
}

/** The deadline of one complaint, projected from the deadline service's own events. */
export interface Deadline extends ComputedTerm {
  complaintId: string;
  /** Null only for terms set before organizations were recorded with them. */
  organizationId: string | null;
  /** Id of the event that set the current term (deadline.set or deadline.recomputed). */
  termId: string;
  stop: null | {
    stoppedBy: 'ANSWERED' | 'REFUSED' | 'FORWARDED';
    stoppedAt: string;
    outcome: 'MET' | 'MISSED';
    workingDaysEarly: number;
    workingDaysLate: number;
  };
  breachedAt: string | null;
  warnings: Array<{ warning: string; firedAt: string }>;
}

export type DeadlineEvent = DomainEvent<'deadline.set' | 'deadline.recomputed' | 'deadline.warning' | 'deadline.breached' | 'deadline.stopped'>;
export const DEADLINE_EVENT_TYPES = ['deadline.set', 'deadline.recomputed', 'deadline.warning', 'deadline.breached', 'deadline.stopped'] as const;

/** Folds a complaint's deadline events (in log order) into its deadline; null before the first term. */
export function projectDeadline(events: DomainEvent[]): Deadline | null {
  let d = null as Deadline | null;
  for (const e of events) {
    switch (e.type) {
      case 'deadline.set': {
        const { complaintId, ...term } = e.data;
        d = { ...term, complaintId, organizationId: d?.organizationId ?? null, termId: e.id, stop: null, breachedAt: null, warnings: [] };
        break;
      }
      case 'deadline.recomputed':
        if (d) {
          const { rule, termWorkingDays, startsOn, dueOn, dueAt, organizationId } = e.data;
          d = { ...d, rule, termWorkingDays, startsOn, dueOn, dueAt, organizationId, termId: e.id };
        }
        break;
      case 'deadline.warning':
        if (d) d = { ...d, organizationId: e.data.organizationId, warnings: [...d.warnings, { warning: e.data.warning, firedAt: e.data.firedAt }] };
        break;
      case 'deadline.breached':
        if (d) d = { ...d, organizationId: e.data.organizationId, breachedAt: e.data.firedAt };
        break;
      case 'deadline.stopped':
        if (d) {
          const { stoppedBy, stoppedAt, outcome, workingDaysEarly, workingDaysLate, organizationId } = e.data;
          d = { ...d, organizationId, stop: { stoppedBy, stoppedAt, outcome, workingDaysEarly, workingDaysLate } };
        }
        break;
      default:
        break;
    }
  }
  return d;
}

/** One line of an organization's overdue list. */
export interface OverdueComplaint {
  deadline: Deadline;
}

export type DeadlineState = 'ON_TRACK' | 'AT_RISK' | 'BREACHED' | 'MET' | 'MISSED';

/**
 * The state a reader sees: MET / MISSED once stopped (R9, R17); BREACHED after the end;
 * AT_RISK from the first configured warning on; ON_TRACK before.
 */
export function deadlineState(d: Deadline, now: Date, firstWarningAt: Date | null): DeadlineState {
  if (d.stop) return d.stop.outcome;
  if (d.breachedAt || now.getTime() > Date.parse(d.dueAt)) return 'BREACHED';
  if (d.warnings.length || (firstWarningAt && now >= firstWarningAt)) return 'AT_RISK';
  return 'ON_TRACK';
}

/** A term with what the scheduler needs, stored insert-only (store/term-store.ts). */
export interface TermRecord extends ComputedTerm {
  termId: string;
  complaintId: string;
  organizationId: string;
}

export interface DeadlinePorts {
  findOrganization(id: string): Promise<KnownOrganization | null>;
  emit(event: DomainEvent): Promise<{ status: 'appended' | 'duplicate' }>;
  /** The complaint's deadline events, in log order. */
  history(complaintId: string): Promise<DomainEvent[]>;
  /** Stores the term and its planned timers (idempotent inserts keyed by term id). */
  recordTerm(term: TermRecord, timers: PlannedTimer[]): Promise<void>;
  /** Marks the complaint's pending timers as no longer needed. */
  cancelTimers(complaintId: string): Promise<void>;
  calendar(): Promise<ProductionCalendar>;
}

export interface TermSettings {
  counting: CountingRule;
  warnings: WarningSpec[];
}

export const DEFAULT_SETTINGS: TermSettings = {
  counting: DEFAULT_COUNTING,
  warnings: [
    { workingDaysBefore: 1, time: '09:00' },
    { workingDaysBefore: 0, time: '09:00' },
  ],
};

/** A term that runs into a year the calendar has no data for (never a guess): the year is named. */
export class TermNotComputable extends Error {
  override name = 'TermNotComputable';
  constructor(
    message: string,
    readonly year: number,
  ) {
    super(message);
  }
}

function computeOrExplain(rule: TermRule, startsOn: string, calendar: ProductionCalendar, counting: CountingRule): ComputedTerm {
  try {
    return computeTerm(rule, startsOn, calendar, counting);
  } catch (err) {
    if (err instanceof CalendarYearMissingError) throw new TermNotComputable(`cannot compute the ${rule} term from ${startsOn}: ${err.message}`, err.year);
    throw err;
  }
}

/** Publishes a term as `deadline.set` (its id derived from the cause: a redelivery appends nothing) and stores it with its timers. */
async function publishTerm(
  ports: DeadlinePorts,
  cause: DomainEvent,
  complaintId: string,
  organizationId: string,
  term: ComputedTerm,
  timers: PlannedTimer[],
): Promise<DomainEvent<'deadline.set'>> {
  const event = createEvent({
    type: 'deadline.set',
    id: deterministicUuid('deadline.set', cause.id),
    source: 'deadline',
    subject: complaintId,
    correlationId: cause.correlationId,
    causationId: cause.id,
    data: { complaintId, ...term },
  });
  await ports.emit(event);
  await ports.recordTerm({ ...term, termId: event.id, complaintId, organizationId }, timers);
  return event;
}

/**
 * Sets the review term when a complaint is registered: 5 working days (R8), 15 at the
 * authorized body (R13), from the registration date on the production calendar (R16), and
 * plans its warnings and breach. Repeatable: the event id derives from the registration.
 *
 * A forwarded complaint is registered again by the receiving body (R7 at the body that
 * receives it, R18): its term is set from that registration — "5 working days from the day of
 * its registration" (R8) is the receiving body's registration, not the first body's nor the
 * forwarding day — and replaces whatever term was open (ForwardDeadline stopped the first
 * body's; its timers are cancelled again here, harmlessly, should the stop not have come first).
 */
export class SetDeadlineOnRegistration {
  constructor(
    private readonly ports: DeadlinePorts,
    private readonly settings: TermSettings = DEFAULT_SETTINGS,
  ) {}

  async execute(registered: DomainEvent<'complaint.registered'>): Promise<DomainEvent<'deadline.set'>> {
    const org = await this.ports.findOrganization(registered.data.organizationId);
    if (!org) throw new RetryLaterError(`organization ${registered.data.organizationId} is not (yet) in the directory`);
    const calendar = await this.ports.calendar();
    const term = computeOrExplain(ruleForOrganizationKind(org.kind), registered.data.registeredOn, calendar, this.settings.counting);
    const { complaintId, organizationId } = registered.data;
    if (registered.data.forwardedFrom) await this.ports.cancelTimers(complaintId);
    return publishTerm(this.ports, registered, complaintId, organizationId, term, plannedTimers(term, this.settings.warnings, calendar));
  }
}

/**
 * Stops the term when the complaint is answered (R9) or refused (R17) and records whether
 * it came on time and by how many working days early or late. Repeatable by event id.
 */
export class StopDeadline {
  constructor(private readonly ports: DeadlinePorts) {}

  async execute(cause: DomainEvent<'complaint.answered' | 'complaint.refused'>): Promise<DomainEvent<'deadline.stopped'> | null> {
    const complaintId = cause.data.complaintId;
    const current = projectDeadline(await this.ports.history(complaintId));
    if (!current || current.stop) return null; // no term here (registered elsewhere / before), or stopped already
    const [stoppedBy, stoppedAt, stoppedOn] =
      cause.type === 'complaint.answered'
        ? (['ANSWERED', cause.data.answeredAt, cause.data.answeredOn] as const)
        : (['REFUSED', cause.data.refusedAt, cause.data.refusedOn] as const);
    const outcome = termOutcome(current, new Date(stoppedAt), stoppedOn, await this.ports.calendar());
    const event = createEvent({
      type: 'deadline.stopped',
      id: deterministicUuid('deadline.stopped', cause.id),
      source: 'deadline',
      subject: complaintId,
      correlationId: cause.correlationId,
      causationId: cause.id,
      data: {
        complaintId,
        organizationId: current.organizationId ?? cause.data.organizationId,
        rule: current.rule,
        dueOn: current.dueOn,
        dueAt: current.dueAt,
        stoppedBy,
        stoppedAt,
        stoppedOn,
        ...outcome,
      },
    });
    await this.ports.emit(event);
    await this.ports.cancelTimers(complaintId);
    return event;
  }
}

/**
 * R18 (АППК art. 91 p. 4): a complaint outside the body's competence is forwarded within 3
 * working days of its receipt. When it is forwarded, the forwarding body's term stops with
 * the verdict on that 3-day term (MET / MISSED, working days early or late). The receiving
 * body's own review term (R8, or R13 for the authorized body) is NOT set here: it counts from
 * the receiving body's registration (R8 "from the day of its registration", R7 at the body
 * that receives it), which registry publishes as a second `complaint.registered` (with
 * `forwardedFrom`) and SetDeadlineOnRegistration turns into the new term. A receiving body
 * that registers by hand (paper, R7) starts the term when its registry office registers it,
 * as for a complaint filed with it. Repeatable by event id.
 *
 * (Until issue 15 the term was set here from the forwarding day; a forwarding already handled
 * that way keeps its term — its event ids do not change — and the registration re-sets it.)
 */
export class ForwardDeadline {
  constructor(
    private readonly ports: DeadlinePorts,
    private readonly settings: TermSettings = DEFAULT_SETTINGS,
  ) {}

  async execute(forwarded: DomainEvent<'complaint.forwarded'>): Promise<DomainEvent[]> {
    const { complaintId, fromOrganizationId, forwardedAt } = forwarded.data;
    const current = projectDeadline(await this.ports.history(complaintId));
    const calendar = await this.ports.calendar();
    const forwardedOn = almatyDate(new Date(forwardedAt));
    const emitted: DomainEvent[] = [];
    if (current && !current.stop) {
      // The forwarding term runs already when the head declared the complaint outside the competence (StartForwardingTerm).
      const r18 = current.rule === 'R18' ? current : computeOrExplain('R18', forwarded.data.receivedOn ?? current.startsOn, calendar, this.settings.counting);
      const stopped = createEvent({
        type: 'deadline.stopped',
        id: deterministicUuid('deadline.stopped', forwarded.id),
        source: 'deadline',
        subject: complaintId,
        correlationId: forwarded.correlationId,
        causationId: forwarded.id,
        data: {
          complaintId,
          organizationId: fromOrganizationId,
          rule: 'R18',
          dueOn: r18.dueOn,
          dueAt: r18.dueAt,
          stoppedBy: 'FORWARDED',
          stoppedAt: forwardedAt,
          stoppedOn: forwardedOn,
          ...termOutcome(r18, new Date(forwardedAt), forwardedOn, calendar),
        },
      });
      await this.ports.emit(stopped);
      await this.ports.cancelTimers(complaintId);
      emitted.push(stopped);
    }
    return emitted;
  }
}

/**
 * R18: the head found the complaint outside the body's competence (routing's
 * `complaint.outside-competence`). The review term gives way to the forwarding term — 3
 * working days from receipt, with the same warnings and breach — which forwarding stops
 * (ForwardDeadline). Warnings whose time passed before the declaration are not planned (the
 * head has just acted on the complaint); the breach always is. Repeatable by event id.
 */
export class StartForwardingTerm {
  constructor(
    private readonly ports: DeadlinePorts,
    private readonly settings: TermSettings = DEFAULT_SETTINGS,
  ) {}

  async execute(declared: DomainEvent<'complaint.outside-competence'>): Promise<DomainEvent<'deadline.set'> | null> {
    const { complaintId, organizationId, declaredAt, receivedOn } = declared.data;
    const current = projectDeadline(await this.ports.history(complaintId));
    // No term here (parked or registered before this service), already over, or forwarding already.
    if (!current || current.stop || current.rule === 'R18') return null;
    const calendar = await this.ports.calendar();
    const term = computeOrExplain('R18', receivedOn ?? current.startsOn, calendar, this.settings.counting);
    const timers = plannedTimers(term, this.settings.warnings, calendar).filter((t) => t.kind === 'BREACH' || t.fireAt.getTime() > Date.parse(declaredAt));
    // Cancelled before the new term is published, as on a forwarding: should the process die in between, the redelivered declaration publishes it.
    await this.ports.cancelTimers(complaintId);
    return publishTerm(this.ports, declared, complaintId, organizationId, term, timers);
  }
}

/** A timer the scheduler found due. */
export interface DueTimer {
  timerId: string;
  termId: string;
  complaintId: string;
  organizationId: string;
  kind: 'WARNING' | 'BREACH';
  warning?: string;
  fireAt: Date;
}

export type TimerOutcome = 'FIRED' | 'DUPLICATE' | 'OBSOLETE' | 'SKIPPED';

/** The correlation id of what a timer does: its events, and the scheduler's log lines about it. */
export const timerCorrelationId = (timerId: string) => `deadline-timer-${timerId}`;

/**
 * Fires one due timer: `deadline.warning` or `deadline.breached`, exactly once — their ids
 * derive from (complaint, warning, due instant) and (complaint, rule, start: one breach per
 * term, kept when a calendar correction moves it, a new one at the body a complaint is
 * forwarded to), so a second firing by a
 * restarted or a second instance is a duplicate insert into the log, never a second event.
 * A timer of a stopped or superseded term is obsolete; a warning that would come after the
 * end (caught up after downtime) is skipped in favour of the breach.
 */
export class FireTimer {
  constructor(private readonly ports: Pick<DeadlinePorts, 'emit' | 'history' | 'calendar'>) {}

  async execute(timer: DueTimer, now: Date): Promise<TimerOutcome> {
    const d = projectDeadline(await this.ports.history(timer.complaintId));
    if (!d || d.stop || d.termId !== timer.termId) return 'OBSOLETE';
    const base = {
      complaintId: d.complaintId,
      organizationId: timer.organizationId,
      rule: d.rule,
      dueOn: d.dueOn,
      dueAt: d.dueAt,
      scheduledFor: timer.fireAt.toISOString(),
      firedAt: now.toISOString(),
    };
    const common = { source: 'deadline' as const, subject: d.complaintId, correlationId: timerCorrelationId(timer.timerId), causationId: d.termId, time: now };
    if (timer.kind === 'WARNING') {
      if (d.breachedAt || now.getTime() > Date.parse(d.dueAt)) return 'SKIPPED';
      const event = createEvent({
        ...common,
        type: 'deadline.warning',
        id: deterministicUuid('deadline.warning', d.complaintId, timer.warning ?? '', d.dueAt),
        data: { ...base, warning: timer.warning ?? 'WARNING', remainingWorkingDays: remainingWorkingDays(d, now, almatyDate(now), await this.ports.calendar()) },
      });
      return (await this.ports.emit(event)).status === 'appended' ? 'FIRED' : 'DUPLICATE';
    }
    const event = createEvent({ ...common, type: 'deadline.breached', id: deterministicUuid('deadline.breached', d.complaintId, d.rule, d.startsOn), data: base });
    return (await this.ports.emit(event)).status === 'appended' ? 'FIRED' : 'DUPLICATE';
  }
}

/** An open term the calendar correction may move. */
export interface OpenTerm {
  complaintId: string;
  termId: string;
  organizationId: string;
}

/**
 * Recomputes every open term a calendar correction touches (R16): same rule and start, new
 * calendar; a term whose last day moves gets `deadline.recomputed` (announced on the
 * complaint's topic) and new timers. Stopped and breached terms keep their history.
 */
export class RecomputeOnCalendarChange {
  constructor(
    private readonly ports: DeadlinePorts & { openTerms(year: number): Promise<OpenTerm[]> },
    private readonly settings: TermSettings = DEFAULT_SETTINGS,
    private readonly onSkip: (complaintId: string, reason: string) => void = () => undefined,
  ) {}

  async execute(changed: DomainEvent<'calendar.changed'>): Promise<number> {
    const calendar = await this.ports.calendar();
    let moved = 0;
    for (const open of await this.ports.openTerms(changed.data.year)) {
      const d = projectDeadline(await this.ports.history(open.complaintId));
      if (!d || d.stop || d.breachedAt || d.termId !== open.termId) continue;
      let term: ComputedTerm;
      try {
        term = computeTerm(d.rule, d.startsOn, calendar, this.settings.counting);
      } catch (err) {
        this.onSkip(d.complaintId, (err as Error).message);
        continue;
      }
      if (term.dueOn === d.dueOn && term.dueAt === d.dueAt) continue;
      const organizationId = d.organizationId ?? open.organizationId;
      const event = createEvent({
        type: 'deadline.recomputed',
        id: deterministicUuid('deadline.recomputed', changed.id, d.complaintId),
        source: 'deadline',
        subject: d.complaintId,
        correlationId: changed.correlationId,
        causationId: changed.id,
        data: { ...term, complaintId: d.complaintId, organizationId, previousDueOn: d.dueOn, previousDueAt: d.dueAt, calendarChangeId: changed.id },
      });
      await this.ports.emit(event);
      await this.ports.recordTerm({ ...term, termId: event.id, complaintId: d.complaintId, organizationId }, plannedTimers(term, this.settings.warnings, calendar));
      moved++;
    }
    return moved;
  }
}

export interface CalendarChange {
  entries: CalendarYearEntries;
  reason: string;
  changedBy: { subject: string; officialId?: string; organizationId?: string };
}

export class InvalidCalendarChange extends Error {
  override name = 'InvalidCalendarChange';
  constructor(readonly problems: Array<{ field: string; message: string }>) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

/**
 * A supervisor adds or corrects a year's entries (R16: a transfer, the Kurban Ait date): one
 * `calendar.changed` event; the recomputation of open terms follows from it
 * (RecomputeOnCalendarChange), so no correction is lost if the process dies in between.
 */
export class ChangeCalendarYear {
  constructor(
    private readonly ports: {
      calendarWithVersion(): Promise<{ calendar: ProductionCalendar; version: number }>;
      emit(event: DomainEvent): Promise<{ status: 'appended' | 'duplicate' }>;
    },
  ) {}

  async execute(change: CalendarChange, now: Date, correlationId: string): Promise<{ event: DomainEvent<'calendar.changed'>; calendar: ProductionCalendar }> {
    const problems = validateEntries(change.entries);
    if (problems.length) throw new InvalidCalendarChange(problems);
    const { calendar, version } = await this.ports.calendarWithVersion();
    const next = calendar.withYear(change.entries);
    const event = createEvent({
      type: 'calendar.changed',
      id: deterministicUuid('calendar.changed', String(version), JSON.stringify(change.entries)),
      source: 'deadline',
      subject: CALENDAR_AGGREGATE,
      correlationId,
      time: now,
      data: {
        country: 'KZ',
        year: change.entries.year,
        entries: change.entries,
        changedDays: calendar.changedDays(next, change.entries.year),
        reason: change.reason,
        changedBy: change.changedBy,
        changedAt: now.toISOString(),
      },
    });
    await this.ports.emit(event);
    return { event, calendar: next };
  }
}

/** The log aggregate (and Kafka key) of calendar corrections. */
export const CALENDAR_AGGREGATE = 'calendar-kz';

import { addWorkingDays, subtractWorkingDays, workingDaysBetween, nextDate, type Calendar } from './working-days';

/**
 * The review terms and how they are counted — written once, here.
 *
 * R8: 5 working days for a service provider, Ministry or PSC (Law «О государственных
 * услугах» No. 88-V art. 25); R13: 15 for the authorized body; R18: 3 to forward to the
 * competent body (АППК art. 91 p. 4).
 *
 * "From the day of registration": following the Civil Code's rule for periods (art. 187: a
 * period fixed in days begins on the day after the event that starts it) the registration day
 * itself is not counted, so day one is the first working day after registration — also when
 * a complaint is registered on a day off. By art. 188 the term ends at the end of its last
 * day, 24:00 Asia/Almaty; since the term is in working days its last day is always a working
 * day. How АППК art. 10 counts could not be read (kz-calendar.md), so both choices are
 * settings (CountingRule), not scattered through the code.
 */
export const TERMS = {
  R8: { workingDays: 5 },
  R13: { workingDays: 15 },
  R18: { workingDays: 3 },
} as const;

export type TermRule = keyof typeof TERMS;

export interface CountingRule {
  /** Whether the start day (registration), if a working day, counts as day one; by law, not. */
  countStartDay: boolean;
  /** The IANA zone whose midnight ends the last day: Asia/Almaty (UTC+5 since 1 March 2024). */
  timeZone: 'Asia/Almaty';
}

export const DEFAULT_COUNTING: CountingRule = { countStartDay: false, timeZone: 'Asia/Almaty' };

/** The kind of body decides the term: the authorized body reviews in 15 days (R13). */
export function ruleForOrganizationKind(kind: string | undefined): TermRule {
  return kind === 'AUTHORIZED_BODY' ? 'R13' : 'R8';
}

export interface ComputedTerm {
  rule: TermRule;
  termWorkingDays: number;
  startsOn: string;
  dueOn: string;
  dueAt: string;
}

/** The UTC offset (minutes) of Asia/Almaty at an instant, from the IANA database (UTC+6 before March 2024). */
function offsetMinutes(instant: Date, timeZone: string): number {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(part ?? '');
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** An instant at local wall time `time` (HH:MM) on `date` in the zone. */
export function zonedInstant(date: string, time: string, timeZone = DEFAULT_COUNTING.timeZone): Date {
  const guess = new Date(`${date}T${time}:00Z`);
  return new Date(guess.getTime() - offsetMinutes(guess, timeZone) * 60_000);
}

/** The last millisecond of `date` in the zone (art. 188: 24:00 of the last day). */
export function endOfDay(date: string, timeZone = DEFAULT_COUNTING.timeZone): Date {
  return new Date(zonedInstant(nextDate(date), '00:00', timeZone).getTime() - 1);
}

export function computeTerm(rule: TermRule, startsOn: string, calendar: Calendar, counting = DEFAULT_COUNTING): ComputedTerm {
  const n = TERMS[rule].workingDays;
  const dueOn =
    counting.countStartDay && calendar.isWorkingDay(startsOn)
      ? addWorkingDays(startsOn, n - 1, calendar)
      : addWorkingDays(startsOn, n, calendar);
  return { rule, termWorkingDays: n, startsOn, dueOn, dueAt: endOfDay(dueOn, counting.timeZone).toISOString() };
}

/** A warning before the end of a term: `workingDaysBefore` working days before the last day, at local `time`. */
export interface WarningSpec {
  workingDaysBefore: number;
  time: string;
}

export const warningId = (w: WarningSpec) => `${w.workingDaysBefore}WD@${w.time}`;

/** Parses `1@09:00,0@09:00` (working days before the last day @ Almaty time). */
export function parseWarnings(spec: string): WarningSpec[] {
  if (!spec.trim()) return [];
  return spec.split(',').map((part) => {
    const m = /^\s*(\d{1,2})@([01]\d|2[0-3]):([0-5]\d)\s*$/.exec(part);
    if (!m) throw new Error(`bad warning "${part}": expected <working days before>@HH:MM, e.g. 1@09:00`);
    return { workingDaysBefore: Number(m[1]), time: `${m[2]}:${m[3]}` };
  });
}

export interface PlannedTimer {
  kind: 'WARNING' | 'BREACH';
  /** WARNING: which configured warning. */
  warning?: string;
  fireAt: Date;
}

/**
 * When the scheduler must act for a term: each configured warning (on the working day that
 * many working days before the last one, at the given time, skipped if it would not come
 * before the end or is before the start) and the breach, right after the end.
 */
export function plannedTimers(term: ComputedTerm, warnings: WarningSpec[], calendar: Calendar): PlannedTimer[] {
  const dueAt = new Date(term.dueAt);
  const timers: PlannedTimer[] = [];
  for (const w of warnings) {
    const day = subtractWorkingDays(term.dueOn, w.workingDaysBefore, calendar);
    const fireAt = zonedInstant(day, w.time);
    if (day > term.startsOn && fireAt < dueAt) timers.push({ kind: 'WARNING', warning: warningId(w), fireAt });
  }
  timers.push({ kind: 'BREACH', fireAt: new Date(dueAt.getTime() + 1) });
  return timers;
}

export interface TermOutcome {
  outcome: 'MET' | 'MISSED';
  workingDaysEarly: number;
  workingDaysLate: number;
}

/**
 * R9, R17: whether the answer (or refusal) came on time — by the end of the last day — and
 * by how many working days it was early (working days of the term left after the answer
 * day) or late (working days after the last day up to the answer day; an answer on a day off
 * after the term counts as one working day late, since it could only have come in time by the
 * last working day).
 */
export function termOutcome(term: Pick<ComputedTerm, 'dueOn' | 'dueAt'>, stoppedAt: Date, stoppedOn: string, calendar: Calendar): TermOutcome {
  if (stoppedAt.getTime() <= Date.parse(term.dueAt)) {
    return { outcome: 'MET', workingDaysEarly: workingDaysBetween(stoppedOn, term.dueOn, calendar), workingDaysLate: 0 };
  }
  return { outcome: 'MISSED', workingDaysEarly: 0, workingDaysLate: Math.max(1, workingDaysBetween(term.dueOn, stoppedOn, calendar)) };
}

/**
 * Working days left: the working days from today (counted while it lasts) up to and
 * including the last day; 0 once the term is over.
 */
export function remainingWorkingDays(term: Pick<ComputedTerm, 'dueOn' | 'dueAt'>, now: Date, today: string, calendar: Calendar): number {
  if (now.getTime() > Date.parse(term.dueAt)) return 0;
  return workingDaysBetween(nextDate(today, -1), term.dueOn, calendar);
}

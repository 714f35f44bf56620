import { addWorkingDays, type Calendar } from './working-days';

/**
 * The review terms and how they are counted — written once, here.
 *
 * R8: 5 working days for a service provider, Ministry or PSC; R13: 15 for the authorized
 * body; R18: 3 to forward to the competent body. "From the day of registration": following
 * the Civil Code's rule for periods (art. 187: a period begins on the day after the event
 * that starts it) the registration day itself is not counted, and (art. 188) the term ends
 * at the end of its last working day — 24:00 Asia/Almaty. Both choices are settings here,
 * not scattered through code.
 */
export const TERMS = {
  R8: { workingDays: 5 },
  R13: { workingDays: 15 },
  R18: { workingDays: 3 },
} as const;

export type TermRule = keyof typeof TERMS;

export interface CountingRule {
  /** Whether the start day (registration) counts as day one; by law, not. */
  countStartDay: boolean;
  /** UTC offset of Asia/Almaty (one zone, UTC+5, since 1 March 2024). */
  utcOffset: '+05:00';
}

export const DEFAULT_COUNTING: CountingRule = { countStartDay: false, utcOffset: '+05:00' };

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

export function computeTerm(rule: TermRule, startsOn: string, calendar: Calendar, counting = DEFAULT_COUNTING): ComputedTerm {
  const n = TERMS[rule].workingDays;
  const dueOn =
    counting.countStartDay && calendar.isWorkingDay(startsOn)
      ? addWorkingDays(startsOn, n - 1, calendar)
      : addWorkingDays(startsOn, n, calendar);
  const dueAt = new Date(`${dueOn}T23:59:59.999${counting.utcOffset}`).toISOString();
  return { rule, termWorkingDays: n, startsOn, dueOn, dueAt };
}

import type { DayOff, ProductionCalendar } from './calendar';
import { nextDate } from './working-days';
import type { ComputedTerm } from './term';

/** Why a term ends when it does: the days it counted and the days it skipped, with sources (R16). */
export interface TermExplanation {
  countedDays: string[];
  skippedDays: DayOff[];
  /** True when a skipped day rests on a provisional entry (e.g. an estimated Kurban Ait). */
  provisional: boolean;
}

export function explainTerm(term: Pick<ComputedTerm, 'startsOn' | 'dueOn'>, calendar: ProductionCalendar): TermExplanation {
  const countedDays: string[] = [];
  const skippedDays: DayOff[] = [];
  for (let date = nextDate(term.startsOn); date <= term.dueOn; date = nextDate(date)) {
    const off = calendar.dayOff(date);
    if (off) skippedDays.push(off);
    else countedDays.push(date);
  }
  return { countedDays, skippedDays, provisional: skippedDays.some((d) => d.provisional) };
}

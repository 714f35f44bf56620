import { calendarYearEntries, type CalendarYearEntries } from '@shagym/contracts';
import { ProductionCalendar, type CalendarRules } from '../domain/calendar';
import rules from './kz-rules.json';
import years from './kz-years.json';

/** The checked-in rules of the Kazakhstan production calendar (R16), with their sources. */
export const KZ_RULES: CalendarRules = rules as CalendarRules;

/** The checked-in per-year entries, validated against the same schema as a supervisor's correction. */
export const KZ_BASE_YEARS: CalendarYearEntries[] = years.years.map((y) => calendarYearEntries.parse(y));

/** The production calendar from the checked-in data alone (no supervisor corrections). */
export function baseCalendar(corrections: CalendarYearEntries[] = []): ProductionCalendar {
  let calendar = new ProductionCalendar(KZ_RULES, KZ_BASE_YEARS);
  for (const c of corrections) calendar = calendar.withYear(c);
  return calendar;
}

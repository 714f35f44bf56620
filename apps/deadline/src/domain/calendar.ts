import type { CalendarYearEntries, LocalizedText } from '@shagym/contracts';
import type { Calendar } from './working-days';
import { nextDate } from './working-days';

/**
 * The Kazakhstan production calendar (R16), computed from the rules (weekends, holidays, the
 * weekend-shift rule, religious days off that never move) plus each year's entries (Kurban
 * Ait, the labour ministry's transfers). Data lives in ../calendar/*.json with a source for
 * every entry; this file only applies it. Pure: no I/O.
 */

export interface HolidayRule {
  id: string;
  month: number;
  days: number[];
  fromYear?: number;
  toYear?: number;
  name: LocalizedText;
  source: string;
}

export interface ReligiousDayRule {
  id: string;
  month?: number;
  day?: number;
  /** Taken from the year's entries instead of a fixed date. */
  perYear?: 'kurbanAit';
  name: LocalizedText;
  source: string;
}

export interface CalendarRules {
  weekend: { source: string };
  shiftRule: { text: string; source: string };
  holidays: HolidayRule[];
  religiousDaysOff: ReligiousDayRule[];
}

export type DayOffKind = 'WEEKEND' | 'HOLIDAY' | 'RELIGIOUS' | 'SHIFTED' | 'TRANSFERRED';

/** Why a day is not a working day, with where that comes from. */
export interface DayOff {
  date: string;
  kind: DayOffKind;
  name: LocalizedText;
  source: string;
  provisional: boolean;
  /** SHIFTED: the holiday date that fell on a day off; TRANSFERRED: the weekend day worked instead. */
  relatedDate?: string;
}

export interface WorkingWeekendDay {
  date: string;
  /** The weekday off it was exchanged for. */
  dayOff: string;
  source: string;
}

export interface CalendarYear {
  year: number;
  provisional: boolean;
  /** Every non-working day of the year, weekends included, in date order. */
  daysOff: DayOff[];
  workingWeekendDays: WorkingWeekendDay[];
  workingDays: number;
  entries: CalendarYearEntries;
}

/** A term ran into a year the calendar has no data for: never guessed (R16, kz-calendar.md). */
export class CalendarYearMissingError extends Error {
  override name = 'CalendarYearMissingError';
  constructor(readonly year: number) {
    super(`the production calendar has no data for ${year}: a supervisor must add the year (setCalendarYear) before terms can run into it`);
  }
}

const WEEKEND_NAME: LocalizedText = { ru: 'Выходной день', kk: 'Демалыс күні', en: 'Weekend' };
const SHIFTED_NAME = (h: LocalizedText, from: string): LocalizedText => ({
  ru: `Перенос выходного: ${h.ru} (${from}) пришёлся на выходной`,
  kk: `Демалыс күнін ауыстыру: ${h.kk} (${from}) демалыс күніне сәйкес келді`,
  en: `Day off moved: ${h.en} (${from}) fell on a weekend`,
});
const TRANSFER_NAME = (workingDay: string): LocalizedText => ({
  ru: `Перенос выходного дня приказом Минтруда (рабочий день ${workingDay})`,
  kk: `Еңбек министрлігінің бұйрығымен демалыс күнін ауыстыру (жұмыс күні ${workingDay})`,
  en: `Day off transferred by labour ministry order (worked on ${workingDay})`,
});

export const isWeekend = (date: string): boolean => {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 || d === 6;
};

const iso = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** Computes one year's days off from the rules and the year's entries. */
export function computeYear(rules: CalendarRules, entries: CalendarYearEntries): CalendarYear {
  const { year } = entries;
  const off = new Map<string, DayOff>();
  const provisional = entries.provisional;
  const holidayGroups = rules.holidays
    .filter((h) => (h.fromYear ?? -Infinity) <= year && year <= (h.toYear ?? Infinity))
    .map((h) => ({ rule: h, dates: h.days.map((d) => iso(year, h.month, d)) }))
    .sort((a, b) => a.dates[0]!.localeCompare(b.dates[0]!));

  for (const { rule, dates } of holidayGroups) {
    for (const date of dates) off.set(date, { date, kind: 'HOLIDAY', name: rule.name, source: rule.source, provisional: false });
  }
  for (const r of rules.religiousDaysOff) {
    const dated = r.perYear === 'kurbanAit' ? entries.kurbanAit : { date: iso(year, r.month!, r.day!), provisional: false, source: r.source };
    if (!off.has(dated.date) || off.get(dated.date)!.kind === 'WEEKEND') {
      off.set(dated.date, {
        date: dated.date,
        kind: 'RELIGIOUS',
        name: r.name,
        source: r.perYear ? `${r.source}; ${dated.source}` : r.source,
        provisional: dated.provisional,
      });
    }
  }
  const transfersOff = new Set(entries.transfers.map((t) => t.dayOff));
  const transfersWork = new Set(entries.transfers.map((t) => t.workingDay));
  // Weekend-shift rule (Law No. 267-II art. 5): each holiday day on a Saturday or Sunday moves
  // a day off to the next working day after the holiday's last day; religious days never move.
  for (const { rule, dates } of holidayGroups) {
    let cursor = dates[dates.length - 1]!;
    for (const date of dates.filter(isWeekend)) {
      do cursor = nextDate(cursor);
      while (isWeekend(cursor) || off.has(cursor) || transfersOff.has(cursor));
      off.set(cursor, {
        date: cursor,
        kind: 'SHIFTED',
        name: SHIFTED_NAME(rule.name, date),
        source: `${rules.shiftRule.source}; ${rule.source}`,
        provisional: false,
        relatedDate: date,
      });
    }
  }
  for (const t of entries.transfers) {
    off.set(t.dayOff, { date: t.dayOff, kind: 'TRANSFERRED', name: TRANSFER_NAME(t.workingDay), source: t.source, provisional, relatedDate: t.workingDay });
  }

  const daysOff: DayOff[] = [];
  let workingDays = 0;
  for (let date = iso(year, 1, 1); date.startsWith(String(year)); date = nextDate(date)) {
    const special = off.get(date);
    if (special && !transfersWork.has(date)) daysOff.push(special);
    else if (isWeekend(date) && !transfersWork.has(date)) {
      daysOff.push({ date, kind: 'WEEKEND', name: WEEKEND_NAME, source: rules.weekend.source, provisional: false });
    } else workingDays++;
  }
  return {
    year,
    provisional: provisional || entries.kurbanAit.provisional,
    daysOff,
    workingWeekendDays: entries.transfers.map((t) => ({ date: t.workingDay, dayOff: t.dayOff, source: t.source })),
    workingDays,
    entries,
  };
}

/** Problems with a year's entries, as (field, message) pairs: empty when they can be applied. */
export function validateEntries(entries: CalendarYearEntries): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  const inYear = (d: string) => d.startsWith(`${entries.year}-`) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  if (!inYear(entries.kurbanAit.date)) problems.push({ field: 'kurbanAit.date', message: `must be a real date in ${entries.year}` });
  entries.transfers.forEach((t, i) => {
    if (!inYear(t.workingDay) || !isWeekend(t.workingDay)) problems.push({ field: `transfers.${i}.workingDay`, message: `must be a Saturday or Sunday in ${entries.year}` });
    if (!inYear(t.dayOff) || isWeekend(t.dayOff)) problems.push({ field: `transfers.${i}.dayOff`, message: `must be a weekday in ${entries.year}` });
  });
  return problems;
}

/** The production calendar over the years it has data for. */
export class ProductionCalendar implements Calendar {
  private readonly years = new Map<number, CalendarYear>();
  private readonly offIndex = new Map<string, DayOff>();
  private readonly workingWeekend = new Set<string>();

  constructor(
    readonly rules: CalendarRules,
    entries: CalendarYearEntries[],
  ) {
    for (const e of entries) {
      const y = computeYear(rules, e);
      this.years.set(e.year, y);
      for (const d of y.daysOff) this.offIndex.set(d.date, d);
      for (const w of y.workingWeekendDays) this.workingWeekend.add(w.date);
    }
  }

  knownYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  year(year: number): CalendarYear {
    const y = this.years.get(year);
    if (!y) throw new CalendarYearMissingError(year);
    return y;
  }

  /** Why the date is not a working day, or null when it is one. */
  dayOff(date: string): DayOff | null {
    this.year(Number(date.slice(0, 4)));
    return this.offIndex.get(date) ?? null;
  }

  isWorkingDay(date: string): boolean {
    return this.dayOff(date) === null;
  }

  /** A copy with one year's entries replaced (a supervisor's correction). */
  withYear(entries: CalendarYearEntries): ProductionCalendar {
    const all = new Map<number, CalendarYearEntries>([...this.years.values()].map((y) => [y.year, y.entries]));
    all.set(entries.year, entries);
    return new ProductionCalendar(this.rules, [...all.values()]);
  }

  /** Dates of `year` whose working status differs between this calendar and `other`. */
  changedDays(other: ProductionCalendar, year: number): string[] {
    const changed: string[] = [];
    for (let date = iso(year, 1, 1); date.startsWith(String(year)); date = nextDate(date)) {
      const a = this.years.has(year) ? this.isWorkingDay(date) : null;
      const b = other.years.has(year) ? other.isWorkingDay(date) : null;
      if (a !== b) changed.push(date);
    }
    return changed;
  }
}

/**
 * Working-day arithmetic on calendar dates (YYYY-MM-DD, Asia/Almaty). Pure: which days are
 * working days comes from a Calendar (R16); this file only counts.
 */
export interface Calendar {
  isWorkingDay(date: string): boolean;
}

/**
 * Weekends only: Saturday and Sunday off. The foundation's calendar; the production calendar
 * with holidays, shifted days and transfers (R16, kz-calendar.md) replaces it in issue 6.
 */
export const weekendsOnlyCalendar: Calendar = {
  isWorkingDay(date) {
    const day = new Date(`${date}T00:00:00Z`).getUTCDay();
    return day !== 0 && day !== 6;
  },
};

export function nextDate(date: string, days = 1): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The n-th working day after `start` (the start day itself is never counted). */
export function addWorkingDays(start: string, n: number, calendar: Calendar): string {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
  let date = start;
  let left = n;
  while (left > 0) {
    date = nextDate(date);
    if (calendar.isWorkingDay(date)) left--;
  }
  return date;
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: string, to: string, calendar: Calendar): number {
  let count = 0;
  for (let date = nextDate(from); date <= to; date = nextDate(date)) {
    if (calendar.isWorkingDay(date)) count++;
  }
  return count;
}

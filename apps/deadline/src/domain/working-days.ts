/**
 * Working-day arithmetic on calendar dates (YYYY-MM-DD, Asia/Almaty). Pure: which days are
 * working days comes from a Calendar (R16, the production calendar in ./calendar.ts); this
 * file only counts. A calendar throws for a year it has no data for, so every function here
 * fails with the missing year rather than guessing.
 */
export interface Calendar {
  isWorkingDay(date: string): boolean;
}

export function nextDate(date: string, days = 1): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function assertCount(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${n}`);
}

/** The n-th working day after `start` (the start day itself is never counted). */
export function addWorkingDays(start: string, n: number, calendar: Calendar): string {
  assertCount(n);
  let date = start;
  let left = n;
  while (left > 0) {
    date = nextDate(date);
    if (calendar.isWorkingDay(date)) left--;
  }
  return date;
}

/** The n-th working day before `end` (the end day itself is never counted). */
export function subtractWorkingDays(end: string, n: number, calendar: Calendar): string {
  assertCount(n);
  let date = end;
  let left = n;
  while (left > 0) {
    date = nextDate(date, -1);
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

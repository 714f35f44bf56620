import fc from 'fast-check';
import { baseCalendar, KZ_BASE_YEARS, KZ_RULES } from '../calendar/kz';
import { computeYear, isWeekend, ProductionCalendar } from './calendar';
import { addWorkingDays, nextDate, subtractWorkingDays, workingDaysBetween } from './working-days';

/** Property tests of working-day arithmetic on the production calendar (R16). */
const calendar = baseCalendar();
const FIRST = Date.parse('2024-01-15T00:00:00Z'); // counting back from a start on a day off stays inside 2024
const LAST = Date.parse('2027-11-30T00:00:00Z'); // + 20 working days stays inside 2027
const date = fc.integer({ min: 0, max: (LAST - FIRST) / 86_400_000 }).map((d) => new Date(FIRST + d * 86_400_000).toISOString().slice(0, 10));
const days = fc.integer({ min: 0, max: 20 });

describe('working-day arithmetic (property tests, fast-check)', () => {
  it('adding N ≥ 1 working days never lands on a day off', () => {
    fc.assert(fc.property(date, fc.integer({ min: 1, max: 20 }), (start, n) => calendar.isWorkingDay(addWorkingDays(start, n, calendar))));
  });

  it('is monotonic in the number of days and in the start date', () => {
    fc.assert(
      fc.property(date, date, days, days, (a, b, m, n) => {
        const [s1, s2] = a <= b ? [a, b] : [b, a];
        const [n1, n2] = m <= n ? [m, n] : [n, m];
        return addWorkingDays(s1, n1, calendar) <= addWorkingDays(s2, n2, calendar) && addWorkingDays(s1, n1, calendar) <= addWorkingDays(s1, n2, calendar);
      }),
    );
  });

  it('adding then counting back agrees', () => {
    fc.assert(
      fc.property(date, days, (start, n) => {
        const end = addWorkingDays(start, n, calendar);
        if (workingDaysBetween(start, end, calendar) !== n) return false;
        // Back from the end lands on the start, or (for a start on a day off) on the last working day before it.
        const back = subtractWorkingDays(end, n, calendar);
        return calendar.isWorkingDay(start) || n === 0 ? back === start : back < start && workingDaysBetween(back, start, calendar) === 0;
      }),
    );
  });

  it('every day is either a working day or has a reason (and a source)', () => {
    fc.assert(
      fc.property(date, (d) => {
        const off = calendar.dayOff(d);
        return off === null ? !isWeekend(d) || calendar.year(Number(d.slice(0, 4))).workingWeekendDays.some((w) => w.date === d) : off.source.length > 0;
      }),
    );
  });
});

describe('transfers and the weekend-shift rule (property tests over generated years)', () => {
  const year = fc.integer({ min: 2030, max: 2090 });
  const entriesFor = (y: number, kurbanDay: number) => ({
    year: y,
    provisional: true,
    kurbanAit: { date: new Date(Date.UTC(y, 0, 1) + kurbanDay * 86_400_000).toISOString().slice(0, 10), provisional: true, source: 'generated' },
    transfers: [] as Array<{ workingDay: string; dayOff: string; source: string }>,
  });

  it('moves one weekday off after the holiday for each holiday day on a weekend; never a religious day', () => {
    fc.assert(
      fc.property(year, fc.integer({ min: 0, max: 363 }), (y, k) => {
        const computed = computeYear(KZ_RULES, entriesFor(y, k));
        const holidaysOnWeekend = KZ_RULES.holidays
          .filter((h) => (h.fromYear ?? 0) <= y && y <= (h.toYear ?? 9999))
          .flatMap((h) => h.days.map((d) => `${y}-${String(h.month).padStart(2, '0')}-${String(d).padStart(2, '0')}`))
          .filter(isWeekend);
        const shifted = computed.daysOff.filter((d) => d.kind === 'SHIFTED');
        // A holiday on a weekend late in December may move into the next year: those are not in this year's list.
        const inYear = holidaysOnWeekend.filter((h) => shifted.some((s) => s.relatedDate === h));
        return (
          inYear.length === shifted.length &&
          shifted.every((s) => !isWeekend(s.date) && s.date > s.relatedDate!) &&
          computed.daysOff.filter((d) => d.kind === 'RELIGIOUS').every((r) => !shifted.some((s) => s.relatedDate === r.date))
        );
      }),
    );
  });

  it('a transfer swaps a weekend day for a weekday: the count of working days does not change', () => {
    fc.assert(
      fc.property(year, fc.integer({ min: 0, max: 51 }), fc.integer({ min: 0, max: 4 }), (y, week, weekday) => {
        const base = entriesFor(y, 200);
        const plain = new ProductionCalendar(KZ_RULES, [base]);
        // A Saturday of the year and a working weekday of the following week.
        let saturday = `${y}-01-01`;
        while (new Date(`${saturday}T00:00:00Z`).getUTCDay() !== 6) saturday = nextDate(saturday);
        saturday = nextDate(saturday, week * 7);
        const dayOff = nextDate(saturday, 2 + weekday);
        if (!saturday.startsWith(String(y)) || !dayOff.startsWith(String(y)) || !plain.isWorkingDay(dayOff)) return true;
        const transferred = new ProductionCalendar(KZ_RULES, [{ ...base, transfers: [{ workingDay: saturday, dayOff, source: 'generated order' }] }]);
        return (
          transferred.isWorkingDay(saturday) &&
          transferred.dayOff(dayOff)?.kind === 'TRANSFERRED' &&
          transferred.year(y).workingDays === plain.year(y).workingDays
        );
      }),
    );
  });

  it('the checked-in years satisfy the same shift-rule property', () => {
    for (const e of KZ_BASE_YEARS) {
      const shifted = calendar.year(e.year).daysOff.filter((d) => d.kind === 'SHIFTED');
      expect(shifted.every((s) => isWeekend(s.relatedDate!) && !isWeekend(s.date))).toBe(true);
    }
  });
});

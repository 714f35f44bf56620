import expected from '../calendar/kz-expected.json';
import { baseCalendar, KZ_BASE_YEARS, KZ_RULES } from '../calendar/kz';
import { CalendarYearMissingError, computeYear, isWeekend, validateEntries } from './calendar';
import { explainTerm } from './explain';
import { computeTerm } from './term';

const calendar = baseCalendar();
const EXPECTED = expected.years as Record<string, { weekdaysOff: string[]; workingWeekendDays: string[]; workingDays: number }>;

describe('production calendar computed from the rules and per-year entries (R16)', () => {
  it('covers 2024–2027 at least', () => {
    expect(calendar.knownYears()).toEqual(expect.arrayContaining([2024, 2025, 2026, 2027]));
  });

  it.each(Object.keys(EXPECTED))('computes %s exactly as the committed expected list', (year) => {
    const y = calendar.year(Number(year));
    const want = EXPECTED[year]!;
    expect(y.daysOff.filter((d) => !isWeekend(d.date)).map((d) => d.date)).toEqual(want.weekdaysOff);
    expect(y.workingWeekendDays.map((d) => d.date)).toEqual(want.workingWeekendDays);
    expect(y.workingDays).toBe(want.workingDays);
  });

  it('gives every day off a source', () => {
    for (const year of calendar.knownYears()) {
      for (const d of calendar.year(year).daysOff) expect(d.source.length).toBeGreaterThan(10);
    }
  });

  it('marks 2027 provisional (Kurban Ait is an estimate) and 2026 not', () => {
    expect(calendar.year(2027).provisional).toBe(true);
    expect(calendar.year(2026).provisional).toBe(false);
    expect(calendar.dayOff('2027-05-16')).toMatchObject({ kind: 'RELIGIOUS', provisional: true });
  });

  it('never moves a religious day off that falls on a weekend (Labour Code art. 84 p. 5)', () => {
    // Orthodox Christmas on Sunday 7 January 2024, Kurban Ait on Sunday 16 June 2024.
    expect(calendar.isWorkingDay('2024-01-08')).toBe(true);
    expect(calendar.isWorkingDay('2024-06-17')).toBe(true);
  });

  it('moves the days after the last day of a multi-day holiday (Nauryz 2026: 24 and 25 March)', () => {
    expect(calendar.dayOff('2026-03-24')).toMatchObject({ kind: 'SHIFTED', relatedDate: '2026-03-21' });
    expect(calendar.dayOff('2026-03-25')).toMatchObject({ kind: 'SHIFTED', relatedDate: '2026-03-22' });
  });

  it('applies the Constitution change: 30 August up to 2025, none in 2026, 15 March from 2027', () => {
    expect(calendar.dayOff('2024-08-30')).toMatchObject({ kind: 'HOLIDAY' });
    expect(calendar.dayOff('2025-09-01')).toMatchObject({ kind: 'SHIFTED', relatedDate: '2025-08-30' });
    expect(calendar.isWorkingDay('2026-08-31')).toBe(true);
    expect(calendar.isWorkingDay('2026-03-16')).toBe(true);
    expect(calendar.dayOff('2027-03-15')).toMatchObject({ kind: 'HOLIDAY', name: { en: 'Constitution Day' } });
  });

  it('applies the labour ministry transfers (2024: 4 May worked, 8 May off; 2025: 5 January worked, 3 January off)', () => {
    expect(calendar.isWorkingDay('2024-05-04')).toBe(true);
    expect(calendar.dayOff('2024-05-08')).toMatchObject({ kind: 'TRANSFERRED', relatedDate: '2024-05-04' });
    expect(calendar.isWorkingDay('2025-01-05')).toBe(true);
    expect(calendar.dayOff('2025-01-03')?.source).toMatch(/21\.11\.2024/);
  });

  it('refuses to guess a year it has no data for, naming the year', () => {
    expect(() => calendar.isWorkingDay('2028-01-03')).toThrow(CalendarYearMissingError);
    expect(() => calendar.isWorkingDay('2023-12-29')).toThrow(/2023/);
    // A 15-working-day term from 20 December 2027 runs into 2028.
    expect(() => computeTerm('R13', '2027-12-20', calendar)).toThrow(/no data for 2028/);
  });

  it('takes a supervisor correction of a year (Kurban Ait 2027 fixed on Monday 17 May)', () => {
    const base = KZ_BASE_YEARS.find((y) => y.year === 2027)!;
    const corrected = calendar.withYear({ ...base, provisional: false, kurbanAit: { date: '2027-05-17', provisional: false, source: 'ДУМК, test' } });
    expect(corrected.isWorkingDay('2027-05-17')).toBe(false);
    expect(corrected.isWorkingDay('2027-05-16')).toBe(false); // Sunday anyway
    expect(corrected.year(2027).workingDays).toBe(246);
    expect(calendar.changedDays(corrected, 2027)).toEqual(['2027-05-17']);
    expect(calendar.isWorkingDay('2027-05-17')).toBe(true); // the original is untouched
  });

  it('adds a year that had no data', () => {
    const y2028 = { year: 2028, provisional: true, kurbanAit: { date: '2028-05-05', provisional: true, source: 'estimate (test)' }, transfers: [] };
    const extended = calendar.withYear(y2028);
    // 1 and 2 January 2028 are Saturday and Sunday: 3 and 4 January are off; 7 January (Friday) too.
    expect(extended.dayOff('2028-01-03')).toMatchObject({ kind: 'SHIFTED' });
    expect(extended.dayOff('2028-01-04')).toMatchObject({ kind: 'SHIFTED' });
    expect(extended.isWorkingDay('2028-01-05')).toBe(true);
    expect(computeTerm('R13', '2027-12-20', extended).dueOn).toBe('2028-01-13');
  });

  it('validates a year’s entries', () => {
    expect(validateEntries({ year: 2027, provisional: false, kurbanAit: { date: '2026-05-17', provisional: false, source: 'x'.repeat(5) }, transfers: [] })).toEqual([
      { field: 'kurbanAit.date', message: 'must be a real date in 2027' },
    ]);
    const bad = validateEntries({
      year: 2027,
      provisional: false,
      kurbanAit: { date: '2027-05-17', provisional: false, source: 'ДУМК' },
      transfers: [{ workingDay: '2027-05-17', dayOff: '2027-05-15', source: 'order' }],
    });
    expect(bad.map((p) => p.field)).toEqual(['transfers.0.workingDay', 'transfers.0.dayOff']);
  });

  it('computes each year from the checked-in rules object (no hidden constants)', () => {
    const noHolidays = computeYear({ ...KZ_RULES, holidays: [], religiousDaysOff: [] }, { ...KZ_BASE_YEARS[2]!, transfers: [] });
    expect(noHolidays.workingDays).toBe(261); // 2026 has 261 weekdays
  });
});

describe('explaining a term (which days it skipped and why)', () => {
  it('lists Nauryz 2026 and its moved days with their sources', () => {
    const term = computeTerm('R8', '2026-03-19', calendar);
    expect(term.dueOn).toBe('2026-03-31');
    const why = explainTerm(term, calendar);
    expect(why.countedDays).toEqual(['2026-03-20', '2026-03-26', '2026-03-27', '2026-03-30', '2026-03-31']);
    expect(why.skippedDays.map((d) => [d.date, d.kind])).toEqual([
      ['2026-03-21', 'HOLIDAY'],
      ['2026-03-22', 'HOLIDAY'],
      ['2026-03-23', 'HOLIDAY'],
      ['2026-03-24', 'SHIFTED'],
      ['2026-03-25', 'SHIFTED'],
      ['2026-03-28', 'WEEKEND'],
      ['2026-03-29', 'WEEKEND'],
    ]);
    expect(why.skippedDays[3]!.source).toMatch(/267-II/);
    expect(why.skippedDays[3]!.name.kk).toContain('Наурыз');
    expect(why.provisional).toBe(false);
  });

  it('says when a skipped day is provisional', () => {
    expect(explainTerm(computeTerm('R8', '2027-05-14', calendar), calendar).provisional).toBe(true);
  });
});

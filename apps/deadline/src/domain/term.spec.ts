import { baseCalendar } from '../calendar/kz';
import { computeTerm, endOfDay, parseWarnings, plannedTimers, remainingWorkingDays, ruleForOrganizationKind, termOutcome, warningId } from './term';

const calendar = baseCalendar();
const due = (rule: 'R8' | 'R13' | 'R18', registeredOn: string) => computeTerm(rule, registeredOn, calendar).dueOn;

describe('review terms on the production calendar: known cases written by hand (R8, R13, R16)', () => {
  it.each([
    // New Year
    ['New Year 2024: Christmas on Sunday is not moved', 'R8', '2024-01-03', '2024-01-10'],
    ['New Year 2025: 3 January off, Sunday 5 January worked, 7 January off', 'R8', '2024-12-31', '2025-01-10'],
    ['New Year 2027: 2 January on Saturday moves to Monday 4 January', 'R8', '2026-12-31', '2027-01-12'],
    // Nauryz
    ['Nauryz 2024: 23 March on Saturday moves to 25 March', 'R8', '2024-03-20', '2024-04-01'],
    ['Nauryz 2026: 21–22 March on the weekend, 24–25 March off', 'R8', '2026-03-19', '2026-03-31'],
    ['Nauryz 2027 with Constitution Day 15 March', 'R8', '2027-03-12', '2027-03-25'],
    ['16 March 2026 is a working day (no Constitution Day yet)', 'R8', '2026-03-13', '2026-03-20'],
    // May holidays
    ['May 2024: Saturday 4 May worked, 8 May off', 'R8', '2024-05-02', '2024-05-13'],
    ['May 2026: 9 May on Saturday moves to 11 May', 'R8', '2026-05-06', '2026-05-15'],
    ['May 2027: 1 May and 9 May on the weekend', 'R8', '2027-04-30', '2027-05-12'],
    // Kurban Ait
    ['Kurban Ait 2024 on Sunday: not moved', 'R8', '2024-06-14', '2024-06-21'],
    ['Kurban Ait 2025 on Friday 6 June', 'R8', '2025-06-05', '2025-06-13'],
    ['Kurban Ait 2026 on Wednesday 27 May', 'R8', '2026-05-25', '2026-06-02'],
    // Constitution Day change
    ['Constitution Day 2024 (Friday 30 August)', 'R8', '2024-08-29', '2024-09-06'],
    ['Constitution Day 2025 on Saturday moves to 1 September', 'R8', '2025-08-29', '2025-09-08'],
    ['No Constitution Day in August 2026: 31 August is worked', 'R8', '2026-08-28', '2026-09-04'],
    // R13 and R18
    ['R13: 15 working days over Independence Day 2026', 'R13', '2026-11-30', '2026-12-22'],
    ['R13: over New Year 2025/2026', 'R13', '2025-12-22', '2026-01-15'],
    ['R18: 3 working days to forward, over the May 2026 holidays', 'R18', '2026-05-05', '2026-05-12'],
  ] as const)('%s', (_name, rule, registeredOn, dueOn) => {
    expect(due(rule, registeredOn)).toBe(dueOn);
  });

  it('a complaint registered on a day off counts from the next working day', () => {
    expect(due('R8', '2026-03-22')).toBe('2026-04-01'); // Sunday in Nauryz
  });

  it('ends at 24:00 Asia/Almaty of the last day (UTC+6 before 1 March 2024, UTC+5 since)', () => {
    expect(computeTerm('R8', '2024-01-03', calendar).dueAt).toBe('2024-01-10T17:59:59.999Z');
    expect(computeTerm('R8', '2026-11-30', calendar)).toEqual({
      rule: 'R8',
      termWorkingDays: 5,
      startsOn: '2026-11-30',
      dueOn: '2026-12-07',
      dueAt: '2026-12-07T18:59:59.999Z',
    });
    expect(endOfDay('2026-12-07').toISOString()).toBe('2026-12-07T18:59:59.999Z');
  });

  it('R13 is for the authorized body, R8 for everyone else', () => {
    expect(ruleForOrganizationKind('AUTHORIZED_BODY')).toBe('R13');
    expect(ruleForOrganizationKind('PSC')).toBe('R8');
    expect(ruleForOrganizationKind('MINISTRY')).toBe('R8');
  });

  it('counting the start day is a setting, off by law', () => {
    const counted = computeTerm('R8', '2026-11-30', calendar, { countStartDay: true, timeZone: 'Asia/Almaty' });
    expect(counted.dueOn).toBe('2026-12-04');
  });
});

describe('warnings and breach timers', () => {
  const term = computeTerm('R8', '2026-11-30', calendar); // due Monday 7 December 2026

  it('parses the configured warnings', () => {
    expect(parseWarnings('1@09:00, 0@09:30')).toEqual([
      { workingDaysBefore: 1, time: '09:00' },
      { workingDaysBefore: 0, time: '09:30' },
    ]);
    expect(() => parseWarnings('tomorrow')).toThrow(/bad warning/);
    expect(parseWarnings('')).toEqual([]);
  });

  it('warns one working day before (Friday, over the weekend) and on the last morning, breaches after 24:00', () => {
    const timers = plannedTimers(term, parseWarnings('1@09:00,0@09:00'), calendar);
    expect(timers.map((t) => [t.kind, t.warning, t.fireAt.toISOString()])).toEqual([
      ['WARNING', '1WD@09:00', '2026-12-04T04:00:00.000Z'],
      ['WARNING', '0WD@09:00', '2026-12-07T04:00:00.000Z'],
      ['BREACH', undefined, '2026-12-07T19:00:00.000Z'],
    ]);
    expect(warningId({ workingDaysBefore: 1, time: '09:00' })).toBe('1WD@09:00');
  });

  it('drops a warning that would come before the term starts', () => {
    const r18 = computeTerm('R18', '2026-12-01', calendar);
    expect(plannedTimers(r18, parseWarnings('5@09:00'), calendar).map((t) => t.kind)).toEqual(['BREACH']);
  });

  it('counts the working days left, today included while it lasts', () => {
    expect(remainingWorkingDays(term, new Date('2026-12-01T05:00:00Z'), '2026-12-01', calendar)).toBe(5);
    expect(remainingWorkingDays(term, new Date('2026-12-05T05:00:00Z'), '2026-12-05', calendar)).toBe(1);
    expect(remainingWorkingDays(term, new Date('2026-12-07T18:00:00Z'), '2026-12-07', calendar)).toBe(1);
    expect(remainingWorkingDays(term, new Date('2026-12-07T19:00:00Z'), '2026-12-08', calendar)).toBe(0);
  });
});

describe('stopping a term: on time or late, by how many working days (R9, R17)', () => {
  const term = computeTerm('R8', '2026-11-30', calendar); // due Monday 7 December 2026

  it('on time: working days left after the answer day', () => {
    expect(termOutcome(term, new Date('2026-12-02T06:00:00Z'), '2026-12-02', calendar)).toEqual({ outcome: 'MET', workingDaysEarly: 3, workingDaysLate: 0 });
    expect(termOutcome(term, new Date('2026-12-07T18:00:00Z'), '2026-12-07', calendar)).toEqual({ outcome: 'MET', workingDaysEarly: 0, workingDaysLate: 0 });
  });

  it('late: working days after the last day, skipping days off', () => {
    // 16 December is Independence Day: answered on the 17th, 7 working days late.
    expect(termOutcome(term, new Date('2026-12-17T06:00:00Z'), '2026-12-17', calendar)).toEqual({ outcome: 'MISSED', workingDaysEarly: 0, workingDaysLate: 7 });
    expect(termOutcome(term, new Date('2026-12-07T19:00:00Z'), '2026-12-08', calendar)).toMatchObject({ outcome: 'MISSED', workingDaysLate: 1 });
  });

  it('an answer on a day off after the end is one working day late', () => {
    const friday = computeTerm('R8', '2026-11-27', calendar); // due Friday 4 December
    expect(termOutcome(friday, new Date('2026-12-05T06:00:00Z'), '2026-12-05', calendar)).toMatchObject({ outcome: 'MISSED', workingDaysLate: 1 });
  });
});

import { computeTerm, ruleForOrganizationKind } from './term';
import { addWorkingDays, weekendsOnlyCalendar, workingDaysBetween } from './working-days';

describe('working days (R16, weekends only for now)', () => {
  it('does not count the start day and skips Saturday and Sunday', () => {
    // Monday 2026-11-30 + 5 working days = Monday 2026-12-07
    expect(addWorkingDays('2026-11-30', 5, weekendsOnlyCalendar)).toBe('2026-12-07');
    // Friday 2026-12-04 + 1 = Monday 2026-12-07
    expect(addWorkingDays('2026-12-04', 1, weekendsOnlyCalendar)).toBe('2026-12-07');
    // Saturday start: the first working day after it is Monday
    expect(addWorkingDays('2026-12-05', 1, weekendsOnlyCalendar)).toBe('2026-12-07');
    expect(addWorkingDays('2026-12-05', 0, weekendsOnlyCalendar)).toBe('2026-12-05');
  });

  it('crosses months and years', () => {
    expect(addWorkingDays('2026-12-30', 3, weekendsOnlyCalendar)).toBe('2027-01-04');
  });

  it('counts working days between two dates', () => {
    expect(workingDaysBetween('2026-11-30', '2026-12-07', weekendsOnlyCalendar)).toBe(5);
    expect(workingDaysBetween('2026-12-07', '2026-11-30', weekendsOnlyCalendar)).toBe(0);
  });

  it('refuses a negative or fractional number of days', () => {
    expect(() => addWorkingDays('2026-11-30', -1, weekendsOnlyCalendar)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-11-30', 1.5, weekendsOnlyCalendar)).toThrow(RangeError);
  });
});

describe('review term (R8, R13)', () => {
  it('R8: 5 working days after registration, ending at 24:00 Asia/Almaty', () => {
    const term = computeTerm('R8', '2026-11-30', weekendsOnlyCalendar);
    expect(term).toEqual({
      rule: 'R8',
      termWorkingDays: 5,
      startsOn: '2026-11-30',
      dueOn: '2026-12-07',
      dueAt: '2026-12-07T18:59:59.999Z',
    });
  });

  it('R13: the authorized body has 15 working days', () => {
    expect(ruleForOrganizationKind('AUTHORIZED_BODY')).toBe('R13');
    expect(ruleForOrganizationKind('PSC')).toBe('R8');
    expect(computeTerm('R13', '2026-11-30', weekendsOnlyCalendar).dueOn).toBe('2026-12-21');
  });

  it('counting the start day is a setting, off by law', () => {
    const counted = computeTerm('R8', '2026-11-30', weekendsOnlyCalendar, { countStartDay: true, utcOffset: '+05:00' });
    expect(counted.dueOn).toBe('2026-12-04');
  });
});

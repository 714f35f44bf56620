import { formatIncomingNumber, formatOutgoingNumber, gaps, parseIncomingNumber } from './incoming-number';

describe('incoming number (R7)', () => {
  it('formats <orgCode>-<year>-<seq> with a five-digit sequence', () => {
    expect(formatIncomingNumber('PSCAKT', 2026, 1)).toBe('PSCAKT-2026-00001');
    expect(formatIncomingNumber('MDAI', 2027, 12345)).toBe('MDAI-2027-12345');
    expect(formatIncomingNumber('MDAI', 2027, 123456)).toBe('MDAI-2027-123456');
  });

  it('refuses a bad code or sequence', () => {
    expect(() => formatIncomingNumber('psc aktau', 2026, 1)).toThrow(/organization code/);
    expect(() => formatIncomingNumber('PSC', 2026, 0)).toThrow(/sequence/);
  });

  it('parses what it formats', () => {
    expect(parseIncomingNumber(formatIncomingNumber('PSCAKT', 2026, 42))).toEqual({ orgCode: 'PSCAKT', year: 2026, sequence: 42 });
    expect(parseIncomingNumber('PSCAKT-26-1')).toBeNull();
  });

  it('finds gaps in a journal', () => {
    expect(gaps([1, 2, 3])).toEqual([]);
    expect(gaps([1, 3, 5])).toEqual([2, 4]);
    expect(gaps([])).toEqual([]);
  });
});

describe('outgoing number (R9)', () => {
  it('is numbered in its own journal with an OUT marker', () => {
    expect(formatOutgoingNumber('PSCAKT', 2026, 7)).toBe('PSCAKT-2026-OUT-00007');
  });
});

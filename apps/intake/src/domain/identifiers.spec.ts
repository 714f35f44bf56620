import { checkDigit, hasValidCheckDigit, iinBirthDate, validateBin, validateIin, withCheckDigit } from './identifiers';

describe('ИИН/БИН check digit (domain.md, Identifiers)', () => {
  it('uses weights 1..11 when the first remainder is not 10', () => {
    // 9 0 0 1 0 1 3 0 0 0 1 -> 9*1 + 1*4 + 1*6 + 3*7 + 1*11 = 51, 51 mod 11 = 7
    expect(checkDigit('90010130001')).toBe(7);
    expect(hasValidCheckDigit('900101300017')).toBe(true);
    expect(hasValidCheckDigit('900101300018')).toBe(false);
  });

  it('falls back to weights 3..11,1,2 when the first remainder is 10', () => {
    // Find an 11-digit prefix whose first remainder is 10, then check the second pass.
    // 1*10 + 9*11 = 109, 109 mod 11 = 10; second pass: positions 10 and 11 weigh 1 and 2,
    // 1*1 + 9*2 = 19, 19 mod 11 = 8.
    expect(checkDigit('00000000019')).toBe(8);
  });

  it('rejects a number whose second remainder is also 10', () => {
    // Search the space for a prefix with no valid check digit, proving the null branch exists.
    let found: string | null = null;
    for (let n = 0; n < 100000 && !found; n++) {
      const p = `900101${String(n).padStart(5, '0')}`;
      if (checkDigit(p) === null) found = p;
    }
    expect(found).not.toBeNull();
    expect(withCheckDigit(found!)).toBeNull();
  });
});

describe('validateIin (R3)', () => {
  const today = new Date('2026-11-30T00:00:00Z');
  it('accepts a well-formed ИИН', () => {
    expect(validateIin('900101300017', today)).toBeNull();
  });
  it('names the problem', () => {
    expect(validateIin('90010130001', today)).toBe('format');
    expect(validateIin('900101300018', today)).toBe('checksum');
    expect(validateIin('901301300010', today)).toBe('birth-date'); // month 13
    expect(validateIin('900101900019', today)).toBe('birth-date'); // century digit 9
  });
  it('reads the century from the 7th digit', () => {
    expect(iinBirthDate('900101300017')?.toISOString().slice(0, 10)).toBe('1990-01-01');
    expect(iinBirthDate('050615500015')?.toISOString().slice(0, 10)).toBe('2005-06-15');
  });
  it('refuses a birth date in the future', () => {
    const future = withCheckDigit('27010150001');
    expect(future).not.toBeNull();
    expect(validateIin(future!, today)).toBe('birth-date');
  });
});

describe('validateBin (R4)', () => {
  it('accepts a resident legal entity', () => {
    const bin = withCheckDigit('98044000123');
    expect(bin).not.toBeNull();
    expect(validateBin(bin!)).toBeNull();
  });
  it('names the problem', () => {
    expect(validateBin('123')).toBe('format');
    expect(validateBin(withCheckDigit('98041000123') ?? '980410001230')).toBe('entity-type');
    const bin = withCheckDigit('98044000123')!;
    const wrong = bin.slice(0, 11) + String((Number(bin[11]) + 1) % 10);
    expect(validateBin(wrong)).toBe('checksum');
  });
});

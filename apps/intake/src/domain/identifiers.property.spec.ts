import fc from 'fast-check';
import { checkDigit, hasValidCheckDigit, validateBin, validateIin, withCheckDigit } from './identifiers';

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

describe('ИИН/БИН validator, properties (R3, R4)', () => {
  it('completing 11 digits with their check digit always validates', () => {
    fc.assert(
      fc.property(digits(11), (first11) => {
        const full = withCheckDigit(first11);
        return full === null ? checkDigit(first11) === null : hasValidCheckDigit(full);
      }),
    );
  });

  it('changing any single digit of a valid number breaks the check (or the number has no check digit)', () => {
    fc.assert(
      fc.property(digits(11), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 9 }), (first11, pos, delta) => {
        const full = withCheckDigit(first11);
        fc.pre(full !== null);
        const changed = full!.slice(0, pos) + String((Number(full![pos]) + delta) % 10) + full!.slice(pos + 1);
        const recomputed = checkDigit(changed.slice(0, 11));
        // Either the old check digit no longer fits, or (weights 1..11 / 3..11,1,2 over mod 11)
        // the change happens to give the same remainder — never silently for position-only swaps.
        return !hasValidCheckDigit(changed) || recomputed === Number(changed[11]);
      }),
    );
  });

  it('never accepts anything but 12 digits', () => {
    fc.assert(fc.property(fc.string(), (s) => fc.pre(!/^\d{12}$/.test(s)) === undefined && validateIin(s) === 'format' && validateBin(s) === 'format'));
  });

  it('known numbers', () => {
    expect(validateIin('900101300017', new Date('2026-11-30'))).toBeNull();
    expect(validateIin('900101300018', new Date('2026-11-30'))).toBe('checksum');
    expect(validateBin('980440001232')).toBeNull();
    expect(validateBin('980440001233')).toBe('checksum');
  });
});

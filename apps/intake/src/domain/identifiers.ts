/**
 * ИИН / БИН: 12 digits whose last is a check digit (domain.md, Identifiers): weights 1..11;
 * if the remainder mod 11 is 10, weights 3..11,1,2; a second remainder of 10 makes the
 * number invalid.
 */
export function checkDigit(first11: string): number | null {
  const digits = [...first11].map(Number);
  const weighted = (weights: number[]) => digits.reduce((sum, d, i) => sum + d * weights[i]!, 0) % 11;
  const first = weighted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  if (first !== 10) return first;
  const second = weighted([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
  return second === 10 ? null : second;
}

export function hasValidCheckDigit(id: string): boolean {
  if (!/^\d{12}$/.test(id)) return false;
  const expected = checkDigit(id.slice(0, 11));
  return expected !== null && expected === Number(id[11]);
}

/**
 * An ИИН starts with the birth date YYMMDD; the 7th digit gives the century and sex
 * (1–2: 1800s, 3–4: 1900s, 5–6: 2000s; odd male, even female).
 */
export function iinBirthDate(iin: string): Date | null {
  if (!/^\d{12}$/.test(iin)) return null;
  const centuries: Record<string, number> = { '1': 1800, '2': 1800, '3': 1900, '4': 1900, '5': 2000, '6': 2000 };
  const century = centuries[iin[6]!];
  if (century === undefined) return null;
  const year = century + Number(iin.slice(0, 2));
  const month = Number(iin.slice(2, 4));
  const day = Number(iin.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date;
}

export type IdentifierProblem = 'format' | 'checksum' | 'birth-date' | 'entity-type';

/** R3: a plausible ИИН (format, check digit, a real birth date not in the future). */
export function validateIin(iin: string, today = new Date()): IdentifierProblem | null {
  if (!/^\d{12}$/.test(iin)) return 'format';
  const born = iinBirthDate(iin);
  if (!born || born.getTime() > today.getTime()) return 'birth-date';
  if (!hasValidCheckDigit(iin)) return 'checksum';
  return null;
}

/**
 * R4: a plausible БИН: YYMM of registration, then the entity type in the 5th digit
 * (4 resident legal entity, 5 non-resident, 6 individual entrepreneur), then the check digit.
 */
export function validateBin(bin: string): IdentifierProblem | null {
  if (!/^\d{12}$/.test(bin)) return 'format';
  const month = Number(bin.slice(2, 4));
  if (month < 1 || month > 12) return 'format';
  if (!['4', '5', '6'].includes(bin[4]!)) return 'entity-type';
  if (!hasValidCheckDigit(bin)) return 'checksum';
  return null;
}

/** Completes 11 digits with their check digit (test data and fixtures), or null if none exists. */
export function withCheckDigit(first11: string): string | null {
  const d = checkDigit(first11);
  return d === null ? null : `${first11}${d}`;
}

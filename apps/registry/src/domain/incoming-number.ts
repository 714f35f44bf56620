/**
 * R7: the incoming number, unique and gapless per registering organization and year.
 * Format `<orgCode>-<year>-<seq>`, the sequence zero-padded to five digits so that a
 * journal sorted as text is also sorted by number (it simply grows past 99999).
 */
export function formatIncomingNumber(orgCode: string, year: number, sequence: number): string {
  if (!/^[A-Z0-9]{2,12}$/.test(orgCode)) throw new Error(`bad organization code "${orgCode}"`);
  if (!Number.isInteger(sequence) || sequence < 1) throw new Error(`bad sequence ${sequence}`);
  return `${orgCode}-${year}-${String(sequence).padStart(5, '0')}`;
}

export function parseIncomingNumber(value: string): { orgCode: string; year: number; sequence: number } | null {
  const m = /^([A-Z0-9]{2,12})-(\d{4})-(\d{5,})$/.exec(value);
  return m ? { orgCode: m[1]!, year: Number(m[2]), sequence: Number(m[3]) } : null;
}

/** The numbers missing from a set of sequences 1..max (a journal audit: must be empty). */
export function gaps(sequences: number[]): number[] {
  const have = new Set(sequences);
  const max = Math.max(0, ...sequences);
  const missing: number[] = [];
  for (let i = 1; i <= max; i++) if (!have.has(i)) missing.push(i);
  return missing;
}

/** R9: the outgoing number of a reply letter, from the organization's outgoing journal. */
export function formatOutgoingNumber(orgCode: string, year: number, sequence: number): string {
  const incoming = formatIncomingNumber(orgCode, year, sequence);
  return incoming.replace(`-${year}-`, `-${year}-OUT-`);
}

import { createHash } from 'node:crypto';

export type JournalKind = 'incoming' | 'outgoing';

/** The first entry of a journal (per organization and year) chains to this. */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEntry {
  journal: JournalKind;
  organizationId: string;
  year: number;
  sequence: number;
  complaintId: string;
  allocatedAt: Date;
  prevHash: string;
  hash: string;
}

/**
 * Tamper evidence: each journal entry carries the hash of the previous entry of the same
 * organization and year, and its own hash covers that and every field of the entry. Changing,
 * removing or inserting an entry breaks the chain from that point on.
 */
export function entryHash(e: Omit<ChainedEntry, 'hash'>): string {
  return createHash('sha256')
    .update([e.prevHash, e.journal, e.organizationId, e.year, e.sequence, e.complaintId, e.allocatedAt.toISOString()].join('|'))
    .digest('hex');
}

export type ChainVerdict =
  | { intact: true; entries: number }
  | { intact: false; entries: number; firstBrokenSequence: number; problem: string };

/** Recomputes the chain of one journal (entries in sequence order). */
export function verifyChain(entries: ChainedEntry[]): ChainVerdict {
  let prev = GENESIS_HASH;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const fail = (problem: string): ChainVerdict => ({ intact: false, entries: entries.length, firstBrokenSequence: e.sequence, problem });
    if (e.sequence !== i + 1) return fail(`expected number ${i + 1}, found ${e.sequence} (a gap or a removed entry)`);
    if (e.prevHash !== prev) return fail('does not chain to the previous entry');
    if (entryHash(e) !== e.hash) return fail('its content does not match its hash');
    prev = e.hash;
  }
  return { intact: true, entries: entries.length };
}

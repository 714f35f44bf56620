import { entryHash, GENESIS_HASH, verifyChain, type ChainedEntry } from './journal-chain';

function chain(n: number): ChainedEntry[] {
  const out: ChainedEntry[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e = { journal: 'incoming' as const, organizationId: 'org', year: 2026, sequence: i, complaintId: `c-${i}`, allocatedAt: new Date(Date.UTC(2026, 0, i)), prevHash: prev };
    const full = { ...e, hash: entryHash(e) };
    out.push(full);
    prev = full.hash;
  }
  return out;
}

describe('tamper-evident registration journal', () => {
  it('verifies an intact chain', () => {
    expect(verifyChain(chain(5))).toEqual({ intact: true, entries: 5 });
    expect(verifyChain([])).toEqual({ intact: true, entries: 0 });
  });

  it('reports the first entry whose content was changed', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, complaintId: 'someone-else' };
    expect(verifyChain(entries)).toMatchObject({ intact: false, firstBrokenSequence: 3, problem: expect.stringMatching(/content/) });
  });

  it('reports a removed entry', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verifyChain(entries)).toMatchObject({ intact: false, firstBrokenSequence: 3 });
  });

  it('reports an entry rewritten with a fresh hash (the next one no longer chains)', () => {
    const entries = chain(4);
    const forged = { ...entries[1]!, complaintId: 'forged' };
    entries[1] = { ...forged, hash: entryHash(forged) };
    expect(verifyChain(entries)).toMatchObject({ intact: false, firstBrokenSequence: 3, problem: expect.stringMatching(/chain/) });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeSupergraph, supergraphFile } from './supergraph';

describe('committed supergraph', () => {
  it('is what composing the five subgraph schemas gives now (run `npm run supergraph` if not)', () => {
    const root = join(__dirname, '..', '..');
    expect(readFileSync(supergraphFile(root), 'utf8')).toBe(composeSupergraph(root));
  });
});

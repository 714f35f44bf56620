#!/usr/bin/env node
// `npm run supergraph`: writes the composed supergraph that the gateway loads.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeSupergraph, supergraphFile, SUBGRAPHS } from './supergraph.ts';

const root = join(import.meta.dirname, '..', '..');
writeFileSync(supergraphFile(root), composeSupergraph(root));
console.log(`[supergraph] composed ${SUBGRAPHS.length} subgraphs into ${supergraphFile(root)}`);

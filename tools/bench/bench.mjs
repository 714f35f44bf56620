#!/usr/bin/env node
// `npm run bench`: runs tools/bench/run.ts (bundled on the fly: tools/build/run-ts.mjs).
// Figures only, never assertions. Settings and how to reproduce: tools/bench/README.md.
import { runTs } from '../build/run-ts.mjs';

await runTs('tools/bench/run.ts');

#!/usr/bin/env node
// `npm run dlq -- …`: runs tools/dlq/main.ts (bundled on the fly: tools/build/run-ts.mjs).
// Commands and settings: tools/dlq/README.md.
import { runTs } from '../build/run-ts.mjs';

await runTs('tools/dlq/main.ts');

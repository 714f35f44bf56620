#!/usr/bin/env node
// Fails when a committed resolver-types file differs from what the schema generates now.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import config from './codegen.ts';

const root = join(import.meta.dirname, '..', '..');
const outputs = await generate({ ...config, cwd: root, silent: true }, false);
const stale = outputs.filter((o) => readFileSync(join(root, o.filename), 'utf8') !== o.content).map((o) => o.filename);
if (stale.length) {
  console.error(`stale generated files (run npm run codegen):\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
console.log(`${outputs.length} generated files are up to date`);

#!/usr/bin/env node
// `npm run asyncapi`: writes docs/asyncapi.json from the contracts library (a test fails when
// it is stale). The TypeScript source is bundled on the fly with esbuild.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
// Inside the repository so that the bundle's npm imports resolve from node_modules.
const tmp = join(root, '.data', 'tmp');
mkdirSync(tmp, { recursive: true });
const out = join(tmp, `asyncapi-${process.pid}.cjs`);
await build({ entryPoints: [join(root, 'libs', 'contracts', 'src', 'asyncapi.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', packages: 'external', logLevel: 'warning' });
const { asyncApiDocument } = createRequire(import.meta.url)(out);
mkdirSync(join(root, 'docs'), { recursive: true });
const file = join(root, 'docs', 'asyncapi.json');
writeFileSync(file, `${JSON.stringify(asyncApiDocument(), null, 2)}\n`);
console.log(`[asyncapi] wrote ${file}`);

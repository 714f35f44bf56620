#!/usr/bin/env node
// `npm run dlq -- …`: bundles tools/dlq/main.ts on the fly with esbuild (the workspace libs
// inside, npm packages from node_modules), as tools/bench/bench.mjs does, and runs it.
// Commands and settings: tools/dlq/README.md.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = join(root, 'dist', 'tools', 'dlq', 'main.cjs');
await build({
  entryPoints: [join(root, 'tools', 'dlq', 'main.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  sourcemap: true,
  tsconfig: join(root, 'tsconfig.base.json'),
  external: Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }),
  loader: { '.graphql': 'text' },
  logLevel: 'warning',
});
const child = spawn(process.execPath, ['--enable-source-maps', out, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

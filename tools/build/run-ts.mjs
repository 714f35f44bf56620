// Runs a TypeScript tool of the repository (the bench, the dlq command, …): bundles its entry
// as the apps are bundled (tools/build/bundle.mjs) and runs it on this Node with the given
// arguments, exiting with its code.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundleOne } from './bundle.mjs';

const root = join(import.meta.dirname, '..', '..');

/** `entry` relative to the root (e.g. tools/bench/run.ts); bundled to dist/<same path>.cjs. */
export async function runTs(entry, args = process.argv.slice(2)) {
  // As deep under dist/ as the source under the root, so that paths relative to __dirname hold.
  const out = join(root, 'dist', entry.replace(/\.ts$/, '.cjs'));
  await bundleOne(entry, out);
  const child = spawn(process.execPath, ['--enable-source-maps', out, ...args], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

// Runs a TypeScript tool of the repository (the bench, the dlq command, …): bundles its entry
// with esbuild on the fly — the workspace libs inside, npm packages from node_modules — and
// runs it on this Node with the given arguments, exiting with its code.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/** `entry` relative to the root (e.g. tools/bench/run.ts); bundled to dist/<same path>.cjs. */
export async function runTs(entry, args = process.argv.slice(2)) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // As deep under dist/ as the source under the root, so that paths relative to __dirname hold.
  const out = join(root, 'dist', entry.replace(/\.ts$/, '.cjs'));
  await build({
    entryPoints: [join(root, entry)],
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
  const child = spawn(process.execPath, ['--enable-source-maps', out, ...args], { cwd: root, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

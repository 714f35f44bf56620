#!/usr/bin/env node
// Bundles each app into dist/apps/<name>/main.js with esbuild: the workspace libs (tsconfig
// paths) and the schema file (as text) go inside, npm packages stay external and load from
// node_modules. Type checking is `npm run typecheck`; this only transpiles, in about a second.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const APPS = ['intake', 'registry', 'routing', 'deadline', 'notification', 'gateway'];
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });

/** Bundles one TypeScript entry (relative to the root) to `outfile` (absolute), as every app and tool is. */
export function bundleOne(entry, outfile) {
  return build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    sourcemap: true,
    tsconfig: join(root, 'tsconfig.base.json'),
    external,
    loader: { '.graphql': 'text' },
    logLevel: 'warning',
  });
}

export async function bundle(apps = APPS) {
  const started = Date.now();
  await Promise.all(apps.map((app) => bundleOne(join('apps', app, 'src', 'main.ts'), join(root, 'dist', 'apps', app, 'main.js'))));
  return Date.now() - started;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const apps = process.argv.slice(2);
  const ms = await bundle(apps.length ? apps : APPS);
  console.log(`[build] bundled ${apps.length ? apps.join(', ') : APPS.join(', ')} in ${ms} ms`);
}

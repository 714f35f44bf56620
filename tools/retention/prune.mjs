#!/usr/bin/env node
// `npm run prune -- <service>|--all [--help]`: bundles the service(s) and runs the retention
// job once on each one's database (`node dist/apps/<service>/main.js prune`, the same rules as
// the service's hourly timer; DEVELOPERS.md, "Retention"). Reads the environment like the
// services do (MONGO_URL, MONGO_DB, RETENTION_*). Exit code 1 when a rule of any service failed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../build/bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVICES = ['intake', 'registry', 'routing', 'deadline', 'notification'];
const USAGE = `usage: npm run prune -- <${SERVICES.join('|')}>|--all
  Runs the retention job once on the service's database and prints what each rule deleted.`;

const args = process.argv.slice(2);
const named = args.includes('--all') ? SERVICES : args.filter((a) => !a.startsWith('-'));
if (args.includes('--help') || args.includes('-h') || !named.length || named.some((s) => !SERVICES.includes(s))) {
  console.log(USAGE);
  process.exit(args.includes('--help') || args.includes('-h') ? 0 : 2);
}
// The apps' own Node flags (package.json "shagym.appNodeFlags"), as npm start runs them.
const flags = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).shagym.appNodeFlags;
await bundle(named);
let code = 0;
for (const service of named) {
  const run = spawnSync(process.execPath, [...flags, join(root, 'dist', 'apps', service, 'main.js'), 'prune'], { stdio: 'inherit', env: process.env });
  if (run.status !== 0) code = 1;
}
process.exit(code);

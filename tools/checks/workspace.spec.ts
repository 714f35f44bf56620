import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * What the fast transpilers (esbuild, swc) do not check: strict types, lint with the Nx
 * module boundaries, and generated resolver types that match the schema files.
 */
const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);
const node = (script: string, args: string[]) =>
  run(process.execPath, [join(ROOT, 'node_modules', script), ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NX_DAEMON: 'false' } });

describe('workspace checks', () => {
  it('type-checks with TypeScript strict', async () => {
    const result = await node('typescript/bin/tsc', ['-p', 'tsconfig.json', '--noEmit']).catch((e: { stdout: string }) => e);
    expect(result.stdout).toBe('');
  }, 300_000);

  it('lints clean, including the module boundaries (apps never import apps)', async () => {
    await node('nx/dist/bin/nx.js', ['show', 'projects']); // the boundary rule reads Nx's project graph
    const result = await node('eslint/bin/eslint.js', ['.', '-f', 'json']).catch((e: { stdout: string }) => e);
    const files = JSON.parse(result.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; message: string; severity: number }> }>;
    const errors = files.flatMap((f) => f.messages.filter((m) => m.severity === 2).map((m) => `${f.filePath}: ${m.ruleId} ${m.message}`));
    expect(errors).toEqual([]);
  }, 300_000);

  it('has resolver types generated from the current schema files (run `npm run codegen` if not)', async () => {
    const result = await run(process.execPath, [join(ROOT, 'tools', 'codegen', 'check.mjs')], { cwd: ROOT }).catch((e: { stderr: string; stdout: string }) => e);
    expect(result.stdout).toMatch(/5 generated files are up to date/);
  }, 120_000);
});

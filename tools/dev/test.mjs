#!/usr/bin/env node
// `npm test`: the whole suite in one jest run (unit, integration on the real Kafka and
// FerretDB that jest's global setup starts, end to end), then the totals on a line of their
// own: `tests: N passed, M failed`. Extra arguments go to jest.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const outDir = join(root, '.data');
mkdirSync(outDir, { recursive: true });
const outputFile = join(outDir, 'jest-results.json');
rmSync(outputFile, { force: true });

const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const child = spawn(process.execPath, [jest, '--json', `--outputFile=${outputFile}`, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
child.on('exit', (code, signal) => {
  let passed = 0;
  let failed = 0;
  if (existsSync(outputFile)) {
    const results = JSON.parse(readFileSync(outputFile, 'utf8'));
    passed = results.numPassedTests;
    failed = results.numFailedTests;
    // A suite that failed to run (syntax error, setup failure) has no tests to count: count it.
    failed += results.testResults.filter((r) => r.status === 'failed' && r.assertionResults.length === 0).length;
  } else {
    failed = 1;
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
  process.exit(code ?? (signal ? 1 : 0));
});

// Runs *.test.ts files under the given directories with node's own test runner (TypeScript
// through tsx), streams the spec reporter, and ends with the line CI reads:
// "N passed, N failed". Exit code is non-zero when anything failed.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const roots = process.argv.slice(2);
if (roots.length === 0) roots.push('test');
const files = roots.flatMap(function walk(p) {
  if (statSync(p).isFile()) return p.endsWith('.test.ts') ? [p] : [];
  return readdirSync(p)
    .sort()
    .flatMap((f) => walk(join(p, f)));
});
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}

process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim();
let passed = 0;
let failed = 0;
let skipped = 0;
// e2e files share one Docker engine and one sshd; running files one at a time keeps their
// timing honest and their failures readable.
const concurrency = Number(process.env.ABRA_TEST_CONCURRENCY ?? 1);
const stream = run({ files, concurrency, timeout: Number(process.env.ABRA_TEST_TIMEOUT_MS ?? 600_000) });
stream.on('test:pass', (t) => {
  if (t.details?.type === 'suite') return;
  if (t.skip || t.todo) skipped++;
  else passed++;
});
stream.on('test:fail', (t) => {
  if (
    t.details?.type === 'suite' &&
    t.details?.error?.failureType !== 'hookFailed' &&
    t.details?.error?.failureType !== 'testCodeFailure'
  )
    return;
  failed++;
});
stream.compose(spec).pipe(process.stdout);
await new Promise((resolve) => stream.once('end', resolve));
await new Promise((resolve) => setImmediate(resolve));
const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
process.stdout.write(`\n${line}\n`);
process.exitCode = failed > 0 ? 1 : 0;

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
// Names of failed tests, repeated above the closing line: a CI log that keeps only its tail
// still says what failed.
const failures = [];
// Static, unit and hostile files run one at a time: the hostile suite bounds each case's time,
// which a busy machine would distort. e2e files mostly wait on swarm (convergence, rollbacks),
// create uniquely named objects and share no state, so several run at once; timing-sensitive
// ones (short lock TTLs) allow for it. ABRA_TEST_CONCURRENCY overrides both.
const forced = process.env.ABRA_TEST_CONCURRENCY;
const isE2e = (f) => f.split('/').includes('e2e');
const phases = [
  { files: files.filter((f) => !isE2e(f)), concurrency: Number(forced ?? 1) },
  { files: files.filter(isE2e), concurrency: Number(forced ?? process.env.ABRA_E2E_CONCURRENCY ?? 3) },
];
const timeout = Number(process.env.ABRA_TEST_TIMEOUT_MS ?? 600_000);
for (const phase of phases) {
  if (phase.files.length === 0) continue;
  const stream = run({ files: phase.files, concurrency: phase.concurrency, timeout });
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
    failures.push(`${t.file ?? '?'}: ${t.name}`);
  });
  stream.compose(spec).pipe(process.stdout, { end: false });
  await new Promise((resolve) => stream.once('end', resolve));
  await new Promise((resolve) => setImmediate(resolve));
}
if (failures.length > 0) process.stdout.write(`\nfailed:\n${failures.map((f) => `  ✖ ${f}`).join('\n')}\n`);
const line = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
process.stdout.write(`\n${line}\n`);
process.exitCode = failed > 0 ? 1 : 0;

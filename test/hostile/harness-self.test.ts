// The harness itself must be able to fail: a command that succeeds is not a clean error, and a
// change to the victim directory is caught.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertCleanError, digestTree, makeWorld, runCli } from './harness.js';

test('harness: a succeeding command is not taken for a clean error', async () => {
  const w = makeWorld();
  const r = await runCli(['--version'], w.env);
  assert.equal(r.code, 0);
  assert.ok(r.rssKiB !== undefined && r.rssKiB > 0, 'peak RSS is reported');
  assert.ok(r.cpuMs !== undefined && r.cpuMs > 0, 'CPU time is reported');
  assert.throws(() => assertCleanError(r));
});

test('harness: the digest sees a one-byte change and a mode change', () => {
  const w = makeWorld();
  const before = digestTree(w.victim);
  writeFileSync(join(w.victim, 'victim.env'), 'DOMAIN=victin\n', { mode: 0o600 });
  assert.notDeepEqual(digestTree(w.victim), before);
});

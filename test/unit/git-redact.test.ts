import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isGitError } from '../../src/infra/git/errors.js';
import { runGit } from '../../src/infra/git/exec.js';

describe('git: credentials in URLs stay out of debug lines and errors', () => {
  it('a failing clone of https://user:token@... shows neither in --debug nor in the error', async () => {
    const lines: string[] = [];
    const dest = join(mkdtempSync(join(tmpdir(), 'abra-git-')), 'x');
    // Port 1 refuses at once: git fails on the network, echoing what it was given.
    const url = 'https://bot:tok3n@127.0.0.1:1/x.git';
    await assert.rejects(
      runGit(['clone', '--quiet', '--', url, dest], undefined, {
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' },
        debug: (l) => lines.push(l),
      }),
      (err) => {
        assert.ok(isGitError(err));
        const shown = [err.message, err.stderr, err.detail, ...err.args, String((err.cause as Error).stack)];
        for (const s of shown) assert.doesNotMatch(s, /tok3n/, s);
        assert.ok(err.args.includes('https://bot:<redacted>@127.0.0.1:1/x.git'));
        return true;
      },
    );
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^git clone --quiet -- https:\/\/bot:<redacted>@127\.0\.0\.1:1\/x\.git /);
  });
});

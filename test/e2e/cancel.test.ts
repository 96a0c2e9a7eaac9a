import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const BIN = new URL('../../bin/abra.js', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'abra-cancel-'));
after(() => rmSync(home, { recursive: true, force: true }));

/** Run the CLI on a pseudo-terminal (confirmations need one) and type `typed` into it. */
function onTerminal(args: string[], typed: string) {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(' ');
  const res = spawnSync('script', ['-qec', command, '/dev/null'], {
    input: typed,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, ABRA_DIR: join(home, '.abra'), USER: 'root' },
  });
  return { code: res.status, out: res.stdout };
}

describe('a cancelled confirmation is not an error', () => {
  it('answering "no" to `app remove` exits 0, says nothing was deleted, prints no "Error:"', () => {
    const dir = join(home, '.abra', 'servers', 'default');
    mkdirSync(dir, { recursive: true });
    const domain = `cancel-${process.pid}.lab.example`;
    const env = join(dir, `${domain}.env`);
    writeFileSync(env, `TYPE=hello\nDOMAIN=${domain}\n`);
    const res = onTerminal(['app', 'remove', domain], 'n\n');
    assert.match(res.out, /Delete all data of .*\[y\/N\]/, 'the question was asked on the terminal');
    assert.match(res.out, /Remove cancelled; nothing was deleted\./);
    assert.doesNotMatch(res.out, /Error:|abra hit a bug/);
    assert.equal(res.code, 0, res.out);
    assert.ok(existsSync(env), 'the env file is still there');
  });
});

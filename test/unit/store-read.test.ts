import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isUserError } from '../../src/errors.js';
import {
  readBytesIfExistsSync,
  readdirIfExists,
  readIfExists,
  readIfExistsSync,
  readRegularIfExists,
  statIfExists,
} from '../../src/infra/store/read.js';

const root = mkdtempSync(join(tmpdir(), 'abra-read-'));
const file = join(root, 'file.txt');
writeFileSync(file, 'hello\n');
mkdirSync(join(root, 'dir'));
symlinkSync('loop', join(root, 'loop'));
symlinkSync(join(root, 'gone'), join(root, 'dangling'));

/** The UserError a read must become: names the path, the errno and a fix. */
function failsWith(errno: RegExp | string, path: string) {
  return (err: unknown) => {
    assert.ok(isUserError(err), `a UserError, got ${String(err)}`);
    assert.match(err.message, typeof errno === 'string' ? new RegExp(`\\(${errno}\\)$`) : errno);
    assert.equal(err.where, path);
    assert.ok(err.hint && err.hint.length > 10);
    return true;
  };
}

describe('read helpers: only "not found" is absence', () => {
  it('reads files and returns undefined for nothing there', async () => {
    assert.equal(await readIfExists(file), 'hello\n');
    assert.equal(readIfExistsSync(file), 'hello\n');
    assert.deepEqual(readBytesIfExistsSync(file), Buffer.from('hello\n'));
    assert.equal(await readIfExists(join(root, 'nope')), undefined);
    assert.equal(readIfExistsSync(join(root, 'nope')), undefined);
    assert.equal(await readdirIfExists(join(root, 'nope')), undefined);
    assert.equal(await statIfExists(join(root, 'nope')), undefined);
  });

  it('a directory, a symlink loop and a file used as a directory are errors that say so', async () => {
    await assert.rejects(readIfExists(join(root, 'dir'), 'The env file'), (err) => {
      failsWith('EISDIR', join(root, 'dir'))(err);
      assert.match((err as Error).message, /^The env file cannot be read: it is a directory/);
      return true;
    });
    await assert.rejects(readIfExists(join(root, 'loop')), failsWith('ELOOP', join(root, 'loop')));
    assert.throws(() => readIfExistsSync(join(root, 'loop')), failsWith('ELOOP', join(root, 'loop')));
    const under = join(file, 'x');
    await assert.rejects(readIfExists(under), failsWith('ENOTDIR', under));
    await assert.rejects(readdirIfExists(file), failsWith('ENOTDIR', file));
    assert.throws(() => readBytesIfExistsSync(join(root, 'dir')), failsWith('EISDIR', join(root, 'dir')));
  });

  it('a dangling symlink is named as one, except where listings ask to skip it', async () => {
    const dangling = join(root, 'dangling');
    await assert.rejects(
      readIfExists(dangling),
      failsWith(/is a symbolic link to .*gone, which does not exist/, dangling),
    );
    await assert.rejects(statIfExists(dangling), failsWith(/symbolic link/, dangling));
    assert.equal(await statIfExists(dangling, 'x', { danglingIsAbsent: true }), undefined);
  });

  it('readRegularIfExists refuses a directory and a FIFO without blocking on it', async () => {
    await assert.rejects(readRegularIfExists(join(root, 'dir')), failsWith('EISDIR', join(root, 'dir')));
    const fifo = join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readRegularIfExists(fifo), failsWith(/not a regular file/, fifo));
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GitClient } from '../../src/infra/git/client.js';
import { abraPaths } from '../../src/infra/store/paths.js';
import { appConfigSave, appConfigText, withLineEnds } from '../../src/services/app/config-form.js';

// `app config` from a form: the text comes back with the hash of what was shown.

const root = mkdtempSync(join(tmpdir(), 'abra-configform-'));
after(() => rmSync(root, { recursive: true, force: true }));
const paths = abraPaths({ ABRA_DIR: root, HOME: root });
const deps = { paths, git: new GitClient({ env: { PATH: process.env.PATH }, debug: () => undefined }) };
const dir = join(root, 'servers', 'srv');
mkdirSync(dir, { recursive: true });

describe('withLineEnds (golden)', () => {
  const cases: [string, boolean, string][] = [
    ['A=1\r\nB=2', false, 'A=1\nB=2\n'],
    ['A=1\nB=2\n', false, 'A=1\nB=2\n'],
    ['A=1\rB=2\r\n', false, 'A=1\nB=2\n'],
    ['A=1\r\nB=2', true, 'A=1\r\nB=2\r\n'],
    ['', false, ''],
  ];
  for (const [input, crlf, want] of cases)
    it(JSON.stringify([input, crlf]), () => assert.equal(withLineEnds(input, crlf), want));
});

describe('appConfigText / appConfigSave', () => {
  it('saves a valid edit atomically with mode 0600, and nothing when unchanged', async () => {
    const file = join(dir, 'a.example.env');
    writeFileSync(file, 'TYPE=hello\nDOMAIN=a.example\n', { mode: 0o644 });
    const shown = await appConfigText({ app: 'a.example' }, deps);
    assert.equal(shown.editable, true);
    assert.equal(shown.server, 'srv');
    const same = await appConfigSave({ app: 'a.example', text: shown.text, base: shown.base }, deps);
    assert.equal(same.changed, false);
    const res = await appConfigSave(
      { app: 'a.example', text: 'TYPE=hello\r\nDOMAIN=a.example\r\nX=1', base: shown.base },
      deps,
    );
    assert.equal(res.changed, true);
    assert.match(res.warnings.join(), /not fetched/);
    assert.equal(readFileSync(file, 'utf8'), 'TYPE=hello\nDOMAIN=a.example\nX=1\n');
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('refuses an edit without a recipe, and one made against an older file, changing nothing', async () => {
    const file = join(dir, 'b.example.env');
    writeFileSync(file, 'TYPE=hello\n', { mode: 0o600 });
    const { base } = await appConfigText({ app: 'b.example' }, deps);
    await assert.rejects(appConfigSave({ app: 'b.example', text: 'DOMAIN=b\n', base }, deps), /Not saved/);
    await assert.rejects(
      appConfigSave({ app: 'b.example', text: 'TYPE=x\nCOMPOSE_FILE=../../etc/passwd\n', base }, deps),
      /outside the recipe/,
    );
    writeFileSync(file, 'TYPE=hello\nB=2\n');
    await assert.rejects(
      appConfigSave({ app: 'b.example', text: 'TYPE=hello\nC=3\n', base }, deps),
      (err: Error & { code?: string }) => err.code === 'env_changed_meanwhile',
    );
    assert.equal(readFileSync(file, 'utf8'), 'TYPE=hello\nB=2\n');
  });

  it('does not edit a file that is not UTF-8 (a form would change its bytes)', async () => {
    const file = join(dir, 'c.example.env');
    writeFileSync(file, Buffer.from('TYPE=hello\nNAME=caf\xe9\n', 'latin1'), { mode: 0o600 });
    const shown = await appConfigText({ app: 'c.example' }, deps);
    assert.equal(shown.editable, false);
    await assert.rejects(
      appConfigSave({ app: 'c.example', text: 'TYPE=hello\n', base: shown.base }, deps),
      /not UTF-8/,
    );
    assert.deepEqual(readFileSync(file), Buffer.from('TYPE=hello\nNAME=caf\xe9\n', 'latin1'));
  });

  it('never resolves an app name outside servers/', async () => {
    await assert.rejects(appConfigText({ app: '../../etc/passwd' }, deps));
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { abraPaths } from '../../src/infra/store/paths.js';
import { readLocalAudit } from '../../src/services/audit/local-log.js';

const entry = (app: string, id: string) =>
  JSON.stringify({
    id,
    time: '2026-01-02T03:04:05.000Z',
    operator: 'op@host',
    command: ['app', 'deploy', app],
    app,
    server: 'srv',
    result: 'ok',
    durationMs: 5,
  });

describe('readLocalAudit', () => {
  it("counts corrupt lines instead of skipping them silently; other apps' entries are not counted", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abra-audit-'));
    writeFileSync(
      join(dir, 'audit.log'),
      [
        entry('a.example', '1'),
        '{"id":"2","app":"a.example"', // cut short by a full disk
        'not json at all',
        JSON.stringify({ id: '3', app: 'b.example', server: 'srv' }), // damaged, but another app's
        JSON.stringify({ id: '4', app: 'a.example', server: 'srv' }), // damaged, this app's
        entry('b.example', '5'),
        '',
        entry('a.example', '6'),
      ].join('\n'),
    );
    const res = await readLocalAudit(abraPaths({ ABRA_DIR: dir }), { app: 'a.example', server: 'srv' });
    assert.deepEqual(
      res.entries.map((e) => e.id),
      ['1', '6'],
    );
    assert.equal(res.unreadable, 3);
  });

  it('no log yet is no entries; a log that is a directory is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'abra-audit-'));
    const paths = abraPaths({ ABRA_DIR: dir });
    assert.deepEqual(await readLocalAudit(paths, { app: 'a', server: 's' }), { entries: [], unreadable: 0 });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'audit.log'));
    await assert.rejects(
      readLocalAudit(paths, { app: 'a', server: 's' }),
      /local audit log cannot be read: it is a directory/,
    );
  });
});

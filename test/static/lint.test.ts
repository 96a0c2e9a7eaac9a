import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;

function run(cmd: string, args: string[]) {
  return spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
}

describe('static checks', () => {
  it('biome: lint and format are clean (fix with `npm run format` / `npx biome check --write .`)', () => {
    const r = run('node_modules/.bin/biome', ['check', '.']);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  });

  it('tsc: strict type check passes', () => {
    const r = run('node_modules/.bin/tsc', ['--noEmit', '-p', '.']);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  });
});

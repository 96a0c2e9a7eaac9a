import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { snapshotTree } from '../helpers/cli.js';
import { labRegistry } from '../helpers/lab.js';
import { startTty } from '../helpers/tty.js';
import { annotatedTag, commit, git, makeWorld, type RecipeWorld } from './recipe-helpers.js';

// A recipe whose compose files use the lab registry's images in several tag styles; the
// oracles are the registry's own tag lists and manifests, and the exact bytes of the files.
const R = labRegistry();
let w: RecipeWorld;
let dir = '';

const COMPOSE = `---
# the web app; keep this comment
version: "3.8"

services:
  app:
    image: ${R}/abra-lab/nginx:1.25.3    # upstream nginx
    deploy:
      labels:
        - "coop-cloud.\${STACK_NAME}.version=1.0.0+1.25.3"
  side:
    image: "${R}/abra-lab/nginx:1.25.3-alpine"
  base:
    image: '${R}/abra-lab/base:bookworm-20240110'
  tool:
    image: \${TOOL_IMAGE:-${R}/abra-lab/busybox:1.36.0}
  moving:
    image: ${R}/abra-lab/nginx:latest
`;

const EXTRA = `version: "3.8"\r
services:\r
  db:\r
    image: ${R}/abra-lab/postgres:15.5@sha256:${'0'.repeat(64)}\r
`;

async function manifestDigest(path: string, tag: string): Promise<string> {
  const res = await fetch(`http://${R}/v2/${path}/manifests/${tag}`, {
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
  });
  return `sha256:${createHash('sha256')
    .update(Buffer.from(await res.arrayBuffer()))
    .digest('hex')}`;
}

before(async () => {
  w = makeWorld();
  const work = join(w.remotes, 'web');
  git(w.remotes, 'init', '--quiet', '--initial-branch=main', 'web');
  commit(work, 'first', { 'compose.yml': COMPOSE, 'compose.db.yml': EXTRA, '.env.sample': 'TYPE=web\n' });
  annotatedTag(work, '1.0.0+1.25.3');
  const r = await w.run(['recipe', 'fetch', work]);
  assert.equal(r.code, 0, r.stderr);
  dir = join(w.abraDir, 'recipes', 'web');
});
after(() => w?.cleanup());

interface Row {
  file: string;
  service: string;
  tag: string;
  candidates: { tag: string; level: string }[];
  to?: string;
  skipped?: string;
}

describe('abra recipe upgrade', () => {
  it('--machine lists candidates in each tag style and writes nothing', async () => {
    const before = snapshotTree(dir);
    const r = await w.run(['recipe', 'upgrade', 'web', '--machine']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { images: Row[]; written: boolean };
    const by = Object.fromEntries(res.images.map((i) => [i.service, i]));
    const tags = (s: string) => by[s]?.candidates.map((c) => `${c.tag}:${c.level}`);
    assert.deepEqual(tags('app'), ['1.25.4:patch', '1.26.0:minor', '1.27.1:minor']);
    assert.deepEqual(tags('side'), ['1.26.0-alpine:minor', '1.27.1-alpine:minor']);
    assert.deepEqual(tags('base'), ['bookworm-20240211:patch', 'bookworm-20241111:patch']);
    assert.deepEqual(tags('db'), ['15.6:minor', '16.1:major', '16.2:major']);
    assert.equal(by.tool?.skipped, 'the reference uses a variable');
    assert.equal(by.moving?.skipped, 'tag "latest" names no version');
    assert.equal(by.db?.file, 'compose.db.yml');
    assert.equal(res.written, false);
    assert.deepEqual(snapshotTree(dir), before);
  });

  it('--dry-run --patch says what would change and writes nothing', async () => {
    const before = snapshotTree(dir);
    const r = await w.run(['recipe', 'upgrade', 'web', '--patch', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Dry run: would rewrite compose\.yml; nothing was written/);
    assert.match(r.stdout, /1\.25\.4/);
    assert.deepEqual(snapshotTree(dir), before);
  });

  it('--minor rewrites only the image values, byte for byte, re-pinning digests', async () => {
    const mode = statSync(join(dir, 'compose.db.yml')).mode;
    const r = await w.run(['recipe', 'upgrade', 'web', '--minor']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Rewrote compose\.yml, compose\.db\.yml/);
    const want = COMPOSE.replace(`nginx:1.25.3    #`, `nginx:1.27.1    #`)
      .replace(`"${R}/abra-lab/nginx:1.25.3-alpine"`, `"${R}/abra-lab/nginx:1.27.1-alpine"`)
      .replace(`bookworm-20240110'`, `bookworm-20241111'`);
    assert.equal(readFileSync(join(dir, 'compose.yml'), 'utf8'), want);
    const digest = await manifestDigest('abra-lab/postgres', '15.6');
    assert.equal(
      readFileSync(join(dir, 'compose.db.yml'), 'utf8'),
      EXTRA.replace(`15.5@sha256:${'0'.repeat(64)}`, `15.6@${digest}`),
    );
    assert.equal(statSync(join(dir, 'compose.db.yml')).mode, mode);
    // git sees exactly the four image lines changed
    const diff = git(dir, 'diff', '--numstat');
    assert.equal(diff, '1\t1\tcompose.db.yml\n3\t3\tcompose.yml');
    const again = await w.run(['recipe', 'upgrade', 'web', '--minor']);
    assert.match(again.stdout, /Nothing to upgrade in web \(minor steps allowed\)/);
  });

  it('on a terminal, asks per image; the answer is what is written', async () => {
    const work = join(w.remotes, 'asked');
    git(w.remotes, 'init', '--quiet', '--initial-branch=main', 'asked');
    commit(work, 'first', { 'compose.yml': `services:\n  app:\n    image: ${R}/abra-lab/busybox:1.36.0\n` });
    assert.equal((await w.run(['recipe', 'fetch', work])).code, 0);
    const t = startTty(['recipe', 'upgrade', 'asked'], { env: w.env, columns: 120, rows: 30 });
    try {
      await t.waitFor(/Upgrade .*busybox:1\.36\.0 to/);
      await t.waitFor(/1\.37\.0/);
      t.keys('Down'); // newest first: 1.37.0, then 1.36.1
      t.keys('Enter');
      assert.equal(await t.exited(), 0, t.screen());
    } finally {
      t.close();
    }
    assert.equal(
      readFileSync(join(w.abraDir, 'recipes', 'asked', 'compose.yml'), 'utf8'),
      `services:\n  app:\n    image: ${R}/abra-lab/busybox:1.36.1\n`,
    );
  });

  it('bad input: unknown recipe, two level flags, a registry that does not answer; nothing changes', async () => {
    const unknown = await w.run(['recipe', 'upgrade', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /not fetched/);
    const both = await w.run(['recipe', 'upgrade', 'web', '--patch', '--major']);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /Give one of --major, --minor and --patch/);

    const work = join(w.remotes, 'dead');
    git(w.remotes, 'init', '--quiet', '--initial-branch=main', 'dead');
    commit(work, 'first', { 'compose.yml': 'services:\n  app:\n    image: 127.0.0.1:59999/x/y:1.0\n' });
    assert.equal((await w.run(['recipe', 'fetch', work])).code, 0);
    const deadDir = join(w.abraDir, 'recipes', 'dead');
    const before = snapshotTree(deadDir);
    const r = await w.run(['recipe', 'upgrade', 'dead']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Could not reach the registry 127\.0\.0\.1:59999/);
    assert.match(r.stderr, /fix: /);
    assert.deepEqual(snapshotTree(deadDir), before);

    // hostile recipe files: a FIFO is refused (not read: it would hang), a symlink not followed
    execFileSync('mkfifo', [join(deadDir, 'compose.fifo.yml')]);
    const fifo = await w.run(['recipe', 'upgrade', 'dead', '--no-input']);
    assert.equal(fifo.code, 1, fifo.stderr);
    assert.match(fifo.stderr, /compose\.fifo\.yml/);
    rmSync(join(deadDir, 'compose.fifo.yml'));
    symlinkSync('/etc/hostname', join(deadDir, 'compose.link.yml'));
    const link = await w.run(['recipe', 'upgrade', 'dead']);
    assert.equal(link.code, 1, link.stderr);
    assert.match(link.stderr, /compose\.link\.yml in recipe dead is a symbolic link/);
  });
});

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTty } from '../helpers/tty.js';
import { commit, expectFailure, git, makeWorld, type RecipeWorld } from './recipe-helpers.js';

const KEY = 'coop-cloud.${STACK_NAME}.version';

/** A compose.yml as maintainers write them: comments, quoting and ordering that must survive. */
function composeYml(app: string, db: string, version: string): string {
  return `---
# keep this comment
version: "3.8"

services:
  app:
    image: ${app}   # the main image
    deploy:
      labels:
        - "traefik.enable=true"
        ## set by abra recipe release
        - "${KEY}=${version}"
  db:
    image: '${db}'
`;
}

describe('abra recipe release / sync', () => {
  let w: RecipeWorld;
  let dir: string;
  let bare: string;

  const head = () => git(dir, 'rev-parse', 'HEAD');
  const tags = () => git(dir, 'tag', '--list').split('\n').filter(Boolean).sort();
  const compose = () => readFileSync(join(dir, 'compose.yml'), 'utf8');
  /** What a refused command must leave exactly as it was. */
  const state = () => ({
    head: head(),
    tags: tags(),
    compose: compose(),
    status: git(dir, 'status', '--porcelain'),
  });

  before(() => {
    w = makeWorld();
    Object.assign(w.env, { GIT_AUTHOR_NAME: 'Maintainer', GIT_AUTHOR_EMAIL: 'maint@example.org' });
    dir = join(w.abraDir, 'recipes', 'rel');
    mkdirSync(dir, { recursive: true });
    git(dir, 'init', '--quiet', '--initial-branch=main');
    commit(dir, 'init', {
      'compose.yml': composeYml('nginx:1.27.3', 'postgres:15.4', '0.0.1'),
      '.env.sample': 'TYPE=rel\nDOMAIN=rel.example.com\n',
      'release/.git-keep-me': '',
    });
    bare = join(w.remotes, 'rel.git');
    git(w.remotes, 'init', '--quiet', '--bare', bare);
    git(dir, 'remote', 'add', 'origin', bare);
    git(dir, 'push', '--quiet', 'origin', 'main');
  });
  after(() => w.cleanup());

  it('first release: 0.1.0+<app tag>, only the label changes, notes, commit, annotated tag; nothing pushed', async () => {
    const before = compose();
    const res = await w.run(['recipe', 'release', 'rel', '--notes', 'First release.', '-m']);
    assert.equal(res.code, 0, res.stderr);
    const out = JSON.parse(res.stdout) as Record<string, unknown>;
    assert.equal(out.version, '0.1.0+1.27.3');
    assert.equal(out.source, 'first');
    assert.equal(out.previous, undefined);
    assert.equal(compose(), before.replace(`${KEY}=0.0.1`, `${KEY}=0.1.0+1.27.3`));
    assert.equal(readFileSync(join(dir, 'release', '0.1.0+1.27.3'), 'utf8'), 'First release.\n');
    assert.equal(
      git(dir, 'log', '-1', '--format=%s|%an <%ae>'),
      'chore: publish 0.1.0+1.27.3 release|Maintainer <maint@example.org>',
    );
    assert.equal(git(dir, 'show', '--name-only', '--format=', 'HEAD'), 'compose.yml\nrelease/0.1.0+1.27.3');
    assert.equal(git(dir, 'cat-file', '-t', '0.1.0+1.27.3'), 'tag', 'annotated');
    assert.equal(
      git(dir, 'tag', '-l', '--format=%(contents:subject)', '0.1.0+1.27.3'),
      'chore: publish 0.1.0+1.27.3 release',
    );
    assert.equal(git(dir, 'rev-parse', '0.1.0+1.27.3^{commit}'), head());
    assert.equal(git(dir, 'status', '--porcelain'), '');
    assert.equal(git(bare, 'tag', '--list'), '', 'no --publish: nothing pushed');
  });

  it('--dry-run shows the minor bump an image upgrade calls for and writes nothing', async () => {
    commit(dir, 'nginx 1.28', { 'compose.yml': compose().replace('nginx:1.27.3', 'nginx:1.28.0') });
    const was = state();
    const res = await w.run(['recipe', 'release', 'rel', '--dry-run', '--publish']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(
      res.stdout,
      /^Recipe rel: 0\.1\.0\+1\.27\.3 -> 0\.2\.0\+1\.28\.0 \(minor, from the image changes\)$/m,
    );
    assert.match(res.stdout, /^ {2}app: nginx:1\.27\.3 -> nginx:1\.28\.0 {2}\[minor upgrade: minor\]$/m);
    assert.match(
      res.stdout,
      /^compose\.yml:12 coop-cloud\.\$\{STACK_NAME\}\.version=0\.1\.0\+1\.27\.3 -> 0\.2\.0\+1\.28\.0$/m,
    );
    assert.match(
      res.stdout,
      /Would push to origin \(main and tag 0\.2\.0\+1\.28\.0\)\.\nDry run: nothing was written\.\n$/,
    );
    assert.deepEqual(state(), was);
    assert.ok(!existsSync(join(dir, 'release', '0.2.0+1.28.0')));
  });

  it('refusals say what and how to fix, and change nothing', async () => {
    const was = state();
    await expectFailure(
      w,
      ['recipe', 'release', 'rel', '0.1.0'],
      /0\.1\.0\+1\.28\.0 is not greater than the last release 0\.1\.0\+1\.27\.3/,
    );
    await expectFailure(
      w,
      ['recipe', 'release', 'rel', '0.1.0+1.27.3'],
      /already has a tag 0\.1\.0\+1\.27\.3/,
    );
    await expectFailure(
      w,
      ['recipe', 'release', 'rel', '0.0.9'],
      /0\.0\.9\+1\.28\.0 is not greater than the last release 0\.1\.0\+1\.27\.3/,
    );
    await expectFailure(w, ['recipe', 'release', 'rel', 'banana'], /"banana" is not a release version/);
    await expectFailure(
      w,
      ['recipe', 'sync', 'rel', 'v1.0.0'],
      /"v1\.0\.0" is not a release version: it has a "v" prefix/,
    );
    await expectFailure(
      w,
      ['recipe', 'release', 'rel', '1.0.0', '--major'],
      /either a version \(1\.0\.0\) or --major/,
    );
    await expectFailure(
      w,
      ['recipe', 'release', 'rel', '--major', '--patch'],
      /only one of --major, --minor and --patch/,
    );
    writeFileSync(join(dir, 'NOTES.md'), 'scratch\n');
    await expectFailure(w, ['recipe', 'release', 'rel', '--notes', 'x'], /uncommitted changes: NOTES\.md/);
    rmSync(join(dir, 'NOTES.md'));
    git(dir, 'remote', 'rename', 'origin', 'upstream');
    await expectFailure(w, ['recipe', 'release', 'rel', '--publish'], /has no "origin" remote to publish to/);
    git(dir, 'remote', 'rename', 'upstream', 'origin');
    git(dir, 'checkout', '--quiet', '--detach');
    await expectFailure(w, ['recipe', 'release', 'rel'], /is not on a branch \(HEAD is detached\)/);
    git(dir, 'checkout', '--quiet', 'main');
    assert.deepEqual(state(), was);

    const bad = join(w.abraDir, 'recipes', 'nocompose');
    mkdirSync(bad);
    git(bad, 'init', '--quiet', '--initial-branch=main');
    commit(bad, 'init', { 'README.md': '# x\n' });
    await expectFailure(w, ['recipe', 'release', 'nocompose'], /Recipe "nocompose" has no compose\.yml/);
    await expectFailure(w, ['recipe', 'sync', 'nocompose'], /Recipe "nocompose" has no compose\.yml/);
    commit(bad, 'no label', { 'compose.yml': 'services:\n  app:\n    image: nginx:1.27.3\n' });
    await expectFailure(
      w,
      ['recipe', 'sync', 'nocompose'],
      /has no coop-cloud\.\$\{STACK_NAME\}\.version label/,
    );
    await expectFailure(w, ['recipe', 'release', 'ghost'], /Recipe "ghost" is not fetched/);
  });

  it('sync writes only the label; release then takes the synced version, notes from a file, and --publish pushes', async () => {
    const was = state();
    const res = await w.run(['recipe', 'sync', 'rel']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Wrote 0\.2\.0\+1\.28\.0 into .*compose\.yml \(not committed\)\./);
    assert.equal(compose(), was.compose.replace(`${KEY}=0.1.0+1.27.3`, `${KEY}=0.2.0+1.28.0`));
    assert.equal(head(), was.head, 'sync does not commit');
    assert.deepEqual(tags(), was.tags, 'sync does not tag');
    const again = await w.run(['recipe', 'sync', 'rel']);
    assert.match(again.stdout, /\(already set\)\nNothing to write\.\n$/);

    const notes = join(w.root, 'notes.md');
    writeFileSync(notes, '# Nginx 1.28\n\nNo action needed.\n');
    const rel = await w.run(['recipe', 'release', 'rel', '--notes', notes, '--publish', '-m']);
    assert.equal(rel.code, 0, rel.stderr);
    const out = JSON.parse(rel.stdout) as {
      version: string;
      source: string;
      notes: { source: string };
      commit: string;
    };
    assert.equal(out.version, '0.2.0+1.28.0');
    assert.equal(out.source, 'label');
    assert.equal(out.notes.source, 'file');
    assert.equal(
      readFileSync(join(dir, 'release', '0.2.0+1.28.0'), 'utf8'),
      '# Nginx 1.28\n\nNo action needed.\n',
    );
    // The bare origin now holds the release commit on main and the annotated tag with abra's message.
    assert.equal(git(bare, 'rev-parse', 'refs/heads/main'), out.commit);
    assert.equal(git(bare, 'cat-file', '-t', 'refs/tags/0.2.0+1.28.0'), 'tag');
    assert.equal(git(bare, 'rev-parse', '0.2.0+1.28.0^{commit}'), out.commit);
    assert.equal(
      git(bare, 'tag', '-l', '--format=%(contents:subject)|%(taggername)', '0.2.0+1.28.0'),
      'chore: publish 0.2.0+1.28.0 release|Maintainer',
    );
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });

  it('--patch overrides a major image change; release/next becomes the notes', async () => {
    commit(dir, 'postgres 16, notes', {
      'compose.yml': compose().replace('postgres:15.4', 'postgres:16.1'),
      'release/next': 'Postgres 16: dump and restore first.\n',
    });
    const dry = await w.run(['recipe', 'release', 'rel', '-r', '-m']);
    assert.equal(
      (JSON.parse(dry.stdout) as { version: string }).version,
      '1.0.0+1.28.0',
      'a major upgrade of db',
    );
    const res = await w.run(['recipe', 'release', 'rel', '--patch']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /-> 0\.2\.1\+1\.28\.0 \(patch, bump asked for\)/);
    assert.match(res.stdout, /Release notes: release\/0\.2\.1\+1\.28\.0 \(moved from release\/next\)/);
    assert.match(res.stdout, /Not published: push with `git -C .* push origin main 0\.2\.1\+1\.28\.0`/);
    assert.ok(!existsSync(join(dir, 'release', 'next')));
    assert.equal(
      readFileSync(join(dir, 'release', '0.2.1+1.28.0'), 'utf8'),
      'Postgres 16: dump and restore first.\n',
    );
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });

  it('without notes and without a terminal: released with a warning', async () => {
    commit(dir, 'readme', { 'README.md': '# rel\n' });
    const res = await w.run(['recipe', 'release', 'rel']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /-> 0\.2\.2\+1\.28\.0 \(patch, from the image changes\)/);
    assert.match(res.stderr, /No release notes for 0\.2\.2\+1\.28\.0/);
    assert.ok(!existsSync(join(dir, 'release', '0.2.2+1.28.0')));
    assert.equal(git(dir, 'cat-file', '-t', '0.2.2+1.28.0'), 'tag');
  });

  it('a failed push undoes the release: no commit, no tag, the synced label kept', async () => {
    commit(dir, 'nginx 1.28.1', { 'compose.yml': compose().replace('nginx:1.28.0', 'nginx:1.28.1') });
    assert.equal((await w.run(['recipe', 'sync', 'rel'])).code, 0);
    const was = state();
    git(dir, 'remote', 'set-url', 'origin', join(w.remotes, 'missing.git'));
    const res = await w.run(['recipe', 'release', 'rel', '--publish', '--notes', 'x']);
    assert.equal(res.code, 1, res.stdout);
    assert.match(res.stderr, /Publishing 0\.2\.3\+1\.28\.1 to origin failed, so the release was undone/);
    assert.match(res.stderr, /fix: /);
    assert.deepEqual(state(), was);
    assert.ok(!existsSync(join(dir, 'release', '0.2.3+1.28.1')));
    git(dir, 'remote', 'set-url', 'origin', bare);
  });
  it('on a terminal: asks before releasing, and the notes come from $EDITOR (help text below the line dropped)', async () => {
    commit(dir, 'nginx 1.29', { 'compose.yml': compose().replace('nginx:1.28.1', 'nginx:1.29.0') });
    const editor = join(w.root, 'editor.sh');
    // Types notes above the template, as a person would, keeping abra's help below its line.
    writeFileSync(
      editor,
      '#!/bin/sh\n{ printf "# Nginx 1.29\\n\\nNothing to do.\\n"; cat "$1"; } > "$1.new" && mv "$1.new" "$1"\n',
    );
    chmodSync(editor, 0o755);
    const env = { ...w.env, EDITOR: editor };

    const was = state();
    const no = startTty(['recipe', 'release', 'rel'], { env });
    try {
      await no.waitFor(/Release rel 0\.3\.0\+1\.29\.0 \(previous: 0\.2\.2\+1\.28\.0\)\?/);
      no.keys('n', 'Enter');
      assert.equal(await no.exited(), 0);
      assert.match(no.screen(), /Release cancelled; nothing was changed\./);
    } finally {
      no.close();
    }
    assert.deepEqual(state(), was);

    const yes = startTty(['recipe', 'release', 'rel'], { env });
    try {
      await yes.waitFor(/Release rel 0\.3\.0\+1\.29\.0/);
      yes.keys('y', 'Enter');
      assert.equal(await yes.exited(), 0, yes.screen());
      assert.match(yes.screen(), /Release notes: release\/0\.3\.0\+1\.29\.0 \(written in \$EDITOR\)/);
    } finally {
      yes.close();
    }
    assert.equal(
      readFileSync(join(dir, 'release', '0.3.0+1.29.0'), 'utf8'),
      '# Nginx 1.29\n\nNothing to do.\n',
    );
    assert.equal(git(dir, 'cat-file', '-t', '0.3.0+1.29.0'), 'tag');
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });
  it('--notes naming a directory is refused; an uncommitted release/next becomes the notes', async () => {
    mkdirSync(join(w.root, 'notes-dir'));
    await expectFailure(
      w,
      ['recipe', 'release', 'rel', '--notes', join(w.root, 'notes-dir')],
      /--notes file/,
    );
    commit(dir, 'docs', { 'README.md': '# rel, documented\n' });
    writeFileSync(join(dir, 'release', 'next'), 'Docs only.\n');
    const res = await w.run(['recipe', 'release', 'rel', '--minor']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /-> 0\.4\.0\+1\.29\.0 \(minor, bump asked for\)/);
    assert.equal(readFileSync(join(dir, 'release', '0.4.0+1.29.0'), 'utf8'), 'Docs only.\n');
    assert.ok(!existsSync(join(dir, 'release', 'next')));
    assert.equal(git(dir, 'show', '--name-only', '--format=', 'HEAD'), 'compose.yml\nrelease/0.4.0+1.29.0');
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });
  it('notes written by hand in release/<version> beforehand are committed with the release', async () => {
    writeFileSync(join(dir, 'release', '0.4.1+1.29.0'), 'Hand-written.\n');
    await expectFailure(
      w,
      ['recipe', 'release', 'rel', '--patch', '--notes', 'x'],
      /release\/0\.4\.1\+1\.29\.0 already exists/,
    );
    const res = await w.run(['recipe', 'release', 'rel', '--patch']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Release notes: release\/0\.4\.1\+1\.29\.0 \(the file already there\)/);
    assert.equal(git(dir, 'show', '--name-only', '--format=', 'HEAD'), 'compose.yml\nrelease/0.4.1+1.29.0');
    assert.equal(git(dir, 'show', 'HEAD:release/0.4.1+1.29.0'), 'Hand-written.');
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });
});

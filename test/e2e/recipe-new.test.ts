import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { expectFailure, git, makeWorld, type RecipeWorld } from './recipe-helpers.js';

describe('abra recipe new', () => {
  let w: RecipeWorld;
  before(() => {
    w = makeWorld();
  });
  after(() => w.cleanup());

  it('creates a committed skeleton in the template layout', async () => {
    const res = await w.run(['recipe', 'new', 'myapp', '-m']);
    assert.equal(res.code, 0, res.stderr);
    const dir = join(w.abraDir, 'recipes', 'myapp');
    const out = JSON.parse(res.stdout) as { dir: string; files: string[]; branch: string; commit: string };
    assert.equal(out.dir, dir);
    assert.deepEqual(out.files, [
      'compose.yml',
      '.env.sample',
      'abra.sh',
      'README.md',
      'release/.git-keep-me',
    ]);
    assert.equal(out.branch, 'main');
    assert.equal(git(dir, 'rev-parse', 'HEAD'), out.commit);
    assert.equal(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main');
    assert.equal(git(dir, 'status', '--porcelain'), '', 'everything is committed');
    assert.deepEqual(git(dir, 'ls-files').split('\n').sort(), [...out.files].sort());
    assert.equal(git(dir, 'log', '--format=%an <%ae>|%s'), 'abra <abra@localhost>|chore: init myapp recipe');
    // With --machine, warnings come as JSON event lines on stderr.
    const warnings = res.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; message: string })
      .filter((e) => e.event === 'warning');
    assert.match(warnings.map((w) => w.message).join('\n'), /git has no user\.name configured/);

    assert.equal(
      readFileSync(join(dir, '.env.sample'), 'utf8'),
      "TYPE=myapp\n\nDOMAIN=myapp.example.com\n\n## Domain aliases\n#EXTRA_DOMAINS=', `www.myapp.example.com`'\n\nLETS_ENCRYPT_ENV=production\n",
    );
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.match(readme, /^# myapp\n/);
    assert.match(readme, /<!-- metadata -->\n\n\* \*\*Category\*\*: Apps\n[\s\S]*<!-- endmetadata -->/);
    assert.equal(readFileSync(join(dir, 'release', '.git-keep-me'), 'utf8'), '');
    assert.match(readFileSync(join(dir, 'abra.sh'), 'utf8'), /Set any config versions here/);
    assert.equal(statSync(join(dir, 'compose.yml')).mode & 0o777, 0o644);

    const doc = parse(readFileSync(join(dir, 'compose.yml'), 'utf8')) as {
      version: string;
      services: {
        app: { image: string; networks: string[]; deploy: { labels: string[]; update_config: object } };
      };
      networks: { proxy: { external: boolean } };
    };
    assert.equal(doc.version, '3.8');
    assert.deepEqual(Object.keys(doc.services), ['app']);
    assert.deepEqual(doc.services.app.networks, ['proxy']);
    assert.deepEqual(doc.networks, { proxy: { external: true } });
    assert.ok(doc.services.app.deploy.labels.includes('coop-cloud.${STACK_NAME}.version=0.0.1'));
    assert.ok(doc.services.app.deploy.labels.includes('traefik.enable=true'));
    assert.deepEqual(doc.services.app.deploy.update_config, {
      failure_action: 'rollback',
      order: 'start-first',
    });
  });

  it('produces a compose file that `docker stack config` accepts and interpolates', () => {
    const dir = join(w.abraDir, 'recipes', 'myapp');
    const r = spawnSync('docker', ['stack', 'config', '-c', 'compose.yml'], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: w.home,
        DOMAIN: 'myapp.example.com',
        STACK_NAME: 'myapp_example_com',
        LETS_ENCRYPT_ENV: 'production',
        EXTRA_DOMAINS: '',
      },
    });
    assert.equal(r.status, 0, r.stderr);
    const cfg = parse(r.stdout) as {
      services: { app: { image: string; deploy: { labels: Record<string, string> }; healthcheck: object } };
    };
    const labels = cfg.services.app.deploy.labels;
    assert.equal(labels['traefik.http.routers.myapp_example_com.rule'], 'Host(`myapp.example.com`)');
    assert.equal(labels['traefik.http.routers.myapp_example_com.tls.certresolver'], 'production');
    assert.equal(labels['coop-cloud.myapp_example_com.version'], '0.0.1');
    assert.ok(cfg.services.app.healthcheck);
  });

  it('uses --git-name/--git-email for the initial commit', async () => {
    const res = await w.run([
      'recipe',
      'new',
      'authored',
      '--git-name',
      'Ada',
      '--git-email',
      'ada@example.org',
    ]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, '');
    assert.match(
      res.stdout,
      /^Created recipe authored in .*recipes\/authored \(5 files, branch main, commit [0-9a-f]{8}\)\./,
    );
    assert.equal(
      git(join(w.abraDir, 'recipes', 'authored'), 'log', '--format=%an <%ae>'),
      'Ada <ada@example.org>',
    );
  });

  it('uses git config user.name/user.email when set', async () => {
    writeFileSync(join(w.home, '.gitconfig'), '[user]\n\tname = Grace\n\temail = grace@example.org\n');
    try {
      const res = await w.run(['recipe', 'new', 'configured']);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stderr, '');
      assert.equal(
        git(join(w.abraDir, 'recipes', 'configured'), 'log', '--format=%an <%ae>'),
        'Grace <grace@example.org>',
      );
    } finally {
      writeFileSync(join(w.home, '.gitconfig'), '');
    }
  });

  it('refuses an existing directory or file, and invalid names, changing nothing', async () => {
    await expectFailure(w, ['recipe', 'new', 'myapp'], /Recipe "myapp" already exists/);
    mkdirSync(join(w.abraDir, 'recipes', 'emptydir'));
    await expectFailure(w, ['recipe', 'new', 'emptydir'], /Recipe "emptydir" already exists/);
    writeFileSync(join(w.abraDir, 'recipes', 'afile'), 'x');
    await expectFailure(w, ['recipe', 'new', 'afile'], /Recipe "afile" already exists/);
    await expectFailure(w, ['recipe', 'new', '..'], /"\.\." is not a valid recipe name/);
    await expectFailure(
      w,
      ['recipe', 'new', 'a/b'],
      /"a\/b" is not a valid recipe name: it contains a path separator/,
    );
    await expectFailure(
      w,
      ['recipe', 'new', '.hidden'],
      /"\.hidden" is not a valid recipe name: it starts with "\."/,
    );
    await expectFailure(
      w,
      ['recipe', 'new', 'sp ace'],
      /not a valid recipe name: it has characters other than/,
    );
  });
});

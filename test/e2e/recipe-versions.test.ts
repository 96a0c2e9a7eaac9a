import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type DemoRemote,
  expectFailure,
  makeDemoRemote,
  makeWorld,
  type RecipeWorld,
} from './recipe-helpers.js';

describe('abra recipe versions / ls', () => {
  let w: RecipeWorld;
  let demo: DemoRemote;

  before(async () => {
    w = makeWorld();
    demo = makeDemoRemote(w.remotes);
    const res = await w.run(['recipe', 'fetch', demo.url]);
    assert.equal(res.code, 0, res.stderr);
  });
  after(() => w.cleanup());

  it('lists version tags newest first with per-tag images, warnings and skipped tags (JSON)', async () => {
    const res = await w.run(['recipe', 'versions', 'demo', '--machine']);
    assert.equal(res.code, 0, res.stderr);
    const c = demo.commits;
    const alpine = [
      { service: 'app', image: 'registry.example.org:5000/lib/nginx', tag: '1.27.0-alpine' },
      { service: 'db', image: 'postgres', tag: '16', digest: 'sha256:0123abcd' },
      { service: 'worker', image: '${WORKER_IMAGE:-busybox}', tag: '${WORKER_TAG}' },
    ];
    assert.deepEqual(JSON.parse(res.stdout), {
      recipe: 'demo',
      source: 'git',
      dir: join(w.abraDir, 'recipes', 'demo'),
      versions: [
        {
          version: '2.0.0-rc.1+1.27.0-alpine',
          commit: c.c3,
          annotated: true,
          warnings: [],
          services: alpine,
        },
        {
          version: '1.3.0+1.27.0-alpine',
          commit: c.c5,
          annotated: true,
          warnings: [
            { code: 'compose-missing', message: 'tag 1.3.0+1.27.0-alpine: no compose.yml at this tag' },
          ],
          services: [],
        },
        {
          version: '1.2.0+1.27.0-alpine',
          commit: c.c4,
          annotated: true,
          warnings: [
            {
              code: 'compose-invalid',
              message:
                'tag 1.2.0+1.27.0-alpine: compose.yml is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1',
            },
          ],
          services: [],
        },
        { version: '1.1.0+1.27.0-alpine', commit: c.c3, annotated: true, warnings: [], services: alpine },
        {
          version: '1.0.1+1.25.3',
          commit: c.c2,
          annotated: false,
          warnings: [
            {
              code: 'lightweight',
              message: `tag 1.0.1+1.25.3 is a lightweight tag; abra requires annotated tags (lint R014); re-create it with \`git tag -a -f -m "chore: publish 1.0.1+1.25.3 release" 1.0.1+1.25.3 ${c.c2?.slice(0, 12)}\``,
            },
          ],
          services: [
            { service: 'app', image: 'nginx', tag: '1.25.3' },
            { service: 'db', image: 'postgres', tag: '15' },
          ],
        },
        {
          version: '1.0.0+1.25.0',
          commit: c.c1,
          annotated: true,
          warnings: [],
          services: [
            { service: 'app', image: 'nginx', tag: '1.25.0' },
            { service: 'db', image: 'postgres', tag: '15' },
          ],
        },
        {
          version: 'v0.9.0',
          commit: c.c0,
          annotated: true,
          warnings: [
            {
              code: 'v-prefix',
              message: 'tag v0.9.0 has a "v" prefix; abra expects X.Y.Z+upstream without "v"',
            },
            {
              code: 'no-upstream',
              message: 'tag v0.9.0 has no "+upstream" part; abra expects X.Y.Z+<app image tag>',
            },
          ],
          services: [{ service: 'app', image: 'nginx', tag: '1.24.0' }],
        },
      ],
      skipped: [
        {
          tag: 'latest-build',
          reason:
            'not a version: it does not start with MAJOR.MINOR.PATCH (three dot-separated numbers); found "latest"',
        },
      ],
    });
  });

  it('prints a table on stdout and the warnings on stderr', async () => {
    const res = await w.run(['recipe', 'versions', 'demo']);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^VERSION\s+SERVICE\s+IMAGE\s+TAG$/);
    assert.match(
      lines[1] ?? '',
      /^2\.0\.0-rc\.1\+1\.27\.0-alpine\s+app\s+registry\.example\.org:5000\/lib\/nginx\s+1\.27\.0-alpine$/,
    );
    assert.match(lines.at(-1) ?? '', /^v0\.9\.0\s+app\s+nginx\s+1\.24\.0$/);
    assert.equal(lines.length, 14);
    assert.match(res.stderr, /^warning: tag 1\.0\.1\+1\.25\.3 is a lightweight tag/m);
    assert.match(res.stderr, /^warning: skipped tag latest-build: not a version/m);
  });

  it('falls back to the catalogue for a recipe that is not fetched', async () => {
    mkdirSync(join(w.abraDir, 'catalogue'), { recursive: true });
    writeFileSync(
      join(w.abraDir, 'catalogue', 'recipes.json'),
      JSON.stringify({
        gitea: {
          name: 'gitea',
          category: 'Development',
          repository: 'https://git.coopcloud.tech/coop-cloud/gitea.git',
          features: { status: 3 },
          versions: [
            {
              '2.1.0+1.19.3-rootless': {
                app: { image: 'gitea/gitea', tag: '1.19.3-rootless', digest: '6244e9fc' },
              },
            },
            { '2.0.0+1.18.0-rootless': { app: { image: 'gitea/gitea', tag: '1.18.0-rootless' } } },
            { '2.1.1+1.19.10-rootless': { app: { image: 'gitea/gitea', tag: '1.19.10-rootless' } } },
            { nonsense: {} },
          ],
        },
        demo: { name: 'demo', category: 'Apps', repository: demo.url, versions: [{ '0.0.1+1': {} }] },
      }),
    );
    const res = await w.run(['recipe', 'versions', 'gitea', '-m']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), {
      recipe: 'gitea',
      source: 'catalogue',
      versions: [
        {
          version: '2.1.1+1.19.10-rootless',
          warnings: [],
          services: [{ service: 'app', image: 'gitea/gitea', tag: '1.19.10-rootless' }],
        },
        {
          version: '2.1.0+1.19.3-rootless',
          warnings: [],
          services: [{ service: 'app', image: 'gitea/gitea', tag: '1.19.3-rootless', digest: '6244e9fc' }],
        },
        {
          version: '2.0.0+1.18.0-rootless',
          warnings: [],
          services: [{ service: 'app', image: 'gitea/gitea', tag: '1.18.0-rootless' }],
        },
      ],
      skipped: [
        {
          tag: 'nonsense',
          reason:
            'not a version: it does not start with MAJOR.MINOR.PATCH (three dot-separated numbers); found "nonsense"',
        },
      ],
    });
  });

  it('recipe ls: local and catalogue recipes with local latest versions first', async () => {
    mkdirSync(join(w.abraDir, 'recipes', 'notgit'));
    const res = await w.run(['recipe', 'ls', '-m']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), [
      { name: 'demo', local: true, inCatalogue: true, category: 'Apps', latest: '2.0.0-rc.1+1.27.0-alpine' },
      {
        name: 'gitea',
        local: false,
        inCatalogue: true,
        category: 'Development',
        latest: '2.1.1+1.19.10-rootless',
      },
      { name: 'notgit', local: true, inCatalogue: false, problem: 'not a git repository' },
    ]);
    const table = await w.run(['recipe', 'ls']);
    assert.equal(
      table.stdout,
      [
        'NAME    LOCAL                       LATEST                    CATEGORY',
        'demo    yes                         2.0.0-rc.1+1.27.0-alpine  Apps',
        'gitea   no                          2.1.1+1.19.10-rootless    Development',
        'notgit  yes (not a git repository)  -                         -',
        '',
      ].join('\n'),
    );
  });

  it('recipe ls with nothing at all says how to start', async () => {
    const fresh = makeWorld();
    try {
      const res = await fresh.run(['recipe', 'ls']);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /No recipes: .*abra recipe fetch/);
      assert.equal((await fresh.run(['recipe', 'ls', '-m'])).stdout, '[]\n');
    } finally {
      fresh.cleanup();
    }
  });

  it('errors: not fetched and not in the catalogue, not a git repo, invalid name', async () => {
    await expectFailure(
      w,
      ['recipe', 'versions', 'nothere'],
      /Recipe "nothere" is not fetched[\s\S]*abra recipe fetch nothere/,
    );
    await expectFailure(w, ['recipe', 'versions', 'notgit'], /notgit exists but is not a git repository/);
    await expectFailure(
      w,
      ['recipe', 'versions', '../demo'],
      /"\.\.\/demo" is not a valid recipe name: it contains "\.\."/,
    );
  });
});

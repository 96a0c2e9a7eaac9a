import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCatalogue } from '../../src/domain/recipe/catalogue.js';
import { splitImageRef } from '../../src/domain/recipe/image.js';
import { recipeNameProblem } from '../../src/domain/recipe/name.js';
import { recipeSkeleton } from '../../src/domain/recipe/skeleton.js';
import { classifyRecipeTarget, defaultRecipeUrl, nameFromLocation } from '../../src/domain/recipe/source.js';

describe('classifyRecipeTarget', () => {
  const cases: [string, unknown][] = [
    ['wordpress', { kind: 'name', name: 'wordpress' }],
    [
      'https://git.coopcloud.tech/coop-cloud/wordpress.git',
      { kind: 'url', url: 'https://git.coopcloud.tech/coop-cloud/wordpress.git', name: 'wordpress' },
    ],
    [
      'https://github.com/bonfire-networks/bore-coopcloud-recipe/',
      {
        kind: 'url',
        url: 'https://github.com/bonfire-networks/bore-coopcloud-recipe/',
        name: 'bore-coopcloud-recipe',
      },
    ],
    [
      'ssh://git@git.coopcloud.tech:2222/coop-cloud/gitea.git',
      { kind: 'url', url: 'ssh://git@git.coopcloud.tech:2222/coop-cloud/gitea.git', name: 'gitea' },
    ],
    [
      'git@github.com:org/traefik.git',
      { kind: 'url', url: 'git@github.com:org/traefik.git', name: 'traefik' },
    ],
    ['git@github.com:traefik', { kind: 'url', url: 'git@github.com:traefik', name: 'traefik' }],
    ['file:///srv/git/demo.git', { kind: 'url', url: 'file:///srv/git/demo.git', name: 'demo' }],
    ['./my-recipe', { kind: 'path', path: '/work/here/my-recipe', name: 'my-recipe' }],
    ['../up/other.git', { kind: 'path', path: '/work/up/other.git', name: 'other' }],
    ['/abs/path/x/', { kind: 'path', path: '/abs/path/x', name: 'x' }],
    ['~/recipes/r1', { kind: 'path', path: '/home/me/recipes/r1', name: 'r1' }],
    ['sub/dir', { kind: 'path', path: '/work/here/sub/dir', name: 'dir' }],
  ];
  for (const [input, want] of cases)
    it(input, () => assert.deepEqual(classifyRecipeTarget(input, '/work/here', '/home/me'), want));

  it('names and default URLs', () => {
    assert.equal(nameFromLocation('https://example.org/a/b.git?x=1'), 'b');
    assert.equal(nameFromLocation('https://example.org/'), 'example.org');
    // A credential in the URL never becomes (part of) the name that messages quote.
    assert.equal(nameFromLocation('https://bot:tok3n@example.org/'), 'example.org');
    assert.equal(nameFromLocation('https://u:p@ss@example.org:8443'), 'example.org:8443');
    assert.equal(defaultRecipeUrl('gitea'), 'https://git.coopcloud.tech/coop-cloud/gitea.git');
  });
});

describe('recipeNameProblem', () => {
  const cases: [string, string | undefined][] = [
    ['wordpress', undefined],
    ['custom-html', undefined],
    ['my_recipe.v2', undefined],
    ['', 'it is empty'],
    ['..', 'it contains ".."'],
    ['a..b', 'it contains ".."'],
    ['a/b', 'it contains a path separator'],
    ['a\\b', 'it contains a path separator'],
    ['.git', 'it starts with "."'],
    ['-rf', 'it has characters other than letters, digits, ".", "-" and "_"'],
    ['a b', 'it has characters other than letters, digits, ".", "-" and "_"'],
    ['x'.repeat(101), 'it is longer than 100 characters'],
  ];
  for (const [name, want] of cases)
    it(JSON.stringify(name), () => assert.equal(recipeNameProblem(name), want));
});

describe('splitImageRef', () => {
  const cases: [string, unknown][] = [
    ['nginx:1.19.2', { image: 'nginx', tag: '1.19.2' }],
    ['nginx', { image: 'nginx', tag: '' }],
    ['gitea/gitea:1.19.3-rootless', { image: 'gitea/gitea', tag: '1.19.3-rootless' }],
    ['localhost:5000/app', { image: 'localhost:5000/app', tag: '' }],
    ['localhost:5000/app:2', { image: 'localhost:5000/app', tag: '2' }],
    ['postgres:16@sha256:abc', { image: 'postgres', tag: '16', digest: 'sha256:abc' }],
    ['postgres@sha256:abc', { image: 'postgres', tag: '', digest: 'sha256:abc' }],
    ['${APP_DOCKER_IMAGE}', { image: '${APP_DOCKER_IMAGE}', tag: '' }],
    ['${IMG:-nginx}:${TAG:-1.2}', { image: '${IMG:-nginx}', tag: '${TAG:-1.2}' }],
    ['ghcr.io/org/${NAME:-a/b}', { image: 'ghcr.io/org/${NAME:-a/b}', tag: '' }],
    ['', { image: '', tag: '' }],
  ];
  for (const [ref, want] of cases) it(JSON.stringify(ref), () => assert.deepEqual(splitImageRef(ref), want));
});

describe('parseCatalogue', () => {
  it('reads the abra format tolerantly', () => {
    const r = parseCatalogue({
      gitea: {
        name: 'gitea',
        category: 'Development',
        description: 'git',
        default_branch: 'main',
        repository: 'https://git.coopcloud.tech/coop-cloud/gitea.git',
        ssh_url: 'ssh://git@git.coopcloud.tech:2222/coop-cloud/gitea.git',
        website: '',
        features: { status: 3, backups: 'Yes' },
        versions: [
          {
            '2.1.0+1.19.3-rootless': {
              app: { image: 'gitea/gitea', tag: '1.19.3-rootless', digest: '6244e9fc' },
            },
          },
          'garbage',
          { '2.2.0+1.20.0': { app: 'garbage', db: { image: 'mariadb', tag: 10.6 } } },
        ],
        unknown_key: true,
      },
      broken: 42,
      minimal: {},
    });
    assert.ok(r.ok);
    assert.deepEqual([...r.catalogue.keys()], ['gitea', 'minimal']);
    assert.deepEqual(r.catalogue.get('gitea'), {
      name: 'gitea',
      category: 'Development',
      description: 'git',
      defaultBranch: 'main',
      repository: 'https://git.coopcloud.tech/coop-cloud/gitea.git',
      sshUrl: 'ssh://git@git.coopcloud.tech:2222/coop-cloud/gitea.git',
      features: { status: 3, backups: 'Yes' },
      versions: [
        {
          version: '2.1.0+1.19.3-rootless',
          services: { app: { image: 'gitea/gitea', tag: '1.19.3-rootless', digest: '6244e9fc' } },
        },
        { version: '2.2.0+1.20.0', services: { db: { image: 'mariadb', tag: '' } } },
      ],
    });
    assert.deepEqual(r.catalogue.get('minimal'), { name: 'minimal', features: {}, versions: [] });
  });

  it('accepts an array of entries and rejects other shapes', () => {
    const r = parseCatalogue([{ name: 'a' }, { name: 'b', category: 'Apps' }]);
    assert.ok(r.ok);
    assert.deepEqual([...r.catalogue.keys()], ['a', 'b']);
    assert.deepEqual(parseCatalogue('nope'), {
      ok: false,
      reason: 'expected a JSON object keyed by recipe name',
    });
    assert.deepEqual(parseCatalogue(null), {
      ok: false,
      reason: 'expected a JSON object keyed by recipe name',
    });
  });
});

describe('recipeSkeleton', () => {
  it('has the template files with the name filled in', () => {
    const files = recipeSkeleton('foo');
    assert.deepEqual(
      files.map((f) => f.path),
      ['compose.yml', '.env.sample', 'abra.sh', 'README.md', 'release/.git-keep-me'],
    );
    const byPath = new Map(files.map((f) => [f.path, f.content]));
    assert.match(byPath.get('.env.sample') ?? '', /^TYPE=foo\n\nDOMAIN=foo\.example\.com\n/);
    assert.match(byPath.get('README.md') ?? '', /^# foo\n/);
    assert.doesNotMatch(byPath.get('compose.yml') ?? '', /foo/, 'compose.yml is name-independent');
    assert.match(byPath.get('compose.yml') ?? '', /"coop-cloud\.\$\{STACK_NAME\}\.version=0\.0\.1"/);
    assert.match(byPath.get('compose.yml') ?? '', /Host\(`\$\{DOMAIN\}`\$\{EXTRA_DOMAINS\}\)/);
  });
});

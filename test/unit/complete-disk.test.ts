import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diskSource, envLines, topKeys } from '../../src/cli/complete/disk.js';
import { abraPaths } from '../../src/infra/store/paths.js';

// What completion reads from ~/.abra: names only, cheaply, never from outside it, never a name
// that is not a plain segment.

let tmp: string;
let abraDir: string;
let outside: string;
const write = (path: string, text: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], {
    cwd,
    stdio: 'pipe',
  });

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'abra-complete-disk-'));
  abraDir = join(tmp, 'abra');
  outside = join(tmp, 'outside');
  const servers = join(abraDir, 'servers');
  write(
    join(servers, 'alpha', 'blog.example.com.env'),
    'TYPE=wp:1.0.0+6.4\nCOMPOSE_FILE="compose.yml:compose.smtp.yml"\n',
  );
  write(join(servers, 'alpha', 'notes.txt'), 'not an app\n');
  write(join(servers, 'beta', 'wiki.example.org.env'), 'RECIPE=wiki\nX=compose\nCOMPOSE_FILE=${X}.yml\n');
  write(
    join(servers, 'beta', 'sneaky.example.com.env'),
    'RECIPE=wp\nCOMPOSE_FILE=../../../outside/compose.yml\n',
  );
  // names that are someone else's content: a control character, a leading dot
  write(join(servers, 'beta', 'evil\u001b[31m.example.com.env'), 'RECIPE=wp\n');
  write(join(servers, 'beta', '.hidden.env'), 'RECIPE=wp\n');
  mkdirSync(join(servers, 'bad\u0007name'), { recursive: true });
  // outside ~/.abra: a server dir, an env file and a compose file reached through links
  write(join(outside, 'srv', 'leak.example.com.env'), 'RECIPE=wp\n');
  write(join(outside, 'compose.yml'), 'services:\n  leaked:\n    image: x\n');
  write(join(outside, 'leak2.example.com.env'), 'RECIPE=wp\n');
  symlinkSync(join(outside, 'srv'), join(servers, 'linked'));
  symlinkSync(join(outside, 'leak2.example.com.env'), join(servers, 'alpha', 'leak2.example.com.env'));

  const wp = join(abraDir, 'recipes', 'wp');
  mkdirSync(wp, { recursive: true });
  git(wp, 'init', '-q');
  write(
    join(wp, 'compose.yml'),
    'version: "3.8"\n# comment\nservices:\n  app:\n    image: wordpress\n    environment:\n      - A=1\n  "db":\n    image: mariadb\nsecrets:\n  db_password:\n    external: true\n',
  );
  write(
    join(wp, 'compose.smtp.yml'),
    'services:\n  app:\n    environment: []\n  smtp:\n    image: postfix\nsecrets:\n  smtp_password: {external: true}\n',
  );
  git(wp, 'add', '.');
  git(wp, 'commit', '-qm', 'init');
  git(wp, 'tag', '1.0.0+6.4');
  git(wp, 'tag', '1.1.0+6.5');
  git(wp, 'tag', 'nested/tag');
  git(wp, 'pack-refs', '--all');
  git(wp, 'tag', '2.0.0+6.6');
  const wiki = join(abraDir, 'recipes', 'wiki');
  write(join(wiki, 'compose.yml'), 'services:\n  web:\n    image: x\n');
  // a recipe whose compose file is a link out of ~/.abra
  const linked = join(abraDir, 'recipes', 'linked');
  mkdirSync(linked, { recursive: true });
  symlinkSync(join(outside, 'compose.yml'), join(linked, 'compose.yml'));
  write(join(servers, 'beta', 'link.example.com.env'), 'RECIPE=linked\n');
  write(
    join(abraDir, 'catalogue', 'recipes.json'),
    JSON.stringify({ nextcloud: {}, wp: {}, 'bad name': {} }),
  );
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const source = () => diskSource(abraPaths({ ABRA_DIR: abraDir }));

describe('completion names from ~/.abra', () => {
  it('servers are the plain directories under servers/, not links out of ~/.abra', () => {
    assert.deepEqual(source().servers().sort(), ['alpha', 'beta']);
  });

  it('apps are the env files of those servers, with plain names, not links out', () => {
    assert.deepEqual(
      source()
        .apps()
        .find((a) => a.value === 'wiki.example.org')?.description,
      'on beta',
    );
    assert.deepEqual(
      source()
        .apps()
        .map((a) => a.value)
        .sort(),
      ['blog.example.com', 'link.example.com', 'sneaky.example.com', 'wiki.example.org'],
    );
  });

  it('recipes: fetched ones and the catalogue', () => {
    assert.deepEqual(source().recipes().sort(), ['linked', 'nextcloud', 'wiki', 'wp', 'wp']);
  });

  it("a recipe not fetched yet has the catalogue's versions", () => {
    write(
      join(abraDir, 'catalogue', 'recipes.json'),
      JSON.stringify({
        nextcloud: { versions: [{ '1.0.0+27.0': {} }, { '2.0.0+28.0': {}, 'bad\u001bversion': {} }] },
        wp: { versions: [{ '9.9.9+9': {} }] },
      }),
    );
    try {
      assert.deepEqual(source().versions('nextcloud'), ['1.0.0+27.0', '2.0.0+28.0']);
      // a fetched recipe: its own tags only
      assert.ok(!source().versions('wp').includes('9.9.9+9'));
    } finally {
      write(
        join(abraDir, 'catalogue', 'recipes.json'),
        JSON.stringify({ nextcloud: {}, wp: {}, 'bad name': {} }),
      );
    }
  });

  it('a catalogue written as a list of entries counts too', () => {
    write(
      join(abraDir, 'catalogue', 'recipes.json'),
      JSON.stringify([{ name: 'listed' }, { name: 'bad name' }, 'x']),
    );
    try {
      assert.deepEqual(source().recipes().sort(), ['linked', 'listed', 'wiki', 'wp']);
    } finally {
      write(
        join(abraDir, 'catalogue', 'recipes.json'),
        JSON.stringify({ nextcloud: {}, wp: {}, 'bad name': {} }),
      );
    }
  });

  it("versions are the recipe's git tags, loose and packed, read without git", () => {
    assert.deepEqual(source().versions('wp').sort(), ['1.0.0+6.4', '1.1.0+6.5', '2.0.0+6.6']);
    assert.deepEqual(source().versions('wiki'), []);
    assert.deepEqual(source().versions('../wp'), []);
    assert.deepEqual(source().versions('nope'), []);
  });

  it("services and secrets come from the app's compose files (COMPOSE_FILE, overlays merged)", () => {
    const s = source();
    assert.equal(s.recipeOf('blog.example.com'), 'wp');
    assert.deepEqual([...new Set(s.services('blog.example.com'))].sort(), ['app', 'db', 'smtp']);
    assert.deepEqual(s.secrets('blog.example.com').sort(), ['db_password', 'smtp_password']);
    assert.equal(s.recipeOf('wiki.example.org'), 'wiki');
    assert.deepEqual(s.services('wiki.example.org'), ['web']);
    assert.deepEqual(s.services('nope.example.com'), []);
  });

  it("functions come from the recipe's abra.sh", () => {
    write(
      join(abraDir, 'recipes', 'wp', 'abra.sh'),
      'export X=1\nmigrate() {\n  :\n}\n# old() {\nfunction reset_admin {\n}\n',
    );
    try {
      assert.deepEqual(source().functions('blog.example.com'), ['migrate', 'reset_admin']);
      assert.deepEqual(source().functions('nope.example.com'), []);
    } finally {
      rmSync(join(abraDir, 'recipes', 'wp', 'abra.sh'));
    }
  });

  it('never reads a compose file outside the recipe or outside ~/.abra', () => {
    assert.deepEqual(source().services('sneaky.example.com'), []);
    assert.deepEqual(source().services('link.example.com'), []);
  });

  it('no ~/.abra at all: nothing, and no error', () => {
    const none = diskSource(abraPaths({ ABRA_DIR: join(tmp, 'does-not-exist') }));
    assert.deepEqual(
      [
        none.servers(),
        none.apps(),
        none.recipes(),
        none.versions('wp'),
        none.services('x'),
        none.secrets('x'),
      ],
      [[], [], [], [], [], []],
    );
    assert.equal(none.recipeOf('x'), undefined);
  });

  it('~/.abra itself may be a link (its real location is the root)', () => {
    const link = join(tmp, 'abra-link');
    symlinkSync(abraDir, link);
    assert.deepEqual(
      diskSource(abraPaths({ ABRA_DIR: link }))
        .servers()
        .sort(),
      ['alpha', 'beta'],
    );
  });
});

describe('the cheap readers', () => {
  it('envLines: last assignment wins, quotes and comments dropped, $VARS expanded', () => {
    const env = envLines('# c\nA=1\nexport B="x y" # note\nC=${A}-$B\nA=2\nD=\'lit\'\nbad line\n');
    assert.deepEqual(Object.fromEntries(env), { A: '2', B: 'x y', C: '1-x y', D: 'lit' });
  });

  it('topKeys: the keys one level under a top-level key, whatever the indentation', () => {
    const yaml =
      'services:\n    app:\n        image: x\n        ports:\n            - a: 1\n    "db": {}\n  # odd\nvolumes:\n  data:\nservices2:\n  no:\n';
    assert.deepEqual(topKeys(yaml, 'services'), ['app', 'db']);
    assert.deepEqual(topKeys(yaml, 'volumes'), ['data']);
    assert.deepEqual(topKeys(yaml, 'secrets'), []);
  });
});

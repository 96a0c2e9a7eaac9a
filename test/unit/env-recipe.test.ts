import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readAbraShExports } from '../../src/domain/env/abra-sh.js';
import { parseEnv } from '../../src/domain/env/document.js';
import { recipeOf, withRecipeVersion } from '../../src/domain/env/recipe.js';
import { isUserError } from '../../src/errors.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/env/${name}`, import.meta.url), 'utf8');

describe('recipeOf', () => {
  it('reads TYPE, with and without a version', () => {
    assert.deepEqual(recipeOf({ TYPE: 'wordpress' }), {
      key: 'TYPE',
      name: 'wordpress',
      version: undefined,
      dirty: false,
    });
    assert.deepEqual(recipeOf({ TYPE: 'custom-html:1.7.1+1.27.2' }), {
      key: 'TYPE',
      name: 'custom-html',
      version: '1.7.1+1.27.2',
      dirty: false,
    });
  });

  it('RECIPE wins over TYPE; git paths keep their slashes; +U marks a dirty chaos deploy', () => {
    assert.deepEqual(recipeOf({ TYPE: 'old', RECIPE: 'mygit.org/myorg/cool-recipe:1.0.0' }), {
      key: 'RECIPE',
      name: 'mygit.org/myorg/cool-recipe',
      version: '1.0.0',
      dirty: false,
    });
    assert.deepEqual(recipeOf({ RECIPE: 'app:a1b2c3d4+U' }), {
      key: 'RECIPE',
      name: 'app',
      version: 'a1b2c3d4',
      dirty: true,
    });
    assert.equal(recipeOf({ RECIPE: 'app:' }).version, undefined);
  });

  it('fails with a UserError when no recipe is named or the value is malformed', () => {
    const cases: [Record<string, string>, string][] = [
      [{ DOMAIN: 'x' }, 'env_no_recipe'],
      [{ TYPE: '' }, 'env_recipe_invalid'],
      [{ RECIPE: '', TYPE: 'x' }, 'env_recipe_invalid'],
      [{ TYPE: 'https://git.tld/x:1.0.0' }, 'env_recipe_invalid'],
      [{ TYPE: ':1.0.0' }, 'env_recipe_invalid'],
    ];
    for (const [values, code] of cases) {
      assert.throws(
        () => recipeOf(values, 'srv/app.env'),
        (err) => isUserError(err) && err.code === code && err.where === 'srv/app.env' && !!err.hint,
        JSON.stringify(values),
      );
    }
  });

  it('the corpus samples name their recipe with TYPE', () => {
    assert.equal(recipeOf(parseEnv(fixture('traefik.env.sample'), 'f').values()).name, 'traefik');
    assert.throws(() => recipeOf(parseEnv(fixture('bookshelfng.env.sample'), 'f').values()), isUserError);
  });
});

describe('withRecipeVersion', () => {
  it('records the version in the TYPE line and leaves every other byte alone', () => {
    const text = fixture('traefik.env.sample');
    const out = withRecipeVersion(parseEnv(text, 'f'), '2.0.0+v2.4.8').toString();
    assert.equal(out, text.replace('TYPE=traefik\n', 'TYPE=traefik:2.0.0+v2.4.8\n'));
    const back = withRecipeVersion(parseEnv(out, 'f'), undefined).toString();
    assert.equal(back, text);
  });

  it('replaces a recorded version, in the RECIPE line when there is one', () => {
    const doc = parseEnv('TYPE=old\nRECIPE=app:1.0.0+1 # pinned\n', 'f');
    assert.equal(
      withRecipeVersion(doc, 'abc123', true).toString(),
      'TYPE=old\nRECIPE=app:abc123+U # pinned\n',
    );
  });
});

describe('readAbraShExports', () => {
  it('reads the export lines of the corpus abra.sh files', () => {
    assert.deepEqual(readAbraShExports(fixture('traefik.abra.sh')), {
      TRAEFIK_YML_VERSION: 'v9',
      FILE_PROVIDER_YML_VERSION: 'v2',
      ENTRYPOINT_VERSION: 'v1',
    });
    assert.deepEqual(readAbraShExports(fixture('bonfire-deploy.abra.sh')), { APP_ENTRYPOINT_VERSION: 'v1' });
    assert.equal(Object.keys(readAbraShExports(fixture('custom-php.abra.sh'))).length, 5);
    assert.equal(readAbraShExports(fixture('wordpress.abra.sh')).MSMTP_CONF_VERSION, 'v3');
  });

  it('takes column-0 exports only, strips quotes and comments, skips what needs a shell', () => {
    const script = [
      '#!/usr/bin/env bash',
      'export A_VERSION=v1',
      'export B_VERSION="v2"  # bumped',
      "export C_VERSION='v3'",
      'export D_VERSION=v4 # note',
      'export A_VERSION=v5\r',
      'abra_backup() {',
      '  export INSIDE=1',
      '\texport TABBED=1',
      '}',
      '# export COMMENTED=1',
      'export DYNAMIC=$(date)',
      'export REF="$A_VERSION"',
      'export TICK=`x`',
      'export EMPTY=',
      'export TWO=1 THREE=2',
      'export NOEQ',
      'exportX=1',
      'export lower_case=ok',
      '',
    ].join('\n');
    assert.deepEqual(readAbraShExports(script), {
      A_VERSION: 'v5',
      B_VERSION: 'v2',
      C_VERSION: 'v3',
      D_VERSION: 'v4',
      lower_case: 'ok',
    });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  anyRecipeNameProblem,
  gitPathNameProblem,
  gitPathUrl,
  recipeDirName,
  recipeShortName,
} from '../../src/domain/recipe/name.js';
import { classifyRecipeTarget } from '../../src/domain/recipe/source.js';
import { abraPaths } from '../../src/infra/store/paths.js';
import { RecipeStore, recipeDirOf } from '../../src/infra/store/recipes.js';

const paths = abraPaths({ ABRA_DIR: '/abra' });
const store = new RecipeStore(paths);

describe('git-path recipe names (Go abra: "/" and "." flattened to "_")', () => {
  const golden: [string, string, string, string][] = [
    ['mygit.org/org/recipe', 'mygit_org_org_recipe', 'recipe', 'https://mygit.org/org/recipe.git'],
    [
      'mygit.org/myorg/cool-recipe',
      'mygit_org_myorg_cool-recipe',
      'cool-recipe',
      'https://mygit.org/myorg/cool-recipe.git',
    ],
    [
      'git.example.co.uk/a/b/c.d',
      'git_example_co_uk_a_b_c_d',
      'c.d',
      'https://git.example.co.uk/a/b/c.d.git',
    ],
    ['host.tld/recipe', 'host_tld_recipe', 'recipe', 'https://host.tld/recipe.git'],
    ['wordpress', 'wordpress', 'wordpress', ''],
    ['my.recipe', 'my.recipe', 'my.recipe', ''],
  ];
  for (const [name, dir, short, url] of golden)
    it(`${name} -> recipes/${dir}`, () => {
      assert.equal(anyRecipeNameProblem(name), undefined);
      assert.equal(recipeDirName(name), dir);
      assert.equal(recipeShortName(name), short);
      assert.equal(store.dirOf(name), `/abra/recipes/${dir}`);
      assert.equal(recipeDirOf(paths, name), `/abra/recipes/${dir}`);
      if (url) assert.equal(gitPathUrl(name), url);
    });

  const hostile: [string, RegExp][] = [
    ['mygit.org/../etc', /contains "\.\."/],
    ['mygit.org/org/..', /contains "\.\."/],
    ['mygit.org//recipe', /part "" is unusable: it is empty/],
    ['mygit.org/org/', /part "" is unusable/],
    ['/etc/passwd', /it is an absolute path/],
    ['../demo', /it contains "\.\."/],
    ['localhost/org/recipe', /host "localhost" is not a host name with a dot/],
    ['-x.org/org/recipe', /host "-x\.org"/],
    ['mygit.org/-rf', /part "-rf" is unusable/],
    ['mygit.org/org/.hidden', /starts with "\."/],
    ['mygit.org/org/re\ncipe', /characters other than/],
    ['mygit.org/org/re\x00cipe', /characters other than/],
    ['my git.org/org/recipe', /host "my git\.org"/],
    ['mygit.org:22/org/recipe', /host "mygit\.org:22"/],
    ['mygit.org\\org/recipe', /host/],
    [`mygit.org/org/${'r'.repeat(95)}`, /directory name .* is unusable: it is longer than 100/],
  ];
  for (const [name, why] of hostile)
    it(`refuses ${JSON.stringify(name)}`, () => {
      assert.match(gitPathNameProblem(name) ?? '', why);
      assert.throws(() => store.dirOf(name), /is not a valid recipe name/);
      assert.throws(() => recipeDirOf(paths, name), /is not a recipe under/);
    });

  it('plain names keep their rules: .., leading - and control characters refused', () => {
    for (const name of ['..', '.x', '-rf', 'a\tb', 'a b', ''])
      assert.throws(() => store.dirOf(name), /is not a valid recipe name/, JSON.stringify(name));
  });

  it('classifyRecipeTarget: a host-like first segment is a git path; other slashes are local paths', () => {
    assert.deepEqual(classifyRecipeTarget('mygit.org/org/recipe', '/cwd', '/home'), {
      kind: 'name',
      name: 'mygit.org/org/recipe',
    });
    assert.deepEqual(classifyRecipeTarget('./mygit.org/org/recipe', '/cwd', '/home'), {
      kind: 'path',
      path: '/cwd/mygit.org/org/recipe',
      name: 'recipe',
    });
    assert.equal(classifyRecipeTarget('examples/recipes/hello', '/cwd', '/home').kind, 'path');
    assert.equal(classifyRecipeTarget('/srv/mygit.org/x', '/cwd', '/home').kind, 'path');
    assert.equal(classifyRecipeTarget('https://mygit.org/org/recipe.git', '/cwd', '/home').kind, 'url');
  });
});

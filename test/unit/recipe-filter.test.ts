import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type FilterableRecipe,
  filterRecipes,
  hasFeature,
  type RecipeFilter,
} from '../../src/domain/catalogue/filter.js';

const RECIPES: FilterableRecipe[] = [
  {
    name: 'gitea',
    category: 'Development',
    description: 'Git with a cup of tea',
    features: { backups: 'Yes', healthcheck: 'Yes', email: '3', sso: 'Yes', tests: '2', status: 3 },
  },
  {
    name: 'mediawiki',
    category: 'Apps',
    description: 'The wiki engine of Wikipedia',
    features: { backups: 'Yes', healthcheck: 'No', email: '0', sso: 'N/A', tests: '' },
  },
  {
    name: 'wiki-js',
    category: 'apps',
    description: 'A modern wiki',
    features: { backups: 'No', healthcheck: 'Yes', email: '1', sso: '2, via keycloak', tests: '0' },
  },
  { name: 'my-local-wiki' },
];

function names(filter: Partial<RecipeFilter>): string[] {
  return filterRecipes(RECIPES, { features: [], words: [], ...filter }).map((r) => r.name);
}

describe('recipe ls filters (golden)', () => {
  const cases: [string, Partial<RecipeFilter>, string[]][] = [
    ['no filter: everything', {}, ['gitea', 'mediawiki', 'wiki-js', 'my-local-wiki']],
    ['category, case-insensitive', { category: 'APPS' }, ['mediawiki', 'wiki-js']],
    ['category nobody has', { category: 'Games' }, []],
    ['feature backups (Yes)', { features: ['backups'] }, ['gitea', 'mediawiki']],
    ['feature healthcheck', { features: ['healthcheck'] }, ['gitea', 'wiki-js']],
    ['feature sso: a score counts, N/A does not', { features: ['sso'] }, ['gitea', 'wiki-js']],
    ['feature email: 0 does not count', { features: ['email'] }, ['gitea', 'wiki-js']],
    ['feature tests: empty and 0 do not count', { features: ['tests'] }, ['gitea']],
    ['two features AND', { features: ['backups', 'healthcheck'] }, ['gitea']],
    ['a word in the name', { words: ['wiki'] }, ['mediawiki', 'wiki-js', 'my-local-wiki']],
    ['a word in the description only', { words: ['Wikipedia'] }, ['mediawiki']],
    ['words AND, any case', { words: ['WIKI', 'modern'] }, ['wiki-js']],
    [
      'category + feature + word',
      { category: 'apps', features: ['backups'], words: ['wiki'] },
      ['mediawiki'],
    ],
    ['a local-only recipe never matches a feature', { features: ['backups'], words: ['local'] }, []],
  ];
  for (const [title, filter, expected] of cases)
    it(title, () => {
      assert.deepEqual(names(filter), expected);
    });

  it('hasFeature reads the README scores', () => {
    const yes = ['Yes', 'yes', ' Yes (partial)', '1', '3', '2, via keycloak', 4];
    const no = ['No', 'N/A', '0', '', 'maybe', 0, undefined, null, true];
    for (const v of yes) assert.equal(hasFeature(v), true, String(v));
    for (const v of no) assert.equal(hasFeature(v), false, String(v));
  });
});

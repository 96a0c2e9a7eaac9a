import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultDomain, firstLine, recipeChoices, versionChoices } from '../../src/domain/prompt/choices.js';
import type { CatalogueEntry } from '../../src/domain/recipe/catalogue.js';
import { domainProblem } from '../../src/services/app/new-ask.js';

const entry = (name: string, more: Partial<CatalogueEntry> = {}): CatalogueEntry => ({
  name,
  features: {},
  versions: [],
  ...more,
});

describe('recipe choices (golden)', () => {
  it('fetched recipes first, then the catalogue; each by name, with what is known about it', () => {
    const catalogue = new Map([
      ['alpha', entry('alpha', { description: '# Alpha\n\nA wiki for everyone' })],
      ['gamma', entry('gamma', { category: 'Apps' })],
      ['delta', entry('delta')],
      ['zeta', entry('zeta', { description: 'x'.repeat(80) })],
    ]);
    assert.deepEqual(recipeChoices(['beta', 'alpha'], catalogue), [
      { value: 'alpha', hint: 'fetched: Alpha' },
      { value: 'beta', hint: 'fetched' },
      { value: 'delta', hint: 'catalogue, fetched when chosen' },
      { value: 'gamma', hint: 'catalogue, fetched when chosen: Apps' },
      { value: 'zeta', hint: `catalogue, fetched when chosen: ${'x'.repeat(59)}…` },
    ]);
  });

  it('without a catalogue copy, only what is fetched; nothing at all gives no choices', () => {
    assert.deepEqual(recipeChoices(['b', 'a'], undefined), [
      { value: 'a', hint: 'fetched' },
      { value: 'b', hint: 'fetched' },
    ]);
    assert.deepEqual(recipeChoices([], undefined), []);
  });
});

describe('version choices (golden)', () => {
  it('keeps the given order; the hint is the first line of the notes and marks the deployed one', () => {
    assert.deepEqual(
      versionChoices(
        [
          { version: '2.0.0+1', notes: '## Breaking\n\nThe config moved.' },
          { version: '1.1.0+1', notes: '' },
          { version: '1.0.0+1', notes: 'First.' },
        ],
        '1.0.0+1',
      ),
      [
        { value: '2.0.0+1', hint: 'Breaking' },
        { value: '1.1.0+1' },
        { value: '1.0.0+1', hint: 'deployed: First.' },
      ],
    );
  });

  it('first lines skip blank lines and heading marks', () => {
    assert.equal(firstLine('\n\n  # Title  \nbody'), 'Title');
    assert.equal(firstLine(''), '');
    assert.equal(firstLine('\n \n'), '');
  });

  it('the default domain is <recipe>.<server>, as abra proposes', () => {
    assert.equal(defaultDomain('wordpress', 'coop.example.org'), 'wordpress.coop.example.org');
  });
});

describe('domain answers', () => {
  const taken = new Map([
    ['blog.example.com', 'App blog.example.com already exists on server alpha'],
    ['stack:wiki_example_com', 'App wiki.example.com on beta already uses that stack name'],
  ]);

  it('a valid, free domain passes', () => {
    assert.equal(domainProblem('new.example.com', taken), undefined);
  });

  it('an invalid one is refused with the same reason and fix as `app new -D`', () => {
    assert.equal(
      domainProblem('not_a_domain', taken),
      '"not_a_domain" is not a valid domain. An app is named after its domain: letters, digits and "-" in dot-separated labels, e.g. cloud.example.com.',
    );
    assert.match(domainProblem('', taken) ?? '', /is not a valid domain/);
    assert.match(
      domainProblem(Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.'), taken) ?? '',
      /exceed 255 bytes/,
    );
  });

  it('a taken name or stack name is refused, naming the app that has it', () => {
    assert.equal(
      domainProblem('blog.example.com', taken),
      'App blog.example.com already exists on server alpha',
    );
    assert.equal(domainProblem('wiki-example.com', taken), undefined);
    assert.equal(
      domainProblem('wiki.example.com', taken),
      'App wiki.example.com on beta already uses that stack name',
    );
  });
});

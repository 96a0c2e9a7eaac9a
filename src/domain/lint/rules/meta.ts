import { ENV_SAMPLE, README } from '../prepare.js';
import { missingMetadata, readMetadata } from '../readme.js';
import type { LintRule } from '../types.js';

/** R006: the catalogue lists a release, so operators can `abra app new` it. */
export const publishedVersion: LintRule = {
  id: 'R006',
  severity: 'warn',
  title: 'has published catalogue version',
  howToFix:
    'Publish a release (push an annotated X.Y.Z+upstream tag; `abra recipe versions <recipe>` shows what is tagged), then regenerate the catalogue.',
  skip: (input) => (input.catalogue.state === 'absent' ? input.catalogue.reason : undefined),
  check(input) {
    if (input.catalogue.state === 'absent') return [];
    const entry = input.catalogue.entry;
    if (entry === undefined) return [{ message: `recipe ${input.recipe} is not in the catalogue` }];
    if (entry.versions.length === 0)
      return [{ message: `the catalogue lists no versions of ${input.recipe}` }];
    return [];
  },
};

/** R007: the README metadata block feeds the catalogue's feature scores. */
export const metadataFilledIn: LintRule = {
  id: 'R007',
  severity: 'warn',
  title: 'README.md metadata filled in',
  howToFix:
    'Add to README.md a block `<!-- metadata -->` ... `<!-- endmetadata -->` with lines `* **Category**: ...` for Category, Status, Image, Healthcheck, Backups, Email, Tests and SSO.',
  check(input) {
    if (input.readme === undefined) return [{ message: `no ${README}` }];
    const meta = readMetadata(input.readme);
    if (meta === undefined) return [{ message: `${README} has no <!-- metadata --> block`, file: README }];
    const missing = missingMetadata(meta);
    return missing.length === 0
      ? []
      : [{ message: `metadata lacks ${missing.join(', ')}`, file: README, line: meta.line }];
  },
};

/** R008: apps are created by copying .env.sample; without it abra cannot make one. */
export const envSamplePresent: LintRule = {
  id: 'R008',
  severity: 'error',
  title: '.env.sample provided',
  howToFix:
    'Add a readable .env.sample at the recipe root (TYPE=<recipe>, DOMAIN=<recipe>.example.com, LETS_ENCRYPT_ENV=production, SECRET_*_VERSION=v1 lines...).',
  check(input) {
    if (input.envSampleError) return [input.envSampleError];
    return input.envSample ? [] : [{ message: `no ${ENV_SAMPLE} at the recipe root` }];
  },
};

/** R013: the recipe is published where abra fetches recipes from by name. */
export const recipeRepoExists: LintRule = {
  id: 'R013',
  severity: 'warn',
  title: 'git.coopcloud.tech repo exists',
  howToFix: 'Publish the recipe as a repository under git.coopcloud.tech/coop-cloud/<recipe>.',
  skip: (input) => (input.repo.state === 'skipped' ? input.repo.reason : undefined),
  check: (input) =>
    input.repo.state === 'checked' && !input.repo.exists
      ? [{ message: `${input.repo.url} does not exist` }]
      : [],
};

/** R014: lightweight tags carry no message or tagger and break `abra recipe release`. */
export const annotatedTags: LintRule = {
  id: 'R014',
  severity: 'error',
  title: 'only annotated tags used for recipe version',
  howToFix:
    'Re-create each lightweight tag as annotated: `git tag -a -f -m "chore: publish <tag> release" <tag> <tag>^{}`, then push it with `git push -f origin <tag>`.',
  check: (input) =>
    input.tags.filter((t) => !t.annotated).map((t) => ({ message: `tag ${t.name} is a lightweight tag` })),
};

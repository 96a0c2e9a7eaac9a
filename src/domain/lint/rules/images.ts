import { splitImageRef } from '../../recipe/image.js';
import { at, locate, valueAt } from '../locate.js';
import { loadedServices, type ServiceView, unlessLoaded } from '../services.js';
import type { Finding, LintInput, LintRule } from '../types.js';

// Tags that name a moving target rather than a release. Go abra only rejects `latest`; the
// others are as unpinned in practice (`testing` is in the corpus).
const UNSTABLE = new Set([
  'latest',
  'stable',
  'testing',
  'edge',
  'nightly',
  'dev',
  'develop',
  'main',
  'master',
]);
// Like the tagcmp package abra uses: optional v, 1-4 numeric parts, optional -suffix.
const SEMVER_LIKE = /^v?\d+(\.\d+){0,3}(-[0-9A-Za-z][0-9A-Za-z._-]*)?$/;

function imageFindings(
  input: LintInput,
  judge: (v: ServiceView, image: string, tag: string) => string | undefined,
): Finding[] {
  return loadedServices(input).flatMap((v) => {
    const image = v.service.image ?? '';
    if (image === '') return [];
    const ref = splitImageRef(image);
    const problem = judge(v, image, ref.digest !== undefined && ref.tag === '' ? '@digest' : ref.tag);
    return problem ? [at(locate(input, ['services', v.name, 'image'], v.files), problem)] : [];
  });
}

/** R003: an image without a tag is `latest`, whatever that is on deploy day. */
export const imagesTagged: LintRule = {
  id: 'R003',
  severity: 'warn',
  title: 'all images use a tag',
  howToFix: 'Pin every image to a tag, e.g. `image: nginx:1.27.2`.',
  skip: unlessLoaded,
  check: (input) =>
    imageFindings(input, (v, image, tag) =>
      tag === '' ? `service ${v.name}: image ${image} has no tag (means latest)` : undefined,
    ),
};

/** R004: moving tags make deploys unrepeatable and upgrades invisible. */
export const noUnstableTags: LintRule = {
  id: 'R004',
  severity: 'warn',
  title: 'no unstable tags',
  howToFix: 'Use a release tag instead of a moving one (latest, testing, edge, nightly, ...).',
  skip: unlessLoaded,
  check: (input) =>
    imageFindings(input, (v, image, tag) => {
      const head = tag.split('-')[0] ?? '';
      return UNSTABLE.has(tag) || UNSTABLE.has(head)
        ? `service ${v.name}: image ${image} uses the moving tag "${tag}"`
        : undefined;
    }),
};

/** R005: `recipe upgrade` and the catalogue compare tags as versions. */
export const semverLikeTags: LintRule = {
  id: 'R005',
  severity: 'warn',
  title: 'tags use semver-like format',
  howToFix:
    'Use version-shaped tags (1.2.3, v1.2, 10.6-alpine) so upgrades and the catalogue can compare them as versions.',
  skip: unlessLoaded,
  check: (input) =>
    imageFindings(input, (v, image, tag) =>
      tag === '' || tag === '@digest' || SEMVER_LIKE.test(tag)
        ? undefined
        : `service ${v.name}: tag "${tag}" of ${image} is not version-like`,
    ),
};

/** R011: swarm cannot create a service without an image. */
export const imagesPresent: LintRule = {
  id: 'R011',
  severity: 'error',
  title: 'all services have images',
  howToFix:
    'Set `image:` on every service (swarm does not build images); if it comes from a variable, set it in .env.sample.',
  skip: unlessLoaded,
  check: (input) =>
    loadedServices(input).flatMap((v) =>
      (v.service.image ?? '') === ''
        ? [
            at(
              locate(input, ['services', v.name, 'image'], v.files),
              `service ${v.name} has no image${imageVarNote(input, v)}`,
            ),
          ]
        : [],
    ),
};

function imageVarNote(input: LintInput, v: ServiceView): string {
  for (const f of input.composeFiles.filter((c) => v.files.includes(c.file)).reverse()) {
    const text = valueAt(f.parsed?.data, ['services', v.name, 'image']);
    if (typeof text === 'string') return ` (${JSON.stringify(text)} is empty with the .env.sample values)`;
  }
  return '';
}

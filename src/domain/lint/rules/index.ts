import type { LintRule } from '../types.js';
import { appService, composeVersion, healthchecks, traefikEnabled } from './compose.js';
import { composeVarsDeclared, sampleKeysUsed, versionLabel } from './env.js';
import { objectFilesInside } from './files.js';
import { imagesPresent, imagesTagged, noUnstableTags, semverLikeTags } from './images.js';
import { composeFileNamesExist, composeLoads } from './loading.js';
import {
  annotatedTags,
  envSamplePresent,
  metadataFilledIn,
  publishedVersion,
  recipeRepoExists,
} from './meta.js';
import { objectNameLengths, secretLengths } from './names.js';
import { definitionsUsed, referencesDefined } from './refs.js';
import { weakSecrets } from './secrets.js';
import { healthWithinMonitor, hostPortsStopFirst, swarmIgnoredKeys } from './swarm.js';
import {
  abraShExportsUsed,
  configVersionsVendored,
  secretVersionsDeclared,
  versionedNames,
  versionVarNames,
} from './versions.js';

/** Go abra's rules (same ids, severities and meaning), then ours. */
export const LINT_RULES: readonly LintRule[] = [
  composeVersion,
  healthchecks,
  imagesTagged,
  noUnstableTags,
  semverLikeTags,
  publishedVersion,
  metadataFilledIn,
  envSamplePresent,
  appService,
  traefikEnabled,
  imagesPresent,
  configVersionsVendored,
  recipeRepoExists,
  annotatedTags,
  secretLengths,
  composeLoads,
  composeFileNamesExist,
  swarmIgnoredKeys,
  referencesDefined,
  definitionsUsed,
  versionedNames,
  versionVarNames,
  secretVersionsDeclared,
  objectNameLengths,
  healthWithinMonitor,
  hostPortsStopFirst,
  versionLabel,
  abraShExportsUsed,
  composeVarsDeclared,
  sampleKeysUsed,
  weakSecrets,
  objectFilesInside,
];

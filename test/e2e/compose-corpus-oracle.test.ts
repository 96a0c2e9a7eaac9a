import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { recipeVariants } from '../helpers/recipe-variants.js';
import { dockerStackConfig, mapLimited, ourStackConfig } from '../helpers/stack-config.js';

const CORPUS = new URL('../fixtures/recipes/', import.meta.url).pathname;
const recipes = readdirSync(CORPUS).filter((d) => statSync(join(CORPUS, d)).isDirectory());

describe('every corpus recipe loads exactly as `docker stack config` loads it', () => {
  for (const recipe of recipes) {
    it(recipe, async () => {
      const variants = recipeVariants(join(CORPUS, recipe), recipe);
      // Also each variant's overlays in a shuffled order: merge order matters and must match.
      const shuffled = variants
        .filter((v) => v.files.length > 2)
        .map((v) => {
          const [first, ...rest] = v.files;
          const order =
            fc.sample(fc.shuffledSubarray(rest, { minLength: rest.length }), {
              numRuns: 1,
              seed: rest.length,
            })[0] ?? rest;
          return { ...v, label: `${v.label} (overlays shuffled)`, files: [first as string, ...order] };
        });
      const all = [...variants, ...shuffled];
      const results = await mapLimited(all, 4, async (v) => ({
        v,
        theirs: await dockerStackConfig(v.files, v.env),
        ours: ourStackConfig(v.files, v.env),
      }));
      for (const { v, theirs, ours } of results) {
        const label = `${recipe} [${v.label}] files=${v.files.map((f) => f.slice(CORPUS.length + recipe.length + 1)).join(':')}`;
        assert.equal(
          ours.ok,
          theirs.ok,
          `${label}: docker ${theirs.ok ? 'accepts' : `rejects (${(theirs as { error: string }).error})`}, we ${ours.ok ? 'accept' : `reject (${(ours as { error: string }).error})`}`,
        );
        if (ours.ok && theirs.ok) assert.deepEqual(ours.json, theirs.json, label);
      }
    });
  }
});

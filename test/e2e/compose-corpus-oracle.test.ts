import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { createComposeValidator } from '../../src/domain/compose/schema/index.js';
import { parseComposeYaml } from '../../src/domain/compose/yaml.js';
import { abra } from '../helpers/cli.js';
import { type RecipeVariant, recipeVariants } from '../helpers/recipe-variants.js';
import {
  dockerStackConfig,
  mapLimited,
  normalizeOracle,
  type Outcome,
  ourStackConfig,
} from '../helpers/stack-config.js';

const FIXTURES = new URL('../fixtures/recipes/', import.meta.url).pathname;
// The recipes live in a throwaway ABRA_DIR so the CLI, the library and docker see one path.
const abraDir = mkdtempSync(join(tmpdir(), 'abra-oracle-'));
const recipesDir = join(abraDir, 'recipes');
cpSync(FIXTURES, recipesDir, { recursive: true });
after(() => rmSync(abraDir, { recursive: true, force: true }));
const validator = createComposeValidator();
const recipes = readdirSync(recipesDir).filter((d) => statSync(join(recipesDir, d)).isDirectory());

function describeOutcome(o: Outcome): string {
  return o.ok ? 'accepts' : `rejects (${o.error.split('\n')[0]})`;
}

/** `abra recipe compose <recipe> --env <file> --machine`, the command users debug with. */
async function viaCli(v: RecipeVariant, i: number): Promise<Outcome> {
  const envFile = join(abraDir, `${v.recipe}-${i}`, `${v.domain}.env`);
  mkdirSync(join(abraDir, `${v.recipe}-${i}`), { recursive: true });
  const files = v.files.map((f) => f.slice(join(recipesDir, v.recipe).length + 1)).join(':');
  // The shuffled variants pass their order through COMPOSE_FILE.
  writeFileSync(envFile, `${v.envText}COMPOSE_FILE=${files}\n`);
  const res = await abra(['recipe', 'compose', v.recipe, '--env', envFile, '--machine'], {
    PATH: process.env.PATH,
    HOME: abraDir,
    ABRA_DIR: abraDir,
  });
  if (res.code !== 0) return { ok: false, error: res.stderr };
  return { ok: true, json: normalizeOracle(JSON.parse(res.stdout)) };
}

let compared = 0;
describe('every corpus recipe loads exactly as `docker stack config` loads it', () => {
  after(() => assert.ok(compared >= 30, `compared ${compared} recipe/overlay combinations`));
  for (const recipe of recipes) {
    it(recipe, async () => {
      const variants = recipeVariants(join(recipesDir, recipe), recipe);
      // Each variant's overlays also in a shuffled order: merge order matters and must match.
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
      const results = await mapLimited(all, 4, async (v, i) => ({
        v,
        theirs: await dockerStackConfig(v.files, v.env),
        ours: ourStackConfig(v.files, v.env, validator),
        cli: await viaCli(v, i),
      }));
      for (const { v, theirs, ours, cli } of results) {
        compared++;
        const label = `${recipe} [${v.label}] files=${v.files.map((f) => f.slice(recipesDir.length + recipe.length + 2)).join(':')}`;
        assert.equal(
          ours.ok,
          theirs.ok,
          `${label}: docker ${describeOutcome(theirs)}, we ${describeOutcome(ours)}`,
        );
        assert.equal(
          cli.ok,
          theirs.ok,
          `${label}: docker ${describeOutcome(theirs)}, abra recipe compose ${describeOutcome(cli)}`,
        );
        if (ours.ok && theirs.ok) assert.deepEqual(ours.json, theirs.json, label);
        if (cli.ok && theirs.ok) assert.deepEqual(cli.json, theirs.json, `${label} (CLI)`);
      }
    });
  }
});

describe('the oracle comparison itself', () => {
  it('notices a difference', () => {
    const a = parseComposeYaml('services: {app: {image: "x:1"}}', 'a').data;
    const b = parseComposeYaml('services: {app: {image: "x:2"}}', 'b').data;
    assert.notDeepEqual(normalizeOracle(a), normalizeOracle(b));
  });
});

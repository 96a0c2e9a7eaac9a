import { isUserError } from '../../errors.js';
import { composeEnv } from '../compose/app-env.js';
import { type ComposeSchemaValidator, loadCompose } from '../compose/load.js';
import { parseComposeYaml } from '../compose/yaml.js';
import { readAbraShExports } from '../env/abra-sh.js';
import { readEnvSample, sampleValues } from './sample.js';
import type {
  AbraSh,
  CatalogueFacts,
  ComposeFile,
  ComposeVariant,
  EnvSample,
  Finding,
  LintInput,
  RepoFacts,
  TagFact,
} from './types.js';
import { BASE_COMPOSE, composeFileRefs, isRootComposeName, planVariants } from './variants.js';

export const ENV_SAMPLE = '.env.sample';
export const ABRA_SH = 'abra.sh';
export const README = 'README.md';

/** What the service read from disk and git: file texts by path relative to the recipe. */
export interface RecipeSources {
  recipe: string;
  /** The recipe directory (relative bind mounts and config files resolve against it). */
  dir: string;
  files: Readonly<Record<string, string>>;
  tags: TagFact[];
  catalogue: CatalogueFacts;
  repo: RepoFacts;
  /** Recipe-relative paths of symlinks whose target is outside the recipe. */
  linksOut?: readonly string[];
}

/**
 * Parse and load everything the rules need. Nothing here throws for a broken recipe: every
 * file that does not parse or load becomes a finding of the rule that reports it.
 */
export function prepareLintInput(src: RecipeSources, validator?: ComposeSchemaValidator): LintInput {
  const { sample, error: envSampleError } = readSample(src.files[ENV_SAMPLE]);
  const abraSh = readAbraSh(src.files[ABRA_SH]);
  const refs = composeFileRefs(sample);
  const named = refs.flatMap((r) => r.files);
  const composeNames = Object.keys(src.files)
    .filter((f) => (!f.includes('/') && isRootComposeName(f)) || named.includes(f))
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const composeFiles = composeNames.map((f) => parseFile(f, src.files[f]!));
  const values = sample ? sampleValues(sample) : {};
  const domain = values.DOMAIN || `${src.recipe}.example.com`;
  const env = composeEnv(values, abraSh?.exports ?? {}, domain);
  const variants = planVariants(composeNames, refs).map((files) =>
    loadVariant(files, composeFiles, src.dir, env, validator),
  );
  return {
    recipe: src.recipe,
    dir: src.dir,
    linksOut: src.linksOut ?? [],
    composeFiles,
    composeFileRefs: refs,
    variants,
    envSample: sample,
    envSampleError,
    abraSh,
    readme: src.files[README],
    tags: src.tags,
    catalogue: src.catalogue,
    repo: src.repo,
    env,
  };
}

function rank(file: string): number {
  return file === BASE_COMPOSE ? 0 : 1;
}

function readSample(text: string | undefined): { sample?: EnvSample; error?: Finding } {
  if (text === undefined) return {};
  try {
    return { sample: readEnvSample(text, ENV_SAMPLE) };
  } catch (err) {
    if (!isUserError(err)) throw err;
    return { error: findingOf(err.message, err.where) };
  }
}

function readAbraSh(text: string | undefined): AbraSh | undefined {
  if (text === undefined) return undefined;
  const lines: Record<string, number> = {};
  text.split('\n').forEach((line, i) => {
    const m = /^export[ \t]+([A-Za-z_][A-Za-z0-9_]*)=/.exec(line);
    if (m && !(m[1]! in lines)) lines[m[1]!] = i + 1;
  });
  return { text, exports: readAbraShExports(text), lines };
}

function parseFile(file: string, text: string): ComposeFile {
  try {
    return { file, text, parsed: parseComposeYaml(text, file), error: undefined };
  } catch (err) {
    if (!isUserError(err)) throw err;
    return { file, text, parsed: undefined, error: findingOf(err.message, err.where) };
  }
}

function loadVariant(
  files: string[],
  all: ComposeFile[],
  dir: string,
  env: Record<string, string>,
  validator: ComposeSchemaValidator | undefined,
): ComposeVariant {
  const sources = files.map((f) => ({ file: f, text: all.find((c) => c.file === f)?.text ?? '' }));
  try {
    const config = loadCompose({ files: sources, workingDir: dir, env, ...(validator ? { validator } : {}) });
    return { files, config, error: undefined };
  } catch (err) {
    if (!isUserError(err)) throw err;
    return { files, config: undefined, error: findingOf(err.message, err.where) };
  }
}

/** A loader error as a finding: `where` is `file:line[:col][ (key)]` with our relative names. */
export function findingOf(message: string, where: string | undefined): Finding {
  const text = message.replace(/\n\s*/g, '; ');
  const m = where === undefined ? null : /^(.+?)(?::(\d+))?(?::\d+)?(?: \((.*)\))?$/.exec(where);
  if (!m) return { message: text };
  const f: Finding = { message: m[3] ? `${text} (at ${m[3]})` : text, file: m[1]! };
  if (m[2] !== undefined) f.line = Number(m[2]);
  return f;
}

import type { ComposeConfig } from '../compose/types.js';
import type { ParsedYaml } from '../compose/yaml.js';
import type { CatalogueEntry } from '../recipe/catalogue.js';

export type Severity = 'error' | 'warn';

/** One problem a rule found. `file` is relative to the recipe directory. */
export interface Finding {
  message: string;
  file?: string;
  line?: number;
}

/** A lint rule as data: the runner decides skip/satisfied, rules only look at the input. */
export interface LintRule {
  id: string;
  severity: Severity;
  title: string;
  howToFix: string;
  check(input: LintInput): Finding[];
  /** A reason when the rule cannot be judged for this recipe (no network, not a web app...). */
  skip?(input: LintInput): string | undefined;
}

export interface RuleResult {
  id: string;
  severity: Severity;
  title: string;
  howToFix: string;
  /** False for a skipped rule too: nothing was shown to hold. */
  satisfied: boolean;
  skipped: boolean;
  skipReason?: string;
  findings: Finding[];
}

export interface LintReport {
  results: RuleResult[];
  /** Error-level rules that failed (not skipped): any makes `recipe lint` exit 1. */
  errors: number;
  warnings: number;
}

/** A compose file as written, kept raw so findings can name its lines. */
export interface ComposeFile {
  file: string;
  text: string;
  parsed: ParsedYaml | undefined;
  error: Finding | undefined;
}

/** One COMPOSE_FILE combination, loaded like `docker stack config` would. */
export interface ComposeVariant {
  files: string[];
  config: ComposeConfig | undefined;
  error: Finding | undefined;
}

export interface SampleKey {
  key: string;
  line: number;
  value: string;
  /** The line's trailing-comment modifiers (`# length=32`), as secrets read them. */
  modifiers?: Readonly<Record<string, string>>;
}

/** `.env.sample`: active assignments are required settings, `#KEY=` lines optional ones. */
export interface EnvSample {
  file: string;
  active: SampleKey[];
  commented: SampleKey[];
  /** Text of every value, for "is this key referenced" checks. */
  text: string;
}

/** A COMPOSE_FILE line of .env.sample (active or commented) and the files it names. */
export interface ComposeFileRef {
  line: number;
  active: boolean;
  files: string[];
}

export interface AbraSh {
  text: string;
  exports: Record<string, string>;
  /** Line of each `export NAME=` statement. */
  lines: Record<string, number>;
}

export interface TagFact {
  name: string;
  annotated: boolean;
}

/** The local catalogue copy: absent (or unreadable, with why), or the recipe's entry in it. */
export type CatalogueFacts =
  | { state: 'absent'; reason: string }
  | { state: 'present'; entry: CatalogueEntry | undefined };

export type RepoFacts =
  | { state: 'skipped'; reason: string }
  | { state: 'checked'; url: string; exists: boolean };

/** Everything the rules look at; built without I/O by prepareLintInput. */
export interface LintInput {
  recipe: string;
  /** The recipe directory: `file:` paths the loader resolved are judged against it. */
  dir: string;
  /** Recipe-relative paths of symlinks that lead out of the recipe. */
  linksOut: readonly string[];
  /** Every compose file found, compose.yml first. */
  composeFiles: ComposeFile[];
  composeFileRefs: ComposeFileRef[];
  variants: ComposeVariant[];
  envSample: EnvSample | undefined;
  /** Why .env.sample could not be read, when it exists but is not valid. */
  envSampleError: Finding | undefined;
  abraSh: AbraSh | undefined;
  readme: string | undefined;
  tags: TagFact[];
  catalogue: CatalogueFacts;
  repo: RepoFacts;
  /** The interpolation environment the variants were loaded with. */
  env: Record<string, string>;
}

import { at } from '../locate.js';
import { ENV_SAMPLE } from '../prepare.js';
import type { Finding, LintInput, LintRule } from '../types.js';
import { BASE_COMPOSE } from '../variants.js';

/** A001: every COMPOSE_FILE combination loads as `docker stack deploy` would load it. */
export const composeLoads: LintRule = {
  id: 'A001',
  severity: 'error',
  title: 'compose files load (YAML, interpolation, schema, merge)',
  howToFix:
    'Fix the file at the line shown. Each COMPOSE_FILE combination named in .env.sample (and compose.yml with each overlay) is loaded with the .env.sample values, abra.sh exports and a sample STACK_NAME, exactly as a deploy would.',
  check(input) {
    const findings: Finding[] = [];
    if (!input.composeFiles.some((f) => f.file === BASE_COMPOSE))
      findings.push({ message: `no ${BASE_COMPOSE} in the recipe: abra loads it for every app by default` });
    for (const f of input.composeFiles) if (f.error) findings.push(f.error);
    // A broken file fails every combination it is in: report each problem once, with the
    // first (smallest) combination that shows it.
    const seen = new Set(findings.map(key));
    for (const v of input.variants) {
      if (v.error === undefined || seen.has(key(v.error))) continue;
      // A file that is not YAML at all fails every combination; it is reported above.
      if (input.composeFiles.some((f) => f.error !== undefined && f.file === v.error?.file)) continue;
      seen.add(key(v.error));
      findings.push({ ...v.error, message: `${v.error.message} (loading ${v.files.join(':')})` });
    }
    return findings;
  },
};

/** A002: the COMPOSE_FILE lines of .env.sample name files the recipe has. */
export const composeFileNamesExist: LintRule = {
  id: 'A002',
  severity: 'error',
  title: 'COMPOSE_FILE lines in .env.sample name existing files',
  howToFix:
    'Correct the file name in the COMPOSE_FILE line, or add the overlay to the recipe; an app that enables that line cannot deploy.',
  skip: (input) => (input.envSample ? undefined : 'no readable .env.sample (see R008)'),
  check(input: LintInput) {
    const have = new Set(input.composeFiles.map((f) => f.file));
    return input.composeFileRefs.flatMap((ref) =>
      ref.files
        .filter((f) => !have.has(f))
        .map((f) =>
          at(
            { file: ENV_SAMPLE, line: ref.line },
            `${ref.active ? 'COMPOSE_FILE' : 'commented COMPOSE_FILE'} names ${f}, which the recipe does not have`,
          ),
        ),
    );
  },
};

function key(f: Finding): string {
  return `${f.file}:${f.line}:${f.message}`;
}

import type { YamlMap, YamlPath, YamlValue } from './yaml.js';

/** Variable lookup: undefined means "not set", which differs from set-but-empty. */
export type Lookup = (name: string) => string | undefined;

/** A `${...}` that cannot be expanded; `path` is where in the compose file it sits. */
export class InterpolationError extends Error {
  constructor(
    message: string,
    readonly path: YamlPath,
    readonly template: string,
  ) {
    super(message);
    this.name = 'InterpolationError';
  }
}

// The same grammar as docker/cli's compose template package: `$$`, `$NAME`, `${NAME}` and
// `${NAME<op>...}` with op one of `:-`, `-`, `:?`, `?`; names are case-insensitive letters,
// digits and `_`, not starting with a digit. Anything else after `$` is an error.
const SUBST = '[_a-z][_a-z0-9]*(?::?[-?][^}]*)?';
const PATTERN = new RegExp(`\\$(?:(\\$)|(${SUBST})|\\{(${SUBST})\\}|())`, 'gi');

class TemplateError extends Error {}

/** Interpolated text of one compose file beyond which it is refused (`${A}${A}` doubling). */
export const MAX_INTERPOLATED_CHARS = 32 * 1024 * 1024;

class TooLargeError extends Error {
  constructor() {
    super(`interpolation produces more than ${MAX_INTERPOLATED_CHARS / 1024 / 1024} MiB of text`);
  }
}

/**
 * Expand one string; throws TemplateError with docker's wording for bad templates.
 *
 * docker/cli keeps one error variable for the whole string and every later `${...}` it
 * expands overwrites it, so `$-${A}` or `${A?msg}${B}` end without an error (the bad part just
 * becomes empty). Users' recipes depend on whatever docker does, so this does the same.
 */
export function substitute(template: string, lookup: Lookup, limit = MAX_INTERPOLATED_CHARS): string {
  let failure: TemplateError | undefined;
  let size = template.length;
  const result = template.replace(PATTERN, (...m: unknown[]) => {
    const [escaped, named, braced] = m.slice(1, 4) as (string | undefined)[];
    if (escaped) return escaped;
    const expr = named || braced;
    if (!expr) {
      failure = new TemplateError(`Invalid template: ${JSON.stringify(template)}`);
      return '';
    }
    const r = expand(expr, lookup);
    failure = r.error;
    size += r.value.length;
    // Checked as it grows: the whole string could exceed what a JS string can hold.
    if (size > limit) throw new TooLargeError();
    return r.value;
  });
  if (failure) throw failure;
  return result;
}

function expand(expr: string, lookup: Lookup): { value: string; error?: TemplateError } {
  // docker tries the operators in this order, each matching anywhere in the expression.
  if (expr.includes(':-')) {
    const [name, dflt] = cut(expr, ':-');
    const v = lookup(name);
    return { value: v === undefined || v === '' ? dflt : v };
  }
  if (expr.includes('-')) {
    const [name, dflt] = cut(expr, '-');
    const v = lookup(name);
    return { value: v === undefined ? dflt : v };
  }
  for (const [sep, nonEmpty] of [
    [':?', true],
    ['?', false],
  ] as const) {
    if (!expr.includes(sep)) continue;
    const [name, message] = cut(expr, sep);
    const v = lookup(name);
    if (v === undefined || (nonEmpty && v === '')) {
      return {
        value: '',
        error: new TemplateError(`required variable ${name} is missing a value: ${message}`),
      };
    }
    return { value: v };
  }
  return { value: lookup(expr) ?? '' };
}

function cut(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return [s.slice(0, i), s.slice(i + sep.length)];
}

type Cast = (value: string) => YamlValue;

const toInt: Cast = (v) => {
  if (!/^[+-]?\d+$/.test(v))
    throw new TemplateError(`failed to cast to expected type: invalid integer ${JSON.stringify(v)}`);
  const n = Number.parseInt(v, 10);
  if (!Number.isSafeInteger(n))
    throw new TemplateError(
      `failed to cast to expected type: the integer ${v} is too large to be represented exactly`,
    );
  return n;
};
const toFloat: Cast = (v) => {
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n))
    throw new TemplateError(`failed to cast to expected type: invalid float ${JSON.stringify(v)}`);
  return n;
};
const toBool: Cast = (v) => {
  const l = v.toLowerCase();
  if (['y', 'yes', 'true', 'on'].includes(l)) return true;
  if (['n', 'no', 'false', 'off'].includes(l)) return false;
  throw new TemplateError(`failed to cast to expected type: invalid boolean: ${v}`);
};

// Fields whose value may come from a variable yet must be a number or boolean: docker casts
// them after substitution (and only when substitution changed the string).
const CASTS: [string[], Cast][] = [
  [['services', '*', 'configs', '[]', 'mode'], toInt],
  [['services', '*', 'secrets', '[]', 'mode'], toInt],
  [['services', '*', 'healthcheck', 'retries'], toInt],
  [['services', '*', 'healthcheck', 'disable'], toBool],
  [['services', '*', 'deploy', 'replicas'], toInt],
  [['services', '*', 'deploy', 'update_config', 'parallelism'], toInt],
  [['services', '*', 'deploy', 'update_config', 'max_failure_ratio'], toFloat],
  [['services', '*', 'deploy', 'rollback_config', 'parallelism'], toInt],
  [['services', '*', 'deploy', 'rollback_config', 'max_failure_ratio'], toFloat],
  [['services', '*', 'deploy', 'restart_policy', 'max_attempts'], toInt],
  [['services', '*', 'deploy', 'placement', 'max_replicas_per_node'], toInt],
  [['services', '*', 'ports', '[]', 'target'], toInt],
  [['services', '*', 'ports', '[]', 'published'], toInt],
  [['services', '*', 'ulimits', '*'], toInt],
  [['services', '*', 'ulimits', '*', 'hard'], toInt],
  [['services', '*', 'ulimits', '*', 'soft'], toInt],
  [['services', '*', 'privileged'], toBool],
  [['services', '*', 'read_only'], toBool],
  [['services', '*', 'stdin_open'], toBool],
  [['services', '*', 'tty'], toBool],
  [['services', '*', 'volumes', '[]', 'read_only'], toBool],
  [['services', '*', 'volumes', '[]', 'volume', 'nocopy'], toBool],
  [['networks', '*', 'external'], toBool],
  [['networks', '*', 'internal'], toBool],
  [['networks', '*', 'attachable'], toBool],
  [['volumes', '*', 'external'], toBool],
  [['secrets', '*', 'external'], toBool],
  [['configs', '*', 'external'], toBool],
];

/** docker matches cast patterns on the dotted path, so a key containing dots never matches. */
function castFor(pattern: string[]): Cast | undefined {
  for (const [p, cast] of CASTS) {
    if (p.length === pattern.length && p.every((part, i) => part === '*' || part === pattern[i])) return cast;
  }
  return undefined;
}

/** Interpolate every string of one compose file, as docker does before validating it. */
export function interpolateConfig(config: YamlMap, lookup: Lookup): YamlMap {
  let budget = MAX_INTERPOLATED_CHARS;
  const walk = (value: YamlValue, path: YamlPath, pattern: string[]): YamlValue => {
    if (typeof value === 'string') {
      let out: string;
      try {
        out = substitute(value, lookup, budget);
      } catch (err) {
        throw wrap(err, path, value);
      }
      budget -= out.length;
      if (out === value) return value;
      const cast = castFor(pattern);
      if (!cast) return out;
      try {
        return cast(out);
      } catch (err) {
        throw wrap(err, path, value);
      }
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i], [...pattern, '[]']));
    if (value !== null && typeof value === 'object') {
      const out: YamlMap = {};
      for (const [k, v] of Object.entries(value))
        out[k] = walk(v, [...path, k], [...pattern, ...k.split('.')]);
      return out;
    }
    return value;
  };
  return walk(config, [], []) as YamlMap;
}

function wrap(err: unknown, path: YamlPath, template: string): InterpolationError {
  const dotted = path.map(String).join('.');
  const msg = err instanceof Error ? err.message : String(err);
  if (err instanceof TooLargeError)
    return new InterpolationError(`error while interpolating ${dotted}: ${msg}`, path, template);
  if (msg.startsWith('failed to cast'))
    return new InterpolationError(`error while interpolating ${dotted}: ${msg}`, path, template);
  return new InterpolationError(
    `invalid interpolation format for ${dotted}: ${JSON.stringify(msg.startsWith('Invalid template: ') ? template : msg)}; you may need to escape any $ with another $`,
    path,
    template,
  );
}

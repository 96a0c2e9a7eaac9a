// Turns ajv's raw errors (allErrors, verbose) into one clear issue per problem. A value that fits
// none of a oneOf's forms would otherwise produce an error per form; like docker/cli we follow
// the form the value was evidently meant as, or, when it has none of the forms' types, say which
// types are accepted.

import type { ErrorObject } from 'ajv';
import { parseGoDuration } from './duration.js';
import { issueAt, pointerToPath, type SchemaIssue } from './issues.js';
import { checkPortValue } from './ports.js';
import { NAME_PATTERN } from './shared.js';
import type { ComposeSchemaVersion } from './versions.js';

export interface ReduceContext {
  readonly data: unknown;
  readonly version: ComposeSchemaVersion;
  /** The first later version allowing `key` in the object at `schemaPath`, if any. */
  laterVersionAllowing(schemaPath: readonly string[], key: string): ComposeSchemaVersion | undefined;
}

const TYPE_NAMES: Readonly<Record<string, string>> = { object: 'mapping', array: 'list' };

function typeList(types: readonly string[]): string {
  const names = [...new Set(types.map((t) => TYPE_NAMES[t] ?? t))];
  const text =
    names.length < 2 ? (names[0] ?? 'value') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  return `${/^[aeiou]/.test(text) ? 'an' : 'a'} ${text}`;
}

function typesOf(schema: unknown): string[] {
  if (typeof schema === 'string') return [schema];
  if (Array.isArray(schema)) return schema.filter((t): t is string => typeof t === 'string');
  return [];
}

function schemaTypes(node: unknown): string[] {
  return typeof node === 'object' && node !== null && 'type' in node ? typesOf(node.type) : [];
}

function isInside(error: ErrorObject, outer: ErrorObject): boolean {
  const sameOrBelow =
    error.instancePath === outer.instancePath || error.instancePath.startsWith(`${outer.instancePath}/`);
  return sameOrBelow && error.schemaPath.startsWith(`${outer.schemaPath}/`);
}

const isAlternative = (e: ErrorObject): boolean => e.keyword === 'oneOf' || e.keyword === 'anyOf';

function schemaPathSteps(schemaPath: string): string[] {
  return schemaPath
    .replace(/^#\/?/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s).replaceAll('~1', '/').replaceAll('~0', '~'));
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

function unknownKeyHint(error: ErrorObject, key: string, ctx: ReduceContext): string {
  const objectPath = schemaPathSteps(error.schemaPath).slice(0, -1);
  const later = ctx.laterVersionAllowing(objectPath, key);
  if (later !== undefined)
    return ` (it needs version "${later}" or later; this file is version "${ctx.version}")`;
  const parent: unknown = error.parentSchema;
  if (typeof parent !== 'object' || parent === null) return '';
  if (
    'patternProperties' in parent &&
    typeof parent.patternProperties === 'object' &&
    parent.patternProperties
  ) {
    if (NAME_PATTERN in parent.patternProperties && !new RegExp(NAME_PATTERN).test(key)) {
      return ' (names may only contain letters, digits, ".", "_" and "-")';
    }
  }
  if ('properties' in parent && typeof parent.properties === 'object' && parent.properties) {
    const close = Object.keys(parent.properties).find((k) => k.length > 3 && editDistance(k, key) <= 2);
    if (close !== undefined) return ` (did you mean ${close}?)`;
  }
  return '';
}

function formatMessage(format: string, value: unknown): string {
  if (format === 'duration' && typeof value === 'string') {
    const parsed = parseGoDuration(value);
    const reason = parsed.ok ? '' : ` (${parsed.reason})`;
    return `${JSON.stringify(value)} is not a valid duration${reason}; write e.g. 10s, 1m30s or 2h (units: ns, us, ms, s, m, h)`;
  }
  if (format === 'ports' && (typeof value === 'string' || typeof value === 'number')) {
    const checked = checkPortValue(value);
    const reason = checked.ok ? '' : ` (${checked.reason})`;
    return `${JSON.stringify(value)} is not a valid port mapping${reason}; write [ip:][host_port:]container_port[/protocol], e.g. "8080:80"`;
  }
  return `does not match format '${format}'`;
}

function convert(error: ErrorObject, ctx: ReduceContext): SchemaIssue {
  const path = pointerToPath(error.instancePath, ctx.data);
  const params: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'type':
      return issueAt(path, 'type', `must be ${typeList(typesOf(error.schema))}`);
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const detail = `Additional property ${key} is not allowed${unknownKeyHint(error, key, ctx)}`;
      return issueAt([...path, key], 'additionalProperties', detail, path);
    }
    case 'required':
      return issueAt(path, 'required', `${String(params.missingProperty)} is required`);
    case 'enum':
      return issueAt(path, 'enum', `must be one of: ${typesOf(params.allowedValues).join(', ')}`);
    case 'minimum':
      return issueAt(path, 'minimum', `must be ${String(params.comparison)} ${String(params.limit)}`);
    case 'uniqueItems': {
      const [a, b] = [Number(params.j), Number(params.i)].sort((x, y) => x - y);
      return issueAt(path, 'uniqueItems', `must not contain duplicates (items ${a} and ${b} are equal)`);
    }
    case 'format':
      return issueAt(path, 'format', formatMessage(String(error.schema), error.data));
    default:
      return issueAt(path, error.keyword, error.message ?? `fails ${error.keyword}`);
  }
}

function reduceAlternative(
  outer: ErrorObject,
  inside: readonly ErrorObject[],
  ctx: ReduceContext,
): SchemaIssue[] {
  const branches: unknown[] = Array.isArray(outer.schema) ? outer.schema : [];
  const perBranch = branches.map((_, i) =>
    inside.filter((e) => e.schemaPath.startsWith(`${outer.schemaPath}/${i}/`)),
  );
  const typeFits = (errors: readonly ErrorObject[], i: number): boolean =>
    !errors.some(
      (e) =>
        e.keyword === 'type' &&
        e.instancePath === outer.instancePath &&
        e.schemaPath === `${outer.schemaPath}/${i}/type`,
    );
  const candidates = perBranch
    .map((errors, i) => ({ errors, i }))
    .filter(({ errors, i }) => errors.length > 0 && typeFits(errors, i));
  const path = pointerToPath(outer.instancePath, ctx.data);
  if (candidates.length === 0) {
    if (perBranch.some((errors) => errors.length === 0)) {
      return [issueAt(path, outer.keyword, 'matches more than one of the allowed forms')];
    }
    return [issueAt(path, 'type', `must be ${typeList(branches.flatMap(schemaTypes))}`)];
  }
  const best = candidates.reduce((a, b) => (b.errors.length < a.errors.length ? b : a));
  return reduceErrors(best.errors, ctx);
}

export function reduceErrors(errors: readonly ErrorObject[], ctx: ReduceContext): SchemaIssue[] {
  const alternatives = errors.filter(isAlternative);
  const outermost = alternatives.filter((a) => !alternatives.some((b) => b !== a && isInside(a, b)));
  const handled = new Set<ErrorObject>();
  const issues: SchemaIssue[] = [];
  for (const outer of outermost) {
    const inside = errors.filter((e) => e !== outer && isInside(e, outer));
    handled.add(outer);
    for (const e of inside) handled.add(e);
    issues.push(...reduceAlternative(outer, inside, ctx));
  }
  for (const error of errors) if (!handled.has(error)) issues.push(convert(error, ctx));
  return issues;
}

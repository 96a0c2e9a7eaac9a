// What validation reports: one issue per problem, with a path the caller can map to a file line.

export type IssuePath = (string | number)[];

export interface SchemaIssue {
  /**
   * Where the problem is, from the document root: keys and list indices. For an unknown key this
   * is the key itself (so it maps to the line of the key); for a missing key, its parent.
   */
  path: IssuePath;
  /**
   * The problem in docker's words, naming the place with dots: `services.app.ports.0 must be a
   * string or number`, `services.app Additional property restart_polcy is not allowed`.
   */
  message: string;
  /** What kind of check failed: type, additionalProperties, required, format, enum, ... */
  keyword: string;
}

/** docker's spelling of a place in the document: `services.app.ports.0`, `(root)` for the top. */
export function dottedPath(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

export function issueAt(
  path: IssuePath,
  keyword: string,
  detail: string,
  subject: IssuePath = path,
): SchemaIssue {
  return { path, keyword, message: `${dottedPath(subject)} ${detail}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON pointer -> path, with list indices as numbers. */
export function pointerToPath(pointer: string, data: unknown): IssuePath {
  if (pointer === '') return [];
  const path: IssuePath = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      path.push(index);
      node = node[index];
    } else {
      path.push(key);
      node = isRecord(node) ? node[key] : undefined;
    }
  }
  return path;
}

/** Position of each path step in the document, so issues can be listed top to bottom. */
function documentPosition(data: unknown, path: IssuePath): number[] {
  const position: number[] = [];
  let node: unknown = data;
  for (const step of path) {
    if (Array.isArray(node) && typeof step === 'number') {
      position.push(step);
      node = node[step];
    } else if (isRecord(node)) {
      const index = Object.keys(node).indexOf(String(step));
      position.push(index < 0 ? Number.MAX_SAFE_INTEGER : index);
      node = node[String(step)];
    } else {
      position.push(Number.MAX_SAFE_INTEGER);
      node = undefined;
    }
  }
  return position;
}

function comparePositions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Drops repeats and lists issues in document order. */
export function orderIssues(issues: readonly SchemaIssue[], data: unknown): SchemaIssue[] {
  const seen = new Set<string>();
  const unique = issues.filter((issue) => {
    const key = JSON.stringify([issue.path, issue.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const positioned = unique.map((issue) => ({ issue, position: documentPosition(data, issue.path) }));
  positioned.sort((a, b) => comparePositions(a.position, b.position));
  return positioned.map((p) => p.issue);
}

/** Numbers JSON cannot carry: docker fails on them before any schema check (`.inf`, `.nan`). */
export function nonFiniteNumbers(data: unknown, path: IssuePath = []): SchemaIssue[] {
  if (typeof data === 'number' && !Number.isFinite(data)) {
    return [issueAt(path, 'type', 'must be a finite number (.inf and .nan are not supported)')];
  }
  if (Array.isArray(data)) return data.flatMap((item, i) => nonFiniteNumbers(item, [...path, i]));
  if (isRecord(data)) return Object.entries(data).flatMap(([k, v]) => nonFiniteNumbers(v, [...path, k]));
  return [];
}

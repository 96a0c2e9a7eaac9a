/**
 * Names typed by users or written in files other people made (server, app domain, recipe)
 * become directory and file names. Each must be exactly one path segment that a file system
 * accepts, so it can never climb out of the directory it is joined to.
 */

/** Linux NAME_MAX: longer segments fail with ENAMETOOLONG. */
export const MAX_SEGMENT_BYTES = 255;

// C0 controls and DEL: NUL truncates paths in C, the rest garble terminals and logs.
function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isControl(s.charCodeAt(i))) return true;
  return false;
}

/** Why `name` cannot be one path segment (within `maxBytes` UTF-8 bytes), or undefined. */
export function segmentProblem(name: string, maxBytes = MAX_SEGMENT_BYTES): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name === '.' || name === '..') return `"${name}" names a directory, not an entry in it`;
  if (name.includes('/') || name.includes('\\')) return 'it contains a path separator';
  if (hasControl(name)) return 'it contains a control character';
  const bytes = utf8Length(name);
  if (bytes > maxBytes) return `it is ${bytes} bytes long (at most ${maxBytes})`;
  return undefined;
}

/**
 * A relative path of segments (`mygit.org/org/recipe`) that stays below the directory it is
 * joined to: no empty, `.` or `..` segment, no leading `/`.
 */
export function relativePathProblem(path: string, maxSegmentBytes = MAX_SEGMENT_BYTES): string | undefined {
  if (path.length === 0) return 'it is empty';
  if (path.startsWith('/')) return 'it is an absolute path';
  for (const part of path.split('/')) {
    const problem = segmentProblem(part, maxSegmentBytes);
    if (problem !== undefined) return `its part "${shownName(part)}" is unusable: ${problem}`;
  }
  return undefined;
}

/** A name as it can be shown in one message line: control characters escaped, long names cut. */
export function shownName(name: string, max = 80): string {
  let escaped = '';
  for (const c of name) {
    const code = c.charCodeAt(0);
    escaped += isControl(code) ? `\\x${code.toString(16).padStart(2, '0')}` : c;
  }
  return escaped.length > max ? `${escaped.slice(0, max)}...(${name.length} characters)` : escaped;
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

import { isAbsolute, join, relative, resolve } from 'node:path';
import { segmentProblem, shownName } from '../../domain/names/segment.js';
import { UserError } from '../../errors.js';

/** What a name is, for the message and code of its rejection. */
export interface NameKind {
  /** `server`, `app`, `recipe`: "... is not a valid <what> name". */
  what: string;
  code: string;
  hint: string;
  /** A stricter rule than "one path segment" (returns why the name is unusable). */
  problem?: (name: string) => string | undefined;
}

/** Throw a UserError when `name` is not one usable path segment (or breaks `kind.problem`). */
export function checkName(name: string, kind: NameKind): void {
  const problem = kind.problem?.(name) ?? segmentProblem(name);
  if (problem === undefined) return;
  throw new UserError(`"${shownName(name)}" is not a valid ${kind.what} name: ${problem}`, {
    hint: kind.hint,
    code: kind.code,
  });
}

/**
 * `root/name` for a name that became a path: the name is checked first, so the result is
 * always a direct child of root. The child itself may be a symlink (teams keep server
 * directories in git and link them in); what it points to is the user's choice.
 */
export function childPath(root: string, name: string, kind: NameKind): string {
  checkName(name, kind);
  return join(root, name);
}

/** True when `path` is `root` or below it, compared as written (no symlinks followed). */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${'/'}`));
}

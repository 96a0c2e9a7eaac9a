import { posix } from 'node:path';
import { locate } from '../locate.js';
import { singular } from '../objects.js';
import type { Finding, LintRule } from '../types.js';

/**
 * A017: a recipe is third-party content; a `file:` outside it would make deploy read the
 * operator's own files and upload them to the server, so deploy refuses it and lint says so.
 */
export const objectFilesInside: LintRule = {
  id: 'A017',
  severity: 'error',
  title: 'config and secret files are inside the recipe',
  howToFix:
    'Keep every `file:` of configs and secrets inside the recipe, relative to it (e.g. `file: nginx.conf`), with no `../`, absolute path or symlink leading out; deploy refuses such entries.',
  check(input) {
    const found = new Map<string, Finding>();
    for (const variant of input.variants) {
      for (const kind of ['configs', 'secrets'] as const) {
        for (const [key, obj] of Object.entries(variant.config?.[kind] ?? {})) {
          const id = `${kind}.${key}`;
          if (obj.file === undefined || found.has(id)) continue;
          const why = whyOutside(input.dir, obj.file, input.linksOut);
          if (why === undefined) continue;
          const loc = locate(input, [kind, key, 'file'], variant.files);
          found.set(id, { ...loc, message: `${singular(kind)} ${key}: file ${why}` });
        }
      }
    }
    return [...found.values()];
  },
};

function whyOutside(dir: string, file: string, linksOut: readonly string[]): string | undefined {
  const rel = posix.relative(dir, file);
  if (rel === '' || rel === '..' || rel.startsWith('../') || posix.isAbsolute(rel))
    return `${file} is outside the recipe`;
  const link = linksOut.find((l) => rel === l || rel.startsWith(`${l}/`));
  if (link !== undefined) return `${rel} goes through the symlink ${link}, which leads out of the recipe`;
  return undefined;
}

/**
 * A recipe name becomes a directory under ~/.abra/recipes, a `TYPE=` value and part of
 * labels, so it must be one plain path segment. Returns why a name is unusable, or undefined.
 */
export function recipeNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name === '.' || name === '..' || name.includes('..')) return 'it contains ".."';
  if (name.includes('/') || name.includes('\\')) return 'it contains a path separator';
  if (name.startsWith('.')) return 'it starts with "."';
  if (name.length > 100) return 'it is longer than 100 characters';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
    return 'it has characters other than letters, digits, ".", "-" and "_"';
  return undefined;
}

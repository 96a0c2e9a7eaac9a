import { UserError } from '../../errors.js';

export interface LabelChange {
  set: Record<string, string>;
  remove: string[];
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.\-/]*$/;

function checkKey(key: string, arg: string): void {
  if (!KEY.test(key) || key.length > 255)
    throw new UserError(`"${arg}" is not a node label key`, {
      hint: 'A key is letters, digits, ".", "-", "_" and "/", starting with a letter or digit, e.g. db=primary.',
      code: 'usage',
    });
}

/** `db=primary zone=a` and `--rm old`: each key once, nothing set and removed at once. */
export function parseLabelChange(args: readonly string[], remove: readonly string[]): LabelChange {
  if (args.length === 0 && remove.length === 0)
    throw new UserError('Which labels?', {
      hint: 'Give key=value to set a label and --rm <key> to remove one, e.g. db=primary --rm old.',
      code: 'usage',
    });
  const set: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0)
      throw new UserError(`"${arg}" is not key=value`, {
        hint: `Write the label as key=value (an empty value is key=); to remove it use --rm ${arg}.`,
        code: 'usage',
      });
    const key = arg.slice(0, eq);
    const value = arg.slice(eq + 1);
    checkKey(key, arg);
    if (/[\n\r\0]/.test(value))
      throw new UserError(`The value of ${key} contains a line break or NUL`, {
        hint: 'Node label values are one line of text.',
        code: 'usage',
      });
    if (key in set)
      throw new UserError(`${key} is given twice`, { hint: 'Give each label once.', code: 'usage' });
    set[key] = value;
  }
  for (const key of remove) {
    checkKey(key, key);
    if (key in set)
      throw new UserError(`${key} is both set and removed`, {
        hint: 'Either set it or remove it.',
        code: 'usage',
      });
  }
  return { set, remove: [...new Set(remove)] };
}

/** The labels after the change, and what actually changed (nothing: the node is left alone). */
export function applyLabelChange(
  current: Readonly<Record<string, string>>,
  change: LabelChange,
): { labels: Record<string, string>; changed: string[] } {
  const labels = { ...current };
  const changed: string[] = [];
  for (const [k, v] of Object.entries(change.set)) {
    if (labels[k] === v) continue;
    labels[k] = v;
    changed.push(`${k}=${v}`);
  }
  for (const k of change.remove) {
    if (!(k in labels)) continue;
    delete labels[k];
    changed.push(`-${k}`);
  }
  return { labels, changed };
}

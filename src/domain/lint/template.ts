// `${...}` references in compose text, read with docker's template grammar (see
// compose/interpolate.ts): `$$` is a literal dollar, `$NAME` and `${NAME}` plain references,
// `${NAME:-x}` / `${NAME-x}` carry a default, `${NAME:?msg}` / `${NAME?msg}` demand a value.

export interface TemplateVar {
  name: string;
  /** The operator after the name (`:-`, `-`, `:?`, `?`), '' for none. */
  op: string;
  /** The text after the operator. */
  arg: string;
  /** Index of the `$` in the string. */
  index: number;
  /** The whole expression as written. */
  text: string;
}

const VAR = /\$(?:(\$)|\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-?])([^}]*))?\}|([_a-zA-Z][_a-zA-Z0-9]*))/g;

export function templateVars(s: string): TemplateVar[] {
  const out: TemplateVar[] = [];
  for (const m of s.matchAll(VAR)) {
    if (m[1] !== undefined) continue;
    const name = m[2] ?? m[5];
    if (name === undefined) continue;
    out.push({ name, op: m[3] ?? '', arg: m[4] ?? '', index: m.index, text: m[0] });
  }
  return out;
}

/** True when the reference has a value even with the variable unset. */
export function hasDefault(v: TemplateVar): boolean {
  return v.op === ':-' || v.op === '-';
}

/** The variable a config/secret name ends in (`..._${X_VERSION:-v1}`), if any. */
export function trailingVar(name: string): TemplateVar | undefined {
  const last = templateVars(name).at(-1);
  if (last === undefined || last.index + last.text.length !== name.length) return undefined;
  return name[last.index - 1] === '_' ? last : undefined;
}

/** Variable names a `$NAME` reference in shell or env text mentions (abra.sh, .env.sample). */
export function mentionedNames(text: string): Set<string> {
  return new Set(templateVars(text).map((v) => v.name));
}

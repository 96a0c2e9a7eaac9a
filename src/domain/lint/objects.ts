import type { YamlMap } from '../compose/yaml.js';
import { isMap, type Location, locateIn, rawSection } from './locate.js';
import { type TemplateVar, trailingVar } from './template.js';
import type { LintInput } from './types.js';

export type ObjectKind = 'configs' | 'secrets';

/** A top-level config or secret as written (first definition when overlays repeat it). */
export interface ObjectDef {
  kind: ObjectKind;
  key: string;
  def: YamlMap;
  /** `name:` as written, before interpolation. */
  name: string | undefined;
  /** The `_${..._VERSION}` the name ends in. */
  version: TemplateVar | undefined;
  /** Where the definition (its `name:` if any) is written. */
  loc: Location;
}

export function objectDefs(input: LintInput, kind: ObjectKind): ObjectDef[] {
  const out = new Map<string, ObjectDef>();
  for (const f of input.composeFiles) {
    for (const [key, raw] of Object.entries(rawSection(f, kind))) {
      if (out.has(key)) continue;
      const def = isMap(raw) ? raw : {};
      const name = typeof def.name === 'string' ? def.name : undefined;
      const loc = locateIn(f, [kind, key, ...(name === undefined ? [] : ['name'])]) ?? { file: f.file };
      out.set(key, {
        kind,
        key,
        def,
        name,
        version: name === undefined ? undefined : trailingVar(name),
        loc,
      });
    }
  }
  return [...out.values()];
}

export function singular(kind: ObjectKind): string {
  return kind === 'configs' ? 'config' : 'secret';
}

/** The env key abra reads a secret's version (and generation modifiers) from. */
export function secretVersionKey(key: string): string {
  return `SECRET_${key.toUpperCase()}_VERSION`;
}

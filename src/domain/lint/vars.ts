import type { YamlPath } from '../compose/yaml.js';
import { stringValues } from './locate.js';
import { type TemplateVar, templateVars } from './template.js';
import type { LintInput } from './types.js';

export interface VarUse {
  v: TemplateVar;
  file: string;
  path: YamlPath;
}

/** Every `${...}` reference in compose values (comments excluded), in file order. */
export function composeVarUses(input: LintInput): VarUse[] {
  return input.composeFiles.flatMap((f) =>
    f.parsed
      ? stringValues(f.parsed.data).flatMap(({ value, path }) =>
          templateVars(value).map((v) => ({ v, file: f.file, path })),
        )
      : [],
  );
}

export function composeVarNames(input: LintInput): Set<string> {
  return new Set(composeVarUses(input).map((u) => u.v.name));
}

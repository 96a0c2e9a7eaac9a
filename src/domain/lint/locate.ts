import type { YamlMap, YamlPath, YamlValue } from '../compose/yaml.js';
import type { ComposeFile, Finding, LintInput } from './types.js';

export type Location = Pick<Finding, 'file' | 'line'>;

export function isMap(v: YamlValue | undefined): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function valueAt(data: YamlValue | undefined, path: YamlPath): YamlValue | undefined {
  let node = data;
  for (const step of path) {
    if (typeof step === 'number') node = Array.isArray(node) ? node[step] : undefined;
    else node = isMap(node) && Object.hasOwn(node, step) ? node[step] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** Where `path` is written in one file, or undefined when the file does not have it. */
export function locateIn(file: ComposeFile, path: YamlPath): Location | undefined {
  if (file.parsed === undefined || valueAt(file.parsed.data, path) === undefined) return undefined;
  return { file: file.file, line: file.parsed.locate(path)?.line };
}

/**
 * Where `path` is set among `files` (default: every compose file): the last file setting it
 * wins, as in a merge. Falls back to the nearest enclosing key that exists.
 */
export function locate(input: LintInput, path: YamlPath, files?: readonly string[]): Location {
  const pool = files ? input.composeFiles.filter((f) => files.includes(f.file)) : input.composeFiles;
  for (let n = path.length; n > 0; n--) {
    const sub = path.slice(0, n);
    for (const f of [...pool].reverse()) {
      const at = locateIn(f, sub);
      if (at) return at;
    }
  }
  return {};
}

/** Where a service is first defined among `files` (overlays only add to it). */
export function locateService(input: LintInput, name: string, files?: readonly string[]): Location {
  const pool = files ? input.composeFiles.filter((f) => files.includes(f.file)) : input.composeFiles;
  for (const f of pool) {
    const loc = locateIn(f, ['services', name]);
    if (loc) return loc;
  }
  return {};
}

/** A finding at a place; leaves out unknown parts so JSON output has no undefined keys. */
export function at(loc: Location, message: string): Finding {
  const f: Finding = { message };
  if (loc.file !== undefined) f.file = loc.file;
  if (loc.line !== undefined) f.line = loc.line;
  return f;
}

/** `file:line` for messages. */
export function describeLocation(f: Location): string {
  if (f.file === undefined) return '';
  return f.line === undefined ? f.file : `${f.file}:${f.line}`;
}

/** Every string value in a YAML tree (keys excluded) with its path. */
export function stringValues(node: YamlValue, path: YamlPath = []): { value: string; path: YamlPath }[] {
  if (typeof node === 'string') return [{ value: node, path }];
  if (Array.isArray(node)) return node.flatMap((v, i) => stringValues(v, [...path, i]));
  if (isMap(node)) return Object.entries(node).flatMap(([k, v]) => stringValues(v, [...path, k]));
  return [];
}

/** The services map of a raw compose file. */
export function rawServices(file: ComposeFile): YamlMap {
  const s = file.parsed?.data.services;
  return isMap(s) ? s : {};
}

/** A top-level section (configs, secrets, volumes, networks) of a raw compose file. */
export function rawSection(file: ComposeFile, section: string): YamlMap {
  const s = file.parsed?.data[section];
  return isMap(s) ? s : {};
}

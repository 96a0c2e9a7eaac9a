import { UserError } from '../../errors.js';
import { InterpolationError, interpolateConfig, type Lookup } from './interpolate.js';
import { mergeConfigs } from './merge.js';
import { LoadError, normalizeConfig } from './normalize.js';
import { LATEST_COMPOSE_SCHEMA_VERSION as LATEST_COMPOSE_VERSION } from './schema/versions.js';
import type { ComposeConfig } from './types.js';
import { type ParsedYaml, parseComposeYaml, pathToString, type YamlMap, type YamlPath } from './yaml.js';

export interface SchemaIssue {
  path: (string | number)[];
  message: string;
}

/** Injected so that pure loading stays fast when validation is not wanted (and ajv unloaded). */
export interface ComposeSchemaValidator {
  validate(config: Record<string, unknown>, version: string | undefined): SchemaIssue[];
}

export interface ComposeFileSource {
  /** Path shown in messages (and used to resolve nothing: see workingDir). */
  file: string;
  text: string;
}

export interface LoadComposeOptions {
  files: ComposeFileSource[];
  /** Relative bind mounts and config/secret files resolve against this (the recipe dir). */
  workingDir: string;
  /** Interpolation environment (app env + abra.sh exports + STACK_NAME). */
  env: Record<string, string>;
  validator?: ComposeSchemaValidator;
  /** Skip `${...}` expansion (like `docker stack config --skip-interpolation`). */
  skipInterpolation?: boolean;
}

const FORBIDDEN = [
  'extends',
  'volume_driver',
  'volumes_from',
  'cpu_quota',
  'cpu_shares',
  'cpuset',
  'mem_limit',
  'memswap_limit',
];

/** Read, interpolate, validate, load and merge compose files exactly as docker stack config. */
export function loadCompose(opts: LoadComposeOptions): ComposeConfig {
  if (opts.files.length === 0) {
    throw new UserError('No compose files to load', {
      hint: 'COMPOSE_FILE names no file; set it in the app .env (default: compose.yml).',
      code: 'compose_no_files',
    });
  }
  const lookup: Lookup = (name) => (Object.hasOwn(opts.env, name) ? opts.env[name] : undefined);
  let firstVersion: string | undefined;
  const loaded: ComposeConfig[] = [];
  for (const source of opts.files) {
    const parsed = parseComposeYaml(source.text, source.file);
    const rawVersion = parsed.data.version;
    const version =
      rawVersion === undefined
        ? LATEST_COMPOSE_VERSION
        : String(rawVersion) === '3'
          ? LATEST_COMPOSE_VERSION
          : String(rawVersion);
    if (firstVersion === undefined) firstVersion = version;
    else if (firstVersion !== version) {
      throw at(
        parsed,
        ['version'],
        `version mismatched between two compose files: ${firstVersion} and ${version}`,
        'Every file in COMPOSE_FILE must declare the same `version:` (or none).',
        'compose_version_mismatch',
      );
    }
    checkForbidden(parsed);
    let data: YamlMap = parsed.data;
    if (!opts.skipInterpolation) {
      try {
        data = interpolateConfig(data, lookup);
      } catch (err) {
        if (!(err instanceof InterpolationError)) throw err;
        throw at(
          parsed,
          err.path,
          err.message,
          'Set the variable in the app .env file (`abra app config <app>`), give it a default with ${VAR:-default}, or write a literal $ as $$.',
          'compose_interpolation',
        );
      }
    }
    if (opts.validator) {
      const issues = opts.validator.validate(data, rawVersion === undefined ? undefined : String(rawVersion));
      if (issues.length > 0) throw schemaError(parsed, issues);
    }
    try {
      loaded.push(normalizeConfig(data, { workingDir: opts.workingDir, lookup, version }));
    } catch (err) {
      if (!(err instanceof LoadError)) throw err;
      throw at(parsed, err.path, err.message, 'Fix the value at that key.', 'compose_invalid');
    }
  }
  return mergeConfigs(loaded);
}

function checkForbidden(parsed: ParsedYaml): void {
  const services = parsed.data.services;
  if (!services || typeof services !== 'object' || Array.isArray(services)) return;
  for (const [name, svc] of Object.entries(services)) {
    if (!svc || typeof svc !== 'object' || Array.isArray(svc)) continue;
    const bad = FORBIDDEN.find((k) => k in svc);
    if (bad) {
      throw at(
        parsed,
        ['services', name, bad],
        `Configuration contains forbidden properties: services.${name}.${bad}`,
        bad.startsWith('c') || bad.startsWith('mem')
          ? 'Set resource limits under deploy.resources instead.'
          : `\`${bad}\` is not supported by Docker Swarm stacks; see the compose v3 reference.`,
        'compose_forbidden',
      );
    }
  }
}

function lineOf(parsed: ParsedYaml, path: YamlPath): string {
  const pos = parsed.locate(path);
  return pos ? `${parsed.file}:${pos.line}` : parsed.file;
}

function at(parsed: ParsedYaml, path: YamlPath, message: string, hint: string, code: string): UserError {
  const key = pathToString(path);
  return new UserError(message, { where: `${lineOf(parsed, path)}${key ? ` (${key})` : ''}`, hint, code });
}

function schemaError(parsed: ParsedYaml, issues: SchemaIssue[]): UserError {
  const lines = issues.slice(0, 10).map((i) => `${lineOf(parsed, i.path)}: ${i.message}`);
  const more = issues.length > 10 ? `\n  ... and ${issues.length - 10} more` : '';
  const first = issues[0] as SchemaIssue;
  return new UserError(`${parsed.file} is not a valid compose file:\n  ${lines.join('\n  ')}${more}`, {
    where: `${lineOf(parsed, first.path)} (${pathToString(first.path)})`,
    hint: 'Compare with the compose file v3 reference (https://docs.docker.com/reference/compose-file/legacy-versions/); a misspelt key or a wrongly typed value is the usual cause.',
    code: 'compose_schema',
  });
}

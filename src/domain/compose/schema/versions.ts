// Which `version:` values the compose loader accepts, resolved the way docker/cli 28.2.2 does:
// an absent, empty or bare "3" version means the newest schema it ships (3.13); anything else
// must name a shipped schema exactly ("3.8" yes, "3.08", "3.14", "2" or "4" no).

export const COMPOSE_SCHEMA_VERSIONS = [
  '3.0',
  '3.1',
  '3.2',
  '3.3',
  '3.4',
  '3.5',
  '3.6',
  '3.7',
  '3.8',
  '3.9',
  '3.10',
  '3.11',
  '3.12',
  '3.13',
] as const;

export type ComposeSchemaVersion = (typeof COMPOSE_SCHEMA_VERSIONS)[number];

export const LATEST_COMPOSE_SCHEMA_VERSION: ComposeSchemaVersion = '3.13';

export type VersionResolution =
  | { readonly ok: true; readonly version: ComposeSchemaVersion }
  | { readonly ok: false; readonly message: string };

export function isComposeSchemaVersion(value: string): value is ComposeSchemaVersion {
  return (COMPOSE_SCHEMA_VERSIONS as readonly string[]).includes(value);
}

/**
 * `version` is the file's `version` value as a string (callers stringify non-strings the way Go's
 * `%v` does, e.g. 3.8 -> "3.8"); undefined when the file has no `version` key.
 */
export function resolveSchemaVersion(version: string | undefined): VersionResolution {
  if (version === undefined || version === '' || version === '3') {
    return { ok: true, version: LATEST_COMPOSE_SCHEMA_VERSION };
  }
  if (isComposeSchemaVersion(version)) return { ok: true, version };
  return {
    ok: false,
    message: `unsupported Compose file version: ${version} (supported: 3.0 to ${LATEST_COMPOSE_SCHEMA_VERSION}, or "3" for the latest)`,
  };
}

/** 3.x -> x, the ordering key for "introduced in" comparisons. */
export function versionMinor(version: ComposeSchemaVersion): number {
  return Number(version.slice(2));
}

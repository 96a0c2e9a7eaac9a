// Filled in by scripts/build.mjs (esbuild `define`); from source (tests through tsx) they are
// absent and the fallbacks below apply.
declare const __ABRA_VERSION__: string;
declare const __ABRA_COMMIT__: string;

export interface VersionInfo {
  version: string;
  /** Short git commit the CLI was built from; "unknown" when built outside a git checkout. */
  commit: string;
  node: string;
}

export function versionInfo(): VersionInfo {
  return {
    version: typeof __ABRA_VERSION__ === 'string' ? __ABRA_VERSION__ : '0.0.0-dev',
    commit: typeof __ABRA_COMMIT__ === 'string' ? __ABRA_COMMIT__ : 'unknown',
    node: process.version,
  };
}

/** Go abra prints `abra version <semver>-<commit>`; the Node version follows for bug reports. */
export function renderVersion(info: VersionInfo, machine: boolean): string {
  if (machine) return JSON.stringify(info, null, 2);
  return `abra version ${info.version}-${info.commit} (node ${info.node})`;
}

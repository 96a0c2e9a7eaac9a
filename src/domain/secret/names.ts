// How abra names an app's secrets: the compose file declares
// `name: ${STACK_NAME}_db_password_${SECRET_DB_PASSWORD_VERSION}` (external), the env holds
// the version, and the swarm object is named by the interpolated `name:`.

/** Docker refuses object names longer than this. */
export const MAX_DOCKER_NAME = 64;

// Docker's own rule for secret and config names (daemon/cluster/convert: validateName).
const DOCKER_NAME = /^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$/;

/** `db_password` -> `SECRET_DB_PASSWORD_VERSION`, the env key that versions the secret. */
export function secretEnvKey(name: string): string {
  return `SECRET_${name.toUpperCase()}_VERSION`;
}

/** A version as abra writes it (`v1`): something Docker accepts at the end of a name. */
export function isValidSecretVersion(version: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(version) && version.length <= MAX_DOCKER_NAME;
}

/**
 * Why Docker would refuse this swarm name, or undefined when it is fine. `stack` and `name`
 * only make the advice concrete.
 */
export function remoteNameProblem(remote: string, name: string, stack: string): string | undefined {
  if (remote.endsWith('_'))
    return `its name "${remote}" ends in "_": the version is missing (set ${secretEnvKey(name)} in the app env, e.g. ${secretEnvKey(name)}=v1)`;
  if (remote.length > MAX_DOCKER_NAME)
    return (
      `its swarm name "${remote}" is ${remote.length} characters; Docker allows ${MAX_DOCKER_NAME}. ` +
      `The stack name "${stack}" takes ${stack.length} of them: use a shorter domain, ` +
      `or a shorter secret key than "${name}" in the recipe (lint R015 suggests 12 characters or fewer)`
    );
  if (!DOCKER_NAME.test(remote))
    return `its swarm name "${remote}" has characters Docker does not allow (letters, digits, "-", "_" and "." only)`;
  return undefined;
}

/** The version a rotation moves to: v<N> -> v<N+1>; anything else -> v2 (Go abra's default is v1). */
export function nextSecretVersion(version: string): string {
  const m = /^v(\d+)$/.exec(version);
  return m ? `v${Number(m[1]) + 1}` : 'v2';
}

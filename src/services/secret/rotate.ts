import { realpath } from 'node:fs/promises';
import { nextSecretVersion } from '../../domain/secret/names.js';
import { readEnvFile, writeEnvFile } from '../../infra/store/env-files.js';
import { loadAppSecrets, type SecretDeps, specNamed } from './context.js';
import { secretGenerate } from './generate.js';

export interface SecretRotateResult {
  app: string;
  server: string;
  name: string;
  envKey: string;
  from: string;
  to: string;
  remoteName: string;
  /** Weak-policy warnings, as `secret generate` gives them. */
  warnings: string[];
}

/**
 * Rotate one secret the way `rotateHint` tells a CLI user to: generate it at the next version
 * (under the app lock, audited; swarm secrets are immutable), then point the env's
 * SECRET_<NAME>_VERSION at it (comment and modifiers kept). The app uses it from its next
 * deploy; the old version stays on the swarm until then (`app undeploy --prune` removes it).
 * The value is never returned.
 */
export async function secretRotate(
  opts: { app: string; name: string; argv?: readonly string[] },
  deps: SecretDeps,
): Promise<SecretRotateResult> {
  const ctx = await loadAppSecrets(opts.app, deps);
  const spec = specNamed(ctx, opts.name);
  const to = nextSecretVersion(spec.version);
  const res = await secretGenerate(
    { app: ctx.app, name: spec.name, version: to, all: false, ...(opts.argv ? { argv: opts.argv } : {}) },
    deps,
  );
  const generated = res.generated[0];
  // Write through a symlinked env file, never over the link.
  const target = await realpath(ctx.envFile);
  await writeEnvFile(target, (await readEnvFile(target)).set(spec.envKey, to));
  return {
    app: ctx.app,
    server: ctx.server,
    name: spec.name,
    envKey: spec.envKey,
    from: spec.version,
    to,
    remoteName: generated?.remoteName ?? '',
    warnings: res.warnings,
  };
}

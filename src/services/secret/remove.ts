import { NAMESPACE_LABEL } from '../../domain/stack/contract.js';
import { UserError } from '../../errors.js';
import type { SwarmObject } from '../../infra/docker/swarm-types.js';
import { runOperation } from '../operation/run.js';
import { loadAppSecrets, type SecretDeps, specNamed } from './context.js';
import { ownedBy, removalFailed, secretsNamed } from './swarm.js';

export interface SecretRemoveOptions {
  app: string;
  /** argv after `abra`, for the audit log (secret values are redacted there). */
  argv?: readonly string[];
  name?: string;
  all: boolean;
}

export interface SecretRemoveResult {
  app: string;
  server: string;
  removed: string[];
  /** Present, but without the app's namespace label: not provably this app's, left alone. */
  notOwned: string[];
  cancelled: boolean;
}

/**
 * Remove the app's secrets at the versions its env selects. A secret is only deleted when it
 * carries `com.docker.stack.namespace=<stack>` and has one of the expected names, so nothing
 * that belongs to another app (or was made by hand) can go.
 */
export async function secretRemove(opts: SecretRemoveOptions, deps: SecretDeps): Promise<SecretRemoveResult> {
  if (opts.all === (opts.name !== undefined))
    throw new UserError(
      opts.all ? 'Give either a secret name or --all, not both' : 'Which secret? Give its name, or --all',
      {
        hint: 'See the names with `abra app secret ls <app>`.',
        code: 'usage',
      },
    );
  const ctx = await loadAppSecrets(opts.app, deps);
  return runOperation(
    { kind: 'secret rm', app: ctx.app, server: ctx.server, argv: opts.argv },
    deps,
    async (op) => {
      const client = deps.docker.client(ctx.server);
      const specs = opts.name !== undefined ? [specNamed(ctx, opts.name)] : ctx.specs;
      const present = await secretsNamed(
        client,
        specs.map((s) => s.remoteName),
      );
      const targets: SwarmObject[] = [];
      const notOwned: string[] = [];
      for (const spec of specs) {
        const found = present.get(spec.remoteName);
        if (found === undefined) continue;
        if (ownedBy(found, ctx.stack)) targets.push(found);
        else notOwned.push(spec.remoteName);
      }
      if (opts.name !== undefined) {
        const spec = specs[0]!;
        if (notOwned.length > 0)
          throw new UserError(
            `Secret ${spec.remoteName} on ${ctx.server} lacks the label ${NAMESPACE_LABEL}=${ctx.stack}, so it is not provably ${ctx.app}'s; left alone`,
            {
              where: `server ${ctx.server}, secret ${spec.remoteName}`,
              hint: `Secrets made by Go abra or by hand carry no label. If it is this app's, remove it with \`docker secret rm ${spec.remoteName}\` on the server.`,
              code: 'secret_not_owned',
            },
          );
        if (targets.length === 0)
          throw new UserError(`Secret ${spec.name} version ${spec.version} is not on ${ctx.server}`, {
            where: `server ${ctx.server}, secret ${spec.remoteName}`,
            hint: `Nothing to remove. \`abra app secret ls ${ctx.app}\` shows what is there.`,
            code: 'secret_not_found',
          });
      }
      const base = { app: ctx.app, server: ctx.server, notOwned };
      if (targets.length === 0) return { ...base, removed: [], cancelled: false };
      const names = targets.map((t) => t.Spec.Name);
      const ok = await deps.prompt.confirm(
        `Remove ${names.length === 1 ? 'secret' : `${names.length} secrets`} ${names.join(', ')} of ${ctx.app} from ${ctx.server}? Their values cannot be recovered.`,
      );
      if (!ok) return { ...base, removed: [], cancelled: true };
      const removed: string[] = [];
      for (const t of targets) {
        try {
          op.checkpoint();
          await client.removeSecret(t.ID);
          op.changes.push(`removed secret ${t.Spec.Name}`);
        } catch (err) {
          const e = removalFailed(ctx.server, ctx.app, t.Spec.Name, err);
          if (removed.length > 0) e.message += ` (already removed: ${removed.join(', ')})`;
          throw e;
        }
        removed.push(t.Spec.Name);
      }
      return { ...base, removed, cancelled: false };
    },
  );
}

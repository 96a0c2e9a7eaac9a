import type { SecretSpec } from '../../domain/secret/spec.js';
import { belongsTo, NAMESPACE_LABEL } from '../../domain/stack/contract.js';
import { EngineError, errorMessage, UserError } from '../../errors.js';
import { DockerApiError, type DockerClient } from '../../infra/docker/client.js';
import type { SwarmObject } from '../../infra/docker/swarm-types.js';

/** Swarm's limit on a secret's data (swarmkit MaxSecretSize). */
export const MAX_SECRET_BYTES = 500 * 1024;

/** The secrets among `names` that exist on the swarm, by exact name, in one API call. */
export async function secretsNamed(client: DockerClient, names: string[]): Promise<Map<string, SwarmObject>> {
  if (names.length === 0) return new Map();
  // The engine's name filter matches substrings too, so keep exact matches only.
  const found = await client.secrets({ name: names });
  const wanted = new Set(names);
  return new Map(found.filter((s) => wanted.has(s.Spec.Name)).map((s) => [s.Spec.Name, s]));
}

/** Secrets labelled as this stack's: what this tool created for the app, any version. */
export function stackSecrets(client: DockerClient, stack: string): Promise<SwarmObject[]> {
  return client.secrets({ label: [`${NAMESPACE_LABEL}=${stack}`] });
}

export function ownedBy(secret: SwarmObject, stack: string): boolean {
  return belongsTo(stack, secret.Spec.Labels);
}

export interface NewSecret {
  spec: SecretSpec;
  data: Uint8Array;
}

/**
 * Create the secrets one by one, labelled with the stack. If one fails, the ones created
 * before it are removed again: a generated value nobody has seen is of no use, and a clean
 * slate lets the user simply retry.
 */
export async function createSecrets(
  client: DockerClient,
  stack: string,
  items: NewSecret[],
  rotateHint: (spec: SecretSpec) => string,
): Promise<void> {
  const created: { id: string; name: string }[] = [];
  for (const item of items) {
    try {
      const res = await client.createSecret({
        Name: item.spec.remoteName,
        Labels: { [NAMESPACE_LABEL]: stack },
        Data: Buffer.from(item.data).toString('base64'),
      });
      created.push({ id: res.ID, name: item.spec.remoteName });
    } catch (err) {
      const { removed: undone, left } = await undo(client, created);
      if (left.length > 0)
        throw new UserError(
          `Creating secret ${item.spec.remoteName} failed (${errorMessage(err)}), and ${left.join(', ')} could not be removed again`,
          {
            where: `server ${client.server}`,
            hint: `Remove them with \`docker secret rm ${left.join(' ')}\` on the server, then retry.`,
            code: 'secret_rollback_failed',
            cause: err,
          },
        );
      if (err instanceof DockerApiError && err.status === 409)
        throw alreadyExists(client.server, item.spec, rotateHint(item.spec), undone);
      if (undone.length > 0 && (err instanceof UserError || err instanceof EngineError)) {
        const message = `${err.message} (removed again the secrets created before: ${undone.join(', ')})`;
        const details = { where: err.where, hint: err.hint, code: err.code, cause: err };
        throw err instanceof EngineError
          ? new EngineError(err.server, message, { ...details, operation: err.operation, status: err.status })
          : new UserError(message, details);
      }
      throw err;
    }
  }
}

export function alreadyExists(
  server: string,
  spec: SecretSpec,
  hint: string,
  undone: string[] = [],
): UserError {
  const note = undone.length > 0 ? ` (nothing was kept: removed again ${undone.join(', ')})` : '';
  return new UserError(
    `Secret ${spec.name} version ${spec.version} already exists on ${server} as ${spec.remoteName}${note}`,
    { where: `server ${server}, secret ${spec.remoteName}`, hint, code: 'secret_exists' },
  );
}

async function undo(
  client: DockerClient,
  created: { id: string; name: string }[],
): Promise<{ removed: string[]; left: string[] }> {
  const removed: string[] = [];
  const left: string[] = [];
  for (const c of created) {
    try {
      await client.removeSecret(c.id);
      removed.push(c.name);
    } catch {
      // The caller reports leftovers by name; the first failure is the one worth showing.
      left.push(c.name);
    }
  }
  return { removed, left };
}

/** A Docker refusal to delete a secret, said in terms of the app. */
export function removalFailed(server: string, app: string, name: string, err: unknown): UserError {
  const inUse = err instanceof DockerApiError && /in use/i.test(err.apiMessage);
  return new UserError(`Cannot remove secret ${name} from ${server}: ${errorMessage(err)}`, {
    where: `server ${server}, secret ${name}`,
    hint: inUse
      ? `A service still uses it: undeploy the app first (\`abra app undeploy ${app}\`).`
      : 'Check the server with `abra server ls`, then retry.',
    code: inUse ? 'secret_in_use' : 'secret_remove_failed',
    cause: err,
  });
}

import { describePolicy } from '../../domain/secret/policy.js';
import { loadAppSecrets, type SecretDeps, whereOf } from './context.js';
import { ownedBy, secretsNamed, stackSecrets } from './swarm.js';

export interface SecretRow {
  name: string;
  envKey: string;
  /** The version the app env selects. */
  version: string;
  remoteName: string;
  /** Is a secret of that name on the app's swarm? */
  onServer: boolean;
  /** When it was created, if it is there. */
  createdAt?: string;
  /** It carries the app's namespace label (created by this tool); `rm` removes only those. */
  labelled?: boolean;
  /** How `generate` makes its value. */
  generate: string;
  /** Why it cannot be created as declared. */
  problem?: string;
  where: string;
}

export interface OtherSecret {
  remoteName: string;
  createdAt: string;
}

export interface SecretListResult {
  app: string;
  server: string;
  stack: string;
  recipe: string;
  source: string;
  secrets: SecretRow[];
  /** Secrets labelled as this app's that the env no longer selects (older versions). */
  others: OtherSecret[];
}

/** The secrets the recipe expects (at the env's versions) against what the swarm has. */
export async function secretList(opts: { app: string }, deps: SecretDeps): Promise<SecretListResult> {
  const ctx = await loadAppSecrets(opts.app, deps);
  const client = deps.docker.client(ctx.server);
  const [present, labelled] = await Promise.all([
    secretsNamed(
      client,
      ctx.specs.map((s) => s.remoteName),
    ),
    stackSecrets(client, ctx.stack),
  ]);
  const secrets = ctx.specs.map((spec): SecretRow => {
    const found = present.get(spec.remoteName);
    const row: SecretRow = {
      name: spec.name,
      envKey: spec.envKey,
      version: spec.version,
      remoteName: spec.remoteName,
      onServer: found !== undefined,
      generate: spec.policy ? describePolicy(spec.policy) : 'invalid modifiers',
      where: whereOf(ctx, spec),
    };
    if (found) {
      row.createdAt = found.CreatedAt;
      row.labelled = ownedBy(found, ctx.stack);
    }
    const problem = spec.nameProblem ?? spec.policyProblem;
    if (problem !== undefined) row.problem = problem;
    return row;
  });
  const expected = new Set(ctx.specs.map((s) => s.remoteName));
  const others = labelled
    .filter((s) => !expected.has(s.Spec.Name) && ownedBy(s, ctx.stack))
    .map((s) => ({ remoteName: s.Spec.Name, createdAt: s.CreatedAt }))
    .sort((a, b) => (a.remoteName < b.remoteName ? -1 : 1));
  return {
    app: ctx.app,
    server: ctx.server,
    stack: ctx.stack,
    recipe: ctx.recipe,
    source: ctx.source,
    secrets,
    others,
  };
}

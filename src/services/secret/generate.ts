import type { EventSink } from '../../domain/events/types.js';
import { policyWeakness } from '../../domain/secret/policy.js';
import type { SecretSpec } from '../../domain/secret/spec.js';
import { UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import { runOperation } from '../operation/run.js';
import {
  type AppSecrets,
  loadAppSecrets,
  nameProblemError,
  rotateHint,
  type SecretDeps,
  specAtVersion,
  specNamed,
  whereOf,
} from './context.js';
import { alreadyExists, createSecrets, secretsNamed } from './swarm.js';
import { type GeneratedValue, generateValues } from './values.js';

export interface SecretGenerateOptions {
  app: string;
  /** argv after `abra`, for the audit log (secret values are redacted there). */
  argv?: readonly string[];
  /** One secret by its compose name; or `all`. */
  name?: string;
  /** Generate at this version instead of the env's. */
  version?: string;
  all: boolean;
}

export interface SkippedSecret {
  name: string;
  remoteName: string;
  reason: 'exists' | 'manual';
}

export interface SecretGenerateResult {
  app: string;
  server: string;
  generated: GeneratedValue[];
  skipped: SkippedSecret[];
  /** Things the user should act on (e.g. the env still names another version). */
  notes: string[];
  /** Generated values that are weak (a short length= on the version line). */
  warnings: string[];
}

/**
 * Generate one secret, or every missing one (`--all`), and store them on the app's swarm.
 * Everything is checked before the first secret is created, and a failure part-way removes
 * what this run created, so an error leaves the swarm as it was.
 */
export async function secretGenerate(
  opts: SecretGenerateOptions,
  deps: SecretDeps,
): Promise<SecretGenerateResult> {
  checkSelection(opts);
  const ctx = await loadAppSecrets(opts.app, deps);
  return runOperation(
    { kind: 'secret generate', app: ctx.app, server: ctx.server, argv: opts.argv },
    deps,
    async (op) => {
      op.checkpoint();
      const client = deps.docker.client(ctx.server);
      if (opts.name !== undefined) {
        const spec = await specAtVersion(ctx, specNamed(ctx, opts.name), opts.version, deps);
        checkGeneratable(ctx, spec);
        if ((await secretsNamed(client, [spec.remoteName])).has(spec.remoteName))
          throw alreadyExists(ctx.server, spec, rotateHint(ctx, spec));
        const generated = await store(client, ctx, [spec], op.emit);
        const envVersion = ctx.specs.find((s) => s.name === spec.name)?.version;
        const notes =
          envVersion !== spec.version
            ? [
                `The app env still sets ${spec.envKey}=${envVersion}: set it to ${spec.version} ` +
                  `(\`abra app config ${ctx.app}\`) for the app to use this secret.`,
              ]
            : [];
        const warnings = weakSecretWarnings(ctx, [spec]);
        return { app: ctx.app, server: ctx.server, generated, skipped: [], notes, warnings };
      }
      const { toCreate, skipped } = await planAll(client, ctx);
      const generated = await store(client, ctx, toCreate, op.emit);
      const warnings = weakSecretWarnings(ctx, toCreate);
      return { app: ctx.app, server: ctx.server, generated, skipped, notes: [], warnings };
    },
  );
}

/** One line per generated secret whose policy makes a weak value, naming the env line to fix. */
export function weakSecretWarnings(
  ctx: Pick<AppSecrets, 'app' | 'envFile'>,
  specs: readonly SecretSpec[],
): string[] {
  return specs.flatMap((spec) => {
    const why = spec.policy === undefined ? undefined : policyWeakness(spec.policy);
    if (why === undefined) return [];
    return [
      `secret ${spec.name} (${spec.remoteName}) is weak: ${why} on ${spec.envKey} (${whereOf(ctx, spec)}). ` +
        `Raise it (\`abra app config ${ctx.app}\`), then rotate the secret to a new version.`,
    ];
  });
}

/**
 * Every secret the app lacks on its swarm, for `--all` and `app new --secrets`. Problems in
 * any of them are reported together, before anything is created.
 */
export async function planAll(
  client: DockerClient,
  ctx: Pick<AppSecrets, 'app' | 'envFile' | 'specs'>,
): Promise<{ toCreate: SecretSpec[]; skipped: SkippedSecret[]; existing: SecretSpec[] }> {
  const present = await secretsNamed(
    client,
    ctx.specs.filter((s) => s.nameProblem === undefined).map((s) => s.remoteName),
  );
  // Only what would be created must be valid: a present or hand-inserted secret is fine as is.
  const bad = ctx.specs.filter(
    (s) => !present.has(s.remoteName) && !isManual(s) && (s.nameProblem ?? s.policyProblem) !== undefined,
  );
  if (bad.length > 0)
    throw new UserError(
      `${bad.length === 1 ? 'A secret' : `${bad.length} secrets`} of ${ctx.app} cannot be generated: ` +
        bad.map((s) => `${s.name}: ${s.nameProblem ?? s.policyProblem}`).join('; '),
      {
        where: bad.map((s) => whereOf(ctx, s)).join(', '),
        hint: `Fix the app env (\`abra app config ${ctx.app}\`) or the recipe as described; nothing was created.`,
        code: 'secret_invalid',
      },
    );
  const skipped: SkippedSecret[] = [];
  const toCreate: SecretSpec[] = [];
  const existing: SecretSpec[] = [];
  for (const spec of ctx.specs) {
    if (present.has(spec.remoteName)) {
      existing.push(spec);
      skipped.push({ name: spec.name, remoteName: spec.remoteName, reason: 'exists' });
    } else if (isManual(spec))
      skipped.push({ name: spec.name, remoteName: spec.remoteName, reason: 'manual' });
    else toCreate.push(spec);
  }
  return { toCreate, skipped, existing };
}

/**
 * Generate values for specs and create them on the swarm (all or none), then hand the values
 * to the event sink: from here on they exist only on the swarm, so this is the one chance to
 * show them.
 */
export async function store(
  client: DockerClient,
  ctx: Pick<AppSecrets, 'app' | 'server' | 'envFile' | 'stack'>,
  specs: SecretSpec[],
  emit: EventSink,
): Promise<GeneratedValue[]> {
  const values = await generateValues(specs);
  const byName = new Map(specs.map((s) => [s.name, s]));
  await createSecrets(
    client,
    ctx.stack,
    values.map((v) => ({ spec: byName.get(v.name)!, data: Buffer.from(v.value.reveal(), 'utf8') })),
    (spec) => rotateHint(ctx, spec),
  );
  if (values.length > 0)
    emit({ type: 'secrets.generated', app: ctx.app, server: ctx.server, secrets: values });
  return values;
}

function checkGeneratable(ctx: AppSecrets, spec: SecretSpec): void {
  if (spec.nameProblem !== undefined) throw nameProblemError(ctx, spec);
  if (isManual(spec))
    throw new UserError(`Secret ${spec.name} is marked generate=false: its value must come from you`, {
      where: whereOf(ctx, spec),
      hint: `Insert it: \`abra app secret insert ${ctx.app} ${spec.name} ${spec.version} <value>\` (or --file <path>).`,
      code: 'secret_manual',
    });
  if (spec.policyProblem !== undefined)
    throw new UserError(`Secret ${spec.name} cannot be generated: ${spec.policyProblem}`, {
      where: whereOf(ctx, spec),
      hint: 'Fix the modifiers after # on that line (e.g. `# length=32 charset=default,special`).',
      code: 'secret_modifier_invalid',
    });
}

function isManual(spec: SecretSpec): boolean {
  return spec.policy?.kind === 'manual';
}

function checkSelection(opts: SecretGenerateOptions): void {
  if (opts.all && opts.name !== undefined)
    throw new UserError('Give either a secret name or --all, not both', {
      hint: 'e.g. `abra app secret generate <app> db_password` or `abra app secret generate <app> --all`.',
      code: 'usage',
    });
  if (!opts.all && opts.name === undefined)
    throw new UserError('Which secret? Give its name, or --all for every missing one', {
      hint: 'See the names with `abra app secret ls <app>`.',
      code: 'usage',
    });
  if (opts.all && opts.version !== undefined)
    throw new UserError('A version applies to one secret; --all uses the versions in the app env', {
      hint: 'Drop the version, or name the secret.',
      code: 'usage',
    });
}

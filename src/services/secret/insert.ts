import { readFile } from 'node:fs/promises';
import { errnoCode, UserError } from '../../errors.js';
import { runOperation } from '../operation/run.js';
import {
  loadAppSecrets,
  nameProblemError,
  rotateHint,
  type SecretDeps,
  specAtVersion,
  specNamed,
} from './context.js';
import { alreadyExists, createSecrets, MAX_SECRET_BYTES, secretsNamed } from './swarm.js';

export interface SecretInsertOptions {
  app: string;
  /** argv after `abra`, for the audit log (secret values are redacted there). */
  argv?: readonly string[];
  name: string;
  version: string;
  /** The value itself; or `file`. */
  value?: string;
  /** Read the value from this file (bytes as they are, e.g. a certificate). */
  file?: string;
  /** Strip whitespace at both ends (the newline editors add at the end of a file). */
  trim: boolean;
}

export interface SecretInsertResult {
  app: string;
  server: string;
  name: string;
  version: string;
  remoteName: string;
  bytes: number;
  notes: string[];
}

/** Store a value the user provides as the app's secret `name` at `version`. */
export async function secretInsert(opts: SecretInsertOptions, deps: SecretDeps): Promise<SecretInsertResult> {
  let data = await dataOf(opts);
  if (opts.trim) data = trimAscii(data);
  if (data.length === 0)
    throw new UserError('The secret value is empty', {
      where: opts.file,
      hint: 'Docker refuses empty secrets; give a value (or a non-empty file).',
      code: 'secret_value_empty',
    });
  if (data.length > MAX_SECRET_BYTES)
    throw new UserError(
      `The secret value is ${data.length} bytes; Docker allows at most ${MAX_SECRET_BYTES}`,
      {
        where: opts.file,
        hint: 'Secrets are for keys and passwords; put large files in a config or a volume.',
        code: 'secret_value_too_large',
      },
    );
  const ctx = await loadAppSecrets(opts.app, deps);
  return runOperation(
    { kind: 'secret insert', app: ctx.app, server: ctx.server, argv: opts.argv },
    deps,
    async (op) => {
      const spec = await specAtVersion(ctx, specNamed(ctx, opts.name), opts.version, deps);
      if (spec.nameProblem !== undefined) throw nameProblemError(ctx, spec);
      const client = deps.docker.client(ctx.server);
      if ((await secretsNamed(client, [spec.remoteName])).has(spec.remoteName))
        throw alreadyExists(ctx.server, spec, rotateHint(ctx, spec));
      op.checkpoint();
      await createSecrets(client, ctx.stack, [{ spec, data }], (s) => rotateHint(ctx, s));
      op.changes.push(`created secret ${spec.remoteName}`);
      const envVersion = ctx.specs.find((s) => s.name === spec.name)?.version;
      return {
        app: ctx.app,
        server: ctx.server,
        name: spec.name,
        version: spec.version,
        remoteName: spec.remoteName,
        bytes: data.length,
        notes:
          envVersion !== spec.version
            ? [
                `The app env still sets ${spec.envKey}=${envVersion}: set it to ${spec.version} ` +
                  `(\`abra app config ${ctx.app}\`) for the app to use this secret.`,
              ]
            : [],
      };
    },
  );
}

async function dataOf(opts: SecretInsertOptions): Promise<Uint8Array> {
  if ((opts.value === undefined) === (opts.file === undefined))
    throw new UserError(
      opts.value === undefined
        ? 'Give the secret value, or --file <path>'
        : 'Give a value or --file, not both',
      {
        hint: 'e.g. `abra app secret insert <app> ssl_cert v1 --file cert.pem` (--file /dev/stdin reads a pipe).',
        code: 'usage',
      },
    );
  if (opts.value !== undefined) return Buffer.from(opts.value, 'utf8');
  const file = opts.file as string;
  try {
    return await readFile(file);
  } catch (err) {
    const code = errnoCode(err);
    throw new UserError(
      code === 'ENOENT' ? 'The file does not exist' : `The file cannot be read (${code ?? 'error'})`,
      { where: file, hint: 'Check the path given to --file.', code: 'secret_file_unreadable', cause: err },
    );
  }
}

const isAsciiSpace = (b: number) => b === 0x20 || (b >= 0x09 && b <= 0x0d);

/** Trim ASCII whitespace only, so a multi-byte UTF-8 character at either end stays whole. */
function trimAscii(data: Uint8Array): Uint8Array {
  let start = 0;
  let end = data.length;
  while (start < end && isAsciiSpace(data[start]!)) start++;
  while (end > start && isAsciiSpace(data[end - 1]!)) end--;
  return data.subarray(start, end);
}

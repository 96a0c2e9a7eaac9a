import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadCompose } from '../../src/domain/compose/load.js';
import { canonicalCompose } from '../../src/domain/compose/render.js';
import { parseComposeYaml } from '../../src/domain/compose/yaml.js';
import { UserError } from '../../src/errors.js';

export type Outcome = { ok: true; json: unknown } | { ok: false; error: string };

/**
 * docker prints its result with Go's yaml.v3, whose emitter drops the leading line breaks of a
 * string written as a literal block (`|2-`): a value "\nabc" comes out as "abc". The loaded
 * value inside docker keeps them, so the comparison ignores leading line breaks on both sides.
 */
export function normalizeOracle(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/^\n+/, '');
  if (Array.isArray(v)) return v.map(normalizeOracle);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeOracle(x)]));
  return v;
}

/**
 * `docker stack config` as the oracle: the docker CLI needs no daemon for it. It runs with an
 * environment of exactly PATH plus `env`, so both sides see the same variables.
 */
export function dockerStackConfig(files: string[], env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      'docker',
      ['stack', 'config', ...files.flatMap((f) => ['-c', f])],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
        cwd: dirname(files[0] ?? '.'),
        maxBuffer: 16 << 20,
      },
      (err, stdout, stderr) => {
        if (err) return resolve({ ok: false, error: (stderr || err.message).trim() });
        resolve({
          ok: true,
          json: normalizeOracle(JSON.parse(JSON.stringify(parseComposeYaml(stdout, 'docker-output').data))),
        });
      },
    );
  });
}

/** Our loader on the same inputs, reduced to the same JSON shape. */
export function ourStackConfig(
  files: string[],
  env: Record<string, string>,
  validator?: Parameters<typeof loadCompose>[0]['validator'],
): Outcome {
  const fullEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env };
  try {
    const config = loadCompose({
      files: files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') })),
      workingDir: dirname(files[0] ?? '.'),
      env: fullEnv,
      ...(validator ? { validator } : {}),
    });
    return { ok: true, json: normalizeOracle(JSON.parse(JSON.stringify(canonicalCompose(config)))) };
  } catch (err) {
    if (err instanceof UserError) return { ok: false, error: err.message };
    throw err;
  }
}

/** Run async jobs with a concurrency limit, keeping result order. */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}

// Generates the compose schema validators (standalone ajv code, one CommonJS file per schema
// version) into `outdir`, for the built CLI (scripts/build.mjs). The same ajv set-up as at run
// time: src/domain/compose/schema/compile.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { standaloneValidatorSource } from '../src/domain/compose/schema/standalone.js';
import { COMPOSE_SCHEMA_VERSIONS } from '../src/domain/compose/schema/versions.js';

const RUNTIME = new URL('../src/domain/compose/schema/runtime.ts', import.meta.url).pathname;
// The generated files live in a temporary directory: resolve `ajv/dist/runtime/*` from ours.
const NODE_MODULES = new URL('../node_modules', import.meta.url).pathname;

export async function buildComposeValidators(outdir: string): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'abra-compose-validators-'));
  try {
    const entryPoints: Record<string, string> = {};
    for (const version of COMPOSE_SCHEMA_VERSIONS) {
      const file = join(tmp, `${version}.cjs`);
      writeFileSync(file, standaloneValidatorSource(version, RUNTIME));
      entryPoints[version] = file;
    }
    await build({
      entryPoints,
      outdir,
      outExtension: { '.js': '.cjs' },
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      minify: true,
      nodePaths: [NODE_MODULES],
      logLevel: 'warning',
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// `node --import tsx scripts/compose-validators.ts <outdir>` (scripts/build.mjs).
if (process.argv[1] === new URL(import.meta.url).pathname) {
  const outdir = process.argv[2];
  if (outdir === undefined) throw new Error('usage: compose-validators.ts <outdir>');
  await buildComposeValidators(outdir);
}

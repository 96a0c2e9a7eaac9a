// Generates the compose schema validators (standalone ajv code, one CommonJS file per schema
// version) into `outdir`, for the built CLI (scripts/build.mjs). The same ajv set-up as at run
// time: src/domain/compose/schema/compile.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { standaloneValidatorSource } from '../src/domain/compose/schema/standalone.js';
import { COMPOSE_SCHEMA_VERSIONS, type ComposeSchemaVersion } from '../src/domain/compose/schema/versions.js';
import { loadValidatorScript } from '../src/infra/compose/precompiled.js';

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
    // V8's code cache of each, after validating a typical file and a broken one, so the CLI
    // starts with the validator compiled (src/infra/compose/precompiled.ts).
    for (const version of COMPOSE_SCHEMA_VERSIONS) {
      const file = join(outdir, `${version}.cjs`);
      const loaded = loadValidatorScript(file);
      for (const doc of warmUpDocuments(version)) loaded.validate(doc);
      writeFileSync(`${file}.v8cache`, loaded.codeCache());
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function warmUpDocuments(version: ComposeSchemaVersion): Record<string, unknown>[] {
  const service = {
    image: 'example/app:1',
    command: ['serve', '--port', '80'],
    environment: { A: '1', B: 'two' },
    ports: ['80:80', { target: 443, published: 443, mode: 'host' }],
    volumes: ['data:/data', { type: 'bind', source: './x', target: '/x' }],
    networks: ['internal'],
    healthcheck: { test: ['CMD', 'true'], interval: '10s', retries: 3 },
    secrets: ['db_password'],
    configs: [{ source: 'conf', target: '/etc/conf' }],
    deploy: {
      mode: 'replicated',
      replicas: 1,
      endpoint_mode: 'dnsrr',
      labels: ['traefik.enable=true'],
      update_config: { order: 'start-first', failure_action: 'rollback' },
      restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3 },
      resources: { limits: { cpus: '0.5', memory: '64M' } },
    },
  };
  return [
    {
      version,
      services: { app: service, db: { image: 'postgres:16', stop_grace_period: '1m' } },
      networks: { internal: { driver: 'overlay' } },
      volumes: { data: {} },
      secrets: { db_password: { external: true, name: 'x' } },
      configs: { conf: { file: './conf' } },
    },
    { version, services: { app: { image: 1, bogus: true, ports: ['x:y'], deploy: { replicas: 'two' } } } },
  ];
}

// `node --import tsx scripts/compose-validators.ts <outdir>` (scripts/build.mjs).
if (process.argv[1] === new URL(import.meta.url).pathname) {
  const outdir = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
  if (outdir === undefined) throw new Error('usage: compose-validators.ts <outdir>');
  await buildComposeValidators(outdir);
}

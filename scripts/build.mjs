// Bundle the CLI with esbuild: one small entry chunk plus a lazily loaded chunk per command,
// so `abra --help` parses almost nothing. ssh2 stays external (optional native addons).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
// `abra version` names the commit it was built from; a tarball without .git says "unknown".
const commit = (() => {
  try {
    const cwd = new URL('..', import.meta.url).pathname;
    const git = (args) =>
      execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const head = git(['rev-parse', '--short=8', 'HEAD']).trim();
    return git(['status', '--porcelain', '--untracked-files=no']).trim() === '' ? head : `${head}-dirty`;
  } catch {
    return 'unknown';
  }
})();
// Build next to dist/ and swap directories, so a CLI already running never sees half a build.
const next = new URL('../dist.next', import.meta.url);
const old = new URL('../dist.old', import.meta.url);
await rm(next, { recursive: true, force: true });
// The compose schema validators, generated ahead of time (standalone ajv code): a deploy then
// neither loads ajv nor compiles a schema. dist/compose-schema/<version>.cjs, loaded by
// src/infra/compose/precompiled.ts.
const VALIDATORS_DIR = 'compose-schema';
execFileSync(
  process.execPath,
  [
    '--import',
    'tsx',
    new URL('./compose-validators.ts', import.meta.url).pathname,
    `dist.next/${VALIDATORS_DIR}`,
  ],
  { stdio: 'inherit', cwd: new URL('..', import.meta.url).pathname },
);
// The completion tree (every command's arguments and flags), generated from the real commands:
// `abra __complete` reads this file on each Tab press instead of loading every command module.
const COMPLETE_SPEC = 'complete-spec.json';
execFileSync(
  process.execPath,
  ['--import', 'tsx', new URL('./complete-spec.ts', import.meta.url).pathname, `dist.next/${COMPLETE_SPEC}`],
  { stdio: 'inherit', cwd: new URL('..', import.meta.url).pathname },
);
await build({
  // complete.js: `abra __complete` (a Tab press), which bin/abra.js loads instead of cli.js.
  entryPoints: { cli: 'src/cli/main.ts', complete: 'src/cli/complete/run.ts' },
  outdir: 'dist.next',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['ssh2', 'cpu-features'],
  define: {
    __ABRA_VERSION__: JSON.stringify(pkg.version),
    __ABRA_COMMIT__: JSON.stringify(commit),
    __ABRA_COMPOSE_VALIDATORS__: JSON.stringify(VALIDATORS_DIR),
    __ABRA_COMPLETE_SPEC__: JSON.stringify(COMPLETE_SPEC),
  },
  banner: {
    js: "import { createRequire as __abraCreateRequire } from 'node:module'; const require = __abraCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
// The dashboard's htmx, vendored into the build: every asset is served by the tool, no CDN
// (src/web/assets.ts reads dist/web-static/).
await mkdir(new URL('../dist.next/web-static', import.meta.url), { recursive: true });
await copyFile(
  createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'),
  new URL('../dist.next/web-static/htmx.min.js', import.meta.url),
);
await rm(old, { recursive: true, force: true });
await rename(new URL('../dist', import.meta.url), old).catch(() => undefined);
await rename(next, new URL('../dist', import.meta.url));
await rm(old, { recursive: true, force: true });

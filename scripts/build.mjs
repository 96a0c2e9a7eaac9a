// Bundle the CLI with esbuild: one small entry chunk plus a lazily loaded chunk per command,
// so `abra --help` parses almost nothing. ssh2 stays external (optional native addons).
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['ssh2', 'cpu-features'],
  define: { __ABRA_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    js: "import { createRequire as __abraCreateRequire } from 'node:module'; const require = __abraCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

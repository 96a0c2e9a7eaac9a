#!/usr/bin/env node
// Thin launcher: the real CLI is the esbuild bundle in dist/ (built by `npm run build`).
import('../dist/cli.js').then((m) => m.main(process.argv));

#!/usr/bin/env node
// Thin launcher: the real CLI is the esbuild bundle in dist/ (built by `npm run build`). A Tab
// press (`abra __complete ...`, from the completion scripts) loads only the completion entry.
if (process.argv[2] === '__complete')
  import('../dist/complete.js').then((m) => m.completeMain(process.argv.slice(3)));
else import('../dist/cli.js').then((m) => m.main(process.argv));

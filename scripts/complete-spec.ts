// Writes the completion tree of the real commands (every module loaded) as JSON, for the build:
// `abra __complete` then reads this one file instead of loading every command's code.
import { writeFileSync } from 'node:fs';
import { liveCompletionSpec } from '../src/cli/complete/live-spec.js';

const out = process.argv[2];
if (!out) throw new Error('usage: complete-spec.ts <output.json>');
writeFileSync(out, `${JSON.stringify(await liveCompletionSpec())}\n`);

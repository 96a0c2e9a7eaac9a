// `npm run bench`: every benchmark under bench/, one table. Figures, never assertions.
import { benchApiLatency } from './api-latency.js';
import { benchBackup } from './backup.js';
import { benchBootstrap } from './bootstrap.js';
import { benchCatalogue } from './catalogue.js';
import { benchCliStartup } from './cli-startup.js';
import { benchComposeLoad } from './compose-load.js';
import { benchDeploy } from './deploy.js';
import { benchFleetStatus } from './fleet-status.js';
import { type BenchRow, renderRows } from './lib.js';
import { benchMultinode } from './multinode.js';
import { benchUpgrade } from './upgrade.js';
import { benchWeb } from './web.js';

const benches: [string, () => Promise<BenchRow[]>][] = [
  ['cli-startup', benchCliStartup],
  ['api-latency', benchApiLatency],
  ['compose-load', benchComposeLoad],
  ['deploy', benchDeploy],
  ['fleet-status', benchFleetStatus],
  ['upgrade', benchUpgrade],
  ['backup', benchBackup],
  ['bootstrap', benchBootstrap],
  ['web', benchWeb],
  ['multinode', benchMultinode],
  ['catalogue', benchCatalogue],
];

const only = process.argv.slice(2);
const rows: BenchRow[] = [];
for (const [name, fn] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`running ${name}...\n`);
  rows.push(...(await fn()));
}
process.stdout.write(`${renderRows(rows)}\n`);
process.exit(0);

// Preloaded into the CLI by the hostile-input harness: on exit, write the process's peak RSS
// (KiB) where the harness can read it, so every case is checked against a memory bound.
import { writeFileSync } from 'node:fs';

const target = process.env.ABRA_TEST_RSS_FILE;
if (target) {
  process.on('exit', () => {
    try {
      writeFileSync(target, String(process.resourceUsage().maxRSS));
    } catch {
      // The harness reports a missing figure itself.
    }
  });
}

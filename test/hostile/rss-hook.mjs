// Preloaded into the CLI by the hostile-input harness: on exit, write the process's peak RSS
// (KiB) and CPU time where the harness can read them, so every case is checked against bounds.
import { writeFileSync } from 'node:fs';

const target = process.env.ABRA_TEST_RSS_FILE;
if (target) {
  process.on('exit', () => {
    try {
      const u = process.resourceUsage();
      writeFileSync(target, JSON.stringify({ maxRSS: u.maxRSS, cpuMs: Math.round((u.userCPUTime + u.systemCPUTime) / 1000) }));
    } catch {
      // The harness reports a missing figure itself.
    }
  });
}

import { readFileSync } from 'node:fs';

/** The preload that makes a CLI run report its resource usage (set ABRA_TEST_RSS_FILE). */
export const USAGE_HOOK = new URL('../hostile/rss-hook.mjs', import.meta.url).pathname;

/** What the hook wrote: peak RSS in KiB and user + system CPU time in ms. */
export function readUsage(file: string): { maxRSS: number; cpuMs: number } {
  return JSON.parse(readFileSync(file, 'utf8')) as { maxRSS: number; cpuMs: number };
}

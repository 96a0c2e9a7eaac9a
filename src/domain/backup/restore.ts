// The restore step that runs inside the restic task: restore into a staging directory on the
// same volume first (all volumes), and only when every restic run succeeded swap the restored
// trees into place with renames. A failed restore leaves the volumes as they were. Pure.

import { snapshotRoot } from './labels.js';
import { shQuote } from './restic.js';

/** The staging directory inside a volume; excluded from the swap and removed at the end. */
export const STAGING = '.abra-restore';

export interface RestoreVolume {
  volume: string;
  /** Absolute snapshot paths to restore: `/backup/<vol>` or `/backup/<vol>/<sub>`. */
  paths: string[];
}

/** Do a snapshot's paths cover a wanted path (or lie inside it)? */
export function pathCovered(wanted: string, snapshotPaths: readonly string[]): boolean {
  return snapshotPaths.some((s) => s === wanted || wanted.startsWith(`${s}/`) || s.startsWith(`${wanted}/`));
}

/** A POSIX sh script (dash, busybox) for `sh -c`: restic restore to staging, then swap. */
export function restoreScript(snapshotId: string, volumes: readonly RestoreVolume[]): string {
  const lines = ['set -eu'];
  const stages = volumes.map((v) => `${snapshotRoot(v.volume)}/${STAGING}`);
  lines.push(`cleanup() { rm -rf ${stages.map(shQuote).join(' ')}; }`, 'trap cleanup EXIT', 'cleanup');
  volumes.forEach((v, i) => {
    const stage = shQuote(stages[i]!);
    lines.push(`mkdir -p ${stage}`);
    lines.push(
      `restic restore ${shQuote(snapshotId)} --target ${stage} ${v.paths.map((p) => `--include ${shQuote(p)}`).join(' ')}`,
    );
  });
  volumes.forEach((v, i) => {
    const stage = stages[i]!;
    for (const p of v.paths) {
      const src = shQuote(`${stage}${p}`);
      const dst = shQuote(p);
      lines.push(
        `if [ -d ${src} ]; then mkdir -p ${dst}; find ${dst} -mindepth 1 -maxdepth 1 ! -path ${shQuote(stage)} -exec rm -rf {} +; find ${src} -mindepth 1 -maxdepth 1 -exec mv {} ${dst}/ \\; ; elif [ -e ${src} ]; then rm -rf ${dst}; mv ${src} ${dst}; fi`,
      );
    }
  });
  lines.push('echo abra-restore-done');
  return lines.join('\n');
}

import type { Command } from 'commander';
import { defineMove } from './move.js';

export function define(cmd: Command): void {
  defineMove(cmd, 'rollback');
  cmd.addHelpText(
    'after',
    '\nDeploys an older release (default: the newest one below the deployed version) like `app\n' +
      'deploy`. Volumes and databases are NOT rolled back: if the newer version migrated data, restore\n' +
      'a backup taken before the upgrade.\n',
  );
}

import type { Command } from 'commander';
import { defineMove } from './move.js';

export function define(cmd: Command): void {
  defineMove(cmd, 'upgrade');
  cmd.addHelpText(
    'after',
    '\nLists the newer releases, shows the release notes of every version between the deployed one\n' +
      'and the chosen one, warns on a new major recipe version, then deploys it like `app deploy`:\n' +
      'plan, ask (unless -n), apply, watch, roll back on failure. The env file records the new version\n' +
      'only once it converged. Already on the newest release: says so and exits 0.\n',
  );
}

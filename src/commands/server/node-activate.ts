import type { Command } from 'commander';
import { defineAvailability } from './node-availability.js';

export function define(cmd: Command): void {
  defineAvailability(
    cmd,
    'active',
    'The node takes tasks again. Running tasks are not moved back by themselves; a deploy or\n' +
      '`abra app restart` spreads them again.',
  );
}

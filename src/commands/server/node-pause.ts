import type { Command } from 'commander';
import { defineAvailability } from './node-availability.js';

export function define(cmd: Command): void {
  defineAvailability(
    cmd,
    'pause',
    'The node keeps its running tasks but gets no new ones. Refused for the last node that takes\n' +
      'tasks, and (without --force) for the last manager abra reaches workers through.',
  );
}

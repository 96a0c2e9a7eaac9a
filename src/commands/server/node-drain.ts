import type { Command } from 'commander';
import { defineAvailability } from './node-availability.js';

export function define(cmd: Command): void {
  defineAvailability(
    cmd,
    'drain',
    'Stops giving the node tasks and moves its running tasks to other nodes (global services\n' +
      'stop there). Lists the apps whose tasks move and asks first (-n or --force: no question).\n' +
      'Refused for the last node that takes tasks, and (without --force) for the last manager\n' +
      'abra reaches workers through. Volumes stay on the node: a moved task starts with an empty one.',
  );
}

import type { Command } from 'commander';

/** A leaf command module: it declares its own arguments and flags, then calls one service. */
export interface CommandModule {
  define(cmd: Command): void;
}

export interface VerbSpec {
  name: string;
  aliases: string[];
  summary: string;
  load: () => Promise<CommandModule>;
}

export interface NounSpec {
  name: string;
  aliases: string[];
  summary: string;
  verbs: VerbSpec[];
}

// Only names and one-line summaries live here, so `abra --help` loads no command code.
export const registry: NounSpec[] = [
  {
    name: 'server',
    aliases: ['s'],
    summary: 'Manage servers (Docker Swarm engines reached over SSH or locally)',
    verbs: [
      {
        name: 'add',
        aliases: ['a'],
        summary: 'Add a server after checking SSH, Docker and Swarm',
        load: () => import('../commands/server/add.js'),
      },
      {
        name: 'ls',
        aliases: ['list'],
        summary: 'List servers with their Docker and Swarm status',
        load: () => import('../commands/server/ls.js'),
      },
      {
        name: 'rm',
        aliases: ['remove'],
        summary: 'Forget a server (local config only; the server is untouched)',
        load: () => import('../commands/server/rm.js'),
      },
    ],
  },
];

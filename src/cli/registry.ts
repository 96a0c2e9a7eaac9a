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
  {
    name: 'recipe',
    aliases: ['r'],
    summary: 'Manage recipes (git repositories of compose files that describe apps)',
    verbs: [
      {
        name: 'fetch',
        aliases: ['f'],
        summary: 'Clone a recipe (by name, git URL or path), or fetch its new tags',
        load: () => import('../commands/recipe/fetch.js'),
      },
      {
        name: 'ls',
        aliases: ['list'],
        summary: 'List fetched recipes and the catalogue with their latest versions',
        load: () => import('../commands/recipe/ls.js'),
      },
      {
        name: 'versions',
        aliases: ['v'],
        summary: "List a recipe's versions with each service's image",
        load: () => import('../commands/recipe/versions.js'),
      },
      {
        name: 'new',
        aliases: ['n'],
        summary: 'Create a new recipe from the standard template',
        load: () => import('../commands/recipe/new.js'),
      },
      {
        name: 'diff',
        aliases: ['d'],
        summary: "Show a recipe's uncommitted changes",
        load: () => import('../commands/recipe/diff.js'),
      },
      {
        name: 'reset',
        aliases: ['rs'],
        summary: "Discard a recipe's uncommitted changes",
        load: () => import('../commands/recipe/reset.js'),
      },
      {
        name: 'lint',
        aliases: ['l'],
        summary: 'Check a recipe against the Co-op Cloud rules (exit 1 on errors)',
        load: () => import('../commands/recipe/lint.js'),
      },
      {
        name: 'compose',
        aliases: ['c'],
        summary: 'Print the merged, interpolated compose config for an env file',
        load: () => import('../commands/recipe/compose.js'),
      },
    ],
  },
  {
    name: 'app',
    aliases: ['a'],
    summary: 'Manage apps (deployed instances of recipes, one env file each)',
    verbs: [
      {
        name: 'check',
        aliases: ['chk'],
        summary: "Compare an app's env file with its recipe's .env.sample",
        load: () => import('../commands/app/check.js'),
      },
      {
        name: 'compose',
        aliases: ['cmp'],
        summary: 'Print the compose config abra deploys for an app (merged and interpolated)',
        load: () => import('../commands/app/compose.js'),
      },
    ],
  },
];

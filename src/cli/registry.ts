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

/** A verb that only groups further verbs: `abra app secret <verb>`. */
export interface GroupSpec {
  name: string;
  aliases: string[];
  summary: string;
  verbs: VerbSpec[];
}

export interface NounSpec {
  name: string;
  aliases: string[];
  summary: string;
  verbs: (VerbSpec | GroupSpec)[];
  /** The verb run when none is named (`abra web` serves the dashboard). */
  defaultVerb?: string;
}

export function isGroup(spec: VerbSpec | GroupSpec): spec is GroupSpec {
  return 'verbs' in spec;
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
        name: 'bootstrap',
        aliases: [],
        summary: 'Make a Debian/Ubuntu host ready: Docker, swarm init, the proxy network',
        load: () => import('../commands/server/bootstrap.js'),
      },
      {
        name: 'ls',
        aliases: ['list'],
        summary: 'List servers with their Docker and Swarm status',
        load: () => import('../commands/server/ls.js'),
      },
      {
        name: 'status',
        aliases: [],
        summary: 'Versions, nodes, memory, disk, the proxy and app health of one or every server',
        load: () => import('../commands/server/status.js'),
      },
      {
        name: 'nodes',
        aliases: [],
        summary: 'List the swarm nodes of a server: roles, availability, engine, tasks',
        load: () => import('../commands/server/nodes.js'),
      },
      {
        name: 'node',
        aliases: [],
        summary: 'Change one swarm node: labels, drain, pause, activate',
        verbs: [
          {
            name: 'label',
            aliases: [],
            summary: "Set or remove a node's labels (what placement constraints match)",
            load: () => import('../commands/server/node-label.js'),
          },
          {
            name: 'drain',
            aliases: [],
            summary: 'Move every task off a node (lists the apps that move, asks)',
            load: () => import('../commands/server/node-drain.js'),
          },
          {
            name: 'pause',
            aliases: [],
            summary: 'Give a node no new tasks; its running tasks stay',
            load: () => import('../commands/server/node-pause.js'),
          },
          {
            name: 'activate',
            aliases: [],
            summary: 'Let a drained or paused node take tasks again',
            load: () => import('../commands/server/node-activate.js'),
          },
        ],
      },
      {
        name: 'rm',
        aliases: ['remove'],
        summary: 'Forget a server (local config only; the server is untouched)',
        load: () => import('../commands/server/rm.js'),
      },
      {
        name: 'backup-config',
        aliases: [],
        summary: "Show or set the server's restic backup repository",
        load: () => import('../commands/server/backup-config.js'),
      },
      {
        name: 'backup-init',
        aliases: [],
        summary: "Create the server's backup repository and its password (a swarm secret)",
        load: () => import('../commands/server/backup-init.js'),
      },
      {
        name: 'prune',
        aliases: ['p'],
        summary: 'Remove stopped containers, unused networks and images (volumes with --volumes)',
        load: () => import('../commands/server/prune.js'),
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
        name: 'release',
        aliases: ['rl'],
        summary: 'Release a new recipe version: version label, notes, commit, annotated tag, push',
        load: () => import('../commands/recipe/release.js'),
      },
      {
        name: 'sync',
        aliases: ['s'],
        summary: "Write the next version into the recipe's version label (no commit, no tag)",
        load: () => import('../commands/recipe/sync.js'),
      },
      {
        name: 'upgrade',
        aliases: ['u'],
        summary: "Find newer tags of a recipe's images and rewrite its compose files",
        load: () => import('../commands/recipe/upgrade.js'),
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
      {
        name: 'test',
        aliases: ['t'],
        summary:
          'Test a recipe end to end on a server with a throw-away app (deploy, backup, upgrade, remove)',
        load: () => import('../commands/recipe/test.js'),
      },
    ],
  },
  {
    name: 'catalogue',
    aliases: ['c'],
    summary: 'Build and sync the recipe catalogue (recipes.json)',
    verbs: [
      {
        name: 'generate',
        aliases: ['g'],
        summary: "Build recipes.json from the recipes' tags, READMEs and registry digests",
        load: () => import('../commands/catalogue/generate.js'),
      },
      {
        name: 'sync',
        aliases: ['s'],
        summary: 'Clone or update the catalogue in $ABRA_DIR/catalogue',
        load: () => import('../commands/catalogue/sync.js'),
      },
    ],
  },
  {
    name: 'app',
    aliases: ['a'],
    summary: 'Manage apps (deployed instances of recipes, one env file each)',
    verbs: [
      {
        name: 'new',
        aliases: ['n'],
        summary: "Create an app's env file from a recipe (optionally with its secrets)",
        load: () => import('../commands/app/new.js'),
      },
      {
        name: 'config',
        aliases: ['cfg'],
        summary: "Edit an app's env file in $EDITOR, saved only if it is valid",
        load: () => import('../commands/app/config.js'),
      },
      {
        name: 'ls',
        aliases: ['list'],
        summary: 'List apps grouped by server (from local env files)',
        load: () => import('../commands/app/ls.js'),
      },
      {
        name: 'secret',
        aliases: ['sc'],
        summary: "Manage an app's versioned swarm secrets",
        verbs: [
          {
            name: 'generate',
            aliases: ['g'],
            summary: "Generate secrets (passwords or passphrases) on the app's server",
            load: () => import('../commands/app/secret/generate.js'),
          },
          {
            name: 'insert',
            aliases: ['i'],
            summary: 'Store a value you provide as a secret',
            load: () => import('../commands/app/secret/insert.js'),
          },
          {
            name: 'ls',
            aliases: ['list'],
            summary: 'List the secrets the recipe expects and whether the server has them',
            load: () => import('../commands/app/secret/ls.js'),
          },
          {
            name: 'rm',
            aliases: ['remove'],
            summary: "Remove the app's secrets (only those labelled as the app's)",
            load: () => import('../commands/app/secret/rm.js'),
          },
        ],
      },
      {
        name: 'volume',
        aliases: ['vl'],
        summary: "List or remove an app's volumes (only those labelled as the app's)",
        verbs: [
          {
            name: 'ls',
            aliases: ['list'],
            summary: "List the app's volumes with driver, size and node",
            load: () => import('../commands/app/volume/ls.js'),
          },
          {
            name: 'rm',
            aliases: ['remove'],
            summary: "Remove the app's volumes (refused while it is deployed unless --force)",
            load: () => import('../commands/app/volume/rm.js'),
          },
        ],
      },
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
      {
        name: 'env',
        aliases: [],
        summary:
          "Print an app's effective env (env file, abra.sh exports, STACK_NAME) and its secrets' names",
        load: () => import('../commands/app/env.js'),
      },
      {
        name: 'deploy',
        aliases: ['d'],
        summary: 'Deploy an app: plan, apply, watch it converge, roll back on failure',
        load: () => import('../commands/app/deploy.js'),
      },
      {
        name: 'move',
        aliases: [],
        summary: 'Move an app to another server: volumes, secrets, env file, then deploy there',
        load: () => import('../commands/app/move-server.js'),
      },
      {
        name: 'upgrade',
        aliases: ['up'],
        summary: 'Upgrade an app to a newer recipe release, showing its release notes',
        load: () => import('../commands/app/upgrade.js'),
      },
      {
        name: 'rollback',
        aliases: ['rl'],
        summary: 'Roll an app back to an older recipe release (volumes are not rolled back)',
        load: () => import('../commands/app/rollback.js'),
      },
      {
        name: 'scale',
        aliases: [],
        summary: "Set the replica counts of an app's services and wait until they run",
        load: () => import('../commands/app/scale.js'),
      },
      {
        name: 'unlock',
        aliases: [],
        summary: "Remove an app's deploy lock left by a crashed operator",
        load: () => import('../commands/app/unlock.js'),
      },
      {
        name: 'history',
        aliases: ['hist'],
        summary: 'Show who changed an app and how it went (the audit log kept on its server)',
        load: () => import('../commands/app/history.js'),
      },
      {
        name: 'ps',
        aliases: ['p'],
        summary: "Show an app's services and tasks (state, image, version)",
        load: () => import('../commands/app/ps.js'),
      },
      {
        name: 'logs',
        aliases: ['lg'],
        summary: "Show (or follow) an app's service logs",
        load: () => import('../commands/app/logs.js'),
      },
      {
        name: 'services',
        aliases: ['sr'],
        summary: "List an app's deployed services",
        load: () => import('../commands/app/services.js'),
      },
      {
        name: 'labels',
        aliases: ['lb'],
        summary: "Show the coop-cloud.* labels of an app's deployed services",
        load: () => import('../commands/app/labels.js'),
      },
      {
        name: 'restart',
        aliases: ['re'],
        summary: 'Restart a service (or all) with a rolling update, and wait until it runs again',
        load: () => import('../commands/app/restart.js'),
      },
      {
        name: 'run',
        aliases: ['r'],
        summary: "Run a command in a service's running container (stdin, TTY, exit code kept)",
        load: () => import('../commands/app/run.js'),
      },
      {
        name: 'cmd',
        aliases: ['cm'],
        summary: "Run a function of the recipe's abra.sh in a service container; cmd ls lists them",
        load: () => import('../commands/app/cmd.js'),
      },
      {
        name: 'cp',
        aliases: [],
        summary: 'Copy files or directories between this machine and a service container',
        load: () => import('../commands/app/cp.js'),
      },
      {
        name: 'backup',
        aliases: ['b'],
        summary: "Back up an app's volumes with restic on its server (backupbot labels)",
        verbs: [
          {
            name: 'create',
            aliases: ['c'],
            summary: 'Run the hooks and snapshot the selected volumes (--all: every app of a server)',
            load: () => import('../commands/app/backup/create.js'),
          },
          {
            name: 'ls',
            aliases: ['list', 'snapshots'],
            summary: "List the app's snapshots in the repository",
            load: () => import('../commands/app/backup/ls.js'),
          },
          {
            name: 'download',
            aliases: ['dl'],
            summary: 'Stream a snapshot of the app as a tar file to this machine',
            load: () => import('../commands/app/backup/download.js'),
          },
          {
            name: 'forget',
            aliases: [],
            summary: "Apply a retention policy to the app's snapshots (restic forget --prune)",
            load: () => import('../commands/app/backup/forget.js'),
          },
        ],
      },
      {
        name: 'restore',
        aliases: [],
        summary: "Restore an app's volumes from a snapshot (services stopped meanwhile)",
        load: () => import('../commands/app/restore.js'),
      },
      {
        name: 'undeploy',
        aliases: ['un'],
        summary: 'Remove an app from its server, keeping volumes, secrets and configs',
        load: () => import('../commands/app/undeploy.js'),
      },
      {
        name: 'remove',
        aliases: ['rm'],
        summary: "Delete an undeployed app's volumes, secrets, configs and env file",
        load: () => import('../commands/app/remove.js'),
      },
    ],
  },
  {
    name: 'web',
    aliases: [],
    summary: 'Serve the web dashboard (`abra web [--listen 127.0.0.1:8080]`) and manage its accounts',
    defaultVerb: 'serve',
    verbs: [
      {
        name: 'serve',
        aliases: [],
        summary: 'Serve the dashboard (loopback by default; elsewhere only with TLS or --insecure-listen)',
        load: () => import('../commands/web/serve.js'),
      },
      {
        name: 'user',
        aliases: ['u'],
        summary: 'Manage dashboard accounts',
        verbs: [
          {
            name: 'add',
            aliases: [],
            summary: 'Add an account (admin, operator or viewer; optionally limited to servers)',
            load: () => import('../commands/web/user-add.js'),
          },
          {
            name: 'rm',
            aliases: ['remove'],
            summary: 'Remove an account',
            load: () => import('../commands/web/user-rm.js'),
          },
          {
            name: 'ls',
            aliases: ['list'],
            summary: 'List the accounts with their roles',
            load: () => import('../commands/web/user-ls.js'),
          },
        ],
      },
    ],
  },
];

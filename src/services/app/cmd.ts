import { Writable } from 'node:stream';
import {
  abraShFunctions,
  functionScript,
  MAX_INLINE_SCRIPT,
  parsePostDeployCmds,
} from '../../domain/cmd/abra-sh.js';
import { composeEnv } from '../../domain/compose/app-env.js';
import { readAbraShExports } from '../../domain/env/abra-sh.js';
import { errorMessage, UserError } from '../../errors.js';
import { runLocalShell } from '../../infra/host/shell.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { type Release, resolveRelease } from '../release/resolve.js';
import { type ExecStdio, execInContainer } from './exec.js';
import { type ResolvedApp, resolveApp } from './resolve.js';
import { runningTask } from './task.js';

type CmdDeps = Pick<
  Deps,
  'paths' | 'docker' | 'git' | 'events' | 'env' | 'argv' | 'signals' | 'machineId' | 'clock'
>;

/** The app and its recipe's abra.sh at the deployed version (the one recorded in its env). */
interface AbraSh {
  app: ResolvedApp;
  release: Release;
  text: string;
  functions: string[];
}

async function loadAbraSh(appName: string, chaos: boolean, deps: CmdDeps): Promise<AbraSh> {
  const app = await resolveApp(appName, deps);
  const release = await resolveRelease(
    {
      recipe: app.recipe.name,
      recorded: { version: app.recipe.version, where: `${app.envPath} (${app.recipe.key})` },
      chaos,
    },
    deps,
  );
  for (const message of release.warnings) deps.events({ type: 'warning', message });
  const text = await release.readFile('abra.sh');
  if (text === undefined)
    throw new UserError(
      `Recipe ${release.recipe} has no abra.sh at ${release.label}, so it has no commands`,
      {
        where: release.dir,
        hint: "Recipe commands are shell functions in the recipe's abra.sh; run a command directly with `abra app run` instead.",
        code: 'cmd_no_abra_sh',
      },
    );
  return { app, release, text, functions: abraShFunctions(text) };
}

export interface AppCmdList {
  app: string;
  recipe: string;
  version: string;
  functions: string[];
}

/** `abra app cmd ls <app>`: the functions of abra.sh at the deployed version. */
export async function appCmdList(opts: { app: string; chaos: boolean }, deps: CmdDeps): Promise<AppCmdList> {
  const sh = await loadAbraSh(opts.app, opts.chaos, deps);
  return { app: sh.app.name, recipe: sh.release.recipe, version: sh.release.label, functions: sh.functions };
}

export interface AppCmdOptions {
  app: string;
  /** Default: app. Ignored with --local. */
  service?: string | undefined;
  fn: string;
  args: string[];
  local: boolean;
  chaos: boolean;
  user?: string | undefined;
  tty: boolean;
  stdio: ExecStdio;
}

export interface AppCmdResult {
  app: string;
  service: string | undefined;
  fn: string;
  version: string;
  exitCode: number;
}

/**
 * Run a function of the recipe's abra.sh (at the deployed version, not the working tree) with
 * the app's env exported (env file values, abra.sh exports, STACK_NAME: what deploy exposes):
 * inside the service's running container as `sh -c '<abra.sh>; fn "$@"' fn args...`, or on this
 * machine with `local`. Not locked (like `app run`), audited with the exit code.
 */
export async function appCmd(opts: AppCmdOptions, deps: CmdDeps): Promise<AppCmdResult> {
  const sh = await loadAbraSh(opts.app, opts.chaos, deps);
  const { app, release } = sh;
  if (!sh.functions.includes(opts.fn))
    throw new UserError(`abra.sh of ${release.recipe} (${release.label}) has no function "${opts.fn}"`, {
      where: release.dir,
      hint:
        sh.functions.length > 0 ? `Its functions: ${sh.functions.join(', ')}.` : 'It defines no functions.',
      code: 'cmd_unknown_function',
    });
  const script = functionScript(sh.text, opts.fn);
  if (Buffer.byteLength(script) > MAX_INLINE_SCRIPT)
    throw new UserError(
      `abra.sh of ${release.recipe} is too large to pass to a container shell (${Buffer.byteLength(script)} bytes)`,
      {
        hint: 'Keep abra.sh under 120 KiB, or run the command with `abra app run`.',
        code: 'cmd_abra_sh_too_large',
      },
    );
  const appEnv = composeEnv(app.env.values(), readAbraShExports(sh.text), app.name);
  const service = opts.local ? undefined : (opts.service ?? 'app');
  const where = service === undefined ? 'locally' : `in ${service}`;
  const target = service === undefined ? undefined : await runningTask(app, service);
  // Audited, not locked, like `app run`: a maintenance function may run for a long time.
  const exitCode = await runOperation(
    {
      kind: 'cmd',
      app: app.name,
      server: app.server,
      version: { to: release.label },
      lock: false,
      catchSignals: false,
    },
    deps,
    async (op) => {
      const code =
        target === undefined
          ? await runLocalShell(script, opts.args, {
              env: { ...deps.env, ...appEnv },
              cwd: release.dir,
              stdin: opts.stdio.stdin,
              stdout: opts.stdio.stdout,
              stderr: opts.stdio.stderr,
            })
          : await execInContainer(
              target.docker,
              target.containerId,
              {
                cmd: ['sh', '-c', script, opts.fn, ...opts.args],
                env: Object.entries(appEnv).map(([k, v]) => `${k}=${v}`),
                user: opts.user,
                tty: opts.tty,
              },
              opts.stdio,
            );
      op.note.message = `cmd ${opts.fn} ${where}: exit code ${code}`;
      if (code !== 0) op.note.result = 'failed';
      return code;
    },
  );
  return { app: app.name, service, fn: opts.fn, version: release.label, exitCode };
}

export interface PostDeployResult {
  cmd: string;
  ok: boolean;
  exitCode?: number;
  error?: string;
}

/**
 * POST_DEPLOY_CMDS of an app's env (Go abra's format: `<service> <function> [args]` entries
 * separated by `|`), each run through `app cmd` in its service after a converged deploy,
 * upgrade or rollback. Output goes out as log events. A failure is reported (a warning event
 * and the returned result, audited by app cmd) but never thrown: it does not undo the deploy.
 */
export async function runPostDeployCmds(app: string, deps: CmdDeps): Promise<PostDeployResult[]> {
  const resolved = await resolveApp(app, deps);
  const parsed = parsePostDeployCmds(resolved.env.values().POST_DEPLOY_CMDS);
  if (!parsed.ok) {
    deps.events({ type: 'warning', message: `${parsed.error}; no post-deploy command was run` });
    return [{ cmd: resolved.env.values().POST_DEPLOY_CMDS ?? '', ok: false, error: parsed.error }];
  }
  const results: PostDeployResult[] = [];
  for (const c of parsed.cmds) {
    deps.events({
      type: 'info',
      message: `post-deploy: ${c.service}: ${c.fn} ${c.args.join(' ')}`.trimEnd(),
    });
    const stdout = logSink(c.service, deps);
    const stderr = logSink(c.service, deps);
    try {
      const res = await appCmd(
        {
          app,
          service: c.service,
          fn: c.fn,
          args: c.args,
          local: false,
          chaos: false,
          tty: false,
          stdio: { stdout, stderr },
        },
        deps,
      );
      if (res.exitCode !== 0)
        deps.events({
          type: 'warning',
          message: `post-deploy command "${c.text}" exited with ${res.exitCode}`,
        });
      results.push({ cmd: c.text, ok: res.exitCode === 0, exitCode: res.exitCode });
    } catch (err) {
      deps.events({
        type: 'warning',
        message: `post-deploy command "${c.text}" failed: ${errorMessage(err)}`,
      });
      results.push({ cmd: c.text, ok: false, error: errorMessage(err) });
    } finally {
      stdout.end();
      stderr.end();
    }
  }
  return results;
}

/** Lines written to it become `log` events of the service. */
function logSink(service: string, deps: Pick<Deps, 'events'>): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      pending += chunk.toString('utf8');
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        deps.events({ type: 'log', service, line: pending.slice(0, nl) });
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
      cb();
    },
    final(cb) {
      if (pending) deps.events({ type: 'log', service, line: pending });
      cb();
    },
  });
}

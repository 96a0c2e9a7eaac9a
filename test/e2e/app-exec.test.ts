import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OperationEvent } from '../../src/domain/events/types.js';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import { GitClient } from '../../src/infra/git/client.js';
import { abraPaths } from '../../src/infra/store/paths.js';
import { runPostDeployCmds } from '../../src/services/app/cmd.js';
import { systemClock } from '../../src/services/deps.js';
import { freePort, HelloWorld } from '../helpers/hello-world.js';
import { docker, hostBlock, loadLab } from '../helpers/lab.js';
import { readUsage, USAGE_HOOK } from '../helpers/usage.js';

// app run, app cmd and app cp against a deployed HelloWorld app (busybox image), over the
// local socket and over the lab's SSH server (which reaches the same engine).

const ABRA_SH = `# commands for abra app cmd
export SITE_CONF_VERSION=v7
greet() {
  echo "hello $1 from $STACK_NAME domain=$DOMAIN conf=$SITE_CONF_VERSION"
}

function count_args {
  for a; do last=$a; done
  echo "args=$# first=$1 last=$last"
}

fail_with () {
  echo "failing with $1" >&2
  return "$1"
}
`;

const BIN = new URL('../../bin/abra.js', import.meta.url).pathname;
const RSS_HOOK = USAGE_HOOK;

let world: HelloWorld;

before(async () => {
  world = new HelloWorld([{ tag: '1.0.0+1', files: { 'abra.sh': ABRA_SH } }]);
  // The working tree moves on after the release: app cmd must use the deployed version.
  writeFileSync(join(world.recipeDir, 'abra.sh'), `${ABRA_SH}\nunreleased() {\n  echo no\n}\n`);
  // A release without abra.sh, for the "no abra.sh" error.
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: world.recipeDir });
  git('stash', '-q');
  git('rm', '-q', 'abra.sh');
  git('commit', '-qm', 'no abra.sh');
  git('tag', '-a', '0.9.0+1', '-m', 'no abra.sh');
  git('checkout', '-q', '1.0.0+1', '--', 'abra.sh');
  git('commit', '-qm', 'abra.sh back');
  git('stash', 'pop', '-q');
  // The lab's SSH server as a second server.
  const lab = loadLab();
  const ssh = join(world.home, '.ssh');
  mkdirSync(ssh, { mode: 0o700 });
  copyFileSync(lab.sshKey, join(ssh, 'id_ed25519'));
  chmodSync(join(ssh, 'id_ed25519'), 0o600);
  copyFileSync(lab.knownHosts, join(ssh, 'known_hosts'));
  writeFileSync(join(ssh, 'config'), hostBlock('lab', lab));
  const added = await world.run('server', 'add', 'lab');
  assert.equal(added.code, 0, added.stderr);
});
after(() => world?.cleanup());

async function deployed(name: string, server: 'default' | 'lab'): Promise<string> {
  const app = world.app(name, { HOST_PORT: String(await freePort()) });
  if (server === 'lab') renameSync(world.envPath(app), join(world.abraDir, 'servers', 'lab', `${app}.env`));
  const gen = await world.run('app', 'secret', 'generate', app, '--all', '-n');
  assert.equal(gen.code, 0, gen.stderr);
  const dep = await world.run('app', 'deploy', app, '-n', '--no-domain-checks');
  assert.equal(dep.code, 0, dep.stderr);
  return app;
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

/** The CLI with the RSS hook preloaded: exit code, output and peak RSS in KiB. */
function abraWithRss(args: string[]): Promise<{ code: number | null; stderr: string; rssKiB: number }> {
  const rssFile = join(world.home, `rss-${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RSS_HOOK, BIN, ...args], {
      env: { ...world.env, ABRA_TEST_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr, rssKiB: readUsage(rssFile).maxRSS }));
  });
}

/** name -> [type, mode, content or link target] for every entry under a directory. */
function tree(root: string): Record<string, [string, string, string]> {
  const out: Record<string, [string, string, string]> = {};
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[r] = ['link', '', readlinkSync(p)];
      else if (st.isDirectory()) {
        out[r] = ['dir', mode, ''];
        walk(p, r);
      } else out[r] = ['file', mode, readFileSync(p, 'utf8')];
    }
  };
  walk(root, '');
  return out;
}

const LONG = `${'long-name-'.repeat(12)}end.txt`;

function makeSourceDir(root: string): void {
  mkdirSync(join(root, 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
  writeFileSync(join(root, 'private'), 'secret-ish\n', { mode: 0o600 });
  writeFileSync(join(root, 'sub', 'deeper', LONG), 'a long name survives\n');
  writeFileSync(join(root, 'sub', 'empty'), '');
  chmodSync(join(root, 'sub'), 0o750);
  symlinkSync('sub/deeper', join(root, 'inside-link'));
}

for (const server of ['default', 'lab'] as const) {
  const over = server === 'lab' ? 'over SSH' : 'over the local socket';
  describe(`app run / cmd / cp ${over}`, () => {
    let app: string;
    before(async () => {
      app = await deployed(server === 'lab' ? 'execssh' : 'exec', server);
    });

    it('app run passes arguments, pipes stdin and returns the exit code', async () => {
      const echo = await world.run(
        'app',
        'run',
        app,
        'app',
        '--',
        'sh',
        '-c',
        'echo "$0:$1"; echo err >&2',
        'a b',
        'c',
      );
      assert.equal(echo.code, 0, echo.stderr);
      assert.equal(echo.stdout, 'a b:c\n');
      assert.match(echo.stderr, /^err$/m);
      const piped = await world.run('app', 'run', app, 'app', '--', 'sh', '-c', 'wc -l; cat >/dev/null');
      assert.equal(piped.code, 0, piped.stderr);
      const input = 'one\ntwo\nthree\n';
      const cat = await (await import('../helpers/cli.js')).abra(
        ['app', 'run', app, 'app', '--', 'sh', '-c', 'tr a-z A-Z'],
        world.env,
        input,
      );
      assert.equal(cat.code, 0, cat.stderr);
      assert.equal(cat.stdout, input.toUpperCase());
      const seven = await world.run('app', 'run', app, 'app', '--', 'sh', '-c', 'exit 7');
      assert.equal(seven.code, 7, seven.stderr);
      const env = await world.run(
        'app',
        'run',
        app,
        'app',
        '-e',
        'GREETING=hi there',
        '-u',
        '1234:5678',
        '--',
        'sh',
        '-c',
        'echo "$GREETING $(id -u):$(id -g)"',
      );
      assert.equal(env.code, 0, env.stderr);
      assert.equal(env.stdout, 'hi there 1234:5678\n');
      const hist = await world.run('app', 'history', app, '-m');
      assert.match(hist.stdout, /exit code 7/);
    });

    it('app cmd runs abra.sh functions of the deployed version, with and without args, and --local', async () => {
      const ls = await world.run('app', 'cmd', 'ls', app);
      assert.equal(ls.code, 0, ls.stderr);
      assert.deepEqual(ls.stdout.trim().split('\n'), ['greet', 'count_args', 'fail_with']);
      const stack = world.stack(app);
      const greet = await world.run('app', 'cmd', app, 'greet');
      assert.equal(greet.code, 0, greet.stderr);
      assert.equal(greet.stdout, `hello  from ${stack} domain=${app} conf=v7\n`);
      const withArgs = await world.run('app', 'cmd', app, 'app', 'greet', '--', 'operator');
      assert.equal(withArgs.code, 0, withArgs.stderr);
      assert.equal(withArgs.stdout, `hello operator from ${stack} domain=${app} conf=v7\n`);
      const local = await world.run('app', 'cmd', '--local', app, 'count_args', '--', 'x y', '-z', 'last');
      assert.equal(local.code, 0, local.stderr);
      assert.equal(local.stdout, 'args=3 first=x y last=last\n');
      const failing = await world.run('app', 'cmd', app, 'fail_with', '--', '5');
      assert.equal(failing.code, 5);
      assert.match(failing.stderr, /failing with 5/);
      const unknown = await world.run('app', 'cmd', app, 'unreleased');
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /no function "unreleased"/);
      assert.match(unknown.stderr, /greet, count_args, fail_with/);
    });

    it('app cp copies a directory both ways with modes, links and long names', async () => {
      const src = join(world.home, `src-${server}`);
      makeSourceDir(src);
      const to = await world.run('app', 'cp', app, src, 'app:/tmp/');
      assert.equal(to.code, 0, to.stderr);
      const inside = await world.run(
        'app',
        'run',
        app,
        'app',
        '--',
        'sh',
        '-c',
        `cd /tmp/src-${server} && stat -c '%n %a' run.sh private sub && cat sub/deeper/${LONG} && readlink inside-link`,
      );
      assert.equal(inside.code, 0, inside.stderr);
      assert.equal(inside.stdout, `run.sh 755\nprivate 600\nsub 750\na long name survives\nsub/deeper\n`);
      const back = join(world.home, `back-${server}`);
      mkdirSync(back);
      const from = await world.run('app', 'cp', app, `app:/tmp/src-${server}`, back);
      assert.equal(from.code, 0, from.stderr);
      assert.deepEqual(tree(join(back, `src-${server}`)), tree(src));
      // A new name for a file, into an existing directory of the container and back.
      const renamed = await world.run('app', 'cp', app, join(src, 'run.sh'), 'app:/tmp/renamed.sh');
      assert.equal(renamed.code, 0, renamed.stderr);
      const out = join(world.home, `renamed-${server}.sh`);
      assert.equal((await world.run('app', 'cp', app, 'app:/tmp/renamed.sh', out)).code, 0);
      assert.equal(readFileSync(out, 'utf8'), '#!/bin/sh\necho run\n');
      assert.equal(lstatSync(out).mode & 0o777, 0o755);
    });

    it('app cp streams a 200 MiB file both ways byte-identical, with bounded memory', async () => {
      const big = join(world.home, `big-${server}`);
      const fh = await open(big, 'w');
      for (let i = 0; i < 200; i++) await fh.write(randomBytes(1024 * 1024));
      await fh.close();
      const want = await sha256File(big);
      const t0 = Date.now();
      const up = await abraWithRss(['app', 'cp', app, big, 'app:/tmp/big']);
      const upMs = Date.now() - t0;
      assert.equal(up.code, 0, up.stderr);
      const sum = await world.run('app', 'run', app, 'app', '--', 'sha256sum', '/tmp/big');
      assert.equal(sum.stdout.split(/\s+/)[0], want);
      const back = join(world.home, `big-back-${server}`);
      const t1 = Date.now();
      const down = await abraWithRss(['app', 'cp', app, 'app:/tmp/big', back]);
      const downMs = Date.now() - t1;
      assert.equal(down.code, 0, down.stderr);
      assert.equal(await sha256File(back), want);
      process.stderr.write(
        `# 200 MiB cp ${over}: to container ${upMs} ms, peak RSS ${Math.round(up.rssKiB / 1024)} MiB; ` +
          `from container ${downMs} ms, peak RSS ${Math.round(down.rssKiB / 1024)} MiB\n`,
      );
      assert.ok(up.rssKiB < 150 * 1024, `peak RSS ${up.rssKiB} KiB copying in`);
      assert.ok(down.rssKiB < 150 * 1024, `peak RSS ${down.rssKiB} KiB copying out`);
      await world.run('app', 'run', app, 'app', '--', 'rm', '-f', '/tmp/big');
    });

    it('app cp refuses an archive whose links point outside and writes nothing', async () => {
      const made = await world.run(
        'app',
        'run',
        app,
        'app',
        '--',
        'sh',
        '-c',
        'mkdir -p /tmp/evil /tmp/evil2/a && echo ok > /tmp/evil/ok && ln -s /etc /tmp/evil/link && echo x > /tmp/evil/zz && ln -s ../../../etc /tmp/evil2/a/up',
      );
      assert.equal(made.code, 0, made.stderr);
      for (const [dir, why] of [
        ['evil', /symbolic link to the absolute path \/etc/],
        ['evil2', /pointing outside the copy/],
      ] as const) {
        const target = join(world.home, `out-${server}-${dir}`);
        mkdirSync(target);
        const res = await world.run('app', 'cp', app, `app:/tmp/${dir}`, target);
        assert.equal(res.code, 1, res.stderr);
        assert.match(res.stderr, why);
        assert.deepEqual(readdirSync(target), [], 'nothing extracted, no staging left');
      }
      assert.deepEqual(
        readdirSync(world.home).filter((n) => n.startsWith('.abra-cp-')),
        [],
      );
    });

    it('bad input: cp to or from a missing path, both or neither side in a container', async () => {
      const missingDst = await world.run(
        'app',
        'cp',
        app,
        join(world.home, `src-${server}`, 'run.sh'),
        'app:/nonexistent/dir/x',
      );
      assert.equal(missingDst.code, 1);
      assert.match(missingDst.stderr, /\/nonexistent\/dir does not exist in app/);
      const missingSrc = await world.run('app', 'cp', app, 'app:/nope', join(world.home, 'nope'));
      assert.equal(missingSrc.code, 1);
      assert.match(missingSrc.stderr, /\/nope does not exist in app/);
      assert.ok(!existsSync(join(world.home, 'nope')));
      const missingLocalParent = await world.run(
        'app',
        'cp',
        app,
        'app:/etc/hostname',
        join(world.home, 'no', 'where'),
      );
      assert.equal(missingLocalParent.code, 1);
      assert.match(missingLocalParent.stderr, /does not exist, so .* cannot be created/);
      const neither = await world.run('app', 'cp', app, '/tmp/a', '/tmp/b');
      assert.equal(neither.code, 1);
      assert.match(neither.stderr, /Neither side/);
    });

    if (server === 'default')
      it('app run allocates a TTY when stdin is a terminal, unless -t', async () => {
        const inPty = (args: string) =>
          spawnSync('script', ['-qec', `${process.execPath} ${BIN} ${args}`, '/dev/null'], {
            env: world.env,
            encoding: 'utf8',
            timeout: 30_000,
          });
        const tty = inPty(`app run ${app} app -- sh -c 'tty; stty size; exit 3'`);
        assert.equal(tty.status, 3, tty.stdout + tty.stderr);
        assert.match(tty.stdout, /\/dev\/pts\/\d+/);
        const noTty = inPty(`app run ${app} app -t -- sh -c 'tty; exit 0'`);
        assert.match(noTty.stdout, /not a tty/);
      });

    if (server === 'default')
      it('runPostDeployCmds runs each entry through app cmd; a failure is reported, not thrown', async () => {
        const envFile = world.envPath(app);
        writeFileSync(
          envFile,
          `${readFileSync(envFile, 'utf8')}POST_DEPLOY_CMDS=app greet post|app fail_with 3|app nosuch\n`,
        );
        const events: OperationEvent[] = [];
        const docker = new DockerConnector({ env: world.env, debug: () => {}, warn: () => {} });
        try {
          const results = await runPostDeployCmds(app, {
            paths: abraPaths(world.env),
            docker,
            git: new GitClient({ env: world.env, debug: () => {} }),
            signals: process,
            machineId: async () => 'test-machine',
            clock: systemClock,
            events: (e) => events.push(e),
            env: world.env,
            argv: ['app', 'deploy', app],
          });
          assert.deepEqual(
            results.map((r) => [r.cmd, r.ok, r.exitCode]),
            [
              ['app greet post', true, 0],
              ['app fail_with 3', false, 3],
              ['app nosuch', false, undefined],
            ],
          );
          assert.match(results[2]!.error ?? '', /no function "nosuch"/);
          const logs = events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
          assert.ok(
            logs.includes(`hello post from ${world.stack(app)} domain=${app} conf=v7`),
            logs.join('\n'),
          );
          assert.ok(logs.includes('failing with 3'));
          const warnings = events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
          assert.equal(warnings.length, 2, warnings.join('\n'));
        } finally {
          await docker.close();
        }
      });

    if (server === 'default')
      it('bad input: run with no running task, cmd when the recipe has no abra.sh', async () => {
        const stack = world.stack(app);
        docker(['service', 'scale', '--detach', `${stack}_app=0`]);
        let res = await world.run('app', 'run', app, 'app', '--', 'true');
        for (let i = 0; i < 40 && !/no running task/.test(res.stderr); i++) {
          await new Promise((r) => setTimeout(r, 250));
          res = await world.run('app', 'run', app, 'app', '--', 'true');
        }
        assert.equal(res.code, 1);
        assert.match(res.stderr, /Service app of .* has no running task \(0\/0 running; last task: /);
        const unknownService = await world.run('app', 'run', app, 'nosuch', '--', 'true');
        assert.equal(unknownService.code, 1);
        assert.match(unknownService.stderr, /No service "nosuch"/);
        const bare = world.app('noabrash', { TYPE: 'hello:0.9.0+1' });
        const noSh = await world.run('app', 'cmd', bare, 'greet');
        assert.equal(noSh.code, 1);
        assert.match(noSh.stderr, /has no abra\.sh at 0\.9\.0\+1/);
        const noShLs = await world.run('app', 'cmd', 'ls', bare);
        assert.equal(noShLs.code, 1);
      });
  });
}

import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../test/helpers/hello-world.js';
import { hostBlock, loadLab, makeOperator, type Operator } from '../test/helpers/lab.js';
import { SOLO_HOST, startSolo, stopSolo } from '../test/helpers/solo.js';
import { startWeb, stopWeb } from '../test/helpers/web-process.js';
import { type BenchRow, median, nowMs } from './lib.js';

const BIN = new URL('../bin/abra.js', import.meta.url).pathname;
const APPS = 100;
const IMAGE = 'abra-lab/busybox:1';
const OLD = '1.0.0+1';
const NEW = '1.1.0+1';
/** Apps deployed for real on each server; the others are only env files ("not deployed"). */
const DEPLOYED_PER_SERVER = 2;
const RUNS = 10;
const CLI_RUNS = 5;
const RSS_GOAL_MIB = 80;
const IDLE_SECONDS = 30;
const PASSWORD = 'bench password 1';

/**
 * `abra web` over a fleet: 100 app env files on 3 servers that each reach a real engine (the lab
 * swarm over its local socket as `default`, the same swarm over the lab sshd as `lab`, and the
 * solo node, its own swarm over SSH, as `solo`), a few apps per server deployed for real with
 * `abra app deploy`. Measures the dashboard process's resident memory (VmRSS from /proc) idle
 * after start, after the first apps page and after many, and the time to render the apps page
 * against one `abra app ls --status` over the same fleet.
 */
export async function benchWeb(): Promise<BenchRow[]> {
  const lab = loadLab();
  const op = makeOperator(lab);
  const id = randomBytes(3).toString('hex');
  const soloWasUp = spawnSync('bash', [soloScript(), 'status'], { stdio: 'ignore' }).status === 0;
  const third = trySolo(lab.hostKeyPub, op);
  const servers = ['default', 'lab', third];
  const apps = Array.from({ length: APPS }, (_, i) => ({
    server: servers[i % servers.length] as string,
    domain: `web${i}-${id}.bench.example`,
  }));
  const deployed = servers.flatMap((s) => apps.filter((a) => a.server === s).slice(0, DEPLOYED_PER_SERVER));
  let web: ChildProcess | undefined;
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { env: op.env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`abra ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r;
  };
  try {
    op.writeSshConfig(
      hostBlock('lab', lab) +
        (third === 'solo'
          ? `${hostBlock('solo', lab, { HostName: SOLO_HOST, Port: 22 })}`
          : hostBlock(third, lab)),
    );
    run('server', 'add', '--local');
    run('server', 'add', 'lab');
    run('server', 'add', third);
    makeRecipe(join(op.abraDir, 'recipes', 'webbench'));
    for (const app of apps)
      writeFileSync(
        join(op.abraDir, 'servers', app.server, `${app.domain}.env`),
        `TYPE=webbench:${OLD}\nDOMAIN=${app.domain}\nTIMEOUT=60\n`,
        { mode: 0o600 },
      );
    // Deploys on different servers in parallel, one at a time per server (each takes a lock).
    await Promise.all(
      servers.map(async (s) => {
        for (const app of deployed.filter((a) => a.server === s)) await deployApp(app.domain, op);
      }),
    );

    // The reference: one `abra app ls --status`, checked once so a fast wrong answer cannot count.
    const listing = JSON.parse(run('app', 'ls', '--status', '--machine').stdout) as Record<
      string,
      { apps: { appName: string; status: string }[] }
    >;
    const listed = Object.values(listing).flatMap((g) => g.apps);
    const up = listed.filter((a) => a.status === 'deployed').map((a) => a.appName);
    if (listed.length !== APPS || up.length !== deployed.length)
      throw new Error(
        `app ls --status listed ${listed.length} apps, ${up.length} deployed: ${up.join(', ')}`,
      );
    run('app', 'ls', '--status');
    const cli: number[] = [];
    for (let i = 0; i < CLI_RUNS; i++) {
      const t = nowMs();
      run('app', 'ls', '--status');
      cli.push(nowMs() - t);
    }
    const cliMs = median(cli);

    const addUser = spawnSync(process.execPath, [BIN, 'web', 'user', 'add', 'bench', '--role', 'viewer'], {
      env: op.env,
      input: `${PASSWORD}\n`,
      encoding: 'utf8',
    });
    if (addUser.status !== 0) throw new Error(`web user add failed: ${addUser.stderr}`);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    web = await startWeb(op.env, port);
    const pid = web.pid as number;
    await sleep(2000);
    const rssStart = rssMiB(pid);
    const cookie = await signIn(base);

    const render = async () => {
      const t = nowMs();
      const res = await fetch(`${base}/apps`, { headers: { cookie }, redirect: 'manual' });
      const body = await res.text();
      const ms = nowMs() - t;
      if (res.status !== 200) throw new Error(`GET /apps answered ${res.status}`);
      return { ms, body };
    };
    const first = await render();
    checkPage(first.body, apps, up);
    const rssFirst = rssMiB(pid);
    const warm: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await render();
      checkPage(r.body, apps, up);
      warm.push(r.ms);
    }
    const rssAfter = rssMiB(pid);
    // Idle: V8's memory reducer gives back what the burst of pages grew, some seconds later.
    const idle: number[] = [];
    for (let i = 0; i < IDLE_SECONDS; i++) {
      await sleep(1000);
      idle.push(rssMiB(pid));
    }
    const rssIdle = idle[idle.length - 1] as number;
    const peak = hwmMiB(pid);
    const warmMs = median(warm);
    const fleet = `${APPS} apps on 3 servers (default: local socket, lab: SSH, ${third === 'solo' ? 'solo: SSH to a second swarm' : `${third}: SSH alias of lab`}), ${deployed.length} deployed`;
    return [
      {
        figure: `abra web RSS idle after start (${fleet})`,
        ours: rssStart,
        reference: RSS_GOAL_MIB,
        unit: 'MiB',
        referenceLabel: 'goal',
      },
      {
        figure: 'abra web RSS after the first apps page',
        ours: rssFirst,
        reference: RSS_GOAL_MIB,
        unit: 'MiB',
        referenceLabel: 'goal',
      },
      {
        figure: `abra web RSS right after ${RUNS + 1} apps pages`,
        ours: rssAfter,
        reference: RSS_GOAL_MIB,
        unit: 'MiB',
        referenceLabel: 'goal',
        note: `peak (VmHWM) ${peak.toFixed(1)} MiB: signing in runs scrypt (N=2^17, 128 MiB, freed at once)`,
      },
      {
        figure: `abra web RSS idle ${IDLE_SECONDS} s after those pages`,
        ours: rssIdle,
        reference: RSS_GOAL_MIB,
        unit: 'MiB',
        referenceLabel: 'goal',
        note: `each 5 s: ${idle
          .filter((_, i) => i % 5 === 4)
          .map((m) => m.toFixed(0))
          .join(', ')} MiB`,
      },
      {
        figure: 'apps page, first render (connects to 3 servers)',
        ours: first.ms,
        reference: cliMs,
        referenceLabel: `abra app ls --status, median of ${CLI_RUNS}; goal <= 1.5x`,
      },
      {
        figure: `apps page, median of ${RUNS} renders (pooled connections)`,
        ours: warmMs,
        reference: cliMs,
        referenceLabel: 'abra app ls --status; goal <= 1.5x',
        note: `renders ${warm.map((m) => m.toFixed(0)).join(', ')} ms; app ls --status ${cli.map((m) => m.toFixed(0)).join(', ')} ms`,
      },
    ];
  } finally {
    if (web) await stopWeb(web);
    for (const app of deployed)
      spawnSync(process.execPath, [BIN, '-n', 'app', 'undeploy', app.domain], {
        env: op.env,
        stdio: 'ignore',
      });
    if (third === 'solo' && !soloWasUp) stopSolo();
    op.cleanup();
  }
}

function soloScript(): string {
  return new URL('../test/lab/solo.sh', import.meta.url).pathname;
}

/** The solo node as the third server; a second SSH alias of the lab when it cannot start. */
function trySolo(hostKeyPub: string, op: Operator): string {
  try {
    const solo = startSolo([IMAGE], hostKeyPub);
    appendFileSync(join(op.sshDir, 'known_hosts'), `${solo.knownHostsLine}\n`);
    return 'solo';
  } catch (err) {
    process.stderr.write(`web bench: solo node did not start (${String(err)}); using a second SSH alias\n`);
    return 'lab-b';
  }
}

async function deployApp(domain: string, op: Operator): Promise<void> {
  const child = spawn(process.execPath, [BIN, '-n', 'app', 'deploy', domain, '--no-domain-checks'], {
    env: op.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`abra app deploy ${domain} failed (${code}): ${err}`);
}

function makeRecipe(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.env.sample'), 'TYPE=webbench\nDOMAIN=webbench.example.com\n');
  const compose = (version: string) =>
    [
      'version: "3.8"',
      'services:',
      '  app:',
      `    image: ${IMAGE}`,
      '    command: ["sleep", "86400"]',
      '    stop_grace_period: 1s',
      '    deploy:',
      '      labels:',
      `        - "coop-cloud.\${STACK_NAME}.version=${version}"`,
      '        - "coop-cloud.${STACK_NAME}.timeout=${TIMEOUT:-120}"',
      '',
    ].join('\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...args], { cwd: dir });
  git('init', '-q', '-b', 'main');
  for (const v of [OLD, NEW]) {
    writeFileSync(join(dir, 'compose.yml'), compose(v));
    git('add', '-A');
    git('commit', '-qm', v);
    git('tag', '-a', v, '-m', v);
  }
}

async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    body: new URLSearchParams({ user: 'bench', password: PASSWORD }),
    redirect: 'manual',
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (res.status !== 303 || !cookie) throw new Error(`sign-in answered ${res.status}`);
  return cookie;
}

/** Every app listed, and exactly the deployed ones shown running. */
function checkPage(body: string, apps: { domain: string }[], up: string[]): void {
  const missing = apps.filter((a) => !body.includes(`>${a.domain}</a>`));
  if (missing.length > 0)
    throw new Error(`apps page lacks ${missing.length} apps, e.g. ${missing[0]?.domain}`);
  const rows = body.split('<tr>').filter((r) => r.includes('/apps/'));
  const running = rows.filter((r) => /<td>deployed/.test(r)).length;
  if (running !== up.length)
    throw new Error(`apps page shows ${running} deployed apps, expected ${up.length}`);
}

function procField(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(m[1]) / 1024;
}

const rssMiB = (pid: number) => procField(pid, 'VmRSS');
const hwmMiB = (pid: number) => procField(pid, 'VmHWM');

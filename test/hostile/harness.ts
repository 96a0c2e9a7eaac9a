// Table-driven hostile-input cases: each runs the built CLI in a throwaway operator world
// (HOME, ABRA_DIR, a planted "victim" directory beside them) and proves three things:
// it ends in one clear `Error:` line with a non-zero exit (or the result the case checks),
// within the time and memory bounds, and nothing changed outside what the command owns.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const BIN = new URL('../../bin/abra.js', import.meta.url).pathname;
const RSS_HOOK = new URL('./rss-hook.mjs', import.meta.url).pathname;
// Work is bounded in CPU time, which a busy machine does not inflate; wall time only catches a
// case that waits on something (a FIFO, a socket) instead of refusing it.
export const TIME_LIMIT_MS = 2000;
export const WALL_LIMIT_MS = 10_000;
export const RSS_LIMIT_KIB = 256 * 1024;

export interface World {
  /** The throwaway HOME; ABRA_DIR is `<home>/.abra`. */
  home: string;
  abraDir: string;
  /** Files the operator owns that no command may touch (a planted target for escapes). */
  victim: string;
  env: NodeJS.ProcessEnv;
  /** Write a file (parents created) under ABRA_DIR. */
  write(rel: string, content: string | Buffer, mode?: number): string;
}

export interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** User + system CPU time of the CLI process. */
  cpuMs: number | undefined;
  rssKiB: number | undefined;
}

export interface HostileCase {
  name: string;
  setup?: (w: World) => void | Promise<void>;
  args: string[] | ((w: World) => string[]);
  input?: string;
  /** 'error' (default): a one-line `Error:` and a non-zero exit that is not a bug report. */
  expect?: 'error' | ((r: Outcome, w: World) => void | Promise<void>);
  /** The error message must match (with expect 'error'). */
  error?: RegExp;
  /** Paths relative to ABRA_DIR the command may change (e.g. 'audit.log'). */
  owns?: string[];
  /** Extra environment for the CLI. */
  env?: NodeJS.ProcessEnv;
}

export function makeWorld(): World {
  const base = mkdtempSync(join(tmpdir(), 'abra-hostile-'));
  const home = join(base, 'home');
  const abraDir = join(home, '.abra');
  const victim = join(base, 'victim');
  mkdirSync(join(abraDir, 'servers', 'default'), { recursive: true, mode: 0o700 });
  mkdirSync(join(abraDir, 'recipes'), { recursive: true });
  mkdirSync(join(victim, 'keep'), { recursive: true });
  writeFileSync(join(victim, 'keep', 'secret.txt'), 'operator secret, never uploaded\n');
  writeFileSync(join(victim, 'victim.env'), 'DOMAIN=victim\n', { mode: 0o600 });
  writeFileSync(
    join(abraDir, 'servers', 'default', 'existing.example.com.env'),
    'TYPE=example\nDOMAIN=existing.example.com\n',
    { mode: 0o600 },
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    USER: 'hostile',
    ABRA_DIR: abraDir,
    LANG: 'C.UTF-8',
    // No engine is reachable: a case that gets as far as the network fails there, not on ours.
    DOCKER_HOST: `unix://${join(base, 'no-docker.sock')}`,
  };
  return {
    home,
    abraDir,
    victim,
    env,
    write(rel, content, mode) {
      const p = join(abraDir, rel);
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, content, mode === undefined ? undefined : { mode });
      return p;
    },
  };
}

/** sha256 over every entry's path, type, mode and bytes (links by target, not followed). */
export function digestTree(root: string, skip: readonly string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const r = rel ? `${rel}/${n}` : n;
      if (skip.some((s) => r === s || r.startsWith(`${s}/`))) continue;
      const p = join(dir, n);
      const st = lstatSync(p);
      const h = createHash('sha256').update(`${st.mode}`);
      if (st.isSymbolicLink()) h.update(`->${readlinkSync(p)}`);
      else if (st.isFile()) h.update(readFileSync(p));
      out.set(r, h.digest('hex'));
      if (st.isDirectory()) walk(p, r);
    }
  };
  walk(root, '');
  return out;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<Outcome> {
  const rssFile = join(tmpdir(), `abra-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RSS_HOOK, BIN, ...args], {
      env: { ...env, ABRA_TEST_RSS_FILE: rssFile },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Past the bound the case has failed anyway; the kill only keeps a hang from stalling CI.
    const killer = setTimeout(() => child.kill('SIGKILL'), WALL_LIMIT_MS * 2);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      let rssKiB: number | undefined;
      let cpuMs: number | undefined;
      try {
        const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRSS: number; cpuMs: number };
        rssKiB = usage.maxRSS;
        cpuMs = usage.cpuMs;
        rmSync(rssFile, { force: true });
      } catch {
        rssKiB = undefined;
      }
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, cpuMs, rssKiB });
    });
    child.stdin.end(input);
  });
}

/** The error contract every failing case must meet. */
export function assertCleanError(r: Outcome, pattern?: RegExp): void {
  const shown = `exit ${r.code}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
  assert.ok(r.code !== 0 && r.code !== null, `expected a non-zero exit\n${shown}`);
  assert.doesNotMatch(r.stderr, /abra hit a bug/, `a bug report instead of a clear error\n${shown}`);
  assert.notEqual(r.code, 2, `exit 2 means a bug\n${shown}`);
  const first = r.stderr.split('\n').find((l) => l.startsWith('Error: '));
  assert.ok(first, `no "Error:" line\n${shown}`);
  assert.ok(first.length > 'Error: '.length + 5, `an empty error line\n${shown}`);
  if (pattern) assert.match(r.stderr, pattern, shown);
}

export function hostileTable(title: string, cases: readonly HostileCase[]): void {
  const names = new Set<string>();
  for (const c of cases) {
    assert.ok(!names.has(c.name), `duplicate case name ${c.name}`);
    names.add(c.name);
  }
  for (const c of cases) {
    test(`${title}: ${c.name}`, async () => {
      const w = makeWorld();
      try {
        await c.setup?.(w);
        const owned = ['audit.log', ...(c.owns ?? [])];
        const beforeDir = digestTree(w.abraDir, owned);
        const beforeVictim = digestTree(w.victim);
        const args = typeof c.args === 'function' ? c.args(w) : c.args;
        const r = await runCli(args, { ...w.env, ...c.env }, c.input);
        const shown = `abra ${args.join(' ')}\nexit ${r.code} ${r.signal ?? ''}\nstderr: ${r.stderr.slice(0, 1500)}`;
        assert.ok(r.ms <= WALL_LIMIT_MS, `took ${r.ms} ms of wall time (bound ${WALL_LIMIT_MS})\n${shown}`);
        assert.ok(
          r.rssKiB !== undefined && r.cpuMs !== undefined,
          `no resource usage reported (killed?)\n${shown}`,
        );
        assert.ok(r.cpuMs <= TIME_LIMIT_MS, `used ${r.cpuMs} ms of CPU (bound ${TIME_LIMIT_MS})\n${shown}`);
        assert.ok(r.rssKiB <= RSS_LIMIT_KIB, `peak RSS ${r.rssKiB} KiB (bound ${RSS_LIMIT_KIB})\n${shown}`);
        if (c.expect === undefined || c.expect === 'error') assertCleanError(r, c.error);
        else await c.expect(r, w);
        assert.deepEqual(digestTree(w.victim), beforeVictim, `the victim directory changed\n${shown}`);
        assert.deepEqual(
          digestTree(w.abraDir, owned),
          beforeDir,
          `ABRA_DIR changed outside what the command owns\n${shown}`,
        );
      } finally {
        rmSync(join(w.home, '..'), { recursive: true, force: true });
      }
    });
  }
}

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { abra, type CliResult, snapshotTree } from '../helpers/cli.js';

/** A throwaway world: HOME, ABRA_DIR and a place for "remote" repositories. */
export interface RecipeWorld {
  root: string;
  home: string;
  abraDir: string;
  remotes: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], input?: string): Promise<CliResult>;
  cleanup(): void;
}

export function makeWorld(): RecipeWorld {
  const root = mkdtempSync(join(tmpdir(), 'abra-recipe-'));
  const home = join(root, 'home');
  const abraDir = join(root, 'abra');
  const remotes = join(root, 'remotes');
  mkdirSync(home);
  mkdirSync(remotes);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    ABRA_DIR: abraDir,
    GIT_CONFIG_NOSYSTEM: '1',
  };
  return {
    root,
    home,
    abraDir,
    remotes,
    env,
    run: (args, input) => abra(args, env, input),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

const FIXTURE_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@example.org',
  GIT_COMMITTER_NAME: 'Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@example.org',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
  LC_ALL: 'C',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: FIXTURE_ENV, encoding: 'utf8' }).trim();
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

export function compose(services: Record<string, string>): string {
  const lines = ['---', 'version: "3.8"', '', 'services:'];
  for (const [name, image] of Object.entries(services)) lines.push(`  ${name}:`, `    image: ${image}`);
  return `${lines.join('\n')}\n`;
}

export function commit(dir: string, message: string, files: Record<string, string>): string {
  writeFiles(dir, files);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

export function annotatedTag(dir: string, tag: string): void {
  git(dir, 'tag', '-a', '-m', `chore: publish ${tag} release`, tag);
}

export function lightweightTag(dir: string, tag: string): void {
  git(dir, 'tag', tag);
}

/** A working repository plus a bare clone of it, the "remote" abra fetches from. */
export interface DemoRemote {
  work: string;
  bare: string;
  url: string;
  commits: Record<string, string>;
}

/**
 * The demo recipe's history: five commits changing images, with annotated, lightweight,
 * v-prefixed, pre-release and non-version tags, one tag whose compose.yml is broken and one
 * without compose.yml.
 */
export function makeDemoRemote(parent: string, name = 'demo'): DemoRemote {
  const work = join(parent, `${name}-work`);
  mkdirSync(work);
  git(work, 'init', '--quiet', '--initial-branch=main');
  const commits: Record<string, string> = {};
  commits.c0 = commit(work, 'first', {
    'compose.yml': compose({ app: 'nginx:1.24.0' }),
    '.env.sample': `TYPE=${name}\nDOMAIN=${name}.example.com\n`,
  });
  annotatedTag(work, 'v0.9.0');
  commits.c1 = commit(work, 'add db', { 'compose.yml': compose({ app: 'nginx:1.25.0', db: 'postgres:15' }) });
  annotatedTag(work, '1.0.0+1.25.0');
  commits.c2 = commit(work, 'bump nginx', {
    'compose.yml': compose({ app: 'nginx:1.25.3', db: 'postgres:15' }),
  });
  lightweightTag(work, '1.0.1+1.25.3');
  lightweightTag(work, 'latest-build');
  commits.c3 = commit(work, 'alpine, pinned db', {
    'compose.yml': compose({
      app: 'registry.example.org:5000/lib/nginx:1.27.0-alpine',
      db: 'postgres:16@sha256:0123abcd',
      worker: '${WORKER_IMAGE:-busybox}:${WORKER_TAG}',
    }),
  });
  annotatedTag(work, '1.1.0+1.27.0-alpine');
  annotatedTag(work, '2.0.0-rc.1+1.27.0-alpine');
  commits.c4 = commit(work, 'oops', { 'compose.yml': 'services: [unclosed\n' });
  annotatedTag(work, '1.2.0+1.27.0-alpine');
  git(work, 'rm', '--quiet', 'compose.yml');
  git(work, 'commit', '--quiet', '-m', 'move compose away');
  commits.c5 = git(work, 'rev-parse', 'HEAD');
  annotatedTag(work, '1.3.0+1.27.0-alpine');
  commits.c6 = commit(work, 'restore', { 'compose.yml': compose({ app: 'nginx:1.27.1' }) });
  const bare = join(parent, `${name}.git`);
  git(parent, 'clone', '--quiet', '--bare', work, bare);
  return { work, bare, url: `file://${bare}`, commits };
}

/** Run a command that must fail: exit 1, the message, a fix line, no stack, nothing changed on disk. */
export async function expectFailure(
  world: RecipeWorld,
  args: string[],
  pattern: RegExp,
  input?: string,
): Promise<CliResult> {
  const before = snapshotTree(world.root);
  const res = await world.run(args, input);
  assert.equal(res.code, 1, `exit code for ${args.join(' ')}\n${res.stdout}${res.stderr}`);
  assert.match(res.stderr, pattern);
  assert.match(res.stderr, /fix: /, 'a user error says how to fix it');
  assert.doesNotMatch(res.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace for user errors');
  assert.deepEqual(snapshotTree(world.root), before, 'a failed command changes nothing on disk');
  return res;
}

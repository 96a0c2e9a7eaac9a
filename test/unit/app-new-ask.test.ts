import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OperationEvent } from '../../src/domain/events/types.js';
import { Cancelled, UserError } from '../../src/errors.js';
import { GitClient } from '../../src/infra/git/client.js';
import { abraPaths } from '../../src/infra/store/paths.js';
import { ServerStore } from '../../src/infra/store/servers.js';
import { appNew } from '../../src/services/app/new.js';
import { terminalPrompt } from '../../src/ui/prompt.js';
import { fakePrompt, type ScriptedAnswer } from '../helpers/prompt.js';

// `app new`'s questions through a fake Prompt: what is asked, in which order, with which
// defaults, and that the answers take the same path as arguments. Real git, no terminal.

const GIT_ENV = {
  PATH: process.env.PATH,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'T',
  GIT_AUTHOR_EMAIL: 't@example.org',
  GIT_COMMITTER_NAME: 'T',
  GIT_COMMITTER_EMAIL: 't@example.org',
};
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, env: GIT_ENV, stdio: 'ignore' });

let root: string;
let env: NodeJS.ProcessEnv;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'abra-ask-'));
  env = { PATH: process.env.PATH, ABRA_DIR: join(root, 'abra'), HOME: root };
  const dir = join(root, 'abra', 'recipes', 'demo');
  mkdirSync(join(dir, 'release'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, '.env.sample'), 'TYPE=demo\nDOMAIN=demo.example.com\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'one');
  git(dir, 'tag', '-a', '1.0.0+1', '-m', '1.0.0+1');
  writeFileSync(join(dir, 'release', '2.0.0+1'), 'Big changes\n\nDetails.\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'two');
  git(dir, 'tag', '-a', '2.0.0+1', '-m', 'two');
  for (const s of ['one', 'two']) mkdirSync(join(root, 'abra', 'servers', s), { recursive: true });
  writeFileSync(join(root, 'abra', 'servers', 'one', 'taken.example.com.env'), 'TYPE=demo\n');
});
after(() => rmSync(root, { recursive: true, force: true }));

function run(
  answers: ScriptedAnswer[],
  opts: { interactive?: boolean; recipe?: string; server?: string } = {},
) {
  const prompt = fakePrompt(answers, opts.interactive ?? true);
  const events: OperationEvent[] = [];
  const paths = abraPaths(env);
  const deps = {
    paths,
    servers: new ServerStore(paths),
    env,
    events: (e: OperationEvent) => events.push(e),
    prompt,
    git: new GitClient({ env: GIT_ENV }),
  };
  const result = appNew(
    {
      recipe: opts.recipe,
      server: opts.server,
      domain: undefined,
      version: undefined,
      secrets: false,
      chaos: false,
      offline: true,
    },
    // Without --secrets, app new never reaches the engine, the lock or the audit log.
    deps as unknown as Parameters<typeof appNew>[1],
  );
  return { prompt, result, events };
}

describe('app new, asked', () => {
  it('recipe, server, domain (default, refused answers re-asked), version with notes, confirm', async () => {
    const { prompt, result } = run([
      'demo',
      'two',
      'bad_name',
      'taken.example.com',
      'ok.example.com',
      '1.0.0+1',
      true,
    ]);
    const res = await result;
    assert.deepEqual(
      prompt.asked.map((a) => [a.kind, a.question]),
      [
        ['select', 'Which recipe?'],
        ['select', 'On which server?'],
        ['text', 'Domain of the app (also its name)'],
        ['select', 'Which version of demo?'],
        ['confirm', 'Create ok.example.com (recipe demo 1.0.0+1) on two?'],
      ],
    );
    const [recipe, server, domain, version] = prompt.asked;
    assert.deepEqual(recipe?.choices, [{ value: 'demo', hint: 'fetched' }]);
    assert.deepEqual(server?.choices, [{ value: 'one' }, { value: 'two' }]);
    assert.equal(domain?.initial, 'demo.two');
    assert.match(domain?.refused?.[0] ?? '', /"bad_name" is not a valid domain/);
    assert.equal(domain?.refused?.[1], 'App taken.example.com already exists on server one');
    assert.deepEqual(version?.choices, [{ value: '2.0.0+1', hint: 'Big changes' }, { value: '1.0.0+1' }]);
    assert.equal(version?.initial, '2.0.0+1');
    assert.equal(res.server, 'two');
    assert.equal(res.app, 'ok.example.com');
    assert.equal(res.version, '1.0.0+1');
    assert.equal(
      readFileSync(join(root, 'abra', 'servers', 'two', 'ok.example.com.env'), 'utf8'),
      'TYPE=demo:1.0.0+1\nDOMAIN=ok.example.com\n',
    );
  });

  it('only what is missing is asked; an empty domain answer is the default', async () => {
    const { prompt, result } = run(['', '2.0.0+1', true], { recipe: 'demo', server: 'one' });
    const res = await result;
    assert.deepEqual(
      prompt.asked.map((a) => a.kind),
      ['text', 'select', 'confirm'],
    );
    assert.equal(res.app, 'demo.one');
    assert.equal(res.version, '2.0.0+1');
  });

  it('Ctrl-C at a question: Cancelled with SIGINT (exit 130), nothing written', async () => {
    const before = readdirSync(join(root, 'abra', 'servers', 'one'));
    const { result } = run(['demo', 'one', { cancel: true }]);
    await assert.rejects(result, (err) => {
      assert.ok(err instanceof Cancelled, String(err));
      return err.signal === 'SIGINT';
    });
    assert.deepEqual(readdirSync(join(root, 'abra', 'servers', 'one')), before);
  });

  it('"no" at the end: Cancelled without a signal (exit 0), nothing written', async () => {
    const { result } = run(['demo', 'one', 'no.example.com', '2.0.0+1', false]);
    await assert.rejects(result, (err) => err instanceof Cancelled && err.signal === undefined);
    assert.ok(!existsSync(join(root, 'abra', 'servers', 'one', 'no.example.com.env')));
  });

  it('nobody to ask: nothing is asked, the old refusal', async () => {
    const { prompt, result } = run([], { interactive: false });
    await assert.rejects(
      result,
      (err) => err instanceof UserError && /does not ask without a terminal/.test(err.message),
    );
    assert.deepEqual(prompt.asked, []);
  });
});

describe('the terminal prompt without a terminal', () => {
  const notTty = { isTTY: false } as unknown as NodeJS.ReadStream & NodeJS.WriteStream;
  const tty = { isTTY: true, columns: 80 } as unknown as NodeJS.ReadStream & NodeJS.WriteStream;

  it('-n: never interactive, confirmations say yes without asking', async () => {
    const p = terminalPrompt({ noInput: true, stdin: tty, stdout: tty, stderr: tty });
    assert.equal(p.interactive, false);
    assert.equal(await p.confirm('Really?'), true);
  });

  it('no terminal on stdin: a confirmation refuses, as before', async () => {
    const p = terminalPrompt({ noInput: false, stdin: notTty, stdout: tty, stderr: tty });
    assert.equal(p.interactive, false);
    await assert.rejects(
      p.confirm('Delete it?'),
      (err) => err instanceof UserError && err.code === 'confirmation_required',
    );
  });

  it('stdout redirected: not interactive, so questions are refused rather than drawn into the output', async () => {
    const p = terminalPrompt({ noInput: false, stdin: tty, stdout: notTty, stderr: tty });
    assert.equal(p.interactive, false);
    await assert.rejects(
      p.select('Which?', [{ value: 'a' }]),
      (err) => err instanceof UserError && err.code === 'usage',
    );
    await assert.rejects(p.text('Name?'), /no terminal to ask/);
  });
});

// Oracle: `abra app deploy` against `docker stack deploy` (CLI 28), on the real lab swarm, for
// every corpus recipe and every variant of its .env.sample (test/helpers/recipe-variants.ts):
// the base, each commented env-only block switched on, and each block that switches on
// overlays (COMPOSE_FILE), so every overlay file is deployed at least once.
//
// Per case, from one recipe git repo (the corpus copy, placeholder config files added,
// committed, annotated tag 1.0.0+1.0) in a temp ABRA_DIR:
//   A  `docker stack deploy --resolve-image never` from the repo's working tree (= the tag),
//      env = the variant's app env as abra reads it + abra.sh exports + STACK_NAME=A; its
//      external secrets created by hand, labelled with A's namespace;
//   B  the same variant as the app env file of app B (TYPE=<recipe>, no version: abra picks the
//      latest tag, 1.0.0+1.0, over an older 0.9.0+1.0 that has no compose file), secrets by
//      `abra app secret generate B --all`, then `abra app deploy B -n --no-domain-checks
//      --no-converge-checks`.
// Both stacks are read back through the Engine API (services, and networks, secrets and
// configs carrying the namespace label) and normalised as test/helpers/deploy-oracle.ts says.
// B must equal A plus exactly what abra adds on purpose (withAbraAdditions: its coop-cloud.*
// labels on the app service and ExposeAllEnv). Nothing else is tolerated.
//
// Lab arrangements, the same for both sides: every image name is tagged locally (from
// abra-lab/busybox; only tags this test created are removed); published ports are the
// recipes' own, so A is removed before B is deployed (host and ingress ports would clash);
// missing external networks are created (and removed) by the test.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AUDIT_STACK_LABEL } from '../../src/domain/audit/stored.js';
import { composeEnv } from '../../src/domain/compose/app-env.js';
import { loadCompose } from '../../src/domain/compose/load.js';
import { readAbraShExports } from '../../src/domain/env/abra-sh.js';
import { parseEnv } from '../../src/domain/env/document.js';
import { stackNameOf } from '../../src/domain/stack/contract.js';
import { toStack } from '../../src/domain/swarm/index.js';
import type { DockerClient } from '../../src/infra/docker/client.js';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import { LOCK_STACK_LABEL } from '../../src/services/lock/record.js';
import { abra } from '../helpers/cli.js';
import { CORPUS_DIR, corpusRecipes } from '../helpers/corpus.js';
import {
  differences,
  NS_LABEL,
  readStackSnapshot,
  type StackSnapshot,
  withAbraAdditions,
  withPlaceholder,
} from '../helpers/deploy-oracle.js';
import { loadLab } from '../helpers/lab.js';
import { recipeVariants } from '../helpers/recipe-variants.js';
import { run } from '../helpers/run.js';

const RUN = randomBytes(3).toString('hex');
const TAG = '1.0.0+1.0';
/** An older release without any compose file: deploying it would fail. */
const OLD_TAG = '0.9.0+1.0';
const TEST_LABEL = { 'abra-test': 'deploy-corpus-oracle' };
const PATH = process.env.PATH ?? '/usr/bin:/bin';
const GIT_ENV = {
  PATH,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Oracle',
  GIT_AUTHOR_EMAIL: 'oracle@example.org',
  GIT_COMMITTER_NAME: 'Oracle',
  GIT_COMMITTER_EMAIL: 'oracle@example.org',
};

interface Case {
  label: string;
  recipe: string;
  /** Index among the recipe's sample variants. */
  variant: number;
  files: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The variant's app env file for `domain`, naming the recipe (and optionally a version). */
function appEnvText(recipeDir: string, c: Case, domain: string, version?: string): string {
  const v = recipeVariants(recipeDir, c.recipe, domain)[c.variant];
  assert.ok(v, `${c.label}: variant ${c.variant}`);
  const type = `TYPE=${c.recipe}${version ? `:${version}` : ''}`;
  return /^TYPE=.*$/m.test(v.envText) ? v.envText.replace(/^TYPE=.*$/gm, type) : `${type}\n${v.envText}`;
}

/** What abra interpolates the compose files with (app env, abra.sh exports, STACK_NAME). */
function interpolationEnv(recipeDir: string, envText: string, domain: string): Record<string, string> {
  const abraSh = join(recipeDir, 'abra.sh');
  const exports = existsSync(abraSh) ? readAbraShExports(readFileSync(abraSh, 'utf8')) : {};
  return composeEnv(parseEnv(envText, 'app.env').values(), exports, domain);
}

function stackOf(recipeDir: string, files: string[], env: Record<string, string>, stack: string) {
  const config = loadCompose({
    files: files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') })),
    workingDir: recipeDir,
    env: { PATH, ...env },
  });
  return { config, desired: toStack(config, { namespace: stack }) };
}

async function waitGone(docker: DockerClient, stack: string, deadline: number): Promise<void> {
  const filters = { label: [`${NS_LABEL}=${stack}`] };
  while (Date.now() < deadline) {
    const [s, n] = await Promise.all([docker.services(filters), docker.networks(filters)]);
    if (s.length === 0 && n.length === 0) return;
    await sleep(250);
  }
}

/** Retry while another stack (of a test that just ended) still holds a published port. */
async function retryPorts<T extends { code: number | null; stderr: string }>(
  fn: () => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const r = await fn();
    if (r.code === 0 || !/already in use/.test(r.stderr) || attempt >= 10) return r;
    await sleep(1000);
  }
}

describe('abra app deploy creates what `docker stack deploy` creates (corpus)', () => {
  const home = mkdtempSync(join(tmpdir(), 'abra-deploy-oracle-'));
  const abraDir = join(home, 'abra');
  const recipesDir = join(abraDir, 'recipes');
  const serverDir = join(abraDir, 'servers', 'default');
  const env: NodeJS.ProcessEnv = {
    PATH,
    HOME: home,
    ABRA_DIR: abraDir,
    LANG: 'C.UTF-8',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const connector = new DockerConnector({ debug: () => undefined });
  const docker = connector.client('default');
  const created = {
    stacks: [] as string[],
    secrets: [] as string[],
    networks: [] as string[],
    tags: [] as string[],
  };
  // Every variant of every sample: the base, each env-only block, each overlay (COMPOSE_FILE).
  const cases: Case[] = corpusRecipes().flatMap((recipe) =>
    recipeVariants(join(CORPUS_DIR, recipe), recipe).map((v, i) => ({
      label: `${recipe} [${v.label}]`,
      recipe,
      variant: i,
      files: v.files.map((f) => f.slice(join(CORPUS_DIR, recipe).length + 1)),
    })),
  );

  before(async () => {
    mkdirSync(serverDir, { recursive: true });
    const res = await abra(['server', 'add', '--local'], env);
    assert.equal(res.code, 0, res.stderr);
    // One repo per recipe; the placeholder files every variant needs are part of the release.
    for (const recipe of corpusRecipes()) {
      const dir = join(recipesDir, recipe);
      cpSync(join(CORPUS_DIR, recipe), dir, { recursive: true });
      for (const c of cases.filter((x) => x.recipe === recipe)) {
        const text = appEnvText(dir, c, 'placeholder.example.com');
        const { desired } = stackOf(
          dir,
          c.files.map((f) => join(dir, f)),
          interpolationEnv(dir, text, 'placeholder.example.com'),
          'placeholder',
        );
        for (const o of [...desired.secrets, ...desired.configs])
          if (o.file && !existsSync(o.file)) {
            mkdirSync(dirname(o.file), { recursive: true });
            writeFileSync(o.file, `placeholder for ${o.key}\n`);
          }
      }
      const git = async (...args: string[]) => {
        const r = await run('git', args, GIT_ENV, dir);
        assert.equal(r.code, 0, `git ${args.join(' ')}: ${r.stderr}`);
      };
      await git('init', '--quiet', '--initial-branch=main');
      await git('commit', '--quiet', '--allow-empty', '-m', 'before the recipe');
      await git('tag', '-a', '-m', 'release', OLD_TAG);
      await git('add', '--all');
      await git('commit', '--quiet', '-m', 'corpus copy');
      await git('tag', '-a', '-m', 'release', TAG);
    }
  });

  after(async () => {
    for (const stack of created.stacks) await run('docker', ['stack', 'rm', stack], { PATH });
    const deadline = Date.now() + 90_000;
    for (const stack of created.stacks) await waitGone(docker, stack, deadline);
    for (const stack of created.stacks) {
      // Tasks that ran created the stack's named volumes; their containers may linger briefly.
      for (let i = 0; i < 40; i++) {
        const vols = await docker.volumes({ label: [`${NS_LABEL}=${stack}`] });
        if (vols.length === 0) break;
        await Promise.allSettled(vols.map((v) => docker.removeVolume(v.Name, true)));
        await sleep(250);
      }
      // `docker stack rm` removed the namespace-labelled secrets; abra's own audit entries and
      // (if one was left behind) its lock are not namespace-labelled.
      for (const label of [NS_LABEL, AUDIT_STACK_LABEL, LOCK_STACK_LABEL]) {
        const filters = { label: [`${label}=${stack}`] };
        const [secrets, configs] = await Promise.all([docker.secrets(filters), docker.configs(filters)]);
        await Promise.allSettled(secrets.map((s) => docker.removeSecret(s.ID)));
        await Promise.allSettled(configs.map((s) => docker.removeConfig(s.ID)));
      }
    }
    await Promise.allSettled(created.secrets.map((id) => docker.removeSecret(id)));
    await Promise.allSettled(created.networks.map((id) => docker.removeNetwork(id)));
    for (const tag of created.tags) await run('docker', ['rmi', tag], { PATH });
    await connector.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('covers every corpus recipe and every overlay file', () => {
    assert.deepEqual([...new Set(cases.map((c) => c.recipe))].sort(), corpusRecipes().sort());
    for (const recipe of corpusRecipes()) {
      const overlays = readdirCompose(join(CORPUS_DIR, recipe)).filter((f) => f !== 'compose.yml');
      const deployed = new Set(cases.filter((c) => c.recipe === recipe).flatMap((c) => c.files));
      for (const f of overlays) assert.ok(deployed.has(f), `${recipe}/${f} is deployed by no case`);
    }
  });

  /**
   * Deploy case `c` as A (docker) and B (abra), remove both, and return B and what B should be
   * (A plus abra's additions), both normalised. `editB` changes B's app env (the control).
   */
  async function deployBoth(c: Case, i: number, editB: (text: string) => string = (t) => t) {
    const dir = join(recipesDir, c.recipe);
    const token = { a: `oa${RUN}c${i}`, b: `ob${RUN}c${i}` };
    const domain = { a: `${token.a}.example.com`, b: `${token.b}.example.com` };
    const stack = { a: stackNameOf(domain.a), b: stackNameOf(domain.b) };
    const text = { a: appEnvText(dir, c, domain.a), b: editB(appEnvText(dir, c, domain.b)) };
    const envA = interpolationEnv(dir, text.a, domain.a);
    const files = c.files.map((f) => join(dir, f));
    const { config, desired } = stackOf(dir, files, envA, stack.a);

    // What docker needs but does not create itself.
    for (const name of desired.externalNetworks) {
      if ((await docker.networks({ name: [name] })).some((n) => n.Name === name)) continue;
      const r = await docker.createNetwork({ Name: name, Driver: 'overlay', Labels: TEST_LABEL });
      created.networks.push(r.Id);
    }
    const lab = loadLab();
    for (const image of new Set(Object.values(config.services).map((s) => s.image ?? ''))) {
      if (!image || image.includes('@') || (await docker.hasImage(image))) continue;
      const r = await run('docker', ['tag', lab.images.busybox, image], { PATH });
      assert.equal(r.code, 0, `docker tag ${image}: ${r.stderr}`);
      created.tags.push(image);
    }

    // A: docker stack deploy; its external secrets made by hand with the namespace label.
    created.stacks.push(stack.a);
    for (const name of desired.externalSecrets) {
      const r = await docker.createSecret({
        Name: name,
        Labels: { [NS_LABEL]: stack.a },
        Data: Buffer.from('oracle\n').toString('base64'),
      });
      created.secrets.push(r.ID);
    }
    const args = ['stack', 'deploy', '--resolve-image', 'never', ...files.flatMap((f) => ['-c', f])];
    const deployed = await retryPorts(() => run('docker', [...args, stack.a], { PATH, ...envA }, dir));
    assert.equal(deployed.code, 0, `docker stack deploy: ${deployed.stderr}`);
    const snapA = await readStackSnapshot(docker, stack.a);
    // Removed before B is deployed: both publish the recipe's ports.
    const rmA = await run('docker', ['stack', 'rm', stack.a], { PATH });
    assert.equal(rmA.code, 0, rmA.stderr);

    // B: abra, with the secrets abra generates.
    created.stacks.push(stack.b);
    const envFile = join(serverDir, `${domain.b}.env`);
    writeFileSync(envFile, text.b, { mode: 0o600 });
    const gen = await abra(['app', 'secret', 'generate', domain.b, '--all'], env);
    assert.equal(gen.code, 0, `secret generate: ${gen.stderr}`);
    const res = await retryPorts(() =>
      abra(['app', 'deploy', domain.b, '-n', '--no-domain-checks', '--no-converge-checks'], env),
    );
    assert.equal(res.code, 0, `abra app deploy: ${res.stdout}${res.stderr}`);
    const snapB = await readStackSnapshot(docker, stack.b);
    const locks = await docker.configs({ label: [`${LOCK_STACK_LABEL}=${stack.b}`] });
    await run('docker', ['stack', 'rm', stack.b], { PATH });

    assert.equal(locks.length, 0, 'abra released its deploy lock');
    const recorded = editB(appEnvText(dir, c, domain.b, TAG));
    assert.equal(readFileSync(envFile, 'utf8'), recorded, 'abra recorded the deployed version');
    assert.ok(snapA.services.length > 0, 'docker deployed services');
    const expected: StackSnapshot = withPlaceholder(
      withAbraAdditions(snapA, {
        stack: stack.a,
        recipe: c.recipe,
        version: TAG,
        // Go abra merges the abra.sh exports and STACK_NAME into the app env before exposing it.
        appEnv: interpolationEnv(dir, text.a, domain.a),
      }),
      token.a,
    );
    return { expected, actual: withPlaceholder(snapB, token.b) };
  }

  cases.forEach((c, i) => {
    it(c.label, async () => {
      const { expected, actual } = await deployBoth(c, i);
      assert.deepEqual(actual, expected, `${c.label}:\n${differences(actual, expected).join('\n')}`);
    });
  });

  it('control: one changed app env value shows up as exactly its differences', async () => {
    const c = cases.find((x) => x.recipe === 'wordpress' && x.variant === 0);
    assert.ok(c);
    const { expected, actual } = await deployBoth(c, cases.length, (t) =>
      t.replace(/^LETS_ENCRYPT_ENV=production$/m, 'LETS_ENCRYPT_ENV=staging'),
    );
    assert.deepEqual(differences(actual, expected), [
      '.services[0].Labels.traefik.http.routers.<app>_example_com.tls.certresolver: "staging" != "production"',
      '.services[0].TaskTemplate.ContainerSpec.Env[3]: "LETS_ENCRYPT_ENV=staging" != "LETS_ENCRYPT_ENV=production"',
    ]);
  });
});

function readdirCompose(dir: string): string[] {
  return readdirSync(dir).filter((f) => /^compose(\..+)?\.yml$/.test(f));
}

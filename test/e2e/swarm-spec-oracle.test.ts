// Oracle: `docker stack deploy` (CLI 28) against the lab swarm versus our toStack.
//
// Every case is deployed by the real CLI through a recording proxy on a private socket, so two
// things are compared exactly:
//   1. the request bodies the CLI sent (networks, secrets, configs, services) with what toStack
//      returns (services bound to the engine's secret/config IDs with bindServiceSpec);
//   2. what the engine then stores (GET /services, /networks, /secrets, /configs filtered by the
//      stack's namespace label) with storedServiceSpec(ours).
// Normalisation, and only this:
//   - objects are compared by `.Spec` (IDs, Version, CreatedAt, UpdatedAt and the Endpoint
//     runtime state are not part of it);
//   - the CLI's network request loses the zero fields it always writes (Scope "", Ingress,
//     ConfigOnly, ConfigFrom, null Options/IPAM);
//   - references to one secret (config) mounted at several targets are put in target order:
//     docker's order among them is random (it walks a Go map);
//   - stored network attachment targets (IDs) are mapped back to names with GET /networks/{id}:
//     for host/bridge the engine stores a swarm-internal ID that no listing shows;
//   - a stored network is compared on what a stack controls (driver, flags, labels, options
//     minus the allocated vxlan id, IPAM driver "" = "default", requested subnets);
//   - a stored secret has no Data.
//
// Cases: each corpus recipe's .env.sample base variant plus up to three overlay variants (or
// one env-only variant when it has no overlays), and the fixtures in test/fixtures/swarm. The
// test creates what docker needs but does not create itself (external networks, secrets and
// configs; a local image tag per image name, from abra-lab/busybox) and removes exactly that.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCompose } from '../../src/domain/compose/load.js';
import type { ComposeConfig } from '../../src/domain/compose/types.js';
import {
  bindServiceSpec,
  type DesiredStack,
  type ServiceSpec,
  storedServiceSpec,
  toStack,
} from '../../src/domain/swarm/index.js';
import type { DockerClient } from '../../src/infra/docker/client.js';
import { DockerConnector } from '../../src/infra/docker/connector.js';
import { CORPUS_DIR, corpusRecipes } from '../helpers/corpus.js';
import { loadLab } from '../helpers/lab.js';
import { type RecipeVariant, recipeVariants } from '../helpers/recipe-variants.js';
import { run } from '../helpers/run.js';

const FIXTURES = new URL('../fixtures/swarm/', import.meta.url).pathname;
const TEST_LABEL = { 'abra-test': 'swarm-spec-oracle' };
const RUN = randomBytes(3).toString('hex');
const NS_LABEL = 'com.docker.stack.namespace';

interface Case {
  label: string;
  files: string[];
  env: Record<string, string>;
  /** A fixture of ours: docker's requests for it are kept as its wire.golden.json. */
  fixture?: string;
}

interface Recorded {
  path: string;
  body: unknown;
}

/** A pass-through proxy to the engine that remembers the bodies of object-creating calls. */
function recordingProxy(socket: string, log: Recorded[]): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '').replace(/^\/v[0-9.]+/, '').replace(/\?.*$/, '');
      if (req.method === 'POST' && /^\/(networks|secrets|configs|services)\/create$/.test(path))
        log.push({ path, body: JSON.parse(body.toString('utf8')) });
      const up = httpRequest(
        { socketPath: '/var/run/docker.sock', path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', (err) => {
        res.writeHead(502);
        res.end(String(err));
      });
      up.end(body);
    });
  });
  return new Promise((resolve) => server.listen(socket, () => resolve(server)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** base, then overlays spread over what the sample offers (first, middle, last). */
function pickVariants(variants: RecipeVariant[]): RecipeVariant[] {
  const [base, ...rest] = variants;
  const overlays = rest.filter((v) => v.files.length > 1);
  const pool = overlays.length ? overlays : rest.slice(0, 1);
  const idx = [...new Set([0, Math.floor(pool.length / 2), pool.length - 1])].filter(
    (i) => i >= 0 && i < pool.length,
  );
  return [...(base ? [base] : []), ...idx.map((i) => pool[i] as RecipeVariant)];
}

function cases(workDir: string): Case[] {
  const out: Case[] = [];
  for (const recipe of corpusRecipes()) {
    const dir = join(workDir, 'recipes', recipe);
    for (const v of pickVariants(recipeVariants(dir, recipe)))
      out.push({ label: `${recipe} [${v.label}]`, files: v.files, env: v.env });
  }
  for (const fixture of ['features', 'edge'])
    out.push({
      label: `fixture ${fixture}`,
      fixture,
      files: [join(workDir, 'swarm', fixture, 'compose.yml')],
      env: {},
    });
  return out;
}

function load(c: Case, env: Record<string, string>): ComposeConfig {
  return loadCompose({
    files: c.files.map((f) => ({ file: f, text: readFileSync(f, 'utf8') })),
    workingDir: dirname(c.files[0] ?? '.'),
    env,
  });
}

const byName = <T extends { Name: string }>(xs: T[]) => [...xs].sort((a, b) => (a.Name < b.Name ? -1 : 1));

/** The CLI's network request without the zero fields it always writes. */
function cliNetwork(body: unknown): unknown {
  const o = { ...(body as Record<string, unknown>) };
  for (const k of ['Scope', 'Ingress', 'ConfigOnly', 'ConfigFrom']) delete o[k];
  for (const [k, v] of Object.entries(o)) if (v === null) delete o[k];
  if (o.IPAM && typeof o.IPAM === 'object') {
    const ipam = { ...(o.IPAM as Record<string, unknown>) };
    for (const [k, v] of Object.entries(ipam)) if (v === null) delete ipam[k];
    o.IPAM = ipam;
  }
  return o;
}

interface Created {
  stacks: string[];
  secrets: string[];
  configs: string[];
  networks: string[];
  tags: string[];
}

async function prepare(docker: DockerClient, ours: DesiredStack, config: ComposeConfig, created: Created) {
  for (const name of ours.externalNetworks) {
    if ((await docker.networks({ name: [name] })).some((n) => n.Name === name)) continue;
    const r = await docker.createNetwork({
      Name: name,
      Driver: 'overlay',
      Labels: TEST_LABEL,
      CheckDuplicate: true,
    });
    created.networks.push(r.Id);
  }
  const data = Buffer.from('oracle\n').toString('base64');
  for (const name of ours.externalSecrets) {
    const r = await docker.createSecret({ Name: name, Labels: TEST_LABEL, Data: data });
    created.secrets.push(r.ID);
  }
  for (const name of ours.externalConfigs) {
    const r = await docker.createConfig({ Name: name, Labels: TEST_LABEL, Data: data });
    created.configs.push(r.ID);
  }
  const lab = loadLab();
  for (const image of new Set(Object.values(config.services).map((s) => s.image ?? ''))) {
    if (!image || image.includes('@') || (await docker.hasImage(image))) continue;
    const r = await run('docker', ['tag', lab.images.busybox, image], process.env);
    if (r.code === 0) created.tags.push(image);
  }
}

/** Missing secret/config files (the corpus ships compose files only) get placeholder text. */
function placeholders(ours: DesiredStack): void {
  for (const o of [...ours.secrets, ...ours.configs])
    if (o.file && !existsSync(o.file)) {
      mkdirSync(dirname(o.file), { recursive: true });
      writeFileSync(o.file, `placeholder for ${o.key}\n`);
    }
}

async function deploy(c: Case, stack: string, socket: string): Promise<void> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...c.env, STACK_NAME: stack };
  const args = ['-H', `unix://${socket}`, 'stack', 'deploy', '--resolve-image', 'never'];
  for (const f of c.files) args.push('-c', f);
  args.push(stack);
  // Another test on the shared lab may hold a published port for a moment: retry briefly.
  for (let attempt = 0; ; attempt++) {
    const r = await run('docker', args, env, dirname(c.files[0] ?? '.'));
    if (r.code === 0) return;
    if (!/already in use/.test(r.stderr) || attempt >= 10)
      assert.fail(`docker stack deploy ${c.label}: ${r.stderr}`);
    await sleep(1000);
  }
}

/**
 * Mounted refs sharing a name in target order (see the header). A runtime config ref (a
 * credential spec's) has no target and stays after the mounted ones, where docker puts it.
 */
function tiesByTarget(spec: ServiceSpec): ServiceSpec {
  const c = spec.TaskTemplate.ContainerSpec;
  const key = (name: string, file?: { Name: string }) => `${name}\u0000${file ? `0${file.Name}` : '1'}`;
  const sorted = <T>(xs: T[] | undefined, k: (x: T) => string) =>
    xs ? [...xs].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0)) : undefined;
  const container = { ...c };
  if (c.Secrets) container.Secrets = sorted(c.Secrets, (r) => key(r.SecretName, r.File));
  if (c.Configs) container.Configs = sorted(c.Configs, (r) => key(r.ConfigName, r.File));
  return { ...spec, TaskTemplate: { ...spec.TaskTemplate, ContainerSpec: container } };
}

async function compare(docker: DockerClient, c: Case, ours: DesiredStack, log: Recorded[]) {
  const filters = { label: [`${NS_LABEL}=${ours.namespace}`] };
  const sent = (kind: string) => log.filter((r) => r.path === `/${kind}/create`).map((r) => r.body);

  // 1. What the CLI sent.
  assert.deepEqual(
    byName(sent('networks').map(cliNetwork) as { Name: string }[]),
    ours.networks,
    `${c.label}: networks sent`,
  );
  assert.deepEqual(
    byName(sent('secrets') as { Name: string }[]),
    ours.secrets.map((s) => s.spec),
    `${c.label}: secrets sent`,
  );
  assert.deepEqual(
    byName(sent('configs') as { Name: string }[]),
    ours.configs.map((s) => s.spec),
    `${c.label}: configs sent`,
  );
  const [secrets, configs] = await Promise.all([docker.secrets(), docker.configs()]);
  const idOf = (objs: { ID: string; Spec: { Name: string } }[]) => (name: string) =>
    objs.find((o) => o.Spec.Name === name)?.ID;
  const ids = { secret: idOf(secrets), config: idOf(configs) };
  const bound = ours.services.map((s) => bindServiceSpec(s, ids));
  assert.deepEqual(
    byName(sent('services') as ServiceSpec[]).map(tiesByTarget),
    bound,
    `${c.label}: services sent`,
  );

  // 2. What the engine stored.
  const stored = byName((await docker.services(filters)).map((s) => s.Spec as unknown as ServiceSpec));
  const names = new Map<string, string>();
  for (const id of new Set(stored.flatMap((s) => (s.TaskTemplate.Networks ?? []).map((n) => n.Target)))) {
    const nw = await docker.request<{ Name: string }>('GET', `/networks/${encodeURIComponent(id)}`);
    names.set(id, nw.Name);
  }
  const named = stored.map((s) => ({
    ...s,
    TaskTemplate: {
      ...s.TaskTemplate,
      Networks: s.TaskTemplate.Networks?.map((n) => ({ ...n, Target: names.get(n.Target) ?? n.Target })),
    },
  }));
  assert.deepEqual(
    named.map(tiesByTarget),
    bound.map((s) => storedServiceSpec(s)),
    `${c.label}: services stored`,
  );
  const storedNets = byName(await docker.networks(filters)).map((n) => ({
    Name: n.Name,
    Driver: n.Driver,
    Internal: n.Internal,
    Attachable: n.Attachable,
    Labels: n.Labels ?? {},
    Options: Object.fromEntries(
      Object.entries(n.Options ?? {}).filter(([k]) => k !== 'com.docker.network.driver.overlay.vxlanid_list'),
    ),
    IPAM: { Driver: n.IPAM?.Driver, Subnets: (n.IPAM?.Config ?? []).map((x) => x.Subnet) },
  }));
  const ourNets = ours.networks.map((n) => ({
    Name: n.Name,
    Driver: n.Driver,
    Internal: n.Internal,
    Attachable: n.Attachable,
    Labels: n.Labels,
    Options: n.Options ?? {},
    IPAM: { Driver: n.IPAM?.Driver || 'default', Subnets: (n.IPAM?.Config ?? []).map((x) => x.Subnet) },
  }));
  // The engine allocates a subnet when none is asked for.
  for (const [i, n] of storedNets.entries()) if (!ourNets[i]?.IPAM.Subnets.length) n.IPAM.Subnets = [];
  assert.deepEqual(storedNets, ourNets, `${c.label}: networks stored`);
  const storedSecrets = byName((await docker.secrets(filters)).map((s) => s.Spec));
  assert.deepEqual(
    storedSecrets,
    ours.secrets.map(({ spec: { Data: _data, ...rest } }) => rest),
    `${c.label}: secrets stored`,
  );
  const storedConfigs = byName((await docker.configs(filters)).map((s) => s.Spec));
  assert.deepEqual(
    storedConfigs,
    ours.configs.map((s) => s.spec),
    `${c.label}: configs stored`,
  );
}

/**
 * docker's requests for a fixture, made independent of this run: the stack name becomes
 * "stack", the fixture's directory "<fixture>", and secret/config IDs "id:<name>". The unit
 * test test/unit/swarm-golden.test.ts holds toStack to this file without a Docker engine.
 */
function golden(log: Recorded[], stack: string, dir: string): string {
  const sent = (kind: string) => log.filter((r) => r.path === `/${kind}/create`).map((r) => r.body);
  const services = byName(sent('services') as ServiceSpec[])
    .map(tiesByTarget)
    .map((s) => {
      const c = s.TaskTemplate.ContainerSpec;
      const container = { ...c };
      if (c.Secrets) container.Secrets = c.Secrets.map((r) => ({ ...r, SecretID: `id:${r.SecretName}` }));
      if (c.Configs) container.Configs = c.Configs.map((r) => ({ ...r, ConfigID: `id:${r.ConfigName}` }));
      const cred = c.Privileges.CredentialSpec;
      const credName = c.Configs?.find((r) => r.ConfigID === cred?.Config)?.ConfigName;
      if (cred && credName)
        container.Privileges = { ...c.Privileges, CredentialSpec: { ...cred, Config: `id:${credName}` } };
      return { ...s, TaskTemplate: { ...s.TaskTemplate, ContainerSpec: container } };
    });
  const all = {
    networks: byName(sent('networks').map(cliNetwork) as { Name: string }[]),
    secrets: byName(sent('secrets') as { Name: string }[]),
    configs: byName(sent('configs') as { Name: string }[]),
    services,
  };
  return `${JSON.stringify(all, null, 2).replaceAll(dir, '<fixture>').replaceAll(stack, 'stack')}\n`;
}

async function waitGone(docker: DockerClient, stack: string, deadline: number): Promise<void> {
  const filters = { label: [`${NS_LABEL}=${stack}`] };
  while (Date.now() < deadline) {
    const [s, n] = await Promise.all([docker.services(filters), docker.networks(filters)]);
    if (s.length === 0 && n.length === 0) return;
    await sleep(250);
  }
}

describe('toStack builds what `docker stack deploy` creates', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'abra-swarm-oracle-'));
  const socket = join(workDir, 'docker.sock');
  const log: Recorded[] = [];
  const created: Created = { stacks: [], secrets: [], configs: [], networks: [], tags: [] };
  const connector = new DockerConnector({ debug: () => undefined });
  const docker = connector.client('default');
  let proxy: Server | undefined;
  cpSync(CORPUS_DIR, join(workDir, 'recipes'), { recursive: true });
  cpSync(FIXTURES, join(workDir, 'swarm'), { recursive: true });
  const all = cases(workDir);

  before(async () => {
    proxy = await recordingProxy(socket, log);
  });

  after(async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const stack of created.stacks) await run('docker', ['stack', 'rm', stack], env);
    const deadline = Date.now() + 90_000;
    for (const stack of created.stacks) await waitGone(docker, stack, deadline);
    for (const stack of created.stacks) {
      // Tasks that ran created the stack's named volumes; their containers may linger briefly.
      for (let i = 0; i < 20; i++) {
        const vols = await docker.volumes({ label: [`${NS_LABEL}=${stack}`] });
        if (vols.length === 0) break;
        await Promise.allSettled(vols.map((v) => docker.removeVolume(v.Name, true)));
        await sleep(250);
      }
    }
    await Promise.allSettled(created.secrets.map((id) => docker.removeSecret(id)));
    await Promise.allSettled(created.configs.map((id) => docker.removeConfig(id)));
    await Promise.allSettled(created.networks.map((id) => docker.removeNetwork(id)));
    for (const tag of created.tags) await run('docker', ['rmi', tag], env);
    await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
    await connector.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('covers every corpus recipe and the fixtures', () => {
    assert.ok(all.length >= corpusRecipes().length + 2, `${all.length} cases`);
  });

  all.forEach((c, i) => {
    it(c.label, async () => {
      const stack = `sso${RUN}_${i}`;
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...c.env, STACK_NAME: stack };
      const config = load(c, env);
      placeholders(toStack(config, { namespace: stack }));
      const ours = toStack(config, { namespace: stack, readFile: (p) => readFileSync(p) });
      await prepare(docker, ours, config, created);
      log.length = 0;
      created.stacks.push(stack);
      await deploy(c, stack, socket);
      try {
        await compare(docker, c, ours, log);
        if (c.fixture) {
          const file = join(FIXTURES, c.fixture, 'wire.golden.json');
          const text = golden(log, stack, join(workDir, 'swarm', c.fixture));
          if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
          const stale = 'stale: rerun this test with UPDATE_GOLDEN=1 and review the diff';
          assert.equal(existsSync(file) ? readFileSync(file, 'utf8') : '', text, `${file} ${stale}`);
        }
      } finally {
        await run('docker', ['stack', 'rm', stack], { PATH: env.PATH });
      }
    });
  });
});

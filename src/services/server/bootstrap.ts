import { classifyAptFailure } from '../../domain/bootstrap/apt.js';
import { type HostFacts, PROXY_PORTS, parseProbe } from '../../domain/bootstrap/facts.js';
import {
  type BootstrapOptions,
  dockerListeners,
  isIpAddress,
  type Planned,
  type PlannedStep,
  planHost,
  planSwarm,
  type Refusal,
  rootPrefix,
  type SwarmFacts,
} from '../../domain/bootstrap/plan.js';
import type { BootstrapStepName } from '../../domain/events/types.js';
import { RemoteError, UserError } from '../../errors.js';
import type { DockerClient } from '../../infra/docker/client.js';
import type { RemoteShell } from '../../infra/ssh/pool.js';
import { LOCAL_SERVER, validateServerName } from '../../infra/store/servers.js';
import type { Deps } from '../deps.js';
import { PROBE_SCRIPT } from './bootstrap-probe.js';
import { PROXY_NETWORK } from './probe.js';

/** The Engine API calls bootstrap makes once Docker answers (DockerClient has them all). */
export type BootstrapEngine = Pick<
  DockerClient,
  'ping' | 'info' | 'listNetworks' | 'services' | 'swarmInit' | 'createNetwork'
>;

export interface BootstrapDeps extends Pick<Deps, 'events' | 'clock'> {
  /** A shell on the server (the pooled SSH connection). */
  shell: (server: string) => RemoteShell;
  engine: (server: string) => BootstrapEngine;
}

export interface BootstrapStepReport {
  step: BootstrapStepName;
  result: 'checked' | 'already' | 'changed';
  detail: string;
  ms: number;
}

export interface BootstrapResult {
  server: string;
  /** False when a re-run found everything in place. */
  changed: boolean;
  steps: BootstrapStepReport[];
  advertiseAddr: string | undefined;
  dockerVersion: string | undefined;
}

/** How long a started daemon may take to answer before bootstrap gives up. */
const DAEMON_WAIT_MS = 60_000;

/**
 * `abra server bootstrap <server>`: make a Debian/Ubuntu host a Co-op Cloud server. One shell
 * probe, a pure plan that refuses before the first change, then only the steps that are
 * missing: install docker.io, start it, swarm init, the `proxy` network (the last two through
 * the Engine API). Idempotent: every step first looks, then acts.
 */
export async function serverBootstrap(
  opts: BootstrapOptions & { server: string },
  deps: BootstrapDeps,
): Promise<BootstrapResult> {
  const server = opts.server;
  if (server === LOCAL_SERVER) {
    throw new UserError(`Bootstrap works over SSH; "${LOCAL_SERVER}" is the local engine`, {
      hint: 'Run `abra server bootstrap <host>` with a host name or ~/.ssh/config alias.',
      code: 'usage',
    });
  }
  validateServerName(server);
  if (opts.advertiseAddr !== undefined && !isIpAddress(opts.advertiseAddr)) {
    throw new UserError(`--advertise-addr "${opts.advertiseAddr}" is not an IP address`, {
      hint: 'Give the address other nodes and the operator reach the server on, e.g. --advertise-addr 203.0.113.10.',
      code: 'usage',
    });
  }
  const shell = deps.shell(server);
  const steps: BootstrapStepReport[] = [];
  const report = (step: BootstrapStepName, result: BootstrapStepReport['result'], detail: string, ms = 0) => {
    steps.push({ step, result, detail, ms });
    deps.events({ type: 'bootstrap', server, step, result, detail, ms });
  };
  const timed = async (p: PlannedStep, fn: () => Promise<string | undefined>) => {
    deps.events({ type: 'status', message: `${server}: ${p.detail}...` });
    const t0 = deps.clock.now();
    const detail = await fn();
    deps.events({ type: 'status', message: undefined });
    report(p.step, 'changed', detail ?? p.detail, deps.clock.now() - t0);
  };

  deps.events({ type: 'status', message: `${server}: probing the host...` });
  const probe = await shell.run(PROBE_SCRIPT);
  deps.events({ type: 'status', message: undefined });
  const facts = parseProbe(probe.stdout);
  if (facts.uid < 0) {
    throw new RemoteError(
      server,
      `Could not probe ${server}: ${lastLine(probe.stderr) || `exit ${probe.code}`}`,
      {
        hint: `Check that \`ssh ${server} id\` works and the login shell is a POSIX shell.`,
        code: 'bootstrap_probe_failed',
      },
    );
  }
  const hostPlan = accept(server, planHost(facts, opts, { server }), steps);
  const sudo = rootPrefix(facts);
  let dockerVersion = facts.dockerVersion;

  for (const p of hostPlan) {
    if (p.action !== 'do') {
      report(p.step, p.action, p.detail);
      continue;
    }
    if (p.step === 'docker-install') await timed(p, () => installDocker(server, shell, sudo));
    else if (p.step === 'docker-start') await timed(p, () => startDocker(server, shell, sudo, facts));
    else if (p.step === 'docker-group')
      await timed(p, async () => {
        await mustRun(
          server,
          shell,
          `${sudo}usermod -aG docker ${shellWord(facts.user)}`,
          'add the user to the docker group',
        );
        // Group membership counts from the next login: the Engine API channels need it.
        await shell.reconnect();
        return undefined;
      });
  }

  const engine = deps.engine(server);
  if (!facts.dockerRunning) await waitForDaemon(server, engine, deps);
  const [info, networks] = await Promise.all([engine.info(), engine.listNetworks({ name: [PROXY_NETWORK] })]);
  // Only a manager can list services; a node outside a swarm has none.
  const managing = info.Swarm.LocalNodeState === 'active' && info.Swarm.ControlAvailable;
  const services = managing ? await engine.services() : [];
  dockerVersion ??= info.ServerVersion;
  const proxy = networks.find((n) => n.Name === PROXY_NETWORK);
  const swarmFacts: SwarmFacts = {
    state: info.Swarm.LocalNodeState,
    manager: info.Swarm.ControlAvailable,
    nodeAddr: info.Swarm.NodeAddr || undefined,
    proxy: proxy ? { driver: proxy.Driver, scope: proxy.Scope, attachable: proxy.Attachable } : undefined,
    servicePorts: publishedPorts(services),
    dockerListeners: dockerListeners(facts.listeners),
  };
  const swarmPlan = accept(server, planSwarm(swarmFacts, facts, opts, { server }), steps);
  let advertiseAddr = swarmFacts.nodeAddr;
  for (const p of swarmPlan) {
    if (p.action !== 'do') {
      report(p.step, p.action, p.detail);
      continue;
    }
    if (p.step === 'swarm') {
      const addr = p.advertiseAddr as string;
      advertiseAddr = addr;
      await timed(p, async () => {
        await engine.swarmInit({ AdvertiseAddr: addr });
        return undefined;
      });
    } else if (p.step === 'proxy-network') {
      await timed(p, async () => {
        await engine.createNetwork({
          Name: PROXY_NETWORK,
          Driver: 'overlay',
          Scope: 'swarm',
          Attachable: true,
          CheckDuplicate: true,
        });
        return undefined;
      });
    }
  }
  return {
    server,
    changed: steps.some((s) => s.result === 'changed'),
    steps,
    advertiseAddr,
    dockerVersion,
  };
}

function accept(server: string, planned: Planned, done: readonly BootstrapStepReport[]): PlannedStep[] {
  if (planned.ok) return planned.steps;
  throw refusalError(server, planned.refusal, done);
}

/** A refusal says what, if anything, earlier steps of this run already changed. */
function refusalError(server: string, r: Refusal, done: readonly BootstrapStepReport[]): RemoteError {
  const changed = done.filter((s) => s.result === 'changed').map((s) => s.step);
  const note = changed.length > 0 ? `; done before stopping: ${changed.join(', ')}` : '; nothing was changed';
  return new RemoteError(server, `${r.message}${note}`, { hint: r.hint, code: r.code });
}

async function installDocker(server: string, shell: RemoteShell, sudo: string): Promise<string> {
  const install = `${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io 2>&1`;
  let res = await shell.run(install);
  if (res.code !== 0 && classifyAptFailure(res.stdout + res.stderr).kind === 'no-package') {
    // A fresh image often has empty package lists.
    const update = await shell.run(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get update 2>&1`);
    if (update.code !== 0) throw aptError(server, update.stdout + update.stderr, 'apt-get update');
    res = await shell.run(install);
  }
  if (res.code !== 0) throw aptError(server, res.stdout + res.stderr, 'apt-get install -y docker.io');
  return 'installed docker.io from the distribution';
}

function aptError(server: string, output: string, what: string): RemoteError {
  const f = classifyAptFailure(output);
  switch (f.kind) {
    case 'locked':
      return new RemoteError(
        server,
        `apt is busy on ${server}: the package lock is held by ${f.holder ?? 'another process'}`,
        {
          hint: 'Wait for the other package run to finish (often unattended-upgrades after boot), then run bootstrap again; it carries on from where it stopped.',
          code: 'bootstrap_apt_locked',
        },
      );
    case 'interrupted':
      return new RemoteError(server, `An earlier package installation on ${server} was interrupted`, {
        hint: 'Run `dpkg --configure -a` on the server as root, then run bootstrap again.',
        code: 'bootstrap_dpkg_interrupted',
      });
    case 'no-package':
      return new RemoteError(server, `The package docker.io is not available on ${server}`, {
        hint: 'Check /etc/apt/sources.list on the server (docker.io is in Debian main and Ubuntu universe), then run bootstrap again.',
        code: 'bootstrap_no_package',
      });
    default:
      return new RemoteError(server, `${what} failed on ${server}: ${f.detail}`, {
        hint: `Run \`${what}\` on the server to see the whole output, fix it, then run bootstrap again.`,
        code: 'bootstrap_apt_failed',
      });
  }
}

async function startDocker(
  server: string,
  shell: RemoteShell,
  sudo: string,
  facts: HostFacts,
): Promise<undefined> {
  const cmd =
    facts.init === 'systemd' ? `${sudo}systemctl enable --now docker` : `${sudo}service docker start`;
  await mustRun(server, shell, `${cmd} </dev/null 2>&1`, 'start Docker');
  return undefined;
}

async function mustRun(server: string, shell: RemoteShell, cmd: string, what: string): Promise<string> {
  const res = await shell.run(cmd);
  if (res.code === 0) return res.stdout;
  throw new RemoteError(
    server,
    `Could not ${what} on ${server} (\`${cmd}\` exit ${res.code}): ${lastLine(res.stdout + res.stderr)}`,
    {
      hint: `Run \`${cmd}\` on the server to see why, fix it, then run bootstrap again.`,
      code: 'bootstrap_step_failed',
    },
  );
}

async function waitForDaemon(
  server: string,
  engine: BootstrapEngine,
  deps: Pick<Deps, 'clock'>,
): Promise<void> {
  const deadline = deps.clock.now() + DAEMON_WAIT_MS;
  for (;;) {
    try {
      await engine.ping();
      return;
    } catch (err) {
      if (deps.clock.now() > deadline) {
        throw new RemoteError(
          server,
          `Docker was started on ${server} but did not answer within ${DAEMON_WAIT_MS / 1000}s`,
          {
            hint: 'Look at the daemon log on the server (`journalctl -u docker` or /var/log/docker.log), then run bootstrap again.',
            code: 'bootstrap_daemon_silent',
            cause: err,
          },
        );
      }
      await deps.clock.sleep(250);
    }
  }
}

function publishedPorts(
  services: readonly { Endpoint?: { Ports?: { PublishedPort?: number }[] } }[],
): number[] {
  const out = new Set<number>();
  for (const s of services)
    for (const p of s.Endpoint?.Ports ?? []) if (p.PublishedPort) out.add(p.PublishedPort);
  return [...out].filter((p) => (PROXY_PORTS as readonly number[]).includes(p));
}

function lastLine(s: string): string {
  return s.trim().split('\n').at(-1)?.trim() ?? '';
}

/** A user name as one shell word (names come from the server's own `id -un`). */
function shellWord(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

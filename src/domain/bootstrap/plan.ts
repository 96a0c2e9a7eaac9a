// What `abra server bootstrap` does to a host, decided from probed facts alone. Two phases,
// because a host without Docker cannot say anything about Swarm: `planHost` from the shell
// probe (OS, privileges, package, daemon, ports), then `planSwarm` from the Engine API once the
// daemon answers. Every refusal is decided before the first change it would make.

import type { BootstrapStepName } from '../events/types.js';
import { type HostFacts, type Listener, PROXY_PORTS } from './facts.js';

export type BootstrapStep = BootstrapStepName;

/** checked: a precondition holds; already: nothing to change; changed: it was done now. */
export type StepResult = 'checked' | 'already' | 'changed';

export interface PlannedStep {
  step: BootstrapStep;
  /** `do`: bootstrap must act; otherwise the step is reported with this result as it is. */
  action: 'do' | 'checked' | 'already';
  detail: string;
  /** The swarm step: the address `swarm init` advertises. */
  advertiseAddr?: string;
}

export interface Refusal {
  code: string;
  message: string;
  hint: string;
}

export type Planned = { ok: true; steps: PlannedStep[] } | { ok: false; refusal: Refusal };

export interface BootstrapOptions {
  advertiseAddr?: string | undefined;
  /** Go on although 80/443 are served by something other than a swarm service. */
  force: boolean;
}

export interface HostPlanContext {
  server: string;
}

const SUPPORTED = ['debian', 'ubuntu'];

/** Debian, Ubuntu, or a derivative that says so in ID_LIKE. */
export function isSupportedOs(facts: HostFacts): boolean {
  const os = facts.os;
  return os !== undefined && [os.id, ...os.idLike].some((id) => SUPPORTED.includes(id));
}

/** How commands needing root run: as root directly, or through passwordless sudo. */
export function rootPrefix(facts: HostFacts): string {
  return facts.uid === 0 ? '' : 'sudo -n ';
}

/** Listeners that are Docker's own (a published swarm port is held by dockerd/docker-proxy). */
export function foreignListeners(listeners: readonly Listener[]): Listener[] {
  return listeners.filter((l) => !['dockerd', 'docker-proxy'].includes(l.process));
}

export function dockerListeners(listeners: readonly Listener[]): Listener[] {
  return listeners.filter((l) => ['dockerd', 'docker-proxy'].includes(l.process));
}

export function planHost(facts: HostFacts, opts: BootstrapOptions, ctx: HostPlanContext): Planned {
  const refuse = (code: string, message: string, hint: string): Planned => ({
    ok: false,
    refusal: { code, message, hint },
  });
  const steps: PlannedStep[] = [];
  if (!facts.os) {
    return refuse(
      'bootstrap_os_unknown',
      `Cannot tell which operating system ${ctx.server} runs (no /etc/os-release)`,
      'Bootstrap supports Debian and Ubuntu; on another system install Docker, run `docker swarm init` and create the `proxy` overlay network by hand, then `abra server add`.',
    );
  }
  if (!isSupportedOs(facts)) {
    return refuse(
      'bootstrap_os_unsupported',
      `${ctx.server} runs ${facts.os.prettyName ?? facts.os.id}, which bootstrap does not support`,
      'Bootstrap supports Debian and Ubuntu (and systems whose ID_LIKE says debian); elsewhere install Docker, run `docker swarm init` and create the `proxy` overlay network by hand.',
    );
  }
  steps.push({ step: 'os', action: 'checked', detail: facts.os.prettyName ?? facts.os.id });

  if (facts.uid !== 0 && !facts.sudo) {
    return refuse(
      'bootstrap_no_root',
      `User ${facts.user || '?'} on ${ctx.server} is not root and cannot use sudo without a password`,
      `Connect as root (User root in ~/.ssh/config), or allow passwordless sudo for ${facts.user || 'that user'} (a line \`${facts.user || 'USER'} ALL=(ALL) NOPASSWD:ALL\` in /etc/sudoers.d/), then retry.`,
    );
  }
  steps.push({
    step: 'privileges',
    action: 'checked',
    detail: facts.uid === 0 ? 'root' : `${facts.user} with passwordless sudo`,
  });

  const foreign = foreignListeners(facts.listeners);
  if (foreign.length > 0 && !opts.force) {
    return refuse(
      'bootstrap_ports_taken',
      `${ctx.server} already serves ${describeListeners(foreign)}; the Co-op Cloud proxy needs ports ${PROXY_PORTS.join(' and ')}`,
      'Stop that service on the server (`ss -ltnp` shows it), or run bootstrap with --force to go on anyway (the proxy will then fail to start until the ports are free).',
    );
  }
  steps.push({
    step: 'ports',
    action: 'checked',
    detail:
      foreign.length > 0
        ? `${describeListeners(foreign)} in use (ignored: --force)`
        : facts.listeners.length > 0
          ? `${PROXY_PORTS.join('/')} held by Docker only`
          : `${PROXY_PORTS.join('/')} free`,
  });

  if (facts.dockerInstalled) {
    steps.push({ step: 'docker-install', action: 'already', detail: 'docker and dockerd are installed' });
  } else {
    if (!facts.apt) {
      return refuse(
        'bootstrap_no_apt',
        `Docker is not installed on ${ctx.server} and it has no apt-get to install it with`,
        'Install Docker with the system package manager (the docker.io or docker-ce package), then run bootstrap again.',
      );
    }
    steps.push({ step: 'docker-install', action: 'do', detail: 'apt-get install -y docker.io' });
  }

  if (facts.dockerRunning) {
    steps.push({
      step: 'docker-start',
      action: 'already',
      detail: `Docker ${facts.dockerVersion} is running`,
    });
  } else {
    if (facts.init === 'none') {
      return refuse(
        'bootstrap_no_init',
        `Docker is not running on ${ctx.server} and there is neither systemd nor a \`service\` command to start it`,
        'Start dockerd on the server the way it supports, then run bootstrap again.',
      );
    }
    steps.push({
      step: 'docker-start',
      action: 'do',
      detail: facts.init === 'systemd' ? 'systemctl enable --now docker' : 'service docker start',
    });
  }

  if (facts.uid !== 0) {
    steps.push(
      facts.groups.includes('docker')
        ? { step: 'docker-group', action: 'already', detail: `${facts.user} is in the docker group` }
        : { step: 'docker-group', action: 'do', detail: `usermod -aG docker ${facts.user}` },
    );
  }
  return { ok: true, steps };
}

function describeListeners(ls: readonly Listener[]): string {
  return ls.map((l) => `port ${l.port} (${l.process || 'unknown process'})`).join(', ');
}

/** What the Engine API says, once the daemon answers. */
export interface SwarmFacts {
  state: string;
  manager: boolean;
  nodeAddr: string | undefined;
  proxy: { driver: string; scope: string; attachable: boolean } | undefined;
  /** Ports published by swarm services (either mode). */
  servicePorts: number[];
  /** Docker's own listeners on 80/443 (from the host phase). */
  dockerListeners: Listener[];
}

export function planSwarm(
  facts: SwarmFacts,
  host: Pick<HostFacts, 'operatorRouteSrc' | 'sshServerAddr' | 'defaultRouteSrc'>,
  opts: BootstrapOptions,
  ctx: HostPlanContext,
): Planned {
  const refuse = (code: string, message: string, hint: string): Planned => ({
    ok: false,
    refusal: { code, message, hint },
  });
  const steps: PlannedStep[] = [];
  // Docker holds the port, but for a plain container rather than a swarm service: the proxy
  // could not bind it either.
  const unpublished = facts.dockerListeners.filter((l) => !facts.servicePorts.includes(l.port));
  if (unpublished.length > 0 && !opts.force) {
    return refuse(
      'bootstrap_ports_taken',
      `${ctx.server} serves port ${unpublished.map((l) => l.port).join(' and ')} from a Docker container that is not a swarm service`,
      'Stop that container (`docker ps --filter publish=80`), or run bootstrap with --force to go on anyway.',
    );
  }
  if (facts.state === 'active') {
    if (!facts.manager) {
      return refuse(
        'bootstrap_swarm_worker',
        `${ctx.server} is a worker of another swarm`,
        'Bootstrap never makes a node leave its swarm. Bootstrap (or add) a manager of that swarm instead, or run `docker swarm leave` on the server first if it should be a swarm of its own.',
      );
    }
    const note =
      opts.advertiseAddr && opts.advertiseAddr !== facts.nodeAddr
        ? `; --advertise-addr ${opts.advertiseAddr} ignored: the swarm already exists`
        : '';
    steps.push({ step: 'swarm', action: 'already', detail: `active, manager at ${facts.nodeAddr}${note}` });
  } else if (facts.state === 'inactive') {
    const addr = chooseAdvertiseAddr(host, opts);
    if (!addr) {
      return refuse(
        'bootstrap_no_address',
        `Cannot tell which address of ${ctx.server} the swarm should advertise`,
        'Give it: `abra server bootstrap <server> --advertise-addr <ip of the server>`.',
      );
    }
    steps.push({
      step: 'swarm',
      action: 'do',
      detail: `swarm init --advertise-addr ${addr.addr} (${addr.why})`,
      advertiseAddr: addr.addr,
    });
  } else {
    return refuse(
      'bootstrap_swarm_state',
      `Docker Swarm on ${ctx.server} is ${facts.state}`,
      facts.state === 'locked'
        ? 'Unlock it on the server (`docker swarm unlock`), then run bootstrap again.'
        : 'Inspect `docker info` on the server and repair the swarm (`docker swarm leave --force` drops a broken one), then run bootstrap again.',
    );
  }

  if (!facts.proxy) {
    steps.push({ step: 'proxy-network', action: 'do', detail: 'create overlay network proxy (attachable)' });
  } else if (facts.proxy.driver !== 'overlay' || facts.proxy.scope !== 'swarm') {
    return refuse(
      'bootstrap_proxy_network_wrong',
      `${ctx.server} has a network "proxy" that is a ${facts.proxy.scope} ${facts.proxy.driver} network, not a swarm overlay`,
      'Remove it on the server (`docker network rm proxy`) once nothing uses it, then run bootstrap again.',
    );
  } else {
    steps.push({
      step: 'proxy-network',
      action: 'already',
      detail: `overlay network proxy exists${facts.proxy.attachable ? ' (attachable)' : ''}`,
    });
  }
  return { ok: true, steps };
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function isIpAddress(s: string): boolean {
  return IPV4.test(s) || (/^[0-9a-fA-F:]+$/.test(s) && s.includes(':'));
}

function isLoopback(s: string): boolean {
  return s.startsWith('127.') || s === '::1';
}

/**
 * The address other nodes and the operator reach this host on: given; else the source of the
 * route back to the operator (the interface the operator came in on); else the default route's.
 * A loopback answer (operator on the same host) is skipped: other nodes could never use it.
 */
export function chooseAdvertiseAddr(
  host: Pick<HostFacts, 'operatorRouteSrc' | 'sshServerAddr' | 'defaultRouteSrc'>,
  opts: Pick<BootstrapOptions, 'advertiseAddr'>,
): { addr: string; why: string } | undefined {
  if (opts.advertiseAddr) return { addr: opts.advertiseAddr, why: 'given' };
  const candidates: [string | undefined, string][] = [
    [host.operatorRouteSrc, 'route to the operator'],
    [host.sshServerAddr, 'address the SSH connection arrived at'],
    [host.defaultRouteSrc, 'default route'],
  ];
  for (const [addr, why] of candidates) {
    if (addr && isIpAddress(addr) && !isLoopback(addr)) return { addr, why };
  }
  return undefined;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyAptFailure } from '../../src/domain/bootstrap/apt.js';
import { type HostFacts, parseProbe, parseSsLine } from '../../src/domain/bootstrap/facts.js';
import {
  type BootstrapOptions,
  chooseAdvertiseAddr,
  type Planned,
  planHost,
  planSwarm,
  type SwarmFacts,
} from '../../src/domain/bootstrap/plan.js';

// Golden cases for server bootstrap's pure half: what the probe says, and what the plan does
// (or refuses) for each kind of host.

const PROBE_FRESH = `uid=0
user=root
groups=root
os.PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
os.VERSION_ID="12"
os.ID=debian
apt=yes
docker=no
dockerd=no
init=systemd
ssh=203.0.113.5 51234 198.51.100.7 22
route.operator=203.0.113.5 via 198.51.100.1 dev eth0 src 198.51.100.7 uid 0 \\    cache
route.default=192.0.2.1 via 198.51.100.1 dev eth0 src 198.51.100.7 uid 0 \\    cache
`;

const fresh: HostFacts = parseProbe(PROBE_FRESH);
const opts: BootstrapOptions = { force: false };
const ctx = { server: 'srv' };

function steps(p: Planned): string[] {
  assert.ok(p.ok, p.ok ? '' : `refused: ${p.refusal.code} ${p.refusal.message}`);
  return p.steps.map((s) => `${s.step} ${s.action}: ${s.detail}`);
}

function refusal(p: Planned): string {
  assert.ok(!p.ok, 'expected a refusal');
  return p.refusal.code;
}

describe('bootstrap probe parsing', () => {
  it('reads a fresh Debian host', () => {
    assert.deepEqual(fresh, {
      os: { id: 'debian', idLike: [], versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
      uid: 0,
      user: 'root',
      groups: ['root'],
      sudo: false,
      apt: true,
      dockerInstalled: false,
      dockerRunning: false,
      dockerVersion: undefined,
      init: 'systemd',
      listeners: [],
      operatorRouteSrc: '198.51.100.7',
      sshServerAddr: '198.51.100.7',
      defaultRouteSrc: '198.51.100.7',
    });
  });

  it('reads Ubuntu quoting, sudo, docker running and listeners', () => {
    const f = parseProbe(
      [
        'uid=1000',
        'user=ops',
        'groups=ops sudo docker',
        'sudo=yes',
        "os.ID='ubuntu'",
        'os.ID_LIKE=debian',
        'apt=yes',
        'docker=yes',
        'dockerd=yes',
        'docker.server=24.0.7',
        'init=service',
        'listen=LISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:(("nginx",pid=812,fd=6),("nginx",pid=811,fd=6))',
        'listen=LISTEN 0 4096 [::]:443 [::]:* users:(("dockerd",pid=77,fd=30))',
        'ssh=',
      ].join('\n'),
    );
    assert.equal(f.os?.id, 'ubuntu');
    assert.deepEqual(f.os?.idLike, ['debian']);
    assert.equal(f.sudo, true);
    assert.equal(f.dockerRunning, true);
    assert.equal(f.dockerVersion, '24.0.7');
    assert.deepEqual(f.listeners, [
      { port: 80, process: 'nginx' },
      { port: 443, process: 'dockerd' },
    ]);
    assert.equal(f.sshServerAddr, undefined);
  });

  it('reads ss lines without a process (not root) and ignores garbage', () => {
    assert.deepEqual(parseSsLine('LISTEN 0 5 *:80 *:*'), [{ port: 80, process: '' }]);
    assert.deepEqual(parseSsLine('State Recv-Q Send-Q Local Peer'), []);
    assert.deepEqual(parseSsLine(''), []);
  });

  it('a failed probe (no uid line) is told apart', () => {
    assert.equal(parseProbe('sh: 1: syntax error').uid, -1);
  });
});

describe('bootstrap host plan', () => {
  it('fresh Debian as root: install, start with systemd', () => {
    assert.deepEqual(steps(planHost(fresh, opts, ctx)), [
      'os checked: Debian GNU/Linux 12 (bookworm)',
      'privileges checked: root',
      'ports checked: 80/443 free',
      'docker-install do: apt-get install -y docker.io',
      'docker-start do: systemctl enable --now docker',
    ]);
  });

  it('already installed and running: nothing to do on the host', () => {
    const f = { ...fresh, dockerInstalled: true, dockerRunning: true, dockerVersion: '20.10.24' };
    assert.deepEqual(steps(planHost(f, opts, ctx)), [
      'os checked: Debian GNU/Linux 12 (bookworm)',
      'privileges checked: root',
      'ports checked: 80/443 free',
      'docker-install already: docker and dockerd are installed',
      'docker-start already: Docker 20.10.24 is running',
    ]);
  });

  it('installed but stopped, no systemd: service docker start', () => {
    const f = { ...fresh, dockerInstalled: true, init: 'service' as const };
    assert.deepEqual(steps(planHost(f, opts, ctx)).slice(3), [
      'docker-install already: docker and dockerd are installed',
      'docker-start do: service docker start',
    ]);
  });

  it('a sudo user not in the docker group gets added to it', () => {
    const f = { ...fresh, uid: 1000, user: 'ops', groups: ['ops'], sudo: true };
    assert.deepEqual(steps(planHost(f, opts, ctx)).slice(1, 2), [
      'privileges checked: ops with passwordless sudo',
    ]);
    assert.equal(steps(planHost(f, opts, ctx)).at(-1), 'docker-group do: usermod -aG docker ops');
    const member = { ...f, groups: ['ops', 'docker'] };
    assert.equal(
      steps(planHost(member, opts, ctx)).at(-1),
      'docker-group already: ops is in the docker group',
    );
  });

  it('refusals, each before any change', () => {
    assert.equal(refusal(planHost({ ...fresh, os: undefined }, opts, ctx)), 'bootstrap_os_unknown');
    const fedora = { id: 'fedora', idLike: [], versionId: '40', prettyName: 'Fedora Linux 40' };
    assert.equal(refusal(planHost({ ...fresh, os: fedora }, opts, ctx)), 'bootstrap_os_unsupported');
    assert.equal(
      refusal(planHost({ ...fresh, uid: 1000, user: 'ops', sudo: false }, opts, ctx)),
      'bootstrap_no_root',
    );
    assert.equal(refusal(planHost({ ...fresh, apt: false }, opts, ctx)), 'bootstrap_no_apt');
    assert.equal(refusal(planHost({ ...fresh, init: 'none' }, opts, ctx)), 'bootstrap_no_init');
    const nginx = { ...fresh, listeners: [{ port: 80, process: 'nginx' }] };
    const p = planHost(nginx, opts, ctx);
    assert.equal(refusal(p), 'bootstrap_ports_taken');
    assert.match(p.ok ? '' : p.refusal.message, /port 80 \(nginx\)/);
  });

  it('a derivative that says ID_LIKE=debian is accepted; apt is not needed when Docker is there', () => {
    const mint = {
      id: 'linuxmint',
      idLike: ['ubuntu', 'debian'],
      versionId: '21',
      prettyName: 'Linux Mint 21',
    };
    assert.equal(planHost({ ...fresh, os: mint }, opts, ctx).ok, true);
    assert.equal(planHost({ ...fresh, apt: false, dockerInstalled: true }, opts, ctx).ok, true);
  });

  it('--force goes on past a foreign listener and says so', () => {
    const nginx = { ...fresh, listeners: [{ port: 443, process: 'nginx' }] };
    assert.equal(
      steps(planHost(nginx, { force: true }, ctx))[2],
      'ports checked: port 443 (nginx) in use (ignored: --force)',
    );
    const docker = { ...fresh, listeners: [{ port: 80, process: 'dockerd' }] };
    assert.equal(steps(planHost(docker, opts, ctx))[2], 'ports checked: 80/443 held by Docker only');
  });
});

const inactive: SwarmFacts = {
  state: 'inactive',
  manager: false,
  nodeAddr: undefined,
  proxy: undefined,
  servicePorts: [],
  dockerListeners: [],
};

describe('bootstrap swarm plan', () => {
  it('inactive: init with the address the operator is routed from, then the proxy network', () => {
    assert.deepEqual(steps(planSwarm(inactive, fresh, opts, ctx)), [
      'swarm do: swarm init --advertise-addr 198.51.100.7 (route to the operator)',
      'proxy-network do: create overlay network proxy (attachable)',
    ]);
    const p = planSwarm(inactive, fresh, { force: false, advertiseAddr: '10.0.0.5' }, ctx);
    assert.ok(p.ok);
    assert.equal(p.steps[0]?.advertiseAddr, '10.0.0.5');
  });

  it('already a manager with proxy: nothing to do', () => {
    const done: SwarmFacts = {
      ...inactive,
      state: 'active',
      manager: true,
      nodeAddr: '198.51.100.7',
      proxy: { driver: 'overlay', scope: 'swarm', attachable: true },
    };
    assert.deepEqual(steps(planSwarm(done, fresh, opts, ctx)), [
      'swarm already: active, manager at 198.51.100.7',
      'proxy-network already: overlay network proxy exists (attachable)',
    ]);
    assert.deepEqual(
      steps(planSwarm(done, fresh, { force: false, advertiseAddr: '10.0.0.5' }, ctx))[0],
      [
        'swarm already: active, manager at 198.51.100.7; --advertise-addr 10.0.0.5 ignored: the swarm already exists',
      ][0],
    );
  });

  it('refusals: worker, locked or broken swarm, a proxy that is no overlay, docker port not a service, no address', () => {
    assert.equal(
      refusal(planSwarm({ ...inactive, state: 'active' }, fresh, opts, ctx)),
      'bootstrap_swarm_worker',
    );
    assert.equal(
      refusal(planSwarm({ ...inactive, state: 'active' }, fresh, { force: true }, ctx)),
      'bootstrap_swarm_worker',
    );
    assert.equal(
      refusal(planSwarm({ ...inactive, state: 'locked' }, fresh, opts, ctx)),
      'bootstrap_swarm_state',
    );
    assert.equal(
      refusal(planSwarm({ ...inactive, state: 'error' }, fresh, opts, ctx)),
      'bootstrap_swarm_state',
    );
    const bridge = { ...inactive, proxy: { driver: 'bridge', scope: 'local', attachable: false } };
    assert.equal(refusal(planSwarm(bridge, fresh, opts, ctx)), 'bootstrap_proxy_network_wrong');
    const container = { ...inactive, dockerListeners: [{ port: 80, process: 'docker-proxy' }] };
    assert.equal(refusal(planSwarm(container, fresh, opts, ctx)), 'bootstrap_ports_taken');
    assert.equal(planSwarm({ ...container, servicePorts: [80] }, fresh, opts, ctx).ok, true);
    assert.equal(planSwarm(container, fresh, { force: true }, ctx).ok, true);
    const nowhere = { operatorRouteSrc: '127.0.0.1', sshServerAddr: '127.0.0.1', defaultRouteSrc: undefined };
    assert.equal(refusal(planSwarm(inactive, nowhere, opts, ctx)), 'bootstrap_no_address');
  });

  it('advertise address: given, then route to operator, then SSH address, then default route; never loopback', () => {
    const host = { operatorRouteSrc: '10.1.0.2', sshServerAddr: '10.2.0.2', defaultRouteSrc: '10.3.0.2' };
    assert.deepEqual(chooseAdvertiseAddr(host, { advertiseAddr: '10.9.9.9' }), {
      addr: '10.9.9.9',
      why: 'given',
    });
    assert.equal(chooseAdvertiseAddr(host, {})?.addr, '10.1.0.2');
    assert.equal(chooseAdvertiseAddr({ ...host, operatorRouteSrc: '127.0.0.1' }, {})?.addr, '10.2.0.2');
    assert.equal(
      chooseAdvertiseAddr(
        { operatorRouteSrc: '127.0.0.1', sshServerAddr: '127.0.0.1', defaultRouteSrc: '10.3.0.2' },
        {},
      )?.addr,
      '10.3.0.2',
    );
  });
});

describe('apt failures', () => {
  it('tells a held lock, an interrupted dpkg, a missing package and anything else apart', () => {
    assert.deepEqual(
      classifyAptFailure(
        'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)\nN: Be aware that removing the lock file is not a solution and may break your system.\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?',
      ),
      { kind: 'locked', holder: 'process 4242 (unattended-upgr)' },
    );
    assert.deepEqual(
      classifyAptFailure(
        'E: Could not get lock /var/lib/dpkg/lock - open (11: Resource temporarily unavailable)',
      ),
      {
        kind: 'locked',
        holder: undefined,
      },
    );
    assert.deepEqual(
      classifyAptFailure(
        "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.",
      ),
      { kind: 'interrupted' },
    );
    assert.deepEqual(classifyAptFailure('E: Unable to locate package docker.io'), { kind: 'no-package' });
    assert.deepEqual(
      classifyAptFailure('Reading package lists...\nE: Sub-process /usr/bin/dpkg returned an error code (1)'),
      {
        kind: 'other',
        detail: 'E: Sub-process /usr/bin/dpkg returned an error code (1)',
      },
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperationEvent } from '../../src/domain/events/types.js';
import { RemoteError } from '../../src/errors.js';
import type { SystemInfo } from '../../src/infra/docker/types.js';
import { type BootstrapEngine, serverBootstrap } from '../../src/services/server/bootstrap.js';

// server bootstrap through its service with a fake remote shell and a fake engine: every
// refusal path, the install path (the e2e host already has docker.io on its shared root
// filesystem, so installing is only exercised here), apt held by another process, sudo users,
// and a second run that changes nothing.

interface Host {
  os: string;
  uid: number;
  sudo: boolean;
  groups: string[];
  apt: boolean;
  installed: boolean;
  running: boolean;
  init: 'systemd' | 'service' | 'none';
  listeners: string[];
  aptLock: boolean;
  aptLists: boolean;
  swarm: 'inactive' | 'active' | 'locked';
  manager: boolean;
  proxy: { Driver: string; Scope: string } | undefined;
  servicePorts: number[];
  /** Connections since the user joined the docker group. */
  loginsWithGroup: number;
  /** The start command exits 0 but the daemon dies at once. */
  daemonDies: boolean;
  /** What else goes wrong: the login shell is not POSIX, dpkg was interrupted, the start fails. */
  fault: 'none' | 'probe' | 'dpkg' | 'start';
}

const DEBIAN = 'os.ID=debian\nos.VERSION_ID="12"\nos.PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"';

function freshHost(over: Partial<Host> = {}): Host {
  return {
    os: DEBIAN,
    uid: 0,
    sudo: false,
    groups: ['root'],
    apt: true,
    installed: false,
    running: false,
    init: 'systemd',
    listeners: [],
    aptLock: false,
    aptLists: true,
    swarm: 'inactive',
    manager: false,
    proxy: undefined,
    servicePorts: [],
    loginsWithGroup: 0,
    daemonDies: false,
    fault: 'none',
    ...over,
  };
}

function world(host: Host) {
  const commands: string[] = [];
  const events: OperationEvent[] = [];
  const api: string[] = [];
  let now = 0;
  const ok = (stdout = '') => ({ code: 0, stdout, stderr: '' });
  const shell = {
    run: async (cmd: string) => {
      if (cmd.includes('uid=$(id -u)') && host.fault === 'probe') {
        commands.push('probe');
        return { code: 1, stdout: '', stderr: "fish: Unsupported use of '='." };
      }
      if (cmd.includes('apt-get install') && host.fault === 'dpkg') {
        commands.push('apt-get install');
        return {
          code: 100,
          stdout:
            "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.\n",
          stderr: '',
        };
      }
      if (cmd.includes('docker start') && host.fault === 'start') {
        commands.push('service docker start');
        return { code: 1, stdout: 'Job for docker.service failed.\n', stderr: '' };
      }
      if (cmd.includes('uid=$(id -u)')) {
        commands.push('probe');
        const lines = [
          `uid=${host.uid}`,
          `user=${host.uid === 0 ? 'root' : 'ops'}`,
          `groups=${host.groups.join(' ')}`,
          host.uid === 0 ? '' : `sudo=${host.sudo ? 'yes' : 'no'}`,
          host.os,
          `apt=${host.apt ? 'yes' : 'no'}`,
          `docker=${host.installed ? 'yes' : 'no'}`,
          `dockerd=${host.installed ? 'yes' : 'no'}`,
          host.running ? 'docker.server=20.10.24' : '',
          `init=${host.init}`,
          ...host.listeners.map((l) => `listen=${l}`),
          'ssh=192.0.2.1 40000 192.0.2.10 22',
          'route.operator=192.0.2.1 dev eth0 src 192.0.2.10 uid 0',
        ];
        return ok(lines.join('\n'));
      }
      commands.push(cmd.replace(/ <\/dev\/null 2>&1| 2>&1/g, ''));
      if (cmd.includes('apt-get install')) {
        if (host.aptLock)
          return {
            code: 100,
            stdout:
              'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)\n',
            stderr: '',
          };
        if (!host.aptLists)
          return { code: 100, stdout: 'E: Unable to locate package docker.io\n', stderr: '' };
        host.installed = true;
        return ok();
      }
      if (cmd.includes('apt-get update')) {
        host.aptLists = true;
        return ok();
      }
      if (cmd.includes('systemctl enable --now docker') || cmd.includes('service docker start')) {
        host.running = !host.daemonDies;
        return ok();
      }
      if (cmd.includes('usermod -aG docker')) {
        host.groups.push('docker');
        return ok();
      }
      return { code: 127, stdout: '', stderr: `unexpected command ${cmd}` };
    },
    reconnect: async () => {
      commands.push('reconnect');
      if (host.groups.includes('docker')) host.loginsWithGroup++;
    },
  };
  const mayUseApi = () => {
    if (!host.running)
      throw new RemoteError('srv', 'The Docker daemon is not running', { code: 'docker_not_running' });
    if (host.uid !== 0 && host.loginsWithGroup === 0)
      throw new RemoteError('srv', 'permission denied', { code: 'docker_permission_denied' });
  };
  const engine: BootstrapEngine = {
    ping: async () => {
      api.push('ping');
      mayUseApi();
    },
    info: async () => {
      api.push('info');
      mayUseApi();
      return {
        ServerVersion: '20.10.24',
        Swarm: {
          LocalNodeState: host.swarm,
          ControlAvailable: host.manager,
          NodeAddr: host.swarm === 'active' ? '192.0.2.10' : '',
        },
      } as SystemInfo;
    },
    listNetworks: async () => {
      api.push('networks');
      return host.proxy
        ? [
            {
              Id: 'n1',
              Name: 'proxy',
              Driver: host.proxy.Driver,
              Scope: host.proxy.Scope,
              Attachable: true,
              Labels: null,
            },
          ]
        : [];
    },
    services: async () => {
      api.push('services');
      // As the engine answers 503 to GET /services off a manager.
      if (host.swarm !== 'active' || !host.manager) throw new Error('This node is not a swarm manager');
      return host.servicePorts.map((p) => ({ Endpoint: { Ports: [{ PublishedPort: p }] } })) as never;
    },
    swarmInit: async (spec) => {
      api.push(`swarm init ${spec.AdvertiseAddr}`);
      host.swarm = 'active';
      host.manager = true;
      return 'node1';
    },
    createNetwork: async (spec) => {
      api.push(`network create ${spec.Name} ${spec.Driver} attachable=${spec.Attachable}`);
      host.proxy = { Driver: 'overlay', Scope: 'swarm' };
      return { Id: 'n1' };
    },
  };
  const deps = {
    events: (e: OperationEvent) => events.push(e),
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    },
    shell: () => shell,
    engine: () => engine,
  };
  const run = (opts: { force?: boolean; advertiseAddr?: string } = {}) =>
    serverBootstrap({ server: 'srv', force: opts.force === true, advertiseAddr: opts.advertiseAddr }, deps);
  const stepLines = () => events.flatMap((e) => (e.type === 'bootstrap' ? [`${e.step} ${e.result}`] : []));
  return { run, commands, events, api, stepLines };
}

async function refused(w: ReturnType<typeof world>, code: string, opts = {}): Promise<RemoteError> {
  const err = await w.run(opts).then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof RemoteError, String(err));
  assert.equal(err.code, code, err.message);
  assert.ok(err.hint, 'a refusal says what to do next');
  return err;
}

describe('server bootstrap service', () => {
  it('a fresh host: install, start, swarm init, proxy; the second run changes nothing', async () => {
    const host = freshHost();
    const w = world(host);
    const res = await w.run();
    assert.equal(res.changed, true);
    assert.equal(res.advertiseAddr, '192.0.2.10');
    assert.deepEqual(w.commands, [
      'probe',
      'env DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io',
      'systemctl enable --now docker',
    ]);
    assert.deepEqual(
      w.api.filter((a) => a !== 'ping'),
      ['info', 'networks', 'swarm init 192.0.2.10', 'network create proxy overlay attachable=true'],
    );
    assert.deepEqual(w.stepLines(), [
      'os checked',
      'privileges checked',
      'ports checked',
      'docker-install changed',
      'docker-start changed',
      'swarm changed',
      'proxy-network changed',
    ]);

    const again = world(host);
    const res2 = await again.run();
    assert.equal(res2.changed, false);
    assert.deepEqual(again.commands, ['probe'], 'a re-run only looks');
    assert.deepEqual(again.api, ['info', 'networks', 'services']);
    assert.deepEqual(again.stepLines(), [
      'os checked',
      'privileges checked',
      'ports checked',
      'docker-install already',
      'docker-start already',
      'swarm already',
      'proxy-network already',
    ]);
  });

  it('empty package lists: apt-get update, then install', async () => {
    const w = world(freshHost({ aptLists: false, init: 'service' }));
    await w.run();
    assert.deepEqual(w.commands, [
      'probe',
      'env DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io',
      'env DEBIAN_FRONTEND=noninteractive apt-get update',
      'env DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io',
      'service docker start',
    ]);
  });

  it('apt held by another process: a clear error naming it; a re-run once it is free finishes', async () => {
    const host = freshHost({ aptLock: true });
    const err = await refused(world(host), 'bootstrap_apt_locked');
    assert.match(err.message, /process 4242 \(unattended-upgr\)/);
    assert.match(err.hint ?? '', /run bootstrap again/);
    assert.equal(host.installed, false);
    assert.equal(host.swarm, 'inactive');
    host.aptLock = false;
    const res = await world(host).run();
    assert.equal(res.changed, true);
    assert.equal(host.swarm, 'active');
  });

  it('a sudo user: commands through sudo -n, joins the docker group, logs in again before the API', async () => {
    const host = freshHost({ uid: 1000, sudo: true, groups: ['ops'] });
    const w = world(host);
    await w.run();
    assert.deepEqual(w.commands, [
      'probe',
      'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io',
      'sudo -n systemctl enable --now docker',
      "sudo -n usermod -aG docker 'ops'",
      'reconnect',
    ]);
    assert.ok(w.stepLines().includes('docker-group changed'));
    assert.equal(host.proxy?.Driver, 'overlay');
  });

  it('every refusal leaves the host as it was', async () => {
    const cases: [Partial<Host>, string, { force?: boolean }?][] = [
      [{ os: '' }, 'bootstrap_os_unknown'],
      [{ os: 'os.ID=fedora\nos.PRETTY_NAME="Fedora Linux 40"' }, 'bootstrap_os_unsupported'],
      [{ uid: 1000, sudo: false, groups: ['ops'] }, 'bootstrap_no_root'],
      [{ apt: false }, 'bootstrap_no_apt'],
      [{ installed: true, init: 'none' }, 'bootstrap_no_init'],
      [
        { listeners: ['LISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:(("nginx",pid=812,fd=6))'] },
        'bootstrap_ports_taken',
      ],
      [
        { installed: true, running: true, swarm: 'active', manager: false },
        'bootstrap_swarm_worker',
        { force: true },
      ],
      [{ installed: true, running: true, swarm: 'locked' }, 'bootstrap_swarm_state'],
      [
        {
          installed: true,
          running: true,
          swarm: 'active',
          manager: true,
          proxy: { Driver: 'bridge', Scope: 'local' },
        },
        'bootstrap_proxy_network_wrong',
      ],
      [
        {
          installed: true,
          running: true,
          listeners: ['LISTEN 0 4096 0.0.0.0:443 0.0.0.0:* users:(("docker-proxy",pid=9,fd=4))'],
        },
        'bootstrap_ports_taken',
      ],
    ];
    for (const [over, code, opts] of cases) {
      const host = freshHost(over);
      const before = JSON.stringify(host);
      const w = world(host);
      await refused(w, code, opts);
      assert.equal(JSON.stringify(host), before, `${code}: the host changed`);
      assert.deepEqual(w.commands, ['probe'], `${code}: only the probe ran`);
      assert.ok(!w.api.some((a) => a.startsWith('swarm') || a.startsWith('network create')), code);
    }
  });

  it('--force goes past a foreign port 80; a given --advertise-addr is used', async () => {
    const host = freshHost({
      installed: true,
      running: true,
      listeners: ['LISTEN 0 5 0.0.0.0:80 0.0.0.0:* users:(("busybox",pid=5,fd=3))'],
    });
    const w = world(host);
    const res = await w.run({ force: true, advertiseAddr: '198.51.100.20' });
    assert.equal(res.advertiseAddr, '198.51.100.20');
    assert.ok(w.api.includes('swarm init 198.51.100.20'));
    const ports = w.events.find((e) => e.type === 'bootstrap' && e.step === 'ports');
    assert.match(
      ports?.type === 'bootstrap' ? ports.detail : '',
      /port 80 \(busybox\) in use \(ignored: --force\)/,
    );
  });

  it('bad input is refused before any connection', async () => {
    for (const [server, advertiseAddr] of [
      ['default', undefined],
      ['../x', undefined],
      ['srv', 'not-an-ip'],
    ] as const) {
      const w = world(freshHost());
      await assert.rejects(
        serverBootstrap(
          { server, force: false, advertiseAddr },
          {
            events: () => undefined,
            clock: { now: () => 0, sleep: async () => undefined },
            shell: () => assert.fail('no shell for bad input'),
            engine: () => assert.fail('no engine for bad input'),
          },
        ),
        /./,
      );
      assert.deepEqual(w.commands, []);
    }
  });

  it('a daemon that never answers after start: a clear error, no swarm change', async () => {
    const host = freshHost({ installed: true, daemonDies: true });
    const w = world(host);
    const err = await refused(w, 'bootstrap_daemon_silent');
    assert.match(err.message, /did not answer within 60s/);
    assert.equal(host.swarm, 'inactive');
    assert.ok(w.api.filter((a) => a === 'ping').length > 100, 'it kept asking until the deadline');
  });

  it('a shell that cannot run the probe, an interrupted dpkg, a start that fails: clear errors', async () => {
    const probe = await refused(world(freshHost({ fault: 'probe' })), 'bootstrap_probe_failed');
    assert.match(probe.message, /Could not probe srv: fish: Unsupported use/);
    const dpkg = await refused(world(freshHost({ fault: 'dpkg' })), 'bootstrap_dpkg_interrupted');
    assert.match(dpkg.hint ?? '', /dpkg --configure -a/);
    const host = freshHost({ installed: true, init: 'service', fault: 'start' });
    const start = await refused(world(host), 'bootstrap_step_failed');
    assert.match(start.message, /Could not start Docker on srv .*Job for docker\.service failed/);
    assert.equal(host.swarm, 'inactive');
  });
});

import { spawnSync } from 'node:child_process';
import { Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import { DockerClient } from '../src/infra/docker/client.js';
import { DockerConnector } from '../src/infra/docker/connector.js';
import { localTransport } from '../src/infra/docker/transport.js';
import { hostBlock, loadLab, makeOperator } from '../test/helpers/lab.js';
import { type BenchRow, median, nowMs, timeAsync } from './lib.js';

const N = 50;

async function sequential(
  n: number,
  call: () => Promise<unknown>,
): Promise<{ total: number; first: number }> {
  const first = await timeAsync(call);
  const t = nowMs();
  for (let i = 0; i < n; i++) await call();
  return { total: nowMs() - t, first };
}

/**
 * 50 sequential Engine API calls (GET /_ping: the transport dominates) over each candidate transport, against the lab
 * engine reached through the lab sshd on 127.0.0.1, with the local unix socket as reference.
 */
export async function benchApiLatency(): Promise<BenchRow[]> {
  const lab = loadLab();
  const op = makeOperator(lab);
  op.writeSshConfig(hostBlock('lab', lab));
  const savedHome = process.env.HOME;
  process.env.HOME = op.home; // ssh config, keys and known_hosts of the throwaway operator
  const env = { ...process.env, ...op.env };
  const rows: BenchRow[] = [];
  const debug = () => undefined;
  try {
    const local = new DockerClient('default', localTransport(env));
    const ref = await sequential(N, () => local.ping());
    const refVersion = await sequential(N, () => local.version());
    local.close();
    const refVersionLabel = 'local unix socket, GET /version';
    const refLabel = 'local unix socket';

    for (const mode of ['streamlocal', 'dial-stdio'] as const) {
      const connector = new DockerConnector({ env, debug, dockerChannel: mode });
      const client = connector.client('lab');
      const r = await sequential(N, () => client.ping());
      const v = await sequential(N, () => client.version());
      const stats = await connector.sshStats();
      rows.push({
        figure: `${N} sequential GET /_ping, ours: pooled SSH (${mode})${mode === 'streamlocal' ? ' (goal <= 3x)' : ''}`,
        ours: r.total,
        reference: ref.total,
        referenceLabel: refLabel,
        note: `first call incl. SSH handshake ${r.first.toFixed(0)} ms; after both runs: ${stats.connectionsOpened} SSH connection, ${stats.channelsOpened} channel(s), ${client.calls} API calls`,
      });
      rows.push({
        figure: `${N} sequential GET /version, ours: pooled SSH (${mode})`,
        ours: v.total,
        reference: refVersion.total,
        referenceLabel: refVersionLabel,
      });
      await connector.close();
    }

    // dockerode and undici on the same pooled SSH connection (our pool, their HTTP layer).
    {
      const connector = new DockerConnector({ env, debug, dockerChannel: 'streamlocal' });
      const pool = await connector.sshPool();
      const open = async () => (await pool.session('lab')).openDockerStream();
      const { default: Dockerode } = await import('dockerode');
      const agent = new (class extends Agent {
        override createConnection(_o: unknown, cb?: (e: Error | null, s: Duplex) => void): Duplex {
          open().then(
            (s) => {
              const x = s as Duplex & Record<string, unknown>;
              for (const m of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) x[m] ??= () => x;
              cb?.(null, s);
            },
            (e: Error) => cb?.(e, undefined as unknown as Duplex),
          );
          return undefined as unknown as Duplex;
        }
      })({ keepAlive: true });
      const dockerode = new Dockerode({ protocol: 'http', host: 'docker', port: 80, agent } as never);
      const d = await sequential(N, () => dockerode.ping());
      rows.push({
        figure: `${N} sequential GET /_ping, dockerode + our pooled SSH agent`,
        ours: d.total,
        reference: ref.total,
        referenceLabel: refLabel,
      });
      agent.destroy();

      const { Client: UndiciClient } = await import('undici');
      const undici = new UndiciClient('http://docker', {
        connect: (_opts, cb) => {
          open().then(
            (s) => {
              const x = s as Duplex & Record<string, unknown>;
              for (const m of ['setKeepAlive', 'setNoDelay', 'setTimeout', 'ref', 'unref']) x[m] ??= () => x;
              cb(null, s as never);
            },
            (e: Error) => cb(e, null),
          );
        },
      });
      const u = await sequential(N, async () => {
        const res = await undici.request({ method: 'GET', path: '/v1.41/_ping' });
        await res.body.text();
      });
      rows.push({
        figure: `${N} sequential GET /_ping, undici over our pooled SSH channels`,
        ours: u.total,
        reference: ref.total,
        referenceLabel: refLabel,
      });
      await undici.close();
      await connector.close();
    }

    // Libraries' own SSH transports: a new SSH connection (and for docker-modem a remote
    // `docker system dial-stdio`) per request. Too slow for 50 calls; time 5 and scale.
    {
      const { default: Dockerode } = await import('dockerode');
      const { readFileSync } = await import('node:fs');
      const modem = new Dockerode({
        protocol: 'ssh',
        host: '127.0.0.1',
        port: lab.sshPort,
        username: 'root',
        sshOptions: { privateKey: readFileSync(lab.sshKey) },
      } as never);
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push(await timeAsync(() => modem.ping()));
      rows.push({
        figure: `${N} sequential GET /_ping, dockerode/docker-modem ssh (per-call SSH)`,
        ours: median(times) * N,
        reference: ref.total,
        referenceLabel: refLabel,
        note: `median of 5 calls x ${N} (${median(times).toFixed(0)} ms per call)`,
      });
    }
    {
      const figure = `${N} sequential GET /_ping, @docker/node-sdk ssh`;
      try {
        const { DockerClient: SdkClient } = await import('@docker/node-sdk');
        const sdk = await SdkClient.fromDockerHost(`ssh://root@127.0.0.1:${lab.sshPort}`);
        const r = await sequential(N, () => sdk.systemPing());
        rows.push({
          figure,
          ours: r.total,
          reference: ref.total,
          referenceLabel: refLabel,
          note: 'no host key verification; first key in ~/.ssh only',
        });
      } catch (err) {
        rows.push({
          figure,
          ours: Number.NaN,
          reference: ref.total,
          referenceLabel: refLabel,
          note: `failed: ${(err as Error).message} (${String((err as Error).cause ?? '')})`,
        });
      }
    }
    {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = nowMs();
        // OpenSSH reads ~/.ssh from the passwd entry, not $HOME: the lab's ssh wrapper adds -F.
        const cliEnv = { ...env, PATH: `${lab.dir}/bin:${env.PATH}` };
        const args = ['-H', 'ssh://abralab', 'version', '--format', '{{.Server.Version}}'];
        const res = spawnSync('docker', args, { env: cliEnv, encoding: 'utf8' });
        if (res.status !== 0) throw new Error(`docker -H ssh://abralab version failed: ${res.stderr}`);
        times.push(nowMs() - t);
      }
      rows.push({
        figure: `${N} sequential docker CLI runs, -H ssh:// (one process + SSH per call)`,
        ours: median(times) * N,
        reference: ref.total,
        referenceLabel: refLabel,
        note: `median of 5 runs x ${N} (${median(times).toFixed(0)} ms per call)`,
      });
    }
    rows.unshift({
      figure: `${N} sequential GET /_ping, local unix socket (reference)`,
      ours: ref.total,
      reference: undefined,
      referenceLabel: '',
    });
  } finally {
    process.env.HOME = savedHome;
    op.cleanup();
  }
  return rows;
}

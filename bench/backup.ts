import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLab, makeOperator } from '../test/helpers/lab.js';
import { readUsage, USAGE_HOOK } from '../test/helpers/usage.js';
import { type BenchRow, median, nowMs } from './lib.js';

const BIN = new URL('../bin/abra.js', import.meta.url).pathname;
const RSS_HOOK = USAGE_HOOK;
const MiB = 1024 * 1024;
const RUNS = 3;

const COMPOSE = `---
version: "3.8"
services:
  app:
    image: abra-lab/nginx:1
    volumes:
      - data:/data
    stop_grace_period: 1s
    deploy:
      endpoint_mode: dnsrr
      labels:
        - "coop-cloud.\${STACK_NAME}.version=1.0.0+1"
        - "backupbot.backup=true"
volumes:
  data:
`;

/**
 * `abra app backup create` of an app whose volume holds 1 GiB of random data (64 files), into
 * a fresh local repository on the server (the lab host), against plain `restic backup` of the
 * same directory on the host into another fresh repository (same restic version, same disk).
 * abra's peak RSS is measured for 64 MiB and 1 GiB: it should not grow with the data, which
 * never passes through abra (restic runs in a task on the server).
 */
export async function benchBackup(): Promise<BenchRow[]> {
  loadLab();
  const op = makeOperator(loadLab());
  const id = randomBytes(3).toString('hex');
  const domain = `bkb-${id}.bench.example`;
  const stack = domain.replaceAll('.', '_');
  const env = { ...op.env, ABRA_RESTIC_IMAGE: 'abra-lab/restic:1' };
  const abra = (args: string[], rssFile?: string) => {
    const res = spawnSync(process.execPath, ['--import', RSS_HOOK, BIN, ...args], {
      env: { ...env, ...(rssFile ? { ABRA_TEST_RSS_FILE: rssFile } : {}) },
      encoding: 'utf8',
    });
    if (res.status !== 0) throw new Error(`abra ${args.join(' ')} failed: ${res.stderr}`);
    return res.stdout;
  };
  try {
    const recipeDir = join(op.abraDir, 'recipes', 'bkbench');
    mkdirSync(recipeDir, { recursive: true });
    writeFileSync(join(recipeDir, 'compose.yml'), COMPOSE);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...args], { cwd: recipeDir });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'v1');
    git('tag', '-a', '1.0.0+1', '-m', 'v1');
    mkdirSync(join(op.abraDir, 'servers', 'default'), { recursive: true });
    writeFileSync(
      join(op.abraDir, 'servers', 'default', `${domain}.env`),
      `TYPE=bkbench\nDOMAIN=${domain}\nLETS_ENCRYPT_ENV=\nTIMEOUT=120\n`,
      { mode: 0o600 },
    );
    abra(['app', 'deploy', domain, '-n', '--no-domain-checks']);
    const mountpoint = execFileSync(
      'docker',
      ['volume', 'inspect', `${stack}_data`, '--format', '{{.Mountpoint}}'],
      {
        encoding: 'utf8',
      },
    ).trim();
    const fill = (totalMiB: number) => {
      execFileSync('sh', ['-c', `rm -rf ${mountpoint}/fill && mkdir ${mountpoint}/fill`]);
      const files = 64;
      for (let i = 0; i < files; i++)
        execFileSync('sh', [
          '-c',
          `head -c ${(totalMiB * MiB) / files} /dev/urandom > ${mountpoint}/fill/f${i}`,
        ]);
      execFileSync('sync');
    };
    const backupWithAbra = (repo: string) => {
      abra(['server', 'backup-config', 'default', '--repository', repo]);
      abra(['server', 'backup-init', 'default']);
      const rssFile = join(op.home, `rss-${randomBytes(3).toString('hex')}`);
      const t = nowMs();
      abra(['app', 'backup', 'create', domain], rssFile);
      return { ms: nowMs() - t, rssKiB: readUsage(rssFile).maxRSS };
    };

    fill(64);
    const small = backupWithAbra(join(op.home, 'repo-small'));
    fill(1024);
    // Reference: restic on the host, the same directory, a fresh repository each run; the two
    // alternate who goes first (the page cache is warm for both after the fill).
    const hostRun = (n: number) => {
      const renv = {
        ...process.env,
        RESTIC_PASSWORD: 'bench',
        RESTIC_REPOSITORY: join(op.home, `repo-host-${n}`),
      };
      execFileSync('restic', ['init'], { env: renv, stdio: 'ignore' });
      const t0 = nowMs();
      execFileSync('restic', ['backup', '--quiet', mountpoint], { env: renv, stdio: 'ignore' });
      return nowMs() - t0;
    };
    const hostTimes: number[] = [];
    const ours: { ms: number; rssKiB: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      if (i % 2 === 0) {
        hostTimes.push(hostRun(i));
        ours.push(backupWithAbra(join(op.home, `repo-abra-${i}`)));
      } else {
        ours.push(backupWithAbra(join(op.home, `repo-abra-${i}`)));
        hostTimes.push(hostRun(i));
      }
    }
    const hostMs = median(hostTimes);
    const big = { ms: median(ours.map((o) => o.ms)), rssKiB: Math.max(...ours.map((o) => o.rssKiB)) };
    const gib = 1024 * MiB;
    return [
      {
        figure: 'backup of a 1 GiB volume, MiB/s (goal >= 0.8x of restic on the host)',
        ours: gib / MiB / (big.ms / 1000),
        reference: gib / MiB / (hostMs / 1000),
        referenceLabel: 'restic backup of the same directory on the host',
        unit: 'MiB/s',
        note: `median of ${RUNS}; abra app backup create: ${ours.map((o) => o.ms.toFixed(0)).join(', ')} ms (task start, restic, logs, cleanup); restic on the host: ${hostTimes.map((t) => t.toFixed(0)).join(', ')} ms`,
      },
      {
        figure: 'abra peak RSS (KiB) backing up 1 GiB, highest of the runs (goal: flat vs 64 MiB)',
        ours: big.rssKiB,
        reference: small.rssKiB,
        referenceLabel: 'the same backup of 64 MiB',
        unit: 'KiB',
      },
    ];
  } finally {
    spawnSync(process.execPath, [BIN, 'app', 'undeploy', domain, '-n'], { env });
    spawnSync(process.execPath, [BIN, 'app', 'remove', domain, '-n'], { env });
    for (const s of execFileSync(
      'docker',
      ['secret', 'ls', '-q', '--filter', 'label=coop-cloud.backup.repository'],
      {
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter(Boolean)) {
      const labels = execFileSync('docker', ['secret', 'inspect', s, '--format', '{{json .Spec.Labels}}'], {
        encoding: 'utf8',
      });
      if (labels.includes(op.home)) spawnSync('docker', ['secret', 'rm', s]);
    }
    op.cleanup();
  }
}

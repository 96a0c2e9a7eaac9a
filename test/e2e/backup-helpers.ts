// Shared by the backup e2e files: containers of a stack's services, restic as a one-shot swarm
// job with a repository's password secret, and checks that abra's restic tasks are gone.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { HelloWorld } from '../helpers/hello-world.js';
import { docker } from '../helpers/lab.js';

/** The running container of a stack's service (waits up to a minute for one). */
export function serviceContainer(stack: string, service: string): string {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const id = docker([
      'ps',
      '-q',
      '--filter',
      `label=com.docker.swarm.service.name=${stack}_${service}`,
      '--filter',
      'status=running',
    ])
      .split('\n')
      .filter(Boolean)[0];
    if (id) return id;
    if (Date.now() > deadline) throw new Error(`no running container of ${service}`);
    execFileSync('sleep', ['0.5']);
  }
}

export function serviceExec(stack: string, service: string, script: string): string {
  return docker(['exec', serviceContainer(stack, service), 'sh', '-c', script]);
}

/** Swarm leaves a completed job's container behind after `service rm`. */
export function removeJobContainers(service: string): void {
  for (const c of docker(['ps', '-aq', '--filter', `label=com.docker.swarm.service.name=${service}`])
    .split('\n')
    .filter(Boolean))
    spawnSync('docker', ['rm', '-f', c]);
}

/** restic in a one-shot swarm job with the repository's password secret (tests only). */
export function resticJob(args: string[], repo: string): string {
  const secret = docker([
    'secret',
    'ls',
    '--filter',
    `label=coop-cloud.backup.repository=${repo}`,
    '--format',
    '{{.Name}}',
  ]).trim();
  assert.ok(secret, 'the repository has a password secret');
  const name = `t-restic-${randomBytes(3).toString('hex')}`;
  docker([
    'service',
    'create',
    '-d',
    '--no-resolve-image',
    '--name',
    name,
    '--mode',
    'replicated-job',
    '--secret',
    `source=${secret},target=restic_password`,
    '--env',
    'RESTIC_PASSWORD_FILE=/run/secrets/restic_password',
    '--env',
    `RESTIC_REPOSITORY=${repo}`,
    '--mount',
    `type=bind,src=${repo},dst=${repo}`,
    'abra-lab/restic:1',
    ...args,
  ]);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const state = docker(['service', 'ps', name, '--format', '{{.CurrentState}}']).trim();
      if (/^(Complete|Failed|Rejected)/.test(state)) {
        const logs = docker(['service', 'logs', '--raw', name]);
        assert.match(state, /^Complete/, `restic ${args.join(' ')}: ${state}\n${logs}`);
        return logs;
      }
      if (Date.now() > deadline) throw new Error(`restic ${args.join(' ')} did not finish`);
      execFileSync('sleep', ['0.3']);
    }
  } finally {
    docker(['service', 'rm', name]);
    removeJobContainers(name);
  }
}

/** No restic task service of the stack is left, nor its container (it would hold the volumes). */
export function assertNoLeftoverTasks(stack: string): void {
  const left = docker([
    'service',
    'ls',
    '--filter',
    `label=coop-cloud.backup.stack=${stack}`,
    '--format',
    '{{.Name}}',
  ]);
  assert.equal(left.trim(), '', 'no restic task service is left behind');
  const containers = docker([
    'ps',
    '-a',
    '--filter',
    `label=coop-cloud.backup.stack=${stack}`,
    '--format',
    '{{.Names}}',
  ]);
  assert.equal(containers.trim(), '', 'nor its container (which would keep the volumes in use)');
}

/**
 * Remove what a backup test made: the stack's task services, the password secrets of
 * repositories under the operator's home (or named in `repos`), the operator, the stack's
 * volumes (once swarm has removed the tasks' containers) and the home directory.
 */
export function cleanupBackupWorld(world: HelloWorld | undefined, stack: string, repos: string[] = []): void {
  try {
    for (const s of docker(['service', 'ls', '-q', '--filter', `label=coop-cloud.backup.stack=${stack}`])
      .split('\n')
      .filter(Boolean))
      docker(['service', 'rm', s]);
    for (const s of docker(['secret', 'ls', '-q', '--filter', 'label=coop-cloud.backup.repository'])
      .split('\n')
      .filter(Boolean)) {
      const labels = docker(['secret', 'inspect', s, '--format', '{{json .Spec.Labels}}']);
      const repo = (JSON.parse(labels) as Record<string, string>)['coop-cloud.backup.repository'] ?? '';
      if ((world && labels.includes(world.home)) || repos.includes(repo)) docker(['secret', 'rm', s]);
    }
  } finally {
    world?.cleanup();
    // Volumes go once the containers of the removed tasks are gone (swarm removes them lazily).
    const deadline = Date.now() + 30_000;
    for (;;) {
      const vols = docker(['volume', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stack}`])
        .split('\n')
        .filter(Boolean);
      if (vols.length === 0 || Date.now() > deadline) break;
      for (const c of docker(['ps', '-aq', '--filter', `label=com.docker.stack.namespace=${stack}`])
        .split('\n')
        .filter(Boolean))
        spawnSync('docker', ['rm', '-f', c]);
      for (const v of vols) spawnSync('docker', ['volume', 'rm', v]);
      execFileSync('sleep', ['0.5']);
    }
    if (world)
      try {
        execFileSync('rm', ['-rf', join(world.home)]);
      } catch {}
  }
}

import { rm } from 'node:fs/promises';
import { Cancelled, UserError } from '../../errors.js';
import type { Deps } from '../deps.js';
import { runOperation } from '../operation/run.js';
import { belongsTo, readStack, readStackData } from '../stack/read.js';
import { resolveApp } from './resolve.js';

export interface RemovePlan {
  app: string;
  server: string;
  envPath: string;
  volumes: string[];
  secrets: string[];
  configs: string[];
}

/**
 * Delete everything an undeployed app left behind: its volumes, secrets and configs (each
 * proven to carry the app's stack label) and finally its env file.
 */
export async function appRemove(
  opts: { app: string; force: boolean; noInput: boolean; argv?: readonly string[] },
  deps: Pick<
    Deps,
    'paths' | 'docker' | 'events' | 'prompt' | 'env' | 'signals' | 'machineId' | 'argv' | 'clock'
  >,
): Promise<RemovePlan> {
  const app = await resolveApp(opts.app, deps);
  return runOperation(
    { kind: 'remove', app: app.name, server: app.server, argv: opts.argv },
    deps,
    async (op) => {
      const stack = await readStack(app.docker, app.stack);
      if (stack.services.length > 0) {
        throw new UserError(`${app.name} is still deployed on ${app.server}`, {
          hint: `Undeploy it first: \`abra app undeploy ${app.name}\`.`,
          code: 'app_deployed',
        });
      }
      const data = await readStackData(app.docker, app.stack);
      const plan: RemovePlan = {
        app: app.name,
        server: app.server,
        envPath: app.envPath,
        volumes: data.volumes.map((v) => v.Name),
        secrets: data.secrets.map((s) => s.Spec.Name),
        configs: data.configs.map((c) => c.Spec.Name),
      };
      const list = [
        ...plan.volumes.map((v) => `volume ${v}`),
        ...plan.secrets.map((s) => `secret ${s}`),
        ...plan.configs.map((c) => `config ${c}`),
        `env file ${plan.envPath}`,
      ];
      op.emit({
        type: 'info',
        message: `This deletes, on ${app.server} and locally:\n  ${list.join('\n  ')}`,
      });
      if (!opts.force && !opts.noInput) {
        const ok = await deps.prompt.confirm(`Delete all data of ${app.name}? This cannot be undone.`);
        if (!ok) throw new Cancelled('Remove cancelled; nothing was deleted.');
      }
      const removed = (kind: 'volume' | 'secret' | 'config' | 'env', name: string) => {
        op.changes.push(`removed ${kind} ${name}`);
        op.emit({ type: 'object', action: 'removed', kind, name });
      };
      for (const v of data.volumes) {
        if (!belongsTo(app.stack, v.Labels)) continue;
        op.checkpoint();
        await app.docker.removeVolume(v.Name);
        removed('volume', v.Name);
      }
      for (const s of data.secrets) {
        if (!belongsTo(app.stack, s.Spec.Labels)) continue;
        op.checkpoint();
        await app.docker.removeSecret(s.ID);
        removed('secret', s.Spec.Name);
      }
      for (const c of data.configs) {
        if (!belongsTo(app.stack, c.Spec.Labels)) continue;
        op.checkpoint();
        await app.docker.removeConfig(c.ID);
        removed('config', c.Spec.Name);
      }
      op.checkpoint();
      await rm(app.envPath);
      removed('env', app.envPath);
      return plan;
    },
  );
}

import { type BackupConfig, backupConfig, type ServiceInput } from '../../domain/backup/labels.js';
import { shortName, versionLabel } from '../../domain/stack/contract.js';
import { UserError } from '../../errors.js';
import type { Service } from '../../infra/docker/swarm-types.js';
import type { ResolvedApp } from '../app/resolve.js';
import { readStack } from '../stack/read.js';

export interface DeployedBackupConfig {
  config: BackupConfig;
  services: Map<string, Service>;
  /** The deployed recipe version (coop-cloud.<stack>.version), for snapshot tags. */
  version: string | undefined;
}

/** The backup labels of the app's DEPLOYED services (what runs is what is backed up). */
export async function readBackupConfig(app: ResolvedApp): Promise<DeployedBackupConfig> {
  const { services } = await readStack(app.docker, app.stack);
  if (services.length === 0)
    throw new UserError(`${app.name} is not deployed on ${app.server}`, {
      hint: `Backups read the deployed services' labels; deploy it with \`abra app deploy ${app.name}\`.`,
      code: 'app_not_deployed',
    });
  const byName = new Map(services.map((s) => [shortName(app.stack, s.Spec.Name), s]));
  const inputs: ServiceInput[] = [...byName].map(([service, s]) => ({
    service,
    labels: s.Spec.Labels ?? {},
    mounts: (s.Spec.TaskTemplate.ContainerSpec.Mounts ?? []).map((m) => ({
      type: m.Type,
      source: m.Source ?? '',
      target: m.Target,
    })),
  }));
  const version = services.map((s) => s.Spec.Labels?.[versionLabel(app.stack)]).find(Boolean);
  return { config: backupConfig(app.stack, inputs), services: byName, version };
}

export function noBackupConfigs(app: ResolvedApp): UserError {
  return new UserError(`no backup configs discovered for ${app.name}`, {
    hint: `The recipe's services carry no backupbot.backup labels; see \`abra app labels ${app.name}\`.`,
    code: 'backup_not_configured',
  });
}

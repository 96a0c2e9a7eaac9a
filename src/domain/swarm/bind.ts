// Fill a pending service spec with the engine IDs of its secrets and configs: the engine wants
// IDs, and only the engine knows them (docker's ParseSecrets/ParseConfigs look them up by name).

import { UserError } from '../../errors.js';
import type { ContainerSpec, ServiceSpec } from './spec.js';
import type { DesiredService } from './stack.js';

export interface ObjectIds {
  secret(name: string): string | undefined;
  config(name: string): string | undefined;
}

/** The spec to send. Throws UserError naming every secret/config the engine does not have. */
export function bindServiceSpec(service: DesiredService, ids: ObjectIds): ServiceSpec {
  const { spec } = service;
  const c = spec.TaskTemplate.ContainerSpec;
  const missing: string[] = [];
  const secretId = (name: string) => {
    const id = ids.secret(name);
    if (id === undefined) missing.push(`secret not found: ${name}`);
    return id ?? '';
  };
  const configId = (name: string) => {
    const id = ids.config(name);
    if (id === undefined) missing.push(`config not found: ${name}`);
    return id ?? '';
  };
  const secrets = c.Secrets?.map((s) => ({
    File: s.File,
    SecretID: secretId(s.SecretName),
    SecretName: s.SecretName,
  }));
  const configs = c.Configs?.map((r) => ({ ...r, ConfigID: configId(r.ConfigName) }));
  const cred = c.Privileges.CredentialSpec;
  const privileges = cred?.Config
    ? { ...c.Privileges, CredentialSpec: { ...cred, Config: configId(cred.Config) } }
    : c.Privileges;
  if (missing.length) {
    throw new UserError(`service ${service.key}: ${[...new Set(missing)].join('; ')}`, {
      where: `service ${spec.Name}`,
      hint: 'Create the missing secrets (abra app secret generate) or configs, then deploy again.',
      code: 'swarm_object_missing',
    });
  }
  // Spread then overwrite, so the keys keep the order the CLI writes them in.
  const container: ContainerSpec = { ...c, Privileges: privileges, Secrets: secrets, Configs: configs };
  if (!secrets) delete container.Secrets;
  if (!configs) delete container.Configs;
  return { ...spec, TaskTemplate: { ...spec.TaskTemplate, ContainerSpec: container } };
}

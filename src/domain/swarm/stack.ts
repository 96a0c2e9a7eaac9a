// ComposeConfig -> everything `docker stack deploy` (CLI 28) creates for it, in a fixed order.

import type { ComposeConfig } from '../compose/types.js';
import {
  type DesiredFileObject,
  fileObjectName,
  type ReadFile,
  stackConfigs,
  stackSecrets,
} from './file-objects.js';
import { compareGo } from './names.js';
import { isExternal, stackNetworks } from './networks.js';
import { serviceSpec } from './service.js';
import type { ConfigSpec, NetworkCreateRequest, PendingServiceSpec, SecretSpec } from './spec.js';

export interface ToStackOptions {
  /** The stack name (abra: the app domain with `.` -> `_`). */
  namespace: string;
  /** Reads secret/config files so their specs carry Data; without it the caller fills Data. */
  readFile?: ReadFile;
}

export interface DesiredService {
  /** The compose service name (also its network alias). */
  key: string;
  /**
   * The spec as the CLI sends it, except that secret and config references lack their IDs:
   * bind them with bindServiceSpec once the objects exist on the engine.
   */
  spec: PendingServiceSpec;
  /** Names of the secrets and configs whose engine IDs the spec needs. */
  needs: { secrets: string[]; configs: string[] };
}

export interface DesiredStack {
  namespace: string;
  /** Stack networks to create when missing, by name. */
  networks: NetworkCreateRequest[];
  /** External user-defined networks that must exist (swarm scope) before deploying. */
  externalNetworks: string[];
  /** Secrets and configs the stack creates (docker updates one that exists), by name. */
  secrets: DesiredFileObject<SecretSpec>[];
  configs: DesiredFileObject<ConfigSpec>[];
  /** External secrets/configs some service references: they must already exist. */
  externalSecrets: string[];
  externalConfigs: string[];
  /** Services by name. */
  services: DesiredService[];
}

function referencedExternal(
  config: ComposeConfig,
  namespace: string,
  kind: 'secrets' | 'configs',
  services: DesiredService[],
): string[] {
  const declared = config[kind] ?? {};
  const external = new Set(
    Object.entries(declared)
      .filter(([, obj]) => isExternal(obj))
      .map(([key, obj]) => fileObjectName(namespace, key, obj)),
  );
  const used = new Set(services.flatMap((s) => s.needs[kind]));
  return [...external].filter((n) => used.has(n)).sort(compareGo);
}

const unique = (names: string[]) => [...new Set(names)].sort(compareGo);

/** Pure: the desired state of the stack. Throws UserError where docker's conversion fails. */
export function toStack(config: ComposeConfig, opts: ToStackOptions): DesiredStack {
  const { namespace } = opts;
  const nets = stackNetworks(config, namespace);
  const services = Object.keys(config.services)
    .sort(compareGo)
    .map((key): DesiredService => {
      const spec = serviceSpec(config, namespace, key, config.services[key] ?? {});
      const c = spec.TaskTemplate.ContainerSpec;
      return {
        key,
        spec,
        needs: {
          secrets: unique((c.Secrets ?? []).map((s) => s.SecretName)),
          configs: unique((c.Configs ?? []).map((s) => s.ConfigName)),
        },
      };
    });
  return {
    namespace,
    networks: nets.create,
    externalNetworks: nets.external,
    secrets: stackSecrets(config, namespace, opts.readFile),
    configs: stackConfigs(config, namespace, opts.readFile),
    externalSecrets: referencedExternal(config, namespace, 'secrets', services),
    externalConfigs: referencedExternal(config, namespace, 'configs', services),
    services,
  };
}

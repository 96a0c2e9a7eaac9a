// One compose service to the ServiceSpec `docker stack deploy` (CLI 28) sends for it.

import type { ComposeConfig, FileObjectConfig, FileReference, ServiceConfig } from '../compose/types.js';
import { IMAGE_LABEL, objectName } from '../stack/contract.js';
import {
  effectiveCapabilities,
  nanos,
  swarmEnv,
  swarmHealthcheck,
  swarmHosts,
  swarmUlimits,
} from './container.js';
import {
  endpointSpec,
  placement,
  restartPolicy,
  serviceMode,
  serviceResources,
  updateConfig,
} from './deploy.js';
import { serviceError } from './fail.js';
import { fileObjectName } from './file-objects.js';
import { familiarImage } from './image-ref.js';
import { serviceMounts } from './mounts.js';
import { compact, compareGo, isUserDefinedNetwork, sortedRecord, withStackLabel } from './names.js';
import { DEFAULT_NETWORK, networkName } from './networks.js';
import type {
  ContainerSpec,
  CredentialSpec,
  FileTarget,
  NetworkAttachment,
  PendingConfigReference,
  PendingSecretReference,
  PendingServiceSpec,
} from './spec.js';

const DEFAULT_FILE_MODE = 0o444;

function fileTarget(ref: FileReference): FileTarget {
  return {
    Name: ref.target || (ref.source ?? ''),
    UID: ref.uid || '0',
    GID: ref.gid || '0',
    Mode: ref.mode ?? DEFAULT_FILE_MODE,
  };
}

function lookup(
  service: string,
  kind: 'secret' | 'config',
  declared: Record<string, FileObjectConfig> | undefined,
  key: string,
): FileObjectConfig {
  const obj = declared && Object.hasOwn(declared, key) ? declared[key] : undefined;
  if (!obj) throw serviceError(service, `undefined ${kind} "${key}"`, `${kind}s`);
  return obj;
}

/** Secrets sorted stably by name; two mounts at one target are an error, as in docker. */
function secretRefs(service: string, config: ComposeConfig, namespace: string, svc: ServiceConfig) {
  const refs: PendingSecretReference[] = [];
  const targets = new Set<string>();
  for (const ref of svc.secrets ?? []) {
    const key = ref.source ?? '';
    const obj = lookup(service, 'secret', config.secrets, key);
    const r: PendingSecretReference = {
      File: fileTarget(ref),
      SecretName: fileObjectName(namespace, key, obj),
    };
    if (targets.has(r.File.Name))
      throw serviceError(service, `duplicate secret target for ${r.SecretName} not allowed`, 'secrets');
    targets.add(r.File.Name);
    refs.push(r);
  }
  // docker's order among refs to one secret is random (it walks a Go map); ours is by target.
  return refs.sort((a, b) => compareGo(a.SecretName, b.SecretName) || compareGo(a.File.Name, b.File.Name));
}

function configRefs(service: string, config: ComposeConfig, namespace: string, svc: ServiceConfig) {
  const refs: PendingConfigReference[] = [];
  const targets = new Set<string>();
  for (const ref of svc.configs ?? []) {
    const key = ref.source ?? '';
    const obj = lookup(service, 'config', config.configs, key);
    const r: PendingConfigReference = {
      File: fileTarget(ref),
      ConfigName: fileObjectName(namespace, key, obj),
    };
    const target = r.File?.Name ?? '';
    if (targets.has(target))
      throw serviceError(service, `duplicate config target for ${r.ConfigName} not allowed`, 'configs');
    targets.add(target);
    refs.push(r);
  }
  // A credential spec read from a config is a runtime config: referenced, not mounted.
  const credConfig = svc.credential_spec?.config;
  if (credConfig) {
    const obj = lookup(service, 'config', config.configs, credConfig);
    const name = obj.name || objectName(namespace, credConfig);
    if (!refs.some((r) => r.Runtime && r.ConfigName === name)) refs.push({ ConfigName: name, Runtime: {} });
  }
  // docker appends runtime refs after the mounted ones, then sorts stably by name.
  return refs.sort(
    (a, b) =>
      compareGo(a.ConfigName, b.ConfigName) ||
      Number(a.Runtime !== undefined) - Number(b.Runtime !== undefined) ||
      compareGo(a.File?.Name ?? '', b.File?.Name ?? ''),
  );
}

function credentialSpec(
  service: string,
  namespace: string,
  spec: ServiceConfig['credential_spec'],
  configs: PendingConfigReference[],
): CredentialSpec | null {
  if (!spec) return null;
  const set = (['Config', 'File', 'Registry'] as const).filter(
    (k) => spec[k.toLowerCase() as 'config' | 'file' | 'registry'],
  );
  if (set.length === 0) return null;
  if (set.length > 1) {
    const quoted = set.map((k) => `"${k}"`);
    const list =
      set.length === 2 ? quoted.join(' and ') : `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
    throw serviceError(service, `invalid credential spec: cannot specify both ${list}`, 'credential_spec');
  }
  if (spec.file) return { Config: '', File: spec.file, Registry: '' };
  if (spec.registry) return { Config: '', File: '', Registry: spec.registry };
  const wanted = spec.config ?? '';
  // Pending: the config's name; binding swaps in the config's ID, as docker sends it.
  const ref =
    configs.find((c) => c.ConfigName === wanted) ??
    configs.find((c) => c.ConfigName === objectName(namespace, wanted));
  if (!ref)
    throw serviceError(
      service,
      `invalid credential spec: spec specifies config ${wanted}, but no such config can be found`,
      'credential_spec',
    );
  return { Config: ref.ConfigName, File: '', Registry: '' };
}

function networks(
  service: string,
  config: ComposeConfig,
  namespace: string,
  svc: ServiceConfig,
): NetworkAttachment[] {
  const wanted = Object.keys(svc.networks ?? {}).length ? (svc.networks ?? {}) : { [DEFAULT_NETWORK]: null };
  const out: NetworkAttachment[] = [];
  for (const [key, attach] of Object.entries(wanted)) {
    const declared =
      config.networks && Object.hasOwn(config.networks, key) ? config.networks[key] : undefined;
    if (!declared && key !== DEFAULT_NETWORK)
      throw serviceError(service, `undefined network "${key}"`, 'networks');
    const target = networkName(namespace, key, declared);
    const aliases = [...(attach?.aliases ?? [])];
    // Only user-defined networks take aliases; the short service name is always one of them.
    if (isUserDefinedNetwork(target)) aliases.push(service);
    out.push(aliases.length ? { Target: target, Aliases: aliases } : { Target: target });
  }
  return out.sort((a, b) => compareGo(a.Target, b.Target));
}

function containerSpec(
  service: string,
  config: ComposeConfig,
  namespace: string,
  svc: ServiceConfig,
): ContainerSpec<PendingSecretReference, PendingConfigReference> {
  const secrets = secretRefs(service, config, namespace, svc);
  const configs = configRefs(service, config, namespace, svc);
  const caps = effectiveCapabilities(svc.cap_add, svc.cap_drop);
  const health = swarmHealthcheck(service, svc.healthcheck);
  const dns =
    svc.dns?.length || svc.dns_search?.length
      ? compact({
          Nameservers: svc.dns?.length ? svc.dns : undefined,
          Search: svc.dns_search?.length ? svc.dns_search : undefined,
        })
      : undefined;
  return compact<ContainerSpec<PendingSecretReference, PendingConfigReference>>({
    Image: familiarImage(svc.image ?? ''),
    Labels: withStackLabel(namespace, svc.labels),
    Command: svc.entrypoint?.length ? svc.entrypoint : undefined,
    Args: svc.command?.length ? svc.command : undefined,
    Hostname: svc.hostname || undefined,
    Env: swarmEnv(svc.environment),
    Dir: svc.working_dir || undefined,
    User: svc.user || undefined,
    Privileges: {
      CredentialSpec: credentialSpec(service, namespace, svc.credential_spec, configs),
      SELinuxContext: null,
      NoNewPrivileges: false,
    },
    Init: svc.init,
    StopSignal: svc.stop_signal || undefined,
    TTY: svc.tty || undefined,
    OpenStdin: svc.stdin_open || undefined,
    ReadOnly: svc.read_only || undefined,
    Mounts: serviceMounts(service, svc.volumes, config.volumes, namespace),
    StopGracePeriod: nanos(svc.stop_grace_period),
    Healthcheck: health,
    Hosts: swarmHosts(svc.extra_hosts),
    DNSConfig: dns,
    Secrets: secrets.length ? secrets : undefined,
    Configs: configs.length ? configs : undefined,
    Isolation: svc.isolation || undefined,
    Sysctls: svc.sysctls && Object.keys(svc.sysctls).length ? sortedRecord(svc.sysctls) : undefined,
    CapabilityAdd: caps.add.length ? caps.add : undefined,
    CapabilityDrop: caps.drop.length ? caps.drop : undefined,
    Ulimits: swarmUlimits(svc.ulimits),
  });
}

export function serviceSpec(
  config: ComposeConfig,
  namespace: string,
  service: string,
  svc: ServiceConfig,
): PendingServiceSpec {
  const deploy = svc.deploy;
  const logging = svc.logging;
  return compact<PendingServiceSpec>({
    Name: objectName(namespace, service),
    Labels: withStackLabel(namespace, { ...(deploy?.labels ?? {}), [IMAGE_LABEL]: svc.image ?? '' }),
    TaskTemplate: compact({
      ContainerSpec: containerSpec(service, config, namespace, svc),
      Resources: serviceResources(service, deploy?.resources),
      RestartPolicy: restartPolicy(service, svc.restart, deploy?.restart_policy),
      Placement: placement(deploy?.placement),
      Networks: networks(service, config, namespace, svc),
      LogDriver: logging
        ? compact({
            Name: logging.driver || undefined,
            Options:
              logging.options && Object.keys(logging.options).length
                ? sortedRecord(logging.options)
                : undefined,
          })
        : undefined,
      ForceUpdate: 0,
    }),
    Mode: serviceMode(service, deploy),
    UpdateConfig: updateConfig(deploy?.update_config),
    RollbackConfig: updateConfig(deploy?.rollback_config),
    EndpointSpec: endpointSpec(deploy?.endpoint_mode, svc.ports),
  });
}

// The networks `docker stack deploy` creates, and the external ones it only checks.

import type { ComposeConfig, NetworkConfig } from '../compose/types.js';
import { objectName } from '../stack/contract.js';
import { compareGo, isUserDefinedNetwork, sortedRecord, withStackLabel } from './names.js';
import type { NetworkCreateRequest } from './spec.js';

export const DEFAULT_NETWORK = 'default';
const DEFAULT_DRIVER = 'overlay';

export function isExternal(obj: { external?: boolean | { name: string } }): boolean {
  return obj.external === true || (typeof obj.external === 'object' && obj.external !== null);
}

/** The network keys services attach to: `default` for a service that names none. */
export function usedNetworkKeys(config: ComposeConfig): string[] {
  const used = new Set<string>();
  for (const svc of Object.values(config.services)) {
    const keys = Object.keys(svc.networks ?? {});
    if (keys.length === 0) used.add(DEFAULT_NETWORK);
    for (const k of keys) used.add(k);
  }
  return [...used].sort(compareGo);
}

/** The engine name of a declared (or the implicit default) network. */
export function networkName(namespace: string, key: string, nw: NetworkConfig | undefined): string {
  if (nw?.name) return nw.name;
  if (nw && typeof nw.external === 'object' && nw.external.name) return nw.external.name;
  return objectName(namespace, key);
}

export interface StackNetworks {
  /** Networks to create when missing (the CLI never updates an existing stack network). */
  create: NetworkCreateRequest[];
  /**
   * External networks that must already exist at swarm scope. The engine's own networks
   * (host, bridge, none) are left out: they always exist.
   */
  external: string[];
}

/** Only networks some service uses are created: a declared but unused network is skipped. */
export function stackNetworks(config: ComposeConfig, namespace: string): StackNetworks {
  const create = new Map<string, NetworkCreateRequest>();
  const external = new Set<string>();
  for (const key of usedNetworkKeys(config)) {
    const nw = config.networks?.[key];
    const name = networkName(namespace, key, nw);
    if (nw && isExternal(nw)) {
      if (isUserDefinedNetwork(name)) external.add(name);
      continue;
    }
    if (create.has(name)) continue;
    const req: NetworkCreateRequest = {
      Name: name,
      Driver: nw?.driver || DEFAULT_DRIVER,
      Internal: nw?.internal ?? false,
      Attachable: nw?.attachable ?? false,
      Labels: withStackLabel(namespace, nw?.labels),
      CheckDuplicate: true,
    };
    if (nw?.driver_opts) req.Options = sortedRecord(nw.driver_opts);
    const ipam = nw?.ipam;
    if (ipam && (ipam.driver || (ipam.config?.length ?? 0) > 0)) {
      req.IPAM = { Driver: ipam.driver ?? '' };
      if (ipam.config?.length)
        req.IPAM.Config = ipam.config.map((c) => (c.subnet ? { Subnet: c.subnet } : {}));
    }
    create.set(name, req);
  }
  return {
    create: [...create.values()].sort((a, b) => compareGo(a.Name, b.Name)),
    external: [...external].sort(compareGo),
  };
}

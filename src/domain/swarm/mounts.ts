// Service volumes to Swarm mounts (docker/cli convert.Volumes).

import { UserError } from '../../errors.js';
import type { ServiceVolume, VolumeConfig } from '../compose/types.js';
import { objectName } from '../stack/contract.js';
import { compact, sortedRecord, withStackLabel } from './names.js';
import { isExternal } from './networks.js';
import type { Mount, MountType } from './spec.js';

function fail(service: string, message: string): never {
  throw new UserError(`service ${service}: ${message}`, {
    where: `services.${service}.volumes`,
    code: 'swarm_volume_invalid',
  });
}

function baseMount(type: MountType, v: ServiceVolume): Mount {
  return compact<Mount>({
    Type: type,
    Source: v.source || undefined,
    Target: v.target ?? '',
    ReadOnly: v.read_only || undefined,
    Consistency: v.consistency || undefined,
  });
}

function volumeMount(
  service: string,
  v: ServiceVolume,
  volumes: Record<string, VolumeConfig>,
  namespace: string,
): Mount {
  if (v.tmpfs) fail(service, 'tmpfs options are incompatible with type volume');
  if (v.bind) fail(service, 'bind options are incompatible with type volume');
  const m = baseMount('volume', v);
  // An anonymous volume: the engine names it, and it gets no options at all, not even nocopy.
  if (!v.source) return m;
  const vol = Object.hasOwn(volumes, v.source) ? volumes[v.source] : undefined;
  if (!vol) fail(service, `undefined volume "${v.source}"`);
  m.Source = vol.name || objectName(namespace, v.source);
  m.VolumeOptions = {};
  if (v.volume?.nocopy) m.VolumeOptions.NoCopy = true;
  if (isExternal(vol)) return m;
  m.VolumeOptions.Labels = withStackLabel(namespace, vol.labels);
  if (vol.driver || vol.driver_opts) {
    m.VolumeOptions.DriverConfig = {};
    if (vol.driver) m.VolumeOptions.DriverConfig.Name = vol.driver;
    if (vol.driver_opts) m.VolumeOptions.DriverConfig.Options = sortedRecord(vol.driver_opts);
  }
  return m;
}

function bindMount(service: string, v: ServiceVolume): Mount {
  if (!v.source) fail(service, 'invalid bind source, source cannot be empty');
  if (v.volume) fail(service, 'volume options are incompatible with type bind');
  if (v.tmpfs) fail(service, 'tmpfs options are incompatible with type bind');
  const m = baseMount('bind', v);
  if (v.bind) m.BindOptions = v.bind.propagation ? { Propagation: v.bind.propagation } : {};
  return m;
}

function tmpfsMount(service: string, v: ServiceVolume): Mount {
  if (v.source) fail(service, 'invalid tmpfs source, source must be empty');
  if (v.bind) fail(service, 'bind options are incompatible with type tmpfs');
  if (v.volume) fail(service, 'volume options are incompatible with type tmpfs');
  const m = baseMount('tmpfs', v);
  if (v.tmpfs) m.TmpfsOptions = v.tmpfs.size ? { SizeBytes: v.tmpfs.size } : {};
  return m;
}

function npipeMount(service: string, v: ServiceVolume): Mount {
  if (!v.source) fail(service, 'invalid npipe source, source cannot be empty');
  if (v.volume) fail(service, 'volume options are incompatible with type npipe');
  if (v.tmpfs) fail(service, 'tmpfs options are incompatible with type npipe');
  const m = baseMount('npipe', v);
  if (v.bind) m.BindOptions = v.bind.propagation ? { Propagation: v.bind.propagation } : {};
  return m;
}

function clusterMount(
  service: string,
  v: ServiceVolume,
  volumes: Record<string, VolumeConfig>,
  namespace: string,
): Mount {
  if (!v.source) fail(service, 'invalid cluster source, source cannot be empty');
  if (v.tmpfs) fail(service, 'tmpfs options are incompatible with type cluster');
  if (v.bind) fail(service, 'bind options are incompatible with type cluster');
  if (v.volume) fail(service, 'volume options are incompatible with type cluster');
  const m = baseMount('cluster', v);
  m.ClusterOptions = {};
  // A volume group ("group:<name>") is neither declared nor namespaced.
  if (!v.source.startsWith('group:')) {
    const vol = Object.hasOwn(volumes, v.source) ? volumes[v.source] : undefined;
    if (!vol) fail(service, `undefined volume "${v.source}"`);
    m.Source = vol.name || objectName(namespace, v.source);
  }
  return m;
}

/** Mounts in the order the service lists its volumes (docker keeps that order). */
export function serviceMounts(
  service: string,
  list: ServiceVolume[] | undefined,
  volumes: Record<string, VolumeConfig> | undefined,
  namespace: string,
): Mount[] | undefined {
  if (!list?.length) return undefined;
  const declared = volumes ?? {};
  return list.map((v) => {
    switch (v.type ?? '') {
      case 'volume':
      case '':
        return volumeMount(service, v, declared, namespace);
      case 'bind':
        return bindMount(service, v);
      case 'tmpfs':
        return tmpfsMount(service, v);
      case 'npipe':
        return npipeMount(service, v);
      case 'cluster':
        return clusterMount(service, v, declared, namespace);
      default:
        return fail(service, 'volume type must be volume, bind, tmpfs, npipe, or cluster');
    }
  });
}

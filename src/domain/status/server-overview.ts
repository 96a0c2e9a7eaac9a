// What the dashboard's servers page says about a server's disk and its proxy, from two Engine
// API answers (`GET /system/df` and `GET /services`), without a call per object.

import type { PortConfig } from '../swarm/spec.js';

/** The part of `GET /system/df` this needs (structural, so tests can write it by hand). */
export interface DiskUsageView {
  LayersSize?: number | null;
  Images?: { Containers?: number | null }[] | null;
  Containers?: { SizeRw?: number | null; State?: string | null }[] | null;
  Volumes?: { UsageData?: { Size?: number | null; RefCount?: number | null } | null }[] | null;
  BuildCache?: { Size?: number | null }[] | null;
}

export interface DiskSummary {
  images: { count: number; bytes: number; unused: number };
  containers: { count: number; running: number; bytes: number };
  /** Sizes the engine could not measure (-1, e.g. a volume driver that does not say) are left out. */
  volumes: { count: number; bytes: number; unused: number };
  buildCacheBytes: number;
}

const size = (n: number | null | undefined) => (typeof n === 'number' && n > 0 ? n : 0);

export function summariseDisk(df: DiskUsageView): DiskSummary {
  const images = df.Images ?? [];
  const containers = df.Containers ?? [];
  const volumes = df.Volumes ?? [];
  return {
    images: {
      count: images.length,
      bytes: size(df.LayersSize),
      unused: images.filter((i) => (i.Containers ?? 0) === 0).length,
    },
    containers: {
      count: containers.length,
      running: containers.filter((c) => c.State === 'running').length,
      bytes: containers.reduce((sum, c) => sum + size(c.SizeRw), 0),
    },
    volumes: {
      count: volumes.length,
      bytes: volumes.reduce((sum, v) => sum + size(v.UsageData?.Size), 0),
      unused: volumes.filter((v) => v.UsageData?.RefCount === 0).length,
    },
    buildCacheBytes: (df.BuildCache ?? []).reduce((sum, b) => sum + size(b.Size), 0),
  };
}

export interface PublishingService {
  service: string;
  ports: string[];
}

/** The part of a service this needs. */
export interface PublishedView {
  Spec: { Name: string; EndpointSpec?: { Ports?: PortConfig[] | null } | null };
  Endpoint?: { Ports?: PortConfig[] | null } | null;
}

const WEB_PORTS = new Set([80, 443]);

/** Services publishing port 80 or 443: the proxy (Traefik, in a Co-op Cloud server), or what blocks it. */
export function webPublishers(services: readonly PublishedView[]): PublishingService[] {
  return services
    .map((s) => {
      const ports = s.Endpoint?.Ports ?? s.Spec.EndpointSpec?.Ports ?? [];
      return {
        service: s.Spec.Name,
        ports: ports
          .filter((p) => p.PublishedPort !== undefined && WEB_PORTS.has(p.PublishedPort))
          .map(
            (p) => `${p.PublishedPort}/${p.Protocol ?? 'tcp'}${p.PublishMode === 'host' ? ' (host)' : ''}`,
          ),
      };
    })
    .filter((s) => s.ports.length > 0)
    .sort((a, b) => a.service.localeCompare(b.service));
}

/** 1536 -> "1.5 KiB": sizes for people. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

// What `abra server status` says about one server, folded from five Engine API answers
// (version, info, nodes, system df, stack services with task counts). Pure, golden-tested.

import { type ServiceView, type StackSummary, summariseStacks } from './app-status.js';
import { type DiskSummary, type DiskUsageView, summariseDisk } from './server-overview.js';

/** The recipe whose app is a Co-op Cloud server's proxy. */
export const PROXY_RECIPE = 'traefik';

export interface EngineAnswers {
  version: { Version: string; ApiVersion: string; Os?: string; Arch?: string; KernelVersion?: string };
  info: {
    MemTotal: number;
    NCPU: number;
    OperatingSystem: string;
    Swarm: { LocalNodeState: string; ControlAvailable: boolean; NodeAddr: string };
  };
  /** Absent off a manager (only managers list nodes and services). */
  nodes?: {
    Spec: { Role: string };
    Status: { State: string };
    Description: { Engine?: { EngineVersion?: string } };
  }[];
  df: DiskUsageView;
  services?: readonly ServiceView[];
}

export type AppHealth = 'healthy' | 'degraded' | 'stopped';

export interface AppRow {
  stack: string;
  recipe: string | undefined;
  version: string | undefined;
  services: number;
  running: number;
  desired: number;
  health: AppHealth;
}

export interface ServerReport {
  docker: { version: string; api: string; os: string; kernel: string | undefined };
  swarm: {
    state: string;
    manager: boolean;
    address: string | undefined;
    nodes: number;
    ready: number;
    managers: number;
    /** Engine versions across the swarm's nodes (more than one during an upgrade). */
    engines: string[];
  };
  cpus: number;
  memoryBytes: number;
  /** The same fold as the dashboard's servers page. */
  disk: DiskSummary;
  /** The traefik app, when one is deployed. */
  proxy: AppRow | undefined;
  apps: AppRow[];
}

export function healthOf(s: Pick<StackSummary, 'running' | 'desired'>): AppHealth {
  if (s.desired === 0) return 'stopped';
  return s.running >= s.desired ? 'healthy' : 'degraded';
}

export function summariseServer(a: EngineAnswers): ServerReport {
  const nodes = a.nodes ?? [];
  const stacks = [...summariseStacks(a.services ?? []).values()].sort((x, y) =>
    x.stack < y.stack ? -1 : x.stack > y.stack ? 1 : 0,
  );
  const apps: AppRow[] = stacks.map((s) => ({
    stack: s.stack,
    recipe: s.recipe,
    version: s.version,
    services: s.services,
    running: s.running,
    desired: s.desired,
    health: healthOf(s),
  }));
  return {
    docker: {
      version: a.version.Version,
      api: a.version.ApiVersion,
      os: a.info.OperatingSystem,
      kernel: a.version.KernelVersion,
    },
    swarm: {
      state: a.info.Swarm.LocalNodeState,
      manager: a.info.Swarm.ControlAvailable,
      address: a.info.Swarm.NodeAddr || undefined,
      nodes: nodes.length,
      ready: nodes.filter((n) => n.Status.State === 'ready').length,
      managers: nodes.filter((n) => n.Spec.Role === 'manager').length,
      engines: [...new Set(nodes.flatMap((n) => n.Description.Engine?.EngineVersion ?? []))].sort(),
    },
    cpus: a.info.NCPU,
    memoryBytes: a.info.MemTotal,
    disk: summariseDisk(a.df),
    proxy: apps.find((x) => x.recipe === PROXY_RECIPE),
    apps,
  };
}

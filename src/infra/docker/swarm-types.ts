// Swarm object shapes (Engine API v1.41) for what abra creates and reads: services, tasks,
// networks, secrets, configs, volumes, events. Field names are the API's own.

export type Labels = Record<string, string>;

// The spec shapes are the conversion's own (domain/swarm/spec.ts): what abra sends is exactly
// what it reads back, so there is one definition of a service spec.
import type { PortConfig, ServiceSpec, TaskSpec } from '../../domain/swarm/spec.js';

export type {
  ConfigReference,
  ContainerSpec,
  HealthConfig,
  Mount,
  PortConfig,
  SecretReference,
  ServiceSpec,
  TaskSpec,
  UpdateConfig,
} from '../../domain/swarm/spec.js';

export interface Service {
  ID: string;
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: ServiceSpec;
  PreviousSpec?: ServiceSpec;
  Endpoint?: { Spec?: { Mode?: string; Ports?: PortConfig[] }; Ports?: PortConfig[] };
  UpdateStatus?: { State?: string; StartedAt?: string; CompletedAt?: string; Message?: string };
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number; CompletedTasks?: number };
}

export interface Task {
  ID: string;
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
  Labels?: Labels;
  Spec: TaskSpec;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  Status: {
    Timestamp: string;
    State: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; PID?: number; ExitCode?: number };
  };
  DesiredState: string;
}

export interface NetworkCreate {
  Name: string;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Labels?: Labels;
  Options?: Labels;
  IPAM?: { Driver?: string; Config?: { Subnet?: string }[] };
  CheckDuplicate?: boolean;
}

export interface Network {
  Id: string;
  Name: string;
  Driver: string;
  Scope: string;
  Internal: boolean;
  Attachable: boolean;
  Labels: Labels | null;
  Options: Labels | null;
  IPAM?: { Driver?: string; Config?: { Subnet?: string }[] | null };
  Created?: string;
}

export interface SwarmObjectSpec {
  Name: string;
  Labels?: Labels;
  /** base64 */
  Data?: string;
  Driver?: { Name: string; Options?: Labels };
  Templating?: { Name: string; Options?: Labels };
}

export interface SwarmObject {
  ID: string;
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: SwarmObjectSpec;
}

export interface Volume {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Labels: Labels | null;
  Scope: string;
  CreatedAt?: string;
  /** The driver options it was created with (kept when `app move` recreates it elsewhere). */
  Options?: Labels | null;
}

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Labels };
  scope?: string;
  time: number;
  timeNano: number;
}

/** GET /nodes (the fields abra shows). */
/** What `POST /nodes/{id}/update` replaces as a whole (send back every field read). */
export interface SwarmNodeSpec {
  Role: 'manager' | 'worker';
  Availability: 'active' | 'pause' | 'drain';
  Labels?: Labels;
  Name?: string;
}

export interface SwarmNode {
  ID: string;
  Version: { Index: number };
  Spec: SwarmNodeSpec;
  Description: {
    Hostname: string;
    Engine?: { EngineVersion?: string; Labels?: Labels };
    Platform?: { OS?: string; Architecture?: string };
  };
  Status: { State: string; Addr?: string };
  ManagerStatus?: { Leader?: boolean; Reachability?: string; Addr?: string };
}

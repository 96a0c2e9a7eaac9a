// Engine API shapes for the endpoints abra uses, from the moby swagger at API v1.41 (Docker
// 20.10, the oldest engine we support; newer engines answer v1.41 requests unchanged).
// Only the fields we read are declared; everything else passes through untouched.

export const DOCKER_API_VERSION = '1.41';

export interface SystemVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  Os: string;
  Arch: string;
  KernelVersion?: string;
}

export type SwarmNodeState = 'inactive' | 'pending' | 'active' | 'error' | 'locked';

export interface SystemInfo {
  ID: string;
  Name: string;
  ServerVersion: string;
  OperatingSystem: string;
  NCPU: number;
  MemTotal: number;
  Swarm: {
    NodeID: string;
    NodeAddr: string;
    LocalNodeState: SwarmNodeState;
    ControlAvailable: boolean;
    Error: string;
    Nodes?: number;
    Managers?: number;
  };
}

export interface NetworkSummary {
  Id: string;
  Name: string;
  Driver: string;
  Scope: string;
  Attachable: boolean;
  Labels: Record<string, string> | null;
}

export interface ObjectVersion {
  Index: number;
}

export interface ServiceSummary {
  ID: string;
  Version: ObjectVersion;
  Spec: {
    Name: string;
    Labels?: Record<string, string>;
    TaskTemplate: { ContainerSpec?: { Image?: string; Labels?: Record<string, string> } };
    Mode: { Replicated?: { Replicas?: number }; Global?: Record<string, never> };
  };
  UpdateStatus?: { State: string; Message?: string };
  ServiceStatus?: { RunningTasks: number; DesiredTasks: number };
}

export interface TaskSummary {
  ID: string;
  ServiceID: string;
  NodeID?: string;
  Slot?: number;
  DesiredState: string;
  Status: { State: string; Message?: string; Err?: string; Timestamp: string };
}

/** `filters` query parameter: the Engine API wants a JSON object of string arrays. */
export type Filters = Record<string, string[]>;

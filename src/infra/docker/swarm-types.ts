// Swarm object shapes (Engine API v1.41) for what abra creates and reads: services, tasks,
// networks, secrets, configs, volumes, events. Field names are the API's own.

export type Labels = Record<string, string>;

export interface Mount {
  Type: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Labels; DriverConfig?: { Name?: string; Options?: Labels } };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface FileReferenceTarget {
  Name: string;
  UID: string;
  GID: string;
  Mode: number;
}

export interface SecretReference {
  File?: FileReferenceTarget;
  SecretID: string;
  SecretName: string;
}

export interface ConfigReference {
  File?: FileReferenceTarget;
  Runtime?: Record<string, never>;
  ConfigID: string;
  ConfigName: string;
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  Retries?: number;
  StartPeriod?: number;
  StartInterval?: number;
}

export interface ContainerSpec {
  Image: string;
  Labels?: Labels;
  Command?: string[];
  Args?: string[];
  Hostname?: string;
  Env?: string[];
  Dir?: string;
  User?: string;
  Groups?: string[];
  Privileges?: Record<string, unknown>;
  Init?: boolean;
  TTY?: boolean;
  OpenStdin?: boolean;
  ReadOnly?: boolean;
  Mounts?: Mount[];
  StopSignal?: string;
  StopGracePeriod?: number;
  Healthcheck?: HealthConfig;
  Hosts?: string[];
  DNSConfig?: { Nameservers?: string[]; Search?: string[]; Options?: string[] };
  Secrets?: SecretReference[];
  Configs?: ConfigReference[];
  Isolation?: string;
  Sysctls?: Labels;
  CapabilityAdd?: string[];
  CapabilityDrop?: string[];
  Ulimits?: { Name: string; Soft: number; Hard: number }[];
}

export interface ResourceSpec {
  NanoCPUs?: number;
  MemoryBytes?: number;
  Pids?: number;
  GenericResources?: { DiscreteResourceSpec?: { Kind: string; Value: number } }[];
}

export interface TaskSpec {
  ContainerSpec: ContainerSpec;
  Resources?: { Limits?: ResourceSpec; Reservations?: ResourceSpec };
  RestartPolicy?: { Condition?: string; Delay?: number; MaxAttempts?: number; Window?: number };
  Placement?: {
    Constraints?: string[];
    Preferences?: { Spread: { SpreadDescriptor: string } }[];
    MaxReplicas?: number;
    Platforms?: { Architecture?: string; OS?: string }[];
  };
  Networks?: { Target: string; Aliases?: string[]; DriverOpts?: Labels }[];
  LogDriver?: { Name: string; Options?: Labels };
  ForceUpdate?: number;
  Runtime?: string;
}

export interface UpdateConfigSpec {
  Parallelism?: number;
  Delay?: number;
  FailureAction?: string;
  Monitor?: number;
  MaxFailureRatio?: number;
  Order?: string;
}

export interface PortConfig {
  Name?: string;
  Protocol?: string;
  TargetPort?: number;
  PublishedPort?: number;
  PublishMode?: string;
}

export interface ServiceSpec {
  Name: string;
  Labels?: Labels;
  TaskTemplate: TaskSpec;
  Mode?: { Replicated?: { Replicas?: number }; Global?: Record<string, never> };
  UpdateConfig?: UpdateConfigSpec;
  RollbackConfig?: UpdateConfigSpec;
  EndpointSpec?: { Mode?: string; Ports?: PortConfig[] };
}

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
}

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Labels };
  scope?: string;
  time: number;
  timeNano: number;
}

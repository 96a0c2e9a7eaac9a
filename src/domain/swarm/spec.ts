// The Engine API (v1.41) objects `docker stack deploy` sends, shaped as docker CLI 28 serialises
// them: a key is absent exactly where Go's `omitempty` drops it, and present (even as 0, false,
// "" or null) where the CLI always writes it, so a spec built here is the CLI's request body.
// Kept in the domain (not infra/docker) because the domain may not import infra; these types
// are structurally assignable to infra's.

export type Labels = Record<string, string>;

export interface FileTarget {
  Name: string;
  UID: string;
  GID: string;
  /** Permission bits as a number: docker's default 0o444 is 292. */
  Mode: number;
}

/** A secret reference before the engine has told us the secret's ID. */
export interface PendingSecretReference {
  File: FileTarget;
  SecretName: string;
}

export interface SecretReference extends PendingSecretReference {
  SecretID: string;
}

/** A config reference before the engine has told us the config's ID. */
export interface PendingConfigReference {
  File?: FileTarget;
  /** Set (empty) for a config used by the runtime, not mounted: a credential spec. */
  Runtime?: Record<string, never>;
  ConfigName: string;
}

export interface ConfigReference extends PendingConfigReference {
  ConfigID: string;
}

export type MountType = 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster';

export interface Mount {
  Type: MountType;
  Source?: string;
  /** The loader requires a target, so it is always there. */
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Labels; DriverConfig?: { Name?: string; Options?: Labels } };
  TmpfsOptions?: { SizeBytes?: number };
  ClusterOptions?: Record<string, never>;
}

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** All three keys are always sent; exactly one is non-empty. */
export interface CredentialSpec {
  /** A config *name* in a pending spec, the config's ID once bound (as the engine wants it). */
  Config: string;
  File: string;
  Registry: string;
}

// A type alias, not an interface: infra types Privileges as Record<string, unknown>, which only
// an alias (with its implicit index signature) is assignable to.
export type Privileges = {
  CredentialSpec: CredentialSpec | null;
  SELinuxContext: null;
  NoNewPrivileges: boolean;
};

export interface Ulimit {
  Name: string;
  Hard: number;
  Soft: number;
}

export interface ContainerSpec<S = SecretReference, C = ConfigReference> {
  Image: string;
  Labels: Labels;
  Command?: string[];
  Args?: string[];
  Hostname?: string;
  Env?: string[];
  Dir?: string;
  User?: string;
  Privileges: Privileges;
  Init?: boolean;
  StopSignal?: string;
  TTY?: boolean;
  OpenStdin?: boolean;
  ReadOnly?: boolean;
  Mounts?: Mount[];
  /** Nanoseconds. */
  StopGracePeriod?: number;
  Healthcheck?: HealthConfig;
  Hosts?: string[];
  DNSConfig?: { Nameservers?: string[]; Search?: string[]; Options?: string[] };
  Secrets?: S[];
  Configs?: C[];
  Isolation?: string;
  Sysctls?: Labels;
  CapabilityAdd?: string[];
  CapabilityDrop?: string[];
  Ulimits?: Ulimit[];
}

export interface Limit {
  NanoCPUs?: number;
  MemoryBytes?: number;
  Pids?: number;
}

export interface Reservation {
  NanoCPUs?: number;
  MemoryBytes?: number;
  GenericResources?: { DiscreteResourceSpec?: { Kind: string; Value: number } }[];
}

export interface RestartPolicy {
  Condition?: string;
  Delay?: number;
  MaxAttempts?: number;
  Window?: number;
}

export interface Placement {
  Constraints?: string[];
  Preferences?: { Spread: { SpreadDescriptor: string } }[];
  MaxReplicas?: number;
}

export interface NetworkAttachment {
  /** A network name in what the CLI sends; the engine stores the network's ID instead. */
  Target: string;
  Aliases?: string[];
}

export interface TaskSpec<S = SecretReference, C = ConfigReference> {
  ContainerSpec: ContainerSpec<S, C>;
  Resources: { Limits?: Limit; Reservations?: Reservation };
  RestartPolicy?: RestartPolicy;
  Placement: Placement;
  Networks?: NetworkAttachment[];
  LogDriver?: { Name?: string; Options?: Labels };
  ForceUpdate: number;
  /** Only in what the engine stores ("container"); the CLI never sends it. */
  Runtime?: string;
}

export type ServiceMode =
  | { Replicated: { Replicas?: number } }
  | { Global: Record<string, never> }
  | { ReplicatedJob: { MaxConcurrent?: number; TotalCompletions?: number } }
  | { GlobalJob: Record<string, never> };

export interface UpdateConfig {
  Parallelism: number;
  Delay?: number;
  FailureAction?: string;
  Monitor?: number;
  MaxFailureRatio: number;
  Order: string;
}

export interface PortConfig {
  Protocol?: string;
  TargetPort?: number;
  PublishedPort?: number;
  PublishMode?: string;
}

export interface ServiceSpec<S = SecretReference, C = ConfigReference> {
  Name: string;
  Labels: Labels;
  TaskTemplate: TaskSpec<S, C>;
  Mode: ServiceMode;
  UpdateConfig?: UpdateConfig;
  RollbackConfig?: UpdateConfig;
  EndpointSpec: { Mode?: string; Ports?: PortConfig[] };
}

/** A service spec whose secret and config references still lack the engine's IDs. */
export type PendingServiceSpec = ServiceSpec<PendingSecretReference, PendingConfigReference>;

/** POST /networks/create as the CLI sends it (the null/zero fields it also sends are left out). */
export interface NetworkCreateRequest {
  Name: string;
  Driver: string;
  Internal: boolean;
  Attachable: boolean;
  Labels: Labels;
  Options?: Labels;
  IPAM?: { Driver: string; Config?: { Subnet?: string }[] };
  CheckDuplicate: true;
}

export interface SecretSpec {
  Name: string;
  Labels: Labels;
  /** base64 */
  Data?: string;
  Driver?: { Name: string; Options?: Labels };
  Templating?: { Name: string };
}

export interface ConfigSpec {
  Name: string;
  Labels: Labels;
  /** base64 */
  Data?: string;
  Templating?: { Name: string };
}

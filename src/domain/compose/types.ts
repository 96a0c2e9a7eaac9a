// The loaded compose model, shaped exactly like `docker stack config` prints it (docker/cli's
// compose types with their yaml `omitempty` tags): an absent key is Go's zero value. Keeping
// that shape makes the oracle comparison direct and the merge rules ("a non-zero value in the
// later file wins") a matter of presence.

export type Duration = string; // Go time.Duration text, e.g. "1m30s"

export interface ServicePort {
  mode?: string;
  target?: number;
  published?: number;
  protocol?: string;
}

export interface ServiceVolume {
  type?: string;
  source?: string;
  target?: string;
  read_only?: boolean;
  consistency?: string;
  bind?: { propagation?: string };
  volume?: { nocopy?: boolean };
  tmpfs?: { size?: number };
}

export interface FileReference {
  source?: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface UpdateConfig {
  parallelism?: number;
  delay?: Duration;
  failure_action?: string;
  monitor?: Duration;
  max_failure_ratio?: number;
  order?: string;
}

export interface Resource {
  cpus?: string;
  memory?: string; // bytes, as docker prints them
  pids?: number;
  generic_resources?: { discrete_resource_spec?: { kind: string; value: number } }[];
}

export interface DeployConfig {
  mode?: string;
  replicas?: number;
  labels?: Record<string, string>;
  update_config?: UpdateConfig;
  rollback_config?: UpdateConfig;
  resources?: { limits?: Resource; reservations?: Resource };
  restart_policy?: { condition?: string; delay?: Duration; max_attempts?: number; window?: Duration };
  placement?: { constraints?: string[]; preferences?: { spread?: string }[]; max_replicas_per_node?: number };
  endpoint_mode?: string;
}

export interface HealthCheck {
  test?: string[];
  timeout?: Duration;
  interval?: Duration;
  retries?: number;
  start_period?: Duration;
  start_interval?: Duration;
  disable?: boolean;
}

export interface ServiceConfig {
  build?: Record<string, unknown>;
  cap_add?: string[];
  cap_drop?: string[];
  cgroupns_mode?: string;
  cgroup_parent?: string;
  command?: string[];
  configs?: FileReference[];
  container_name?: string;
  credential_spec?: { config?: string; file?: string; registry?: string };
  depends_on?: string[];
  deploy?: DeployConfig;
  devices?: string[];
  dns?: string[];
  dns_search?: string[];
  domainname?: string;
  entrypoint?: string[];
  environment?: Record<string, string | null>;
  env_file?: string[];
  expose?: string[];
  external_links?: string[];
  extra_hosts?: string[];
  hostname?: string;
  healthcheck?: HealthCheck;
  image?: string;
  init?: boolean;
  ipc?: string;
  isolation?: string;
  labels?: Record<string, string>;
  links?: string[];
  logging?: { driver?: string; options?: Record<string, string> };
  mac_address?: string;
  network_mode?: string;
  networks?: Record<string, { aliases?: string[]; ipv4_address?: string; ipv6_address?: string } | null>;
  pid?: string;
  ports?: ServicePort[];
  privileged?: boolean;
  read_only?: boolean;
  restart?: string;
  secrets?: FileReference[];
  security_opt?: string[];
  shm_size?: string;
  stdin_open?: boolean;
  stop_grace_period?: Duration;
  stop_signal?: string;
  sysctls?: Record<string, string>;
  tmpfs?: string[];
  tty?: boolean;
  ulimits?: Record<string, number | { soft?: number; hard?: number }>;
  user?: string;
  userns_mode?: string;
  volumes?: ServiceVolume[];
  working_dir?: string;
  /** `x-*` keys of the service, kept verbatim. */
  [extension: `x-${string}`]: unknown;
}

export interface External {
  external?: boolean;
  name?: string;
}

export interface NetworkConfig {
  name?: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  ipam?: { driver?: string; config?: { subnet?: string }[] };
  external?: boolean | { name: string };
  internal?: boolean;
  attachable?: boolean;
  labels?: Record<string, string>;
  [extension: `x-${string}`]: unknown;
}

export interface VolumeConfig {
  name?: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean | { name: string };
  labels?: Record<string, string>;
  [extension: `x-${string}`]: unknown;
}

export interface FileObjectConfig {
  name?: string;
  file?: string;
  external?: boolean | { name: string };
  labels?: Record<string, string>;
  driver?: string;
  driver_opts?: Record<string, string>;
  template_driver?: string;
  [extension: `x-${string}`]: unknown;
}

export interface ComposeConfig {
  version: string;
  services: Record<string, ServiceConfig>;
  networks?: Record<string, NetworkConfig>;
  volumes?: Record<string, VolumeConfig>;
  secrets?: Record<string, FileObjectConfig>;
  configs?: Record<string, FileObjectConfig>;
  [extension: `x-${string}`]: unknown;
}

import type { ComposeSchemaValidator } from '../domain/compose/load.js';
import type { DockerConnector } from '../infra/docker/connector.js';
import type { AbraPaths } from '../infra/store/paths.js';
import type { ServerStore } from '../infra/store/servers.js';
import type { Io } from '../ui/io.js';

/** What services may touch. Commands build it once per run; tests build their own. */
export interface Deps {
  paths: AbraPaths;
  servers: ServerStore;
  docker: DockerConnector;
  io: Io;
  env: NodeJS.ProcessEnv;
  /** The compose schema validator, compiled on first use (ajv is slow to load). */
  composeValidator: () => Promise<ComposeSchemaValidator>;
}

import type { ComposeConfig, ServiceConfig } from '../compose/types.js';
import type { LintInput } from './types.js';

/** One service as a loaded COMPOSE_FILE combination defines it. */
export interface ServiceView {
  name: string;
  service: ServiceConfig;
  config: ComposeConfig;
  /** The files of the combination, for locating its keys. */
  files: string[];
}

/** Every service of every combination that loaded; a service appears once per combination. */
export function loadedServices(input: LintInput): ServiceView[] {
  return input.variants.flatMap((v) =>
    v.config
      ? Object.entries(v.config.services).map(([name, service]) => ({
          name,
          service,
          config: v.config as ComposeConfig,
          files: v.files,
        }))
      : [],
  );
}

/** Skip reason for rules that judge the loaded model when nothing loaded. */
export function unlessLoaded(input: LintInput): string | undefined {
  return input.variants.some((v) => v.config) ? undefined : 'no compose file combination loads (see A001)';
}

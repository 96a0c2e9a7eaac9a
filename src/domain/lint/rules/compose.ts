import { at, locate, locateIn, locateService, rawServices } from '../locate.js';
import { ENV_SAMPLE } from '../prepare.js';
import { activeKeys } from '../sample.js';
import { loadedServices, unlessLoaded } from '../services.js';
import type { Finding, LintRule } from '../types.js';
import { BASE_COMPOSE } from '../variants.js';

export const EXPECTED_COMPOSE_VERSION = '3.8';

/** R001: every compose file declares version "3.8". */
export const composeVersion: LintRule = {
  id: 'R001',
  severity: 'warn',
  title: 'compose config has expected version',
  howToFix: `Set \`version: "${EXPECTED_COMPOSE_VERSION}"\` at the top of every compose file.`,
  check(input) {
    const findings: Finding[] = [];
    for (const f of input.composeFiles) {
      if (f.parsed === undefined) continue;
      const v = f.parsed.data.version;
      if (v === undefined) findings.push(at({ file: f.file, line: 1 }, `${f.file} has no version: key`));
      else if (String(v) !== EXPECTED_COMPOSE_VERSION)
        findings.push(
          at(locateIn(f, ['version']) ?? { file: f.file }, `${f.file} has version ${JSON.stringify(v)}`),
        );
    }
    return findings;
  },
};

/** R002: every service has a healthcheck, so swarm (and abra) know when it is really up. */
export const healthchecks: LintRule = {
  id: 'R002',
  severity: 'warn',
  title: 'healthcheck enabled for all services',
  howToFix:
    'Add a `healthcheck:` (test, interval, timeout, retries, start_period) to each service; deploys then wait for the app to answer, and rollbacks can trigger.',
  skip: unlessLoaded,
  check(input) {
    return loadedServices(input).flatMap(({ name, service, files }) => {
      const hc = service.healthcheck;
      const disabled = hc?.disable === true || hc?.test?.[0] === 'NONE';
      if (hc !== undefined && !disabled) return [];
      const loc = hc
        ? locate(input, ['services', name, 'healthcheck'], files)
        : locateService(input, name, files);
      return [at(loc, `service ${name} has ${hc ? 'its healthcheck disabled' : 'no healthcheck'}`)];
    });
  },
};

/** R009: the main service is called `app`: abra reads the version label and runs commands there. */
export const appService: LintRule = {
  id: 'R009',
  severity: 'error',
  title: "one service named 'app'",
  howToFix:
    'Rename the main service to `app` in compose.yml (abra reads its version label and targets it by default).',
  check(input) {
    const base = input.composeFiles.find((f) => f.file === BASE_COMPOSE);
    if (base?.parsed === undefined) return [];
    const names = Object.keys(rawServices(base));
    if (names.includes('app')) return [];
    const loc = locateIn(base, ['services']) ?? { file: BASE_COMPOSE };
    return [at(loc, `${BASE_COMPOSE} has no service named app (services: ${names.join(', ') || 'none'})`)];
  },
};

/** R010: some service has `traefik.enable=true`, or the web app is not reachable. */
export const traefikEnabled: LintRule = {
  id: 'R010',
  severity: 'error',
  title: 'traefik routing enabled',
  howToFix:
    'Add the deploy label `traefik.enable=true` (with router and service labels) to the service serving DOMAIN.',
  skip(input) {
    if (input.envSample && !activeKeys(input.envSample).has('DOMAIN'))
      return `${ENV_SAMPLE} sets no DOMAIN: not a web app`;
    return unlessLoaded(input);
  },
  check(input) {
    const base = input.variants.find((v) => v.config)?.config;
    const enabled = loadedServices(input).some(
      ({ service }) => service.deploy?.labels?.['traefik.enable'] === 'true',
    );
    if (enabled || base === undefined) return [];
    return [at(locate(input, ['services']), 'no service has the deploy label traefik.enable=true')];
  },
};

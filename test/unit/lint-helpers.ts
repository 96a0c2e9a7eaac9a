import assert from 'node:assert/strict';
import { createComposeValidator } from '../../src/domain/compose/schema/index.js';
import { prepareLintInput, type RecipeSources } from '../../src/domain/lint/prepare.js';
import { runLint } from '../../src/domain/lint/run.js';
import type { Finding, LintInput, LintReport, RuleResult } from '../../src/domain/lint/types.js';

const validator = createComposeValidator();

/** A small recipe that satisfies every rule; each test breaks one thing in a copy of it. */
export const GOOD: Readonly<Record<string, string>> = {
  'compose.yml': `---
version: "3.8"
services:
  app:
    image: nginx:1.27.2
    networks:
      - proxy
    environment:
      - DOMAIN
    configs:
      - source: nginx_conf
        target: /etc/nginx/nginx.conf
    secrets:
      - db_password
    volumes:
      - data:/var/www
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 10s
      timeout: 5s
      retries: 3
      start_period: 20s
    deploy:
      update_config:
        failure_action: rollback
        order: start-first
        monitor: 1m
      labels:
        - "traefik.enable=true"
        - "traefik.http.services.\${STACK_NAME}.loadbalancer.server.port=80"
        - "traefik.http.routers.\${STACK_NAME}.rule=Host(\`\${DOMAIN}\`\${EXTRA_DOMAINS})"
        - "traefik.http.routers.\${STACK_NAME}.entrypoints=web-secure"
        - "traefik.http.routers.\${STACK_NAME}.tls.certresolver=\${LETS_ENCRYPT_ENV}"
        - "coop-cloud.\${STACK_NAME}.version=1.0.0+1.27.2"
networks:
  proxy:
    external: true
volumes:
  data:
configs:
  nginx_conf:
    name: \${STACK_NAME}_nginx_conf_\${NGINX_CONF_VERSION}
    file: nginx.conf
secrets:
  db_password:
    external: true
    name: \${STACK_NAME}_db_password_\${SECRET_DB_PASSWORD_VERSION}
`,
  '.env.sample': `TYPE=demo

DOMAIN=demo.example.com
## Domain aliases
#EXTRA_DOMAINS=', \`www.demo.example.com\`'
LETS_ENCRYPT_ENV=production

SECRET_DB_PASSWORD_VERSION=v1 # length=32
`,
  'abra.sh': 'export NGINX_CONF_VERSION=v1\n',
  'README.md': `# Demo

<!-- metadata -->
* **Category**: Apps
* **Status**: 3, stable
* **Image**: [\`nginx\`](https://hub.docker.com/_/nginx), 4, upstream
* **Healthcheck**: Yes
* **Backups**: No
* **Email**: N/A
* **Tests**: 2
* **SSO**: N/A
<!-- endmetadata -->
`,
};

export function sources(
  files: Readonly<Record<string, string>>,
  over: Partial<RecipeSources> = {},
): RecipeSources {
  return {
    recipe: 'demo',
    dir: '/recipes/demo',
    files,
    tags: [{ name: '1.0.0+1.27.2', annotated: true }],
    catalogue: {
      state: 'present',
      entry: { name: 'demo', features: {}, versions: [{ version: '1.0.0+1.27.2', services: {} }] },
    },
    repo: { state: 'checked', url: 'https://git.coopcloud.tech/coop-cloud/demo', exists: true },
    ...over,
  };
}

export function inputOf(
  files: Readonly<Record<string, string>>,
  over: Partial<RecipeSources> = {},
): LintInput {
  return prepareLintInput(sources(files, over), validator);
}

export function lint(files: Readonly<Record<string, string>>, over: Partial<RecipeSources> = {}): LintReport {
  return runLint(inputOf(files, over));
}

export function result(report: LintReport, id: string): RuleResult {
  const r = report.results.find((x) => x.id === id);
  assert.ok(r, `rule ${id} exists`);
  return r;
}

/** The findings of one rule, which must have run (not been skipped). */
export function findings(
  files: Readonly<Record<string, string>>,
  id: string,
  over: Partial<RecipeSources> = {},
): Finding[] {
  const r = result(lint(files, over), id);
  assert.equal(r.skipped, false, `${id} ran (skip reason: ${r.skipReason})`);
  assert.equal(r.satisfied, r.findings.length === 0);
  return r.findings;
}

/** A copy of `files` with `from` replaced in one file; `from` must be there, so no edit is silently lost. */
export function edit(
  files: Readonly<Record<string, string>>,
  file: string,
  from: string | RegExp,
  to: string,
): Record<string, string> {
  const text = files[file];
  assert.ok(text !== undefined, `${file} exists`);
  assert.ok(typeof from === 'string' ? text.includes(from) : from.test(text), `${file} contains ${from}`);
  return { ...files, [file]: text.replace(from, to) };
}

export function without(files: Readonly<Record<string, string>>, file: string): Record<string, string> {
  assert.ok(file in files, `${file} exists`);
  const out = { ...files };
  delete out[file];
  return out;
}

// The files of a new recipe, in the layout of Co-op Cloud's `example` template (which
// `abra recipe new` copies): one `app` service behind Traefik on the shared `proxy` network.

export interface SkeletonFile {
  /** Relative to the recipe directory, `/`-separated. */
  path: string;
  content: string;
  mode: number;
}

/** The image the skeleton serves until the maintainer swaps in their app. */
export const SKELETON_IMAGE = 'nginx:1.27.3';

export function recipeSkeleton(name: string): SkeletonFile[] {
  return [
    { path: 'compose.yml', content: composeYml(), mode: 0o644 },
    { path: '.env.sample', content: envSample(name), mode: 0o644 },
    { path: 'abra.sh', content: abraSh(), mode: 0o644 },
    { path: 'README.md', content: readme(name), mode: 0o644 },
    { path: 'release/.git-keep-me', content: '', mode: 0o644 },
  ];
}

function composeYml(): string {
  return `---
version: "3.8"

services:
  app:
    image: ${SKELETON_IMAGE}
    networks:
      - proxy
    deploy:
      restart_policy:
        condition: on-failure
      update_config:
        failure_action: rollback
        order: start-first
      labels:
        - "traefik.enable=true"
        - "traefik.http.services.\${STACK_NAME}.loadbalancer.server.port=80"
        - "traefik.http.routers.\${STACK_NAME}.rule=Host(\`\${DOMAIN}\`\${EXTRA_DOMAINS})"
        - "traefik.http.routers.\${STACK_NAME}.entrypoints=web-secure"
        - "traefik.http.routers.\${STACK_NAME}.tls.certresolver=\${LETS_ENCRYPT_ENV}"
        ## Redirect from EXTRA_DOMAINS to DOMAIN
        #- "traefik.http.routers.\${STACK_NAME}.middlewares=\${STACK_NAME}-redirect"
        #- "traefik.http.middlewares.\${STACK_NAME}-redirect.headers.SSLForceHost=true"
        #- "traefik.http.middlewares.\${STACK_NAME}-redirect.headers.SSLHost=\${DOMAIN}"
        ## When you're ready for release, set this to the release's version (X.Y.Z+upstream)
        - "coop-cloud.\${STACK_NAME}.version=0.0.1"
        ## Enable backups: https://docs.coopcloud.tech/maintainers/handbook/#how-do-i-configure-backuprestore
        # - "backupbot.backup=true"
        # - "backupbot.backup.path=/some/path"
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost"]
      interval: 30s
      timeout: 10s
      retries: 10
      start_period: 1m

networks:
  proxy:
    external: true
`;
}

function envSample(name: string): string {
  return `TYPE=${name}

DOMAIN=${name}.example.com

## Domain aliases
#EXTRA_DOMAINS=', \`www.${name}.example.com\`'

LETS_ENCRYPT_ENV=production
`;
}

function abraSh(): string {
  return `# Set any config versions here
# Docs: https://docs.coopcloud.tech/maintainers/handbook/#manage-configs
#
# export APP_ENTRYPOINT_VERSION=v1

# Functions defined here are for running inside a service (Go abra's app cmd; not in this abra yet).
`;
}

function readme(name: string): string {
  return `# ${name}

> One line description of the recipe

<!-- metadata -->

* **Category**: Apps
* **Status**: 0
* **Image**: [\`nginx\`](https://hub.docker.com/_/nginx), 4, upstream
* **Healthcheck**: Yes
* **Backups**: No
* **Email**: No
* **Tests**: No
* **SSO**: No

<!-- endmetadata -->

## Quick start

* \`abra app new ${name} --secrets\`
* \`abra app config <app-name>\`
* \`abra app deploy <app-name>\`

For more, see [\`docs.coopcloud.tech\`](https://docs.coopcloud.tech).
`;
}

// The compatibility contract with `docker stack deploy` and Go abra: how an app's stack and its
// objects are named and labelled. Go abra, docker and this tool must agree on every value here
// to manage the same stacks, so each one is spelled in this file only (test/static/contracts).

/** Go abra's MAX_SANITISED_APP_NAME_LENGTH: leaves room in Docker's 64-character names. */
export const MAX_STACK_NAME = 45;

/**
 * `cloud.example.com` -> `cloud_example_com`, cut to 45 as Go abra's StackName does. Go slices
 * bytes; domains are ASCII (IDNs are written in punycode), where bytes and characters agree.
 */
export function stackNameOf(domain: string): string {
  return domain.replaceAll('.', '_').slice(0, MAX_STACK_NAME);
}

/** `<stack>_<name>`: services, stack networks, volumes, secrets and configs without `name:`. */
export function objectName(stack: string, name: string): string {
  return `${stack}_${name}`;
}

/** `<stack>_<secret>_<version>`: what recipes declare as a secret's `name:` (`v1` versions). */
export function secretObjectName(stack: string, secret: string, version: string): string {
  return `${objectName(stack, secret)}_${version}`;
}

/** `<stack>_<service>` -> `<service>`; names of other stacks come back unchanged. */
export function shortName(stack: string, objectFullName: string): string {
  return objectFullName.startsWith(`${stack}_`) ? objectFullName.slice(stack.length + 1) : objectFullName;
}

/** The label that ties a swarm object to its stack; checked before anything is changed or deleted. */
export const NAMESPACE_LABEL = 'com.docker.stack.namespace';

/** The image a stack service was deployed with, as written in the compose file. */
export const IMAGE_LABEL = 'com.docker.stack.image';

/** Is this object really part of the stack? A name prefix is not proof; the label is. */
export function belongsTo(
  stack: string,
  labels: Readonly<Record<string, string>> | null | undefined,
): boolean {
  return labels?.[NAMESPACE_LABEL] === stack;
}

/** The keys abra reads and writes under `coop-cloud.<stack>.`, on the app's main service. */
export type AbraLabelKey = 'version' | 'recipe' | 'chaos' | 'chaos-version' | 'timeout';

/** `coop-cloud.<stack>.<key>`. Recipes write it as `coop-cloud.${STACK_NAME}.<key>`. */
export function abraLabel(stack: string, key: AbraLabelKey): string {
  return `coop-cloud.${stack}.${key}`;
}

export const versionLabel = (stack: string): string => abraLabel(stack, 'version');
export const timeoutLabel = (stack: string): string => abraLabel(stack, 'timeout');

/** The variable recipes use for the stack name in compose files (`${STACK_NAME}`). */
export const STACK_NAME_VAR = 'STACK_NAME';

/**
 * abra's short-lived restic task services (backup, restore, snapshots): the stack they work
 * for. NOT the namespace label, so `docker stack rm` leaves them alone and abra can recognise
 * and remove leftovers of an interrupted run.
 */
export const BACKUP_TASK_LABEL = 'coop-cloud.backup.stack';
/** The swarm secret holding a restic repository's password: the repository URL it is for. */
/**
 * The short-lived objects that reach a worker node's engine through the manager (a socket
 * relay on the manager, a socat task on the node, the overlay network between them): the
 * gateway id. Leftovers of a killed run are found and removed by it.
 */
export const GATEWAY_LABEL = 'coop-cloud.abra.gateway';
export const BACKUP_SECRET_LABEL = 'coop-cloud.backup.repository';
/**
 * The helper services of `app move` (they mount an app's volumes and secrets on the source or
 * target server): the stack they work for. Not the namespace label, for the same reason as
 * BACKUP_TASK_LABEL; leftovers of a killed move are found by it.
 */
export const MOVE_TASK_LABEL = 'coop-cloud.move.stack';

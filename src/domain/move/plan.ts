import { belongsTo } from '../stack/contract.js';

// `abra app move <app> <server>`: what moves, decided from what both servers hold. Pure: the
// service reads both servers, this decides, and the refusals come before anything is changed.

export type Labels = Record<string, string>;

/** A volume of the app on the source server, as the engine describes it. */
export interface MoveVolume {
  name: string;
  driver: string;
  labels: Labels;
  options: Labels;
}

export interface MoveSourceState {
  /** The stack's services (full names) now on the source. */
  services: string[];
  volumes: MoveVolume[];
  /** The stack's secrets on the source: name and labels. */
  secrets: { name: string; labels: Labels }[];
  /** The version the running stack was deployed at (its version label), if deployed. */
  deployedVersion: string | undefined;
}

export interface MoveTargetState {
  known: boolean;
  /** The target server already has an env file for this domain. */
  envFile: boolean;
  /** Objects of the same stack already on the target (any owner): services, volumes, secrets. */
  services: string[];
  volumes: string[];
  secrets: string[];
}

export interface MoveInput {
  app: string;
  stack: string;
  from: string;
  to: string;
  source: MoveSourceState;
  target: MoveTargetState;
}

export interface MovePlan {
  app: string;
  stack: string;
  from: string;
  to: string;
  /** The version deployed on the target: the running one, else the env's choice (undefined). */
  version: string | undefined;
  /** Whether the source runs the app now (undeployed before the copy). */
  undeploy: boolean;
  volumes: MoveVolume[];
  secrets: string[];
  /** Objects named like the app's but not labelled as its: left where they are. */
  foreign: string[];
}

export interface MoveRefusal {
  code: string;
  message: string;
  where?: string;
  hint: string;
}

export function planMove(input: MoveInput): { plan: MovePlan } | { refusal: MoveRefusal } {
  const { app, from, to, stack, target } = input;
  if (from === to)
    return {
      refusal: {
        code: 'move_same_server',
        message: `${app} is already on ${to}`,
        hint: 'Name another server: `abra app move <app> <server>`.',
      },
    };
  if (!target.known)
    return {
      refusal: {
        code: 'server_unknown',
        message: `Unknown server "${to}"`,
        hint: 'Add it first with `abra server add`; `abra server ls` lists the known ones.',
      },
    };
  if (target.envFile)
    return {
      refusal: {
        code: 'move_target_has_app',
        message: `${to} already has an app ${app}`,
        where: `servers/${to}/${app}.env`,
        hint: `Nothing was changed. If that env file is stale, remove it (\`abra app remove ${app}\` there) first.`,
      },
    };
  if (target.services.length > 0)
    return {
      refusal: {
        code: 'move_target_deployed',
        message: `A stack ${stack} is already deployed on ${to} (${target.services.join(', ')})`,
        where: `server ${to}`,
        hint: `Nothing was changed. Remove it there first (\`docker stack rm ${stack}\`) if it is a leftover.`,
      },
    };
  const clash = [...target.volumes, ...target.secrets];
  if (clash.length > 0)
    return {
      refusal: {
        code: 'move_target_has_objects',
        message: `${to} already holds objects of ${stack}: ${clash.join(', ')}`,
        where: `server ${to}`,
        hint: 'Nothing was changed. They would be overwritten; remove them there first if they are leftovers (`docker volume rm` / `docker secret rm`).',
      },
    };
  const volumes = input.source.volumes.filter((v) => belongsTo(stack, v.labels));
  const secrets = input.source.secrets.filter((s) => belongsTo(stack, s.labels));
  const foreign = [
    ...input.source.volumes.filter((v) => !belongsTo(stack, v.labels)).map((v) => v.name),
    ...input.source.secrets.filter((s) => !belongsTo(stack, s.labels)).map((s) => s.name),
  ];
  return {
    plan: {
      app,
      stack,
      from,
      to,
      version: input.source.deployedVersion,
      undeploy: input.source.services.length > 0,
      volumes: [...volumes].sort((a, b) => a.name.localeCompare(b.name)),
      secrets: secrets.map((s) => s.name).sort(),
      foreign: foreign.sort(),
    },
  };
}

/** Where the helpers mount the i-th volume and secret: fixed names, whatever the app calls them. */
export const helperVolumePath = (i: number): string => `/move/v${i}`;
export const HELPER_VOLUME_DIR = '/move';
export const helperSecretPath = (i: number): string => `/run/secrets/abra-move-${i}`;

/** The plan in words, one line each (for the confirmation and the events). */
export function describeMove(plan: MovePlan): string[] {
  const lines = [
    `Move ${plan.app} from ${plan.from} to ${plan.to}${plan.version ? ` at ${plan.version}` : ''}:`,
  ];
  if (plan.undeploy) lines.push(`  - undeploy it on ${plan.from}`);
  for (const v of plan.volumes) lines.push(`  > copy volume ${v.name}`);
  for (const s of plan.secrets) lines.push(`  > copy secret ${s}`);
  lines.push(`  > move the env file to servers/${plan.to}/${plan.app}.env`);
  lines.push(`  + deploy it on ${plan.to}`);
  for (const f of plan.foreign) lines.push(`  ! ${f} is not labelled as the app's: left on ${plan.from}`);
  return lines;
}

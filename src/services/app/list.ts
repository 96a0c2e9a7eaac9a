import { recipeOf } from '../../domain/env/recipe.js';
import { type DerivedStatus, hasUpgrade } from '../../domain/status/app-status.js';
import { errorMessage, isUserError, UserError } from '../../errors.js';
import { listAppEnvFiles, readEnvFile } from '../../infra/store/env-files.js';
import type { Deps } from '../deps.js';

/** An app as its env file describes it; no server is contacted to know this. */
export interface LocalApp {
  server: string;
  recipe: string;
  appName: string;
  /** DOMAIN from the env ("" when it has none: apps without a web domain). */
  domain: string;
  /** The recipe version the env records (TYPE/RECIPE=name:version), "" when none. */
  envVersion: string;
  envFile: string;
  /** Why the env could not be read; such apps are listed with an empty recipe. */
  problem?: string;
}

/**
 * What a server says about an app (Go abra's `app ls --status` keys: status, chaos,
 * chaosVersion, version, upgrade), plus task counts and, for `unknown`, the reason.
 */
export type AppStatus = DerivedStatus;

/** Looks up the status of apps (grouped however it likes); keyed by `appKey`. */
export type StatusProvider = (apps: LocalApp[]) => Promise<Map<string, AppStatus>>;

export type ListedApp = LocalApp & Partial<AppStatus>;

export interface ServerApps {
  apps: ListedApp[];
  appCount: number;
  versionCount?: number;
  unversionedCount?: number;
  latestCount?: number;
  upgradeCount?: number;
}

/** server -> its apps, the shape of Go abra's `app ls --machine`. */
export type AppListing = Record<string, ServerApps>;

export interface AppListOptions {
  server?: string;
  recipe?: string;
  /** Only apps with a newer release than the deployed one (needs a status provider). */
  upgrades?: boolean;
}

export function appKey(app: Pick<LocalApp, 'server' | 'appName'>): string {
  return `${app.server}/${app.appName}`;
}

/**
 * Apps grouped by server, filtered by server and recipe. `status` is where the `--status`
 * variant plugs in; without it nothing but local files is read.
 */
export async function appList(
  opts: AppListOptions,
  deps: Pick<Deps, 'paths' | 'servers'>,
  status?: StatusProvider,
): Promise<AppListing> {
  if (opts.server !== undefined && !(await deps.servers.exists(opts.server))) {
    const known = (await deps.servers.list()).map((s) => s.name);
    throw new UserError(`Unknown server "${opts.server}"`, {
      where: deps.servers.dirOf(opts.server),
      hint: known.length > 0 ? `Known servers: ${known.join(', ')}.` : 'Add one with `abra server add`.',
      code: 'server_unknown',
    });
  }
  const apps = (await localApps(deps)).filter(
    (a) =>
      (opts.server === undefined || a.server === opts.server) &&
      (opts.recipe === undefined || a.recipe === opts.recipe),
  );
  const statuses = status ? await status(apps) : undefined;
  const shown = opts.upgrades && statuses ? apps.filter((a) => hasUpgrade(statuses.get(appKey(a)))) : apps;
  return groupByServer(shown, statuses);
}

export async function localApps(deps: Pick<Deps, 'paths'>): Promise<LocalApp[]> {
  const out: LocalApp[] = [];
  for (const file of await listAppEnvFiles(deps.paths)) {
    const app: LocalApp = {
      server: file.server,
      recipe: '',
      appName: file.app,
      domain: '',
      envVersion: '',
      envFile: file.path,
    };
    try {
      const values = (await readEnvFile(file.path)).values();
      app.domain = values.DOMAIN ?? '';
      const ref = recipeOf(values, file.path);
      app.recipe = ref.name;
      app.envVersion = ref.version ?? '';
    } catch (err) {
      // One broken file must not hide every other app.
      if (!isUserError(err)) throw err;
      app.problem = `${errorMessage(err)}${err.where ? ` (${err.where})` : ''}`;
    }
    out.push(app);
  }
  return out;
}

/** Pure: the listing for these apps, with counts; status counts only when statuses are given. */
export function groupByServer(apps: LocalApp[], statuses?: Map<string, AppStatus>): AppListing {
  const listing: AppListing = {};
  for (const app of apps) {
    const group = listing[app.server] ?? { apps: [], appCount: 0 };
    listing[app.server] = group;
    const status = statuses?.get(appKey(app));
    group.apps.push(status ? { ...app, ...status } : app);
    group.appCount++;
    if (statuses === undefined) continue;
    const versioned = status?.version !== undefined && status.version !== '' && status.version !== 'unknown';
    group.versionCount = (group.versionCount ?? 0) + (versioned ? 1 : 0);
    group.unversionedCount = (group.unversionedCount ?? 0) + (versioned ? 0 : 1);
    group.latestCount = (group.latestCount ?? 0) + (status?.upgrade === 'latest' ? 1 : 0);
    group.upgradeCount = (group.upgradeCount ?? 0) + (status?.upgrade && status.upgrade !== 'latest' ? 1 : 0);
  }
  return listing;
}

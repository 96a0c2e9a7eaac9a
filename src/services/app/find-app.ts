import { UserError } from '../../errors.js';
import { type AppEnvFile, listAppEnvFiles } from '../../infra/store/env-files.js';
import type { AbraPaths } from '../../infra/store/paths.js';

/**
 * The env file of an app (its name is its domain), searched across every server, as Go abra
 * does. An unknown name, or one that two servers both have, is a UserError.
 */
export async function findApp(name: string, paths: AbraPaths): Promise<AppEnvFile> {
  const matches = (await listAppEnvFiles(paths)).filter((a) => a.app === name);
  const [first, second] = matches;
  if (first === undefined)
    throw new UserError(`App "${name}" not found`, {
      where: paths.servers,
      hint: 'Check the name with `abra app ls` (an app is named after its domain), or create it with `abra app new <recipe>`.',
      code: 'app_not_found',
    });
  if (second !== undefined)
    throw new UserError(
      `App "${name}" exists on more than one server: ${matches.map((m) => m.server).join(', ')}`,
      {
        where: matches.map((m) => m.path).join(', '),
        hint: 'App names must be unique across servers; remove or rename the stale env file.',
        code: 'app_ambiguous',
      },
    );
  return first;
}

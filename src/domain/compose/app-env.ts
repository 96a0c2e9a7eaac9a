// How abra builds the environment a recipe's compose files are interpolated with, and which
// files it loads: the app env file, then the recipe's abra.sh exports (they win: config
// versions belong to the recipe), then STACK_NAME.

import { STACK_NAME_VAR, stackNameOf } from '../stack/contract.js';

export function composeEnv(
  appEnv: Readonly<Record<string, string>>,
  abraShExports: Readonly<Record<string, string>>,
  domain: string,
): Record<string, string> {
  return { ...appEnv, ...abraShExports, [STACK_NAME_VAR]: stackNameOf(domain) };
}

/** COMPOSE_FILE is colon-separated, relative to the recipe; absent or empty means compose.yml. */
export function composeFilesOf(appEnv: Readonly<Record<string, string>>): string[] {
  const raw = appEnv.COMPOSE_FILE ?? '';
  const files = raw
    .split(':')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  return files.length > 0 ? files : ['compose.yml'];
}

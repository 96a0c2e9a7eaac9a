// How abra builds the environment a recipe's compose files are interpolated with, and which
// files it loads: the app env file, then the recipe's abra.sh exports (they win: config
// versions belong to the recipe), then STACK_NAME.

/** Docker object names are at most 64 chars; abra keeps stack names to 45 to leave room. */
export const MAX_STACK_NAME = 45;

/** `cloud.example.com` -> `cloud_example_com`, cut to 45 characters as abra does. */
export function stackNameOf(domain: string): string {
  return domain.replaceAll('.', '_').slice(0, MAX_STACK_NAME);
}

export function composeEnv(
  appEnv: Readonly<Record<string, string>>,
  abraShExports: Readonly<Record<string, string>>,
  domain: string,
): Record<string, string> {
  return { ...appEnv, ...abraShExports, STACK_NAME: stackNameOf(domain) };
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

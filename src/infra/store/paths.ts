import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The ~/.abra tree, relocatable with ABRA_DIR exactly as Go abra allows. */
export interface AbraPaths {
  root: string;
  servers: string;
  recipes: string;
  catalogue: string;
}

export function abraPaths(env: NodeJS.ProcessEnv = process.env): AbraPaths {
  const root = env.ABRA_DIR ? resolve(env.ABRA_DIR) : join(homedir(), '.abra');
  return {
    root,
    servers: join(root, 'servers'),
    recipes: join(root, 'recipes'),
    catalogue: join(root, 'catalogue'),
  };
}

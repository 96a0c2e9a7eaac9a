import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CatalogueEntryJson } from '../../domain/catalogue/entry.js';
import { writeFileAtomic } from './atomic.js';
import type { AbraPaths } from './paths.js';
import { readIfExists } from './read.js';

export interface CachedRecipe {
  /** What the entry was built from: tags, their commits, the default branch's commit. */
  key: string;
  entry: CatalogueEntryJson;
}

interface CacheFile {
  version: 1;
  recipes: Record<string, CachedRecipe>;
}

/**
 * `catalogue generate`'s memory between runs, `$ABRA_DIR/cache/catalogue.json`: outside the
 * catalogue clone, so it is never published. A missing or unreadable cache only costs time.
 */
export class CatalogueCache {
  constructor(private readonly paths: AbraPaths) {}

  get file(): string {
    return join(this.paths.root, 'cache', 'catalogue.json');
  }

  async read(): Promise<Map<string, CachedRecipe>> {
    const text = await readIfExists(this.file, 'The catalogue cache').catch(() => undefined);
    const out = new Map<string, CachedRecipe>();
    if (text === undefined) return out;
    try {
      const data = JSON.parse(text) as Partial<CacheFile>;
      if (data.version !== 1 || typeof data.recipes !== 'object' || data.recipes === null) return out;
      for (const [name, v] of Object.entries(data.recipes))
        if (typeof v?.key === 'string' && typeof v.entry === 'object' && v.entry !== null) out.set(name, v);
    } catch {
      // A damaged cache is rebuilt.
    }
    return out;
  }

  async write(recipes: ReadonlyMap<string, CachedRecipe>): Promise<void> {
    const data: CacheFile = { version: 1, recipes: Object.fromEntries(recipes) };
    await mkdir(join(this.paths.root, 'cache'), { recursive: true });
    await writeFileAtomic(this.file, `${JSON.stringify(data)}\n`, 0o644);
  }
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The real recipes copied from the shared corpus: fixtures, never edited. */
export const CORPUS_DIR = new URL('../fixtures/recipes/', import.meta.url).pathname;

export function corpusRecipes(): string[] {
  return readdirSync(CORPUS_DIR).filter((d) => statSync(join(CORPUS_DIR, d)).isDirectory());
}

/** The text of every compose*.yml in the corpus, as seeds for generated inputs. */
export function corpusComposeTexts(): string[] {
  return corpusRecipes().flatMap((d) =>
    readdirSync(join(CORPUS_DIR, d))
      .filter((f) => f.startsWith('compose'))
      .map((f) => readFileSync(join(CORPUS_DIR, d, f), 'utf8')),
  );
}

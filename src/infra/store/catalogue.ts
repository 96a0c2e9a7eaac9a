import { join } from 'node:path';
import { jsonErrorPlace } from '../../domain/catalogue/json-position.js';
import { type Catalogue, parseCatalogue } from '../../domain/recipe/catalogue.js';
import { errorMessage, UserError } from '../../errors.js';
import type { AbraPaths } from './paths.js';
import { readIfExists } from './read.js';

/** The local catalogue copy, `$ABRA_DIR/catalogue/recipes.json`. Read-only here. */
export class CatalogueStore {
  constructor(private readonly paths: AbraPaths) {}

  get file(): string {
    return join(this.paths.catalogue, 'recipes.json');
  }

  /** The catalogue, or undefined when there is no local copy. */
  async read(): Promise<Catalogue | undefined> {
    const text = await readIfExists(this.file, 'The recipe catalogue');
    if (text === undefined) return undefined;
    const hint =
      `The local catalogue copy is damaged. Fetch a good one with \`abra catalogue sync\` (or restore it: ` +
      `\`git -C ${this.paths.catalogue} checkout -- recipes.json\`); recipes can still be fetched by git URL.`;
    let data: unknown;
    try {
      // Editors on Windows save a byte-order mark; it is no part of the JSON.
      data = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
    } catch (err) {
      const place = jsonErrorPlace(text.startsWith('\uFEFF') ? text.slice(1) : text, errorMessage(err));
      const at = place === undefined ? '' : ` (line ${place.line}, column ${place.column})`;
      throw new UserError(`The recipe catalogue is not valid JSON${at}: ${errorMessage(err)}`, {
        where: place === undefined ? this.file : `${this.file}:${place.line}:${place.column}`,
        hint,
        code: 'catalogue_invalid',
        cause: err,
      });
    }
    const parsed = parseCatalogue(data);
    if (!parsed.ok)
      throw new UserError(`The recipe catalogue has an unexpected shape: ${parsed.reason}`, {
        where: this.file,
        hint,
        code: 'catalogue_invalid',
      });
    return parsed.catalogue;
  }
}

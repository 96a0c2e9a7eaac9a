import { type EnvDocument, parseEnv } from '../../domain/env/document.js';
import { shownName } from '../../domain/names/segment.js';
import { recipeShortName } from '../../domain/recipe/name.js';
import { UserError } from '../../errors.js';
import type { NameKind } from '../../infra/store/safe-path.js';

export interface NewAppEnvOptions {
  recipe: string;
  domain: string;
  /** Recorded after `:` in TYPE/RECIPE; undefined for a chaos (working tree) app. */
  version: string | undefined;
  /** Path the env will be written to (for messages). */
  file: string;
}

// Domains end up as file names and in Docker object names: one label rule for all of them.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/** `<domain>.env` must fit in one file name (255 bytes). */
export const MAX_DOMAIN = 255 - '.env'.length;

export function checkDomain(domain: string): void {
  if (DOMAIN.test(domain) && domain.length > MAX_DOMAIN)
    throw new UserError(
      `The domain is ${domain.length} characters long; its env file name would exceed 255 bytes`,
      {
        hint: `Use a domain of at most ${MAX_DOMAIN} characters.`,
        code: 'domain_invalid',
      },
    );
  if (!DOMAIN.test(domain))
    throw new UserError(`"${shownName(domain)}" is not a valid domain`, {
      hint: 'An app is named after its domain: letters, digits and "-" in dot-separated labels, e.g. cloud.example.com.',
      code: 'domain_invalid',
    });
}

/**
 * The app env made from a recipe's .env.sample, as abra does: every `<recipe>.example.com`
 * becomes the domain (aliases like `www.<recipe>.example.com` included), DOMAIN is the domain,
 * and TYPE (or RECIPE, whichever the sample uses) names the recipe and its version. Every
 * other byte of the sample is kept.
 */
export function newAppEnv(sample: string, opts: NewAppEnvOptions): EnvDocument {
  let doc = parseEnv(
    sample.replaceAll(`${recipeShortName(opts.recipe)}.example.com`, opts.domain),
    opts.file,
  );
  const values = doc.values();
  if (Object.hasOwn(values, 'DOMAIN') && values.DOMAIN !== opts.domain) doc = doc.set('DOMAIN', opts.domain);
  const key = Object.hasOwn(values, 'RECIPE') ? 'RECIPE' : Object.hasOwn(values, 'TYPE') ? 'TYPE' : 'RECIPE';
  const recipe = opts.version === undefined ? opts.recipe : `${opts.recipe}:${opts.version}`;
  if (values[key] !== recipe) doc = doc.set(key, recipe);
  return doc;
}

/** `<domain>.env` under servers/<server>/ (checkDomain has already run). */
export const APP_ENV_NAME: NameKind = {
  what: 'app env file',
  code: 'domain_invalid',
  hint: 'An app is named after its domain, e.g. cloud.example.com.',
};

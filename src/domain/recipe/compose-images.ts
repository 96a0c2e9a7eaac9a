import { parse } from 'yaml';
import { UserError } from '../../errors.js';
import type { ServiceImageTag } from '../release/next-version.js';
import { splitImageRef } from './image.js';

/** Each service's image (name and tag, `${...}` left as written) in a compose file's text. */
export function composeImages(text: string, where: string): ServiceImageTag[] {
  let doc: unknown;
  try {
    doc = parse(text, { merge: true, uniqueKeys: false });
  } catch (err) {
    throw new UserError(`${where} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, {
      where,
      hint: 'Fix the YAML (`abra recipe lint <recipe>` shows where), then run the command again.',
      code: 'compose_invalid',
    });
  }
  const services = isObject(doc) && isObject(doc.services) ? doc.services : undefined;
  if (services === undefined)
    throw new UserError(`${where} has no services`, {
      where,
      hint: 'A recipe needs a `services:` map with at least the "app" service.',
      code: 'compose_invalid',
    });
  return Object.entries(services).map(([service, def]) => {
    const ref = splitImageRef(isObject(def) && typeof def.image === 'string' ? def.image : '');
    return { service, image: ref.image, tag: ref.tag };
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

import { isMap, isScalar, isSeq, type Node, parseDocument, type Scalar } from 'yaml';
import { UserError } from '../../errors.js';
import { STACK_NAME_VAR, versionLabel } from '../stack/contract.js';

/** The label key as recipes write it: `coop-cloud.${STACK_NAME}.version`. */
export const RECIPE_VERSION_LABEL = versionLabel(`\${${STACK_NAME_VAR}}`);

/** The service abra treats as the recipe's main one (its image tag is the `+upstream` part). */
export const MAIN_SERVICE = 'app';

export interface LabelEdit {
  /** The compose text with only the label's value changed (same bytes otherwise). */
  text: string;
  /** The value before, or undefined when the file had no such label. */
  previous: string | undefined;
  /** 1-based line of the label. */
  line: number;
}

/**
 * Set `coop-cloud.${STACK_NAME}.version` on the main service's `deploy.labels` (list form
 * `- "key=value"` or map form `key: value`) by splicing the new value into the source text,
 * so comments, quoting and every other byte stay as the maintainer wrote them. A label written
 * with escapes, behind an alias, or absent is refused: guessing would rewrite what we do not
 * understand.
 */
export function setVersionLabel(text: string, version: string, file = 'compose.yml'): LabelEdit {
  const doc = parseDocument(text, { keepSourceTokens: true, uniqueKeys: false });
  if (doc.errors.length > 0)
    throw new UserError(`${file} is not valid YAML: ${doc.errors[0]?.message.split('\n')[0]}`, {
      where: file,
      hint: 'Fix the YAML (`abra recipe lint <recipe>` shows where), then run the command again.',
      code: 'compose_invalid',
    });
  const services = child(doc.contents, 'services');
  const service = child(services, MAIN_SERVICE);
  if (!isMap(service))
    throw new UserError(`${file} has no "${MAIN_SERVICE}" service`, {
      where: file,
      hint: `abra takes the recipe's version from the "${MAIN_SERVICE}" service (its image tag is the +upstream part); name the main service "${MAIN_SERVICE}".`,
      code: 'recipe_no_app_service',
    });
  const labels = child(child(service, 'deploy'), 'labels');
  const spots = labels === undefined ? [] : labelSpots(labels, text, file);
  if (spots.length === 0)
    throw new UserError(`${file} has no ${RECIPE_VERSION_LABEL} label on the "${MAIN_SERVICE}" service`, {
      where: `${file}: services.${MAIN_SERVICE}.deploy.labels`,
      hint: `Add \`- "${RECIPE_VERSION_LABEL}=0.0.1"\` under services.${MAIN_SERVICE}.deploy.labels (as the recipe template has), commit it, then run the command again.`,
      code: 'recipe_no_version_label',
    });
  // Back to front, so earlier offsets stay valid when a duplicate label is rewritten too.
  let out = text;
  for (const s of [...spots].sort((a, b) => b.start - a.start))
    out = out.slice(0, s.start) + version + out.slice(s.end);
  const first = spots[0] as Spot;
  return { text: out, previous: first.value, line: lineAt(text, first.start) };
}

/** Where a label's value lies in the source text. */
interface Spot {
  start: number;
  end: number;
  value: string;
}

function labelSpots(labels: unknown, text: string, file: string): Spot[] {
  const spots: Spot[] = [];
  if (isSeq(labels)) {
    for (const item of labels.items) {
      if (!isScalar(item) || typeof item.value !== 'string') continue;
      const prefix = `${RECIPE_VERSION_LABEL}=`;
      if (!item.value.startsWith(prefix)) continue;
      const body = innerSource(item, text, file);
      if (body.text !== item.value) throw escaped(file, text, body.start);
      spots.push({
        start: body.start + prefix.length,
        end: body.end,
        value: item.value.slice(prefix.length),
      });
    }
  } else if (isMap(labels)) {
    for (const pair of labels.items) {
      if (!isScalar(pair.key) || pair.key.value !== RECIPE_VERSION_LABEL) continue;
      if (!isScalar(pair.value))
        throw new UserError(`${RECIPE_VERSION_LABEL} in ${file} has no plain value`, {
          where: file,
          hint: `Write it as \`${RECIPE_VERSION_LABEL}: 0.0.1\`, then run the command again.`,
          code: 'recipe_version_label_unsupported',
        });
      const body = innerSource(pair.value, text, file);
      if (body.text !== String(pair.value.value)) throw escaped(file, text, body.start);
      spots.push({ ...body, value: body.text });
    }
  } else if (labels !== null && labels !== undefined && !isScalar(labels)) {
    throw new UserError(`services.${MAIN_SERVICE}.deploy.labels in ${file} is an alias or an unusual node`, {
      where: file,
      hint: `Write the ${RECIPE_VERSION_LABEL} label directly under services.${MAIN_SERVICE}.deploy.labels, then run the command again.`,
      code: 'recipe_version_label_unsupported',
    });
  }
  return spots;
}

/** The scalar's source between its quotes (or the whole plain scalar). */
function innerSource(node: Scalar, text: string, file: string): { start: number; end: number; text: string } {
  const range = node.range;
  if (!range) throw escaped(file, text, 0);
  const [start, end] = range;
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  if (!quoted && node.type !== 'PLAIN') throw escaped(file, text, start);
  const s = quoted ? start + 1 : start;
  const e = quoted ? end - 1 : end;
  return { start: s, end: e, text: text.slice(s, e) };
}

function escaped(file: string, text: string, offset: number): UserError {
  return new UserError(`The ${RECIPE_VERSION_LABEL} label in ${file} is written with escapes or folding`, {
    where: `${file}:${lineAt(text, offset)}`,
    hint: `Write it on one line without escapes, e.g. \`- "${RECIPE_VERSION_LABEL}=1.0.0+1.2.3"\`, then run the command again.`,
    code: 'recipe_version_label_unsupported',
  });
}

function child(node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
  return (pair?.value ?? undefined) as Node | undefined;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The version label's value in a compose text, or undefined (absent, unreadable). */
export function readVersionLabel(text: string): string | undefined {
  try {
    return setVersionLabel(text, '').previous;
  } catch {
    return undefined;
  }
}

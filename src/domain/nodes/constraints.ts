import type { NodeFacts } from './facts.js';

/** One placement constraint, `node.hostname == web1`, as swarmkit reads it. */
export interface Constraint {
  /** As written in the recipe, for messages. */
  text: string;
  key: string;
  op: '==' | '!=';
  value: string;
}

/**
 * swarmkit's parser: `key==value` or `key!=value`, spaces around either side ignored. A
 * constraint it cannot read is undefined (the engine refuses such a spec itself, with its
 * own message).
 */
export function parseConstraint(text: string): Constraint | undefined {
  const m = /^\s*([^=!\s]+)\s*(==|!=)\s*(.*?)\s*$/.exec(text);
  if (!m || m[3] === '') return undefined;
  return { text: text.trim(), key: m[1] as string, op: m[2] as '==' | '!=', value: m[3] as string };
}

/** The node's value for a constraint key; undefined for a key swarmkit does not know. */
function nodeValue(node: NodeFacts, key: string): string | undefined {
  const k = key.toLowerCase();
  if (k === 'node.id') return node.id;
  if (k === 'node.hostname') return node.hostname;
  if (k === 'node.role') return node.role;
  if (k === 'node.platform.os') return node.os ?? '';
  if (k === 'node.platform.arch') return node.arch ?? '';
  // The label name itself is case-sensitive in swarmkit; a missing label matches "".
  if (k.startsWith('node.labels.')) return node.labels[key.slice('node.labels.'.length)] ?? '';
  if (k.startsWith('engine.labels.')) return node.engineLabels?.[key.slice('engine.labels.'.length)] ?? '';
  return undefined;
}

/** swarmkit compares values case-insensitively; an unknown key matches no node. */
export function nodeMeets(node: NodeFacts, c: Constraint): boolean {
  const v = nodeValue(node, c.key);
  if (v === undefined) return false;
  const equal = v.toLowerCase() === c.value.toLowerCase();
  return c.op === '==' ? equal : !equal;
}

export function nodeMeetsAll(node: NodeFacts, constraints: readonly Constraint[]): boolean {
  return constraints.every((c) => nodeMeets(node, c));
}

export function parseConstraints(texts: readonly string[] | undefined): Constraint[] {
  return (texts ?? []).map(parseConstraint).filter((c): c is Constraint => c !== undefined);
}

/**
 * A constraint that ties a service to at most one node: its id or hostname, or a node label
 * value that only one node of the swarm has.
 */
export function isPin(c: Constraint, nodes: readonly NodeFacts[]): boolean {
  if (c.op !== '==') return false;
  const k = c.key.toLowerCase();
  if (k === 'node.id' || k === 'node.hostname') return true;
  if (k.startsWith('node.labels.')) return nodes.filter((n) => nodeMeets(n, c)).length <= 1;
  return false;
}

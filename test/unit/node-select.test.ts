import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAvailabilityChange } from '../../src/domain/nodes/availability.js';
import type { NodeFacts } from '../../src/domain/nodes/facts.js';
import { applyLabelChange, parseLabelChange } from '../../src/domain/nodes/labels.js';
import { selectNode } from '../../src/domain/nodes/select.js';
import { UserError } from '../../src/errors.js';

function node(hostname: string, id: string, extra: Partial<NodeFacts> = {}): NodeFacts {
  return { id, hostname, role: 'worker', availability: 'active', state: 'ready', labels: {}, ...extra };
}

const code = (c: string) => (err: unknown) => err instanceof UserError && err.code === c;

describe('selectNode', () => {
  const nodes = [node('mgr', 'abc123', { role: 'manager' }), node('w1', 'abd999'), node('w1', 'xyz000')];
  it('by id, unique hostname, or unique id prefix', () => {
    assert.equal(selectNode(nodes, 'abc123', 's').hostname, 'mgr');
    assert.equal(selectNode(nodes, 'mgr', 's').id, 'abc123');
    assert.equal(selectNode(nodes, 'xy', 's').id, 'xyz000');
  });
  it('ambiguous and unknown names are errors listing the nodes', () => {
    assert.throws(() => selectNode(nodes, 'w1', 's'), code('node_ambiguous'));
    assert.throws(() => selectNode(nodes, 'ab', 's'), code('node_ambiguous'));
    assert.throws(
      () => selectNode(nodes, 'nope', 's'),
      (err: unknown) => {
        assert.ok(err instanceof UserError && err.code === 'node_unknown');
        assert.match(err.hint ?? '', /mgr \(abc123\)/);
        return true;
      },
    );
    assert.throws(() => selectNode(nodes, '', 's'), code('node_unknown'));
  });
});

describe('checkAvailabilityChange', () => {
  const opts = { server: 's', force: false };
  it('refuses to drain or pause the only node, and lets activate through', () => {
    const solo = node('solo', '1', { role: 'manager' });
    assert.throws(() => checkAvailabilityChange([solo], solo, 'drain', opts), code('node_last_active'));
    assert.throws(() => checkAvailabilityChange([solo], solo, 'pause', opts), code('node_last_active'));
    checkAvailabilityChange([solo], { ...solo, availability: 'drain' }, 'active', opts);
  });
  it('refuses the last node taking tasks when the others are drained or down', () => {
    const m = node('m', '1', { role: 'manager', reachability: 'reachable' });
    const nodes = [m, node('w1', '2', { availability: 'drain' }), node('w2', '3', { state: 'down' })];
    assert.throws(() => checkAvailabilityChange(nodes, m, 'drain', opts), code('node_last_active'));
  });
  it('refuses the last reachable manager while workers remain, unless forced', () => {
    const m = node('m', '1', { role: 'manager', reachability: 'reachable' });
    const nodes = [m, node('w1', '2'), node('w2', '3')];
    assert.throws(() => checkAvailabilityChange(nodes, m, 'drain', opts), code('node_last_manager'));
    checkAvailabilityChange(nodes, m, 'drain', { ...opts, force: true });
    // A worker may go; so may a manager when another reachable one takes tasks.
    checkAvailabilityChange(nodes, nodes[1] as NodeFacts, 'drain', opts);
    const m2 = node('m2', '4', { role: 'manager', reachability: 'reachable' });
    checkAvailabilityChange([...nodes, m2], m, 'drain', opts);
    const m2down = { ...m2, reachability: 'unreachable' };
    assert.throws(
      () => checkAvailabilityChange([...nodes, m2down], m, 'pause', opts),
      code('node_last_manager'),
    );
  });
});

describe('node labels', () => {
  it('parses key=value and --rm, refusing mistakes', () => {
    assert.deepEqual(parseLabelChange(['db=primary', 'empty='], ['old']), {
      set: { db: 'primary', empty: '' },
      remove: ['old'],
    });
    assert.throws(() => parseLabelChange([], []), code('usage'));
    assert.throws(() => parseLabelChange(['db'], []), code('usage'));
    assert.throws(() => parseLabelChange(['=x'], []), code('usage'));
    assert.throws(() => parseLabelChange(['a b=x'], []), code('usage'));
    assert.throws(() => parseLabelChange(['a=1', 'a=2'], []), code('usage'));
    assert.throws(() => parseLabelChange(['a=1'], ['a']), code('usage'));
    assert.throws(() => parseLabelChange(['a=x\ny'], []), code('usage'));
  });
  it('applies only what differs: a re-run changes nothing', () => {
    const change = parseLabelChange(['db=primary', 'zone=a'], ['gone']);
    const first = applyLabelChange({ zone: 'a', gone: '1' }, change);
    assert.deepEqual(first, { labels: { zone: 'a', db: 'primary' }, changed: ['db=primary', '-gone'] });
    assert.deepEqual(applyLabelChange(first.labels, change).changed, []);
  });
});

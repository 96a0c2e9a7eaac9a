import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  candidatesFor,
  crossedVersions,
  defaultTarget,
  isMajorBump,
} from '../../src/domain/release/candidates.js';

const TAGS = ['0.9.0+1.0', '1.0.0+1.1', '1.1.0+1.2', '1.1.1+1.2', '2.0.0-rc1+2.0', '2.0.0+2.0', 'nightly'];
const raws = (vs: { raw: string }[]) => vs.map((v) => v.raw);

describe('upgrade and rollback candidates (pure)', () => {
  it('upgrade: every release above the deployed one, newest as the default; pre-releases and non-versions skipped', () => {
    const c = candidatesFor('1.0.0+1.1', TAGS, 'upgrade');
    assert.deepEqual(raws(c.candidates), ['1.1.0+1.2', '1.1.1+1.2', '2.0.0+2.0']);
    assert.equal(defaultTarget(c)?.raw, '2.0.0+2.0');
  });

  it('rollback: every release below, the newest of them as the default', () => {
    const c = candidatesFor('1.1.1+1.2', TAGS, 'rollback');
    assert.deepEqual(raws(c.candidates), ['0.9.0+1.0', '1.0.0+1.1', '1.1.0+1.2']);
    assert.equal(defaultTarget(c)?.raw, '1.1.0+1.2');
  });

  it('at the newest release nothing is newer; at the oldest nothing is older', () => {
    assert.equal(defaultTarget(candidatesFor('2.0.0+2.0', TAGS, 'upgrade')), undefined);
    assert.equal(defaultTarget(candidatesFor('0.9.0+1.0', TAGS, 'rollback')), undefined);
  });

  it('a deployed commit or chaos label: every release is an upgrade, none a rollback', () => {
    assert.equal(candidatesFor('1a2b3c4d+U', TAGS, 'upgrade').candidates.length, 5);
    assert.equal(candidatesFor('1a2b3c4d', TAGS, 'rollback').candidates.length, 0);
  });

  it('the release notes to read: the versions crossed, both ways', () => {
    const deployed = candidatesFor('1.0.0+1.1', TAGS, 'upgrade').deployed;
    const up = candidatesFor('1.0.0+1.1', TAGS, 'upgrade').candidates.at(-1);
    assert.ok(up);
    assert.deepEqual(raws(crossedVersions(deployed, up, TAGS)), [
      '1.1.0+1.2',
      '1.1.1+1.2',
      '2.0.0-rc1+2.0',
      '2.0.0+2.0',
    ]);
    const from = candidatesFor('2.0.0+2.0', TAGS, 'rollback');
    const down = from.candidates.find((v) => v.raw === '1.1.0+1.2');
    assert.ok(down);
    assert.deepEqual(raws(crossedVersions(from.deployed, down, TAGS)), [
      '1.1.1+1.2',
      '2.0.0-rc1+2.0',
      '2.0.0+2.0',
    ]);
  });

  it('a major bump is a bump of the recipe version, not of the upstream part', () => {
    const c = candidatesFor('1.1.1+1.2', TAGS, 'upgrade');
    const two = c.candidates.find((v) => v.raw === '2.0.0+2.0');
    assert.ok(two);
    assert.equal(isMajorBump(c.deployed, two), true);
    const minor = candidatesFor('1.0.0+1.1', TAGS, 'upgrade');
    const v11 = minor.candidates.find((v) => v.raw === '1.1.0+1.2');
    assert.ok(v11);
    assert.equal(isMajorBump(minor.deployed, v11), false);
  });
});

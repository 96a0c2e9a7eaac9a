import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScaleArgs } from '../../src/domain/scale/parse.js';

describe('app scale arguments (pure)', () => {
  it('service=replicas pairs, zero included', () => {
    assert.deepEqual(parseScaleArgs(['app=3', 'worker=0', 'db.x-1=1']), [
      { service: 'app', replicas: 3 },
      { service: 'worker', replicas: 0 },
      { service: 'db.x-1', replicas: 1 },
    ]);
  });

  for (const bad of ['app', 'app=', '=3', 'app=-1', 'app=1.5', 'app=abc', 'app=1001', '../x=1', 'a b=1'])
    it(`refuses "${bad}"`, () => {
      assert.throws(
        () => parseScaleArgs([bad]),
        (e: Error & { code?: string }) => e.code === 'usage',
      );
    });

  it('refuses nothing to scale and a service named twice', () => {
    assert.throws(() => parseScaleArgs([]), /Which services/);
    assert.throws(() => parseScaleArgs(['app=1', 'app=2']), /named twice/);
  });
});

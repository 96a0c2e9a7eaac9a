import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginLimiter } from '../../src/web/auth/rate-limit.js';

describe('web: login rate limit', () => {
  it('refuses a key after max failures in the window, until the oldest leaves it', () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      assert.equal(limiter.retryAfter('addr:1'), 0);
      limiter.fail('addr:1');
      now += 1000;
    }
    // Failures at 1_000_000, 1_001_000, 1_002_000; now 1_003_000: the first leaves at 1_060_000.
    assert.equal(limiter.retryAfter('addr:1'), 57_000);
    assert.equal(limiter.retryAfter('addr:2'), 0, 'other keys are not affected');
    now = 1_060_001;
    assert.equal(limiter.retryAfter('addr:1'), 0);
  });

  it('a success clears only its own key', () => {
    const limiter = new LoginLimiter(1, 60_000, () => 5);
    limiter.fail('user:a');
    limiter.fail('addr:x');
    limiter.succeed('user:a');
    assert.equal(limiter.retryAfter('user:a'), 0);
    assert.ok(limiter.retryAfter('addr:x') > 0);
  });
});

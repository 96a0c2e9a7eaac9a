import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DockerClient } from '../../src/infra/docker/client.js';
import { watchConvergence } from '../../src/services/deploy/watch.js';

const TEMPLATE = { ContainerSpec: { Image: 'example/app:1' } };
const service = {
  ID: 's1',
  Spec: { Name: 'app_app', TaskTemplate: TEMPLATE, Mode: { Replicated: { Replicas: 1 } } },
};

/** An engine whose one task starts running while a poll is in flight, announced by one event. */
function engineStartingDuringPoll() {
  let state = 'starting';
  let push: (() => void) | undefined;
  let polls = 0;
  const docker = {
    inspectService: async () => service,
    tasks: async () => {
      polls++;
      const answer = [{ ServiceID: 's1', Spec: TEMPLATE, DesiredState: 'running', Status: { State: state } }];
      if (polls === 1) {
        // The container starts just after the engine answered this poll; its event follows.
        state = 'running';
        setTimeout(() => push?.(), 1);
        await new Promise((r) => setTimeout(r, 20));
      }
      return answer;
    },
    events: async function* (opts: { signal?: AbortSignal }) {
      for (;;) {
        await new Promise<void>((resolve) => {
          push = resolve;
          opts.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        if (opts.signal?.aborted) return;
        yield { Type: 'container', Action: 'start' };
      }
    },
  };
  return { docker: docker as unknown as DockerClient, polls: () => polls };
}

describe('watchConvergence', () => {
  it('an event that arrives while a poll is in flight is not lost: it reads again at once', async () => {
    const engine = engineStartingDuringPoll();
    const started = Date.now();
    const res = await watchConvergence(engine.docker, [{ id: 's1', name: 'app' }], {
      deadline: Date.now() + 30_000,
      // Without the event the next poll would come only after this long.
      pollMs: 10_000,
    });
    const elapsed = Date.now() - started;
    assert.equal(res.ok, true);
    assert.equal(engine.polls(), 2);
    assert.ok(elapsed < 2000, `converged after ${elapsed} ms`);
  });
});

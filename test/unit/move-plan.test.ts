import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moveHelperSpec } from '../../src/domain/move/helper.js';
import {
  describeMove,
  helperSecretPath,
  helperVolumePath,
  type MoveInput,
  type MoveSourceState,
  type MoveTargetState,
  planMove,
} from '../../src/domain/move/plan.js';
import { NAMESPACE_LABEL } from '../../src/domain/stack/contract.js';

const S = 'blog_example_com';
const own = { [NAMESPACE_LABEL]: S };

const source: MoveSourceState = {
  services: [`${S}_app`, `${S}_db`],
  volumes: [
    { name: `${S}_uploads`, driver: 'local', labels: own, options: {} },
    { name: `${S}_db`, driver: 'local', labels: own, options: {} },
    { name: `${S}_stray`, driver: 'local', labels: { [NAMESPACE_LABEL]: 'other_stack' }, options: {} },
  ],
  secrets: [
    { name: `${S}_db_password_v2`, labels: own },
    { name: `${S}_admin_v1`, labels: own },
    { name: `${S}_by_hand_v1`, labels: {} },
  ],
  deployedVersion: '2.1.0+6.5',
};

const emptyTarget: MoveTargetState = { known: true, envFile: false, services: [], volumes: [], secrets: [] };

function input(over: Partial<MoveInput> = {}, target: Partial<MoveTargetState> = {}): MoveInput {
  return {
    app: 'blog.example.com',
    stack: S,
    from: 'old',
    to: 'new',
    source,
    target: { ...emptyTarget, ...target },
    ...over,
  };
}

function refusal(i: MoveInput): string {
  const res = planMove(i);
  assert.ok('refusal' in res, 'refused');
  return res.refusal.code;
}

describe('app move planning (golden)', () => {
  it('moves the labelled volumes and secrets at the deployed version, sorted; unlabelled ones stay', () => {
    const res = planMove(input());
    assert.ok('plan' in res);
    assert.deepEqual(res.plan, {
      app: 'blog.example.com',
      stack: S,
      from: 'old',
      to: 'new',
      version: '2.1.0+6.5',
      undeploy: true,
      volumes: [
        { name: `${S}_db`, driver: 'local', labels: own, options: {} },
        { name: `${S}_uploads`, driver: 'local', labels: own, options: {} },
      ],
      secrets: [`${S}_admin_v1`, `${S}_db_password_v2`],
      foreign: [`${S}_by_hand_v1`, `${S}_stray`],
    });
    assert.deepEqual(describeMove(res.plan), [
      'Move blog.example.com from old to new at 2.1.0+6.5:',
      '  - undeploy it on old',
      `  > copy volume ${S}_db`,
      `  > copy volume ${S}_uploads`,
      `  > copy secret ${S}_admin_v1`,
      `  > copy secret ${S}_db_password_v2`,
      '  > move the env file to servers/new/blog.example.com.env',
      '  + deploy it on new',
      `  ! ${S}_by_hand_v1 is not labelled as the app's: left on old`,
      `  ! ${S}_stray is not labelled as the app's: left on old`,
    ]);
  });

  it('an undeployed app: nothing to undeploy, the version left to the env', () => {
    const res = planMove(input({ source: { ...source, services: [], deployedVersion: undefined } }));
    assert.ok('plan' in res);
    assert.equal(res.plan.undeploy, false);
    assert.equal(res.plan.version, undefined);
    assert.equal(describeMove(res.plan)[0], 'Move blog.example.com from old to new:');
  });

  it('refuses, in this order: same server, unknown server, env file there, stack there, objects there', () => {
    assert.equal(refusal(input({ to: 'old' })), 'move_same_server');
    assert.equal(refusal(input({}, { known: false, envFile: true })), 'server_unknown');
    assert.equal(refusal(input({}, { envFile: true, services: [`${S}_app`] })), 'move_target_has_app');
    assert.equal(
      refusal(input({}, { services: [`${S}_app`], volumes: [`${S}_db`] })),
      'move_target_deployed',
    );
    assert.equal(refusal(input({}, { volumes: [`${S}_db`] })), 'move_target_has_objects');
    assert.equal(refusal(input({}, { secrets: [`${S}_admin_v1`] })), 'move_target_has_objects');
    const res = planMove(input({}, { envFile: true }));
    assert.ok('refusal' in res);
    assert.deepEqual(res.refusal, {
      code: 'move_target_has_app',
      message: 'new already has an app blog.example.com',
      where: 'servers/new/blog.example.com.env',
      hint: 'Nothing was changed. If that env file is stale, remove it (`abra app remove blog.example.com` there) first.',
    });
  });
});

describe('app move helper spec (golden)', () => {
  it('a job pinned to the node that only sleeps; target volumes created with the source labels', () => {
    const spec = moveHelperSpec({
      name: 'abra-move-copy-in-x',
      image: 'restic/restic:0.16.4',
      nodeId: 'node1',
      labels: { 'coop-cloud.move.stack': S },
      volumes: [
        {
          name: `${S}_db`,
          target: helperVolumePath(0),
          readOnly: false,
          create: { driver: 'local', labels: own, options: {} },
        },
        { name: `${S}_uploads`, target: helperVolumePath(1), readOnly: true },
      ],
      secrets: [{ id: 'sec1', name: `${S}_admin_v1`, file: helperSecretPath(0) }],
    });
    assert.deepEqual(spec, {
      Name: 'abra-move-copy-in-x',
      Labels: { 'coop-cloud.move.stack': S },
      TaskTemplate: {
        ContainerSpec: {
          Image: 'restic/restic:0.16.4',
          Command: ['sleep'],
          Args: ['21600'],
          User: '0',
          Labels: { 'coop-cloud.move.stack': S },
          Mounts: [
            {
              Type: 'volume',
              Source: `${S}_db`,
              Target: '/move/v0',
              ReadOnly: false,
              VolumeOptions: { NoCopy: true, Labels: own, DriverConfig: { Name: 'local' } },
            },
            {
              Type: 'volume',
              Source: `${S}_uploads`,
              Target: '/move/v1',
              ReadOnly: true,
              VolumeOptions: { NoCopy: true },
            },
          ],
          Secrets: [
            {
              File: { Name: '/run/secrets/abra-move-0', UID: '0', GID: '0', Mode: 0o400 },
              SecretID: 'sec1',
              SecretName: `${S}_admin_v1`,
            },
          ],
        },
        Resources: {},
        RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
        Placement: { Constraints: ['node.id==node1'] },
        ForceUpdate: 0,
      },
      Mode: { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } },
      EndpointSpec: { Mode: 'dnsrr' },
    });
  });
});

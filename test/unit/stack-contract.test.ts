import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  abraLabel,
  belongsTo,
  IMAGE_LABEL,
  MAX_STACK_NAME,
  NAMESPACE_LABEL,
  objectName,
  secretObjectName,
  shortName,
  stackNameOf,
  timeoutLabel,
  versionLabel,
} from '../../src/domain/stack/contract.js';

// Golden values: what Go abra (StackName = SanitiseAppName, cut to MAX_SANITISED_APP_NAME_LENGTH)
// and `docker stack deploy` write. Changing any of them breaks stacks deployed by either tool.
describe('stack contract: names', () => {
  const stacks: [string, string][] = [
    ['cloud.example.com', 'cloud_example_com'],
    ['example.com', 'example_com'],
    ['a-b.c-d.example.org', 'a-b_c-d_example_org'],
    ['localhost', 'localhost'],
    // 45 exactly: kept whole.
    ['abcdefghij.abcdefghij.abcdefghij.abcdefghij.x', 'abcdefghij_abcdefghij_abcdefghij_abcdefghij_x'],
    // Longer: cut after the 45th character, even when that leaves a trailing "_".
    ['abcdefghij.abcdefghij.abcdefghij.abcdefghij.xy', 'abcdefghij_abcdefghij_abcdefghij_abcdefghij_x'],
    ['abcdefghij.abcdefghij.abcdefghij.abcdefghijk.y', 'abcdefghij_abcdefghij_abcdefghij_abcdefghijk_'],
    [
      'abcdefghij.abcdefghij.abcdefghij.abcdefghij.example.com',
      'abcdefghij_abcdefghij_abcdefghij_abcdefghij_e',
    ],
  ];
  for (const [domain, stack] of stacks)
    it(`${domain} -> ${stack}`, () => {
      assert.equal(stackNameOf(domain), stack);
      assert.ok(stackNameOf(domain).length <= MAX_STACK_NAME);
    });

  it('the limit is Go abra’s 45', () => assert.equal(MAX_STACK_NAME, 45));

  it('objects are <stack>_<name>, secrets <stack>_<secret>_<version>', () => {
    assert.equal(objectName('cloud_example_com', 'app'), 'cloud_example_com_app');
    assert.equal(objectName('cloud_example_com', 'internal'), 'cloud_example_com_internal');
    assert.equal(
      secretObjectName('cloud_example_com', 'db_password', 'v1'),
      'cloud_example_com_db_password_v1',
    );
  });

  it('short names strip the stack prefix only', () => {
    assert.equal(shortName('cloud_example_com', 'cloud_example_com_app'), 'app');
    assert.equal(shortName('cloud_example_com', 'cloud_example_com_db_backup'), 'db_backup');
    assert.equal(shortName('cloud_example', 'other_app'), 'other_app');
    assert.equal(shortName('cloud', 'cloudy_app'), 'cloudy_app');
  });
});

describe('stack contract: labels', () => {
  it('docker stack labels', () => {
    assert.equal(NAMESPACE_LABEL, 'com.docker.stack.namespace');
    assert.equal(IMAGE_LABEL, 'com.docker.stack.image');
  });

  it('coop-cloud.<stack>.* keys', () => {
    const s = 'cloud_example_com';
    assert.equal(versionLabel(s), 'coop-cloud.cloud_example_com.version');
    assert.equal(timeoutLabel(s), 'coop-cloud.cloud_example_com.timeout');
    assert.equal(abraLabel(s, 'recipe'), 'coop-cloud.cloud_example_com.recipe');
    assert.equal(abraLabel(s, 'chaos'), 'coop-cloud.cloud_example_com.chaos');
    assert.equal(abraLabel(s, 'chaos-version'), 'coop-cloud.cloud_example_com.chaos-version');
  });

  it('ownership is the namespace label, not the name', () => {
    assert.equal(belongsTo('cloud_example_com', { [NAMESPACE_LABEL]: 'cloud_example_com' }), true);
    assert.equal(belongsTo('cloud_example_com', { [NAMESPACE_LABEL]: 'cloud_example_co' }), false);
    assert.equal(belongsTo('cloud_example_com', { 'coop-cloud.cloud_example_com.version': '1.0.0' }), false);
    assert.equal(belongsTo('cloud_example_com', null), false);
    assert.equal(belongsTo('cloud_example_com', undefined), false);
  });
});

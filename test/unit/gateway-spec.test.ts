import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  GATEWAY_PORT,
  gatewayNames,
  gatewayNetworkSpec,
  nodeTaskSpec,
  relayTaskSpec,
} from '../../src/domain/gateway/spec.js';

describe('gateway specs', () => {
  const n = gatewayNames('0123456789ab');

  it('names every object after the gateway id and refuses ids that are not hex', () => {
    assert.deepEqual(n, {
      id: '0123456789ab',
      network: 'abra-gw-0123456789ab',
      nodeService: 'abra-gw-0123456789ab-node',
      relayService: 'abra-gw-0123456789ab-relay',
      hostSocket: '/run/abra-gw-0123456789ab.sock',
    });
    assert.throws(() => gatewayNames('../../etc'));
    assert.throws(() => gatewayNames('ab; rm -rf /'));
  });

  it('keeps the network internal and unattachable', () => {
    assert.deepEqual(gatewayNetworkSpec(n), {
      Name: 'abra-gw-0123456789ab',
      Driver: 'overlay',
      Internal: true,
      Attachable: false,
      Labels: { 'coop-cloud.abra.gateway': '0123456789ab' },
    });
  });

  it('pins the node task to its node, with that node engine socket and no published port', () => {
    const s = nodeTaskSpec(n, 'img:1', 'NODE1');
    assert.deepEqual(s.TaskTemplate.Placement, { Constraints: ['node.id==NODE1'] });
    assert.deepEqual(s.TaskTemplate.ContainerSpec.Command, [
      'socat',
      `TCP-LISTEN:${GATEWAY_PORT},fork,reuseaddr`,
      'UNIX-CONNECT:/var/run/docker.sock',
    ]);
    assert.deepEqual(s.TaskTemplate.ContainerSpec.Mounts, [
      { Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock' },
    ]);
    assert.deepEqual(s.EndpointSpec, { Mode: 'dnsrr' });
    assert.equal(s.TaskTemplate.RestartPolicy?.Condition, 'none');
    assert.deepEqual(s.TaskTemplate.Networks, [{ Target: 'abra-gw-0123456789ab' }]);
  });

  it('runs the relay on the manager: a socket in its /run, forwarding to the node task', () => {
    const s = relayTaskSpec(n, 'img:1', 'MGR');
    assert.deepEqual(s.TaskTemplate.Placement, { Constraints: ['node.id==MGR'] });
    assert.deepEqual(s.TaskTemplate.ContainerSpec.Mounts, [
      { Type: 'bind', Source: '/run', Target: '/hostrun' },
    ]);
    const script = s.TaskTemplate.ContainerSpec.Command?.[2] ?? '';
    assert.match(script, /UNIX-LISTEN:\$s,fork,unlink-early,mode=660,group=\$g /);
    assert.match(script, /s=\/hostrun\/abra-gw-0123456789ab\.sock;/);
    assert.match(script, new RegExp(`TCP:abra-gw-0123456789ab-node:${GATEWAY_PORT}`));
    assert.match(script, /trap .*rm -f \$s/, 'the socket is removed when the task stops');
  });
});

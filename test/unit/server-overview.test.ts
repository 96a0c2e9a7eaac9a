import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatBytes, summariseDisk, webPublishers } from '../../src/domain/status/server-overview.js';

describe('summariseDisk (golden)', () => {
  it('totals images, containers, volumes and build cache; unmeasured sizes (-1) count as 0', () => {
    assert.deepEqual(
      summariseDisk({
        LayersSize: 3000,
        Images: [{ Containers: 2 }, { Containers: 0 }, {}],
        Containers: [
          { SizeRw: 10, State: 'running' },
          { SizeRw: -1, State: 'exited' },
        ],
        Volumes: [{ UsageData: { Size: 100, RefCount: 1 } }, { UsageData: { Size: -1, RefCount: 0 } }, {}],
        BuildCache: [{ Size: 7 }, { Size: null }],
      }),
      {
        images: { count: 3, bytes: 3000, unused: 2 },
        containers: { count: 2, running: 1, bytes: 10 },
        volumes: { count: 3, bytes: 100, unused: 1 },
        buildCacheBytes: 7,
      },
    );
  });

  it('an engine that answers with nulls is an empty server', () => {
    assert.deepEqual(summariseDisk({ LayersSize: null, Images: null, Containers: null, Volumes: null }), {
      images: { count: 0, bytes: 0, unused: 0 },
      containers: { count: 0, running: 0, bytes: 0 },
      volumes: { count: 0, bytes: 0, unused: 0 },
      buildCacheBytes: 0,
    });
  });
});

describe('webPublishers (golden)', () => {
  it('lists the services publishing 80 or 443, by name, from the endpoint or else the spec', () => {
    assert.deepEqual(
      webPublishers([
        {
          Spec: { Name: 'traefik_app' },
          Endpoint: {
            Ports: [
              { PublishedPort: 443, TargetPort: 443, Protocol: 'tcp', PublishMode: 'host' },
              { PublishedPort: 80, TargetPort: 80, Protocol: 'tcp', PublishMode: 'ingress' },
              { PublishedPort: 8080, TargetPort: 8080 },
            ],
          },
        },
        { Spec: { Name: 'blog_app', EndpointSpec: { Ports: [{ PublishedPort: 8081, TargetPort: 80 }] } } },
        { Spec: { Name: 'a_web', EndpointSpec: { Ports: [{ PublishedPort: 80, TargetPort: 80 }] } } },
        { Spec: { Name: 'none' }, Endpoint: null },
      ]),
      [
        { service: 'a_web', ports: ['80/tcp'] },
        { service: 'traefik_app', ports: ['443/tcp (host)', '80/tcp'] },
      ],
    );
  });
});

describe('formatBytes (golden)', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [5 * 1024 ** 3, '5.0 GiB'],
  ];
  for (const [n, want] of cases) it(`${n}`, () => assert.equal(formatBytes(n), want));
});

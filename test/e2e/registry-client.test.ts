import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { registryRepo } from '../../src/domain/registry/reference.js';
import { UserError } from '../../src/errors.js';
import { RegistryClient } from '../../src/infra/registry/client.js';
import { labRegistry } from '../helpers/lab.js';

// The lab's registry (Debian docker-registry 2.8, test/lab/registry.sh) is the oracle: its
// tag list and its manifests as a plain GET returns them.
const REG = labRegistry();
const nginx = registryRepo(`${REG}/abra-lab/nginx`);

describe('registry client against the lab registry', () => {
  it('lists every tag across pages of 2 and of 1000 alike', async () => {
    assert.ok(nginx);
    const paged = await new RegistryClient({ pageSize: 2 }).tags(nginx);
    const whole = await new RegistryClient().tags(nginx);
    assert.deepEqual([...paged].sort(), [...whole].sort());
    for (const t of ['1', '1.25.3', '1.26.0-alpine', 'latest']) assert.ok(whole.includes(t), t);
    const plain = (await (await fetch(`http://${REG}/v2/abra-lab/nginx/tags/list`)).json()) as {
      tags: string[];
    };
    assert.deepEqual([...whole].sort(), [...plain.tags].sort());
  });

  it("a tag's digest is the sha256 of the manifest the registry serves; tags differ", async () => {
    assert.ok(nginx);
    const client = new RegistryClient();
    const d1 = await client.digest(nginx, '1.25.3');
    const d2 = await client.digest(nginx, '1.25.4');
    assert.match(d1, /^sha256:[a-f0-9]{64}$/);
    assert.notEqual(d1, d2);
    const res = await fetch(`http://${REG}/v2/abra-lab/nginx/manifests/1.25.3`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(d1, `sha256:${createHash('sha256').update(body).digest('hex')}`);
    assert.equal(await client.digest(nginx, d1), d1, 'a digest reference resolves to itself');
  });

  it('unknown repository and tag: registry_not_found', async () => {
    const client = new RegistryClient();
    const none = registryRepo(`${REG}/abra-lab/nope`);
    assert.ok(none && nginx);
    for (const p of [client.tags(none), client.digest(nginx, '0.0.0-none')])
      await assert.rejects(p, (e: unknown) => e instanceof UserError && e.code === 'registry_not_found');
  });
});

// Tag removal through the throwaway manifest on a real registry (Distribution 2.8, which cannot delete a tag
// by name), with a proxy that loses answers or lies about digests after the registry did the work. What
// matters is the bytes: a restored tag must give the original digest again, siblings must still pull.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { removeImage, RegistryError } from '../../src/core/registry';
import { startFaultProxy, type FaultProxy, type ProxyFault } from './faultProxy';
import { buildOciImage, inspectRaw, pull, pushLayout, startRegistry, type BuiltImage, type RegistryHarness } from './harness';

const USERS = { maintainer: { password: 'faults-M-s3cret-Pa55', actions: ['pull', 'push', 'delete'] } };
const M = `maintainer:${USERS.maintainer.password}`;

describe('image rm through a faulty proxy to a real registry', { timeout: 120_000 }, () => {
  let h: RegistryHarness;
  let img: BuiltImage;
  let fault: ((method: string, p: string) => ProxyFault | undefined) | undefined;
  let proxy: FaultProxy;
  const rm = (tag: string) => removeImage({
    reference: `${proxy.host}/group/faults:${tag}`, digestMode: false, username: 'maintainer', password: USERS.maintainer.password,
  });
  /** The first successful request with this method to this manifest path gets the fault. */
  const once = (method: string, match: (p: string) => boolean, f: ProxyFault) => {
    let done = false;
    fault = (m, p) => (!done && m === method && match(p) ? ((done = true), f) : undefined);
  };

  before(async () => {
    h = await startRegistry({ users: USERS });
    const dir = path.join(h.dir, 'layouts', 'faults');
    img = buildOciImage(dir, 'src', 'faults');
    await pushLayout(h, dir, 'src', 'group/faults', 'keep', M);
    await Promise.all(['lost-put', 'lying-put', 'lost-delete'].map((t) => pushLayout(h, dir, 'src', 'group/faults', t, M)));
    proxy = await startFaultProxy(h.host, (m, p) => fault?.(m, p));
  });
  after(async () => {
    await proxy?.close();
    await h?.close();
  });

  test('the answer to the placeholder PUT is lost: the removal is finished, the sibling still pulls', async () => {
    once('PUT', (p) => p === '/v2/group/faults/manifests/lost-put', { kind: 'reset' });
    const r = await rm('lost-put');
    assert.equal(r.mode, 'tag');
    assert.equal(await inspectRaw(h, 'group/faults', 'lost-put', M), null);
    assert.equal((await inspectRaw(h, 'group/faults', 'keep', M))?.digest, img.manifestDigest);
    await pull(h, 'group/faults', 'keep', M);
  });

  test('the placeholder PUT is answered with the original\'s digest: nothing deleted, the tag restored byte for byte', async () => {
    once('PUT', (p) => p === '/v2/group/faults/manifests/lying-put', { kind: 'digest', digest: img.manifestDigest });
    await assert.rejects(rm('lying-put'), (e: unknown) => e instanceof RegistryError && e.kind === 'bad_response' &&
      e.message.includes(`answered the placeholder's upload with digest ${img.manifestDigest}`) &&
      e.message.endsWith(`tag "lying-put" was restored to ${img.manifestDigest}`));
    for (const t of ['lying-put', 'keep', 'lost-delete']) {
      assert.equal((await inspectRaw(h, 'group/faults', t, M))?.digest, img.manifestDigest, t);
    }
    await pull(h, 'group/faults', 'lying-put', M);
  });

  test('the answer to deleting the placeholder is lost: glcr sees the tag gone and reports success', async () => {
    once('DELETE', (p) => /^\/v2\/group\/faults\/manifests\/sha256:/.test(p), { kind: 'reset' }); // the probe answers 404, so this is the placeholder
    const r = await rm('lost-delete');
    assert.equal(r.mode, 'tag');
    assert.equal(await inspectRaw(h, 'group/faults', 'lost-delete', M), null);
    assert.equal((await inspectRaw(h, 'group/faults', 'keep', M))?.digest, img.manifestDigest);
    await pull(h, 'group/faults', 'keep', M);
  });
});

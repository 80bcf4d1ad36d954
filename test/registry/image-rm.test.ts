// removeImage against a real registry (Distribution 2.8 with GitLab-style token auth), images pushed by skopeo.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { removeImage, RegistryError, RegistryClient, type ImageRmOptions } from '../../src/core/registry';
import type { Logger } from '../../src/core/types';
import {
  buildOciImage, buildOciIndex, inspectRaw, pull, pushLayout, startRegistry,
  type BuiltImage, type BuiltIndex, type RegistryHarness,
} from './harness';

const USERS = {
  maintainer: { password: 'm-s3cret-Pa55word', actions: ['pull', 'push', 'delete'] },
  developer: { password: 'd-s3cret-Pa55word', actions: ['pull', 'push'] },
};
const M = `maintainer:${USERS.maintainer.password}`;

function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const add = (l: string) => (m: string) => lines.push(`${l} ${m}`);
  return { log: { debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') }, lines };
}

async function expectRegistryError(p: Promise<unknown>, kind: string): Promise<RegistryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RegistryError, `expected RegistryError, got ${String(e)}`);
    assert.equal(e.kind, kind, `kind: ${e.message}`);
    assert.ok(!e.message.includes('\n'), 'one line');
    return e;
  }
  assert.fail(`expected a ${kind} error`);
}

describe('glcr image rm against a real registry', { timeout: 120_000 }, () => {
  let h: RegistryHarness;
  let app: BuiltImage;      // group/project: main, v1, feature-x
  let other: BuiltImage;    // group/project: other
  let multi: BuiltIndex;    // group/project/multi: multi, multi-stable
  let gone: BuiltImage;     // group/gc: c1, c2 (all removed in digest mode)
  let kept: BuiltImage;     // group/gc: d1
  let byDigest: BuiltImage; // group/project/bydigest: x, y
  const placeholders: string[] = [];
  const opts = (reference: string, more: Partial<ImageRmOptions> = {}): ImageRmOptions => ({
    reference, digestMode: false, username: 'maintainer', password: USERS.maintainer.password, ...more,
  });
  const ref = (repoTag: string) => `${h.host}/${repoTag}`;

  before(async () => {
    h = await startRegistry({ users: USERS });
    const l = (n: string) => path.join(h.dir, 'layouts', n);
    app = buildOciImage(l('app'), 'src', 'app');
    other = buildOciImage(l('other'), 'src', 'other');
    multi = buildOciIndex(l('multi'), 'src', 'multi');
    gone = buildOciImage(l('gone'), 'src', 'gone');
    kept = buildOciImage(l('kept'), 'src', 'kept');
    byDigest = buildOciImage(l('bydigest'), 'src', 'bydigest');
    await pushLayout(h, l('app'), 'src', 'group/project', 'main', M);
    await Promise.all([
      pushLayout(h, l('app'), 'src', 'group/project', 'v1', M),
      pushLayout(h, l('app'), 'src', 'group/project', 'feature-x', M),
      pushLayout(h, l('other'), 'src', 'group/project', 'other', M),
      pushLayout(h, l('multi'), 'src', 'group/project/multi', 'multi', M),
      pushLayout(h, l('gone'), 'src', 'group/gc', 'c1', M),
      pushLayout(h, l('bydigest'), 'src', 'group/project/bydigest', 'x', M),
    ]);
    await Promise.all([
      pushLayout(h, l('multi'), 'src', 'group/project/multi', 'multi-stable', M),
      pushLayout(h, l('gone'), 'src', 'group/gc', 'c2', M),
      pushLayout(h, l('kept'), 'src', 'group/gc', 'd1', M),
      pushLayout(h, l('bydigest'), 'src', 'group/project/bydigest', 'y', M),
    ]);
  });

  after(async () => {
    await h?.close();
  });

  test('pushed tags share one digest (sanity)', async () => {
    for (const t of ['main', 'v1', 'feature-x']) {
      assert.equal((await inspectRaw(h, 'group/project', t, M))?.digest, app.manifestDigest, t);
    }
  });

  test('wrong password → credentials error, password never in the message', async () => {
    const e = await expectRegistryError(removeImage(opts(ref('group/project:main'), { password: 'wrong-Pa55' })), 'credentials');
    assert.match(e.message, /refused the credentials of user "maintainer"/);
    assert.ok(!e.message.includes('wrong-Pa55'));
    assert.equal((await inspectRaw(h, 'group/project', 'main', M))?.digest, app.manifestDigest);
  });

  test('no credentials → credentials error that says how to pass them', async () => {
    const e = await expectRegistryError(
      removeImage({ reference: ref('group/project:main'), digestMode: false }), 'credentials');
    assert.match(e.message, /requires credentials/);
    assert.match(e.message, /CI_REGISTRY_USER/);
  });

  test('user without delete (GitLab Developer) → no_delete_permission, nothing changed', async () => {
    const { log, lines } = capture();
    const e = await expectRegistryError(
      removeImage(opts(ref('group/project:feature-x'), { username: 'developer', password: USERS.developer.password, log })),
      'no_delete_permission');
    assert.match(e.message, /Maintainer/);
    assert.match(e.message, /api scope/);
    assert.equal((await inspectRaw(h, 'group/project', 'feature-x', M))?.digest, app.manifestDigest);
    const e2 = await expectRegistryError(
      removeImage(opts(ref('group/project:feature-x'), { username: 'developer', password: USERS.developer.password, digestMode: true })),
      'no_delete_permission');
    assert.match(e2.message, /Maintainer/);
    assert.deepEqual((await new RegistryClient({ registry: h.host, hostname: '127.0.0.1', repository: 'group/project', username: 'maintainer', password: USERS.maintainer.password, actions: ['pull'] }).listTags()).sort(),
      ['feature-x', 'main', 'other', 'v1']);
    assert.ok(!lines.join('\n').includes(USERS.developer.password), 'password not logged');
  });

  test('unknown tag → unknown_tag', async () => {
    const e = await expectRegistryError(removeImage(opts(ref('group/project:nope'))), 'unknown_tag');
    assert.match(e.message, /tag "nope" not found in 127\.0\.0\.1:\d+\/group\/project/);
    await expectRegistryError(removeImage(opts(ref('group/project:nope'), { digestMode: true })), 'unknown_tag');
    await expectRegistryError(removeImage(opts(ref('group/nothing-here:v1'))), 'unknown_tag');
  });

  test('tag mode removes only the named tag; its siblings still pull with the same digest', async () => {
    const { log, lines } = capture();
    const r = await removeImage(opts(ref('group/project:feature-x'), { log }));
    placeholders.push(...lines.flatMap((l) => /placeholder (sha256:[a-f0-9]{64})/.exec(l)?.[1] ?? []));
    assert.deepEqual(r, { removed: ref('group/project:feature-x'), mode: 'tag', also_removed: [] });
    assert.equal(await inspectRaw(h, 'group/project', 'feature-x', M), null, 'removed tag is unknown');
    for (const t of ['main', 'v1']) {
      assert.equal((await inspectRaw(h, 'group/project', t, M))?.digest, app.manifestDigest, t);
    }
    await pull(h, 'group/project', 'main', M);
    assert.equal((await inspectRaw(h, 'group/project', 'other', M))?.digest, other.manifestDigest);
    const c = new RegistryClient({ registry: h.host, hostname: '127.0.0.1', repository: 'group/project', username: 'maintainer', password: USERS.maintainer.password, actions: ['pull'] });
    assert.deepEqual((await c.listTags()).sort(), ['main', 'other', 'v1']);
    // The original manifest is still there by digest.
    assert.equal((await c.headManifest(app.manifestDigest))?.digest, app.manifestDigest);
    assert.ok(!lines.join('\n').includes(USERS.maintainer.password), 'password not logged');
    // A second removal of the same tag: unknown tag.
    await expectRegistryError(removeImage(opts(ref('group/project:feature-x'))), 'unknown_tag');
  });

  test('a multi-arch tag resolves to the index; tag mode leaves the index reachable through its other tag', async () => {
    const c = new RegistryClient({ registry: h.host, hostname: '127.0.0.1', repository: 'group/project/multi', username: 'maintainer', password: USERS.maintainer.password, actions: ['pull'] });
    const info = await c.headManifest('multi');
    assert.equal(info?.digest, multi.indexDigest);
    assert.equal(info?.mediaType, 'application/vnd.oci.image.index.v1+json');
    const r = await removeImage(opts(ref('group/project/multi:multi')));
    assert.equal(r.mode, 'tag');
    assert.equal(await c.headManifest('multi'), null);
    assert.equal((await c.headManifest('multi-stable'))?.digest, multi.indexDigest);
    for (const child of multi.children) assert.equal((await c.headManifest(child.manifestDigest))?.digest, child.manifestDigest);
    await pull(h, 'group/project/multi', 'multi-stable', M);
  });

  test('--digest mode removes every tag on the manifest and reports the others', async () => {
    const { log } = capture();
    const r = await removeImage(opts(ref('group/gc:c2'), { digestMode: true, log }));
    assert.deepEqual(r, { removed: ref('group/gc:c2'), mode: 'digest', also_removed: ['c1'] });
    assert.equal(await inspectRaw(h, 'group/gc', 'c1', M), null);
    assert.equal(await inspectRaw(h, 'group/gc', 'c2', M), null);
    assert.equal((await inspectRaw(h, 'group/gc', 'd1', M))?.digest, kept.manifestDigest);
  });

  test('--digest mode with an @sha256 reference reports all its tags', async () => {
    const reference = `${h.host}/group/project/bydigest@${byDigest.manifestDigest}`;
    const r = await removeImage(opts(reference, { digestMode: true }));
    assert.deepEqual(r, { removed: reference, mode: 'digest', also_removed: ['x', 'y'] });
    await expectRegistryError(removeImage(opts(reference, { digestMode: true })), 'unknown_tag');
  });

  test('garbage-collect --delete-untagged frees the removed image and keeps the others', async () => {
    for (const d of [gone.manifestDigest, gone.configDigest, gone.layerDigest, kept.layerDigest]) assert.ok(h.blobExists(d), `before GC: ${d}`);
    await h.stop();
    h.garbageCollect();
    for (const d of [gone.manifestDigest, gone.configDigest, gone.layerDigest]) assert.ok(!h.blobExists(d), `freed: ${d}`);
    assert.ok(placeholders.length >= 1, 'tag removals used a placeholder on this registry');
    for (const d of placeholders) assert.ok(!h.blobExists(d), `placeholder freed: ${d}`);
    const keptBlobs: Record<string, string> = {
      'd1 manifest': kept.manifestDigest, 'd1 config': kept.configDigest, 'd1 layer': kept.layerDigest,
      'main manifest': app.manifestDigest, 'main config': app.configDigest, 'main layer': app.layerDigest,
      'other layer': other.layerDigest,
      // Not the multi-arch image: Distribution 2.8's --delete-untagged frees the config and layers of an
      // index's children even while the index is tagged (distribution/distribution#3178, #3004; fixed in v3).
    };
    for (const [what, d] of Object.entries(keptBlobs)) assert.ok(h.blobExists(d), `kept: ${what} ${d}`);
    await h.start();
    await pull(h, 'group/project', 'v1', M);
    await pull(h, 'group/gc', 'd1', M);
  });
});

describe('registry with deletes disabled (anonymous)', { timeout: 60_000 }, () => {
  let h: RegistryHarness;
  let img: BuiltImage;
  before(async () => {
    h = await startRegistry({ tokenAuth: false, deleteEnabled: false });
    img = buildOciImage(path.join(h.dir, 'layouts', 'a'), 'src', 'a');
    await pushLayout(h, path.join(h.dir, 'layouts', 'a'), 'src', 'group/project', 'a', 'x:y');
    await pushLayout(h, path.join(h.dir, 'layouts', 'a'), 'src', 'group/project', 'b', 'x:y');
  });
  after(async () => {
    await h?.close();
  });

  test('tag mode → deletes_disabled, the tag is left unchanged and no placeholder remains', async () => {
    const e = await expectRegistryError(removeImage({ reference: `${h.host}/group/project:a`, digestMode: false }), 'deletes_disabled');
    assert.match(e.message, /does not allow deletes/);
    assert.match(e.message, /left unchanged/);
    const c = new RegistryClient({ registry: h.host, hostname: '127.0.0.1', repository: 'group/project', actions: ['pull'] });
    assert.equal((await c.headManifest('a'))?.digest, img.manifestDigest);
    assert.deepEqual((await c.listTags()).sort(), ['a', 'b']);
  });

  test('digest mode → deletes_disabled', async () => {
    await expectRegistryError(removeImage({ reference: `${h.host}/group/project:a`, digestMode: true }), 'deletes_disabled');
  });
});

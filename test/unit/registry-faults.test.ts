// `image rm` against a fake registry that loses answers, lies about digests or is interrupted mid-way: the
// tag must end removed or restored, nothing may be deleted by a digest glcr did not compute, and every error
// says which state the tag is in.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { removeImage, RegistryClient, RegistryError } from '../../src/core/registry';
import { startFakeRegistry, type Fault, type FakeOptions } from '../registry/fakeRegistry';

const PW = 'alice-Pa55';
const IMG = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: 'sha256:' + '1'.repeat(64), size: 2 }, layers: [] };
const IMG2 = { ...IMG, config: { digest: 'sha256:' + '2'.repeat(64), size: 2 } };
const TAG_PATH = '/v2/g/p/manifests/a';
const isDigestPath = (p: string) => /^\/v2\/g\/p\/manifests\/sha256:/.test(p);

async function rejection(p: Promise<unknown>): Promise<RegistryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RegistryError, String(e));
    assert.ok(!e.message.includes(PW), 'no password');
    assert.ok(!e.message.includes('\n'), 'one line');
    return e;
  }
  assert.fail('expected a rejection');
}

/** A registry that cannot delete tags by name (Distribution 2.8), with `a` and `b` on one manifest and `other` elsewhere. */
async function setup(more: FakeOptions = {}) {
  const f = await startFakeRegistry({ tagDelete: 'digest_invalid', ...more });
  const d = f.putManifest('a', IMG);
  f.tags.set('b', d);
  const other = f.putManifest('other', IMG2);
  const rm = (extra: { signal?: AbortSignal; digestMode?: boolean; reference?: string } = {}) => removeImage({
    reference: extra.reference ?? `${f.host}/g/p:a`, digestMode: extra.digestMode ?? false, username: 'alice', password: PW, signal: extra.signal,
  });
  return { f, d, other, rm };
}

/** The nth (1-based) request matching method + path gets the fault. */
function nth(method: string, match: (path: string) => boolean, n: number, fault: Fault) {
  let seen = 0;
  return (r: { method: string; path: string }): Fault | undefined => (r.method === method && match(r.path) && ++seen === n ? fault : undefined);
}

test('placeholder PUT stored but its answer lost (reset): glcr looks, sees the placeholder, finishes the removal', async () => {
  const { f, d, other, rm } = await setup({ fault: nth('PUT', (p) => p === TAG_PATH, 1, { kind: 'reset' }) });
  try {
    const r = await rm();
    assert.deepEqual(r, { removed: `${f.host}/g/p:a`, mode: 'tag', also_removed: [] });
    assert.deepEqual([...f.tags.entries()].sort(), [['b', d], ['other', other]]);
    assert.ok(f.manifests.has(d), 'the original manifest stays');
  } finally {
    await f.close();
  }
});

test('placeholder PUT stored but answered 502: the removal is finished too', async () => {
  const { f, d, rm } = await setup({ fault: nth('PUT', (p) => p === TAG_PATH, 1, { kind: 'status', status: 502 }) });
  try {
    await rm();
    assert.equal(f.tags.has('a'), false);
    assert.equal(f.tags.get('b'), d);
  } finally {
    await f.close();
  }
});

test('placeholder PUT refused (502, not stored): the error says the tag is unchanged', async () => {
  const { f, d, rm } = await setup({ fault: nth('PUT', (p) => p === TAG_PATH, 1, { kind: 'status', status: 502, effect: false }) });
  try {
    const e = await rejection(rm());
    assert.equal(e.kind, 'bad_response');
    assert.match(e.message, /HTTP 502/);
    assert.match(e.message, new RegExp(`tag "a" is unchanged \\(still ${d}\\)`));
    assert.equal(f.tags.get('a'), d);
    assert.ok(!f.requests.some((q) => q.method === 'DELETE' && isDigestPath(q.url) && q.url.endsWith(d.slice(7))), 'the original was never deleted');
  } finally {
    await f.close();
  }
});

test('a registry answering the placeholder PUT with another digest: nothing deleted by it, the tag restored', async () => {
  // The hostile answer names the original's own digest: deleting by it would take `b` too.
  let d = '';
  const { f, other, rm, d: orig } = await setup({ fault: (r) => (r.method === 'PUT' && r.path === TAG_PATH && d ? { kind: 'digest', digest: d } : undefined) });
  d = orig;
  try {
    const e = await rejection(rm());
    assert.equal(e.kind, 'bad_response');
    assert.match(e.message, new RegExp(`answered the placeholder's upload with digest ${d}, but the bytes glcr pushed hash to sha256:[a-f0-9]{64}: nothing was deleted`));
    assert.match(e.message, new RegExp(`tag "a" was restored to ${d}$`));
    assert.deepEqual([...f.tags.entries()].sort(), [['a', d], ['b', d], ['other', other]]);
    assert.ok(f.manifests.has(d));
    const digestDeletes = f.requests.filter((q) => q.method === 'DELETE' && isDigestPath(q.url));
    assert.equal(digestDeletes.length, 1, 'only the random probe');
  } finally {
    await f.close();
  }
});

test('placeholder DELETE took effect but its answer was lost: the tag is gone, glcr reports success', async () => {
  const { f, d, rm } = await setup({ fault: nth('DELETE', isDigestPath, 2, { kind: 'reset' }) }); // 1st digest DELETE is the probe
  try {
    const r = await rm();
    assert.equal(r.mode, 'tag');
    assert.equal(f.tags.has('a'), false);
    assert.equal(f.tags.get('b'), d);
    assert.equal(f.requests.filter((q) => q.method === 'PUT' && q.url === TAG_PATH).length, 1, 'no restore pushed');
  } finally {
    await f.close();
  }
});

test('a DELETE of the placeholder redirected to the original\'s digest is not followed; the tag is restored', async () => {
  let target = '';
  const { f, d, other, rm } = await setup({ fault: nth('DELETE', isDigestPath, 2, { kind: 'redirect', get location() { return target; } }) });
  target = `/v2/g/p/manifests/${d}`;
  try {
    const e = await rejection(rm());
    assert.equal(e.kind, 'bad_response');
    assert.match(e.message, /answered DELETE \/v2\/g\/p\/manifests\/sha256:[a-f0-9]{64} with a redirect \(HTTP 307\); glcr does not follow redirects of writes/);
    assert.match(e.message, new RegExp(`; tag "a" was restored to ${d}$`));
    assert.deepEqual([...f.tags.entries()].sort(), [['a', d], ['b', d], ['other', other]]);
    assert.ok(!f.requests.some((q) => q.method === 'DELETE' && q.url === target), 'the original was never asked to be deleted');
  } finally {
    await f.close();
  }
});

test('restore PUT stored but answered 500: the message says restored, because the tag was looked at', async () => {
  const { f, d, rm } = await setup({ failDigestDelete: true, fault: nth('PUT', (p) => p === TAG_PATH, 2, { kind: 'status', status: 500 }) });
  try {
    const e = await rejection(rm());
    assert.match(e.message, /HTTP 500 when asked to delete placeholder sha256:[a-f0-9]{64}/);
    assert.match(e.message, new RegExp(`; tag "a" was restored to ${d}$`));
    assert.equal(f.tags.get('a'), d);
  } finally {
    await f.close();
  }
});

test('restore PUT refused: the message says the tag points at the placeholder and how to finish', async () => {
  const { f, d, rm } = await setup({ failDigestDelete: true, fault: nth('PUT', (p) => p === TAG_PATH, 2, { kind: 'status', status: 503, effect: false }) });
  try {
    const e = await rejection(rm());
    const placeholder = f.tags.get('a') as string;
    assert.notEqual(placeholder, d);
    assert.match(e.message, new RegExp(`restoring tag "a" failed \\(.*HTTP 503.*\\): tag "a" points at the placeholder ${placeholder} instead of ${d}; run the same command again to finish removing it$`));
  } finally {
    await f.close();
  }
});

test('Ctrl-C while the placeholder PUT is in flight: the tag is restored and the error says so', async () => {
  const ac = new AbortController();
  const { f, d, rm } = await setup({
    fault: (r) => {
      if (r.method === 'PUT' && r.path === TAG_PATH && !ac.signal.aborted) {
        ac.abort(); // the user presses Ctrl-C while the placeholder is being written
        return { kind: 'delay', ms: 100 };
      }
      return undefined;
    },
  });
  try {
    const e = await rejection(rm({ signal: ac.signal }));
    assert.equal(e.kind, 'cancelled');
    assert.equal(e.message, `interrupted: tag "a" was restored to ${d}; nothing was removed`);
    assert.equal(f.tags.get('a'), d);
    assert.equal(f.tags.get('b'), d);
  } finally {
    await f.close();
  }
});

test('OCI tag delete whose answer is lost: glcr looks and reports the tag removed', async () => {
  const f = await startFakeRegistry({ tagDelete: 'supported', fault: (r) => (r.method === 'DELETE' && r.path === TAG_PATH ? { kind: 'reset' } : undefined) });
  try {
    const d = f.putManifest('a', IMG);
    f.tags.set('b', d);
    await removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW });
    assert.deepEqual([...f.tags.keys()], ['b']);
  } finally {
    await f.close();
  }
});

test('OCI tag delete answered 504 without effect: the error says the tag is unchanged', async () => {
  const f = await startFakeRegistry({ tagDelete: 'supported', fault: (r) => (r.method === 'DELETE' && r.path === TAG_PATH ? { kind: 'status', status: 504, effect: false } : undefined) });
  try {
    const d = f.putManifest('a', IMG);
    const e = await rejection(removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW }));
    assert.match(e.message, new RegExp(`HTTP 504.*; tag "a" is unchanged \\(still ${d}\\)$`));
    assert.equal(f.tags.get('a'), d);
  } finally {
    await f.close();
  }
});

test('digest mode: a DELETE whose answer is lost is confirmed by a look-up, not reported as failed', async () => {
  const { f, other, rm } = await setup({ fault: (r) => (r.method === 'DELETE' && isDigestPath(r.path) ? { kind: 'reset' } : undefined) });
  try {
    const r = await rm({ digestMode: true });
    assert.deepEqual(r, { removed: `${f.host}/g/p:a`, mode: 'digest', also_removed: ['b'] });
    assert.deepEqual([...f.tags.entries()], [['other', other]]);
  } finally {
    await f.close();
  }
});

test('digest mode: a DELETE answered 502 without effect says the manifest is still there', async () => {
  const { f, d, rm } = await setup({ fault: (r) => (r.method === 'DELETE' && isDigestPath(r.path) ? { kind: 'status', status: 502, effect: false } : undefined) });
  try {
    const e = await rejection(rm({ digestMode: true }));
    assert.match(e.message, new RegExp(`HTTP 502.*; manifest ${d} is still there \\(nothing was deleted\\)$`));
    assert.equal(f.tags.get('a'), d);
  } finally {
    await f.close();
  }
});

test('digest mode: a registry reporting a wrong digest for the tag is refused before any DELETE', async () => {
  let otherDigest = '';
  const { f, d, other, rm } = await setup({
    fault: (r) => ((r.method === 'HEAD' || r.method === 'GET') && r.path === TAG_PATH ? { kind: 'digest', digest: otherDigest } : undefined),
  });
  otherDigest = other;
  try {
    const e = await rejection(rm({ digestMode: true }));
    assert.equal(e.kind, 'bad_response');
    assert.match(e.message, new RegExp(`reported digest ${other} for 127\\.0\\.0\\.1:\\d+/g/p:a, but the manifest it sent hashes to ${d}`));
    assert.equal(f.requests.filter((q) => q.method === 'DELETE').length, 0);
    assert.deepEqual([...f.tags.keys()].sort(), ['a', 'b', 'other']);
  } finally {
    await f.close();
  }
});

test('the tag list: names outside the tag grammar are dropped (never put into a path or printed)', async () => {
  const f = await startFakeRegistry({ auth: 'none' });
  try {
    const d = f.putManifest('ok', IMG);
    for (const t of ['..', '.', 'evil\u001b]0;x\u0007', 'a/b', '-x']) f.tags.set(t, d);
    const c = new RegistryClient({ registry: f.host, hostname: '127.0.0.1', repository: 'g/p', actions: ['pull'] });
    assert.deepEqual(await c.listTags(), ['ok']);
  } finally {
    await f.close();
  }
});

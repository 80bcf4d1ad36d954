// The registry client against an in-process fake (no docker-registry needed): auth flows, credential
// hygiene, the fallback's restore path, retries, pagination.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { removeImage, RegistryClient, RegistryError } from '../../src/core/registry';
import { UsageError } from '../../src/core/errors';
import { startFakeRegistry, startRecorder } from '../registry/fakeRegistry';

const PW = 'alice-Pa55';
const IMG = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: 'sha256:' + '1'.repeat(64), size: 2 }, layers: [] };
const IMG2 = { ...IMG, config: { digest: 'sha256:' + '2'.repeat(64), size: 2 } };

async function rejects(p: Promise<unknown>, kind: string): Promise<RegistryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RegistryError, String(e));
    assert.equal(e.kind, kind, e.message);
    assert.ok(!e.message.includes(PW), `password leaked: ${e.message}`);
    return e;
  }
  assert.fail('expected a rejection');
}

test('GitLab-style registry: tag delete by name, scope pull,delete, password only to the realm', async () => {
  const f = await startFakeRegistry({ tagDelete: 'supported' });
  try {
    const d = f.putManifest('a', IMG);
    f.tags.set('b', d);
    const r = await removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW });
    assert.deepEqual(r, { removed: `${f.host}/g/p:a`, mode: 'tag', also_removed: [] });
    assert.deepEqual([...f.tags.keys()], ['b']);
    assert.ok(f.manifests.has(d));
    assert.ok(!f.requests.some((q) => q.method === 'PUT' || q.method === 'POST'), 'no placeholder pushed');
    const basic = 'Basic ' + Buffer.from(`alice:${PW}`).toString('base64');
    assert.ok(f.requests.every((q) => q.authorization === undefined || q.authorization.startsWith('Bearer ')), 'registry got no Basic');
    assert.ok(f.realmRequests.every((q) => q.authorization === basic));
    assert.equal(f.realmRequests.length, 1, 'one token for the whole operation');
    const scopes = new URL(f.realmRequests[0].url, 'http://x').searchParams.getAll('scope');
    assert.deepEqual(scopes, ['repository:g/p:pull,delete']);
    assert.equal(new URL(f.realmRequests[0].url, 'http://x').searchParams.get('service'), 'container_registry');
  } finally {
    await f.close();
  }
});

test('realm answering access_token instead of token', async () => {
  const f = await startFakeRegistry({ tagDelete: 'supported', accessTokenField: true });
  try {
    f.putManifest('a', IMG);
    await removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW });
    assert.equal(f.tags.size, 0);
  } finally {
    await f.close();
  }
});

test('Basic-challenge registry and anonymous registry', async () => {
  const f = await startFakeRegistry({ auth: 'basic', tagDelete: 'supported' });
  try {
    f.putManifest('a', IMG);
    await rejects(removeImage({ reference: `${f.host}/g/p:a`, digestMode: false }), 'credentials');
    await rejects(removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: 'nope' }), 'credentials');
    await removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW });
    assert.equal(f.tags.size, 0);
  } finally {
    await f.close();
  }
  const a = await startFakeRegistry({ auth: 'none', tagDelete: 'supported' });
  try {
    a.putManifest('a', IMG);
    await removeImage({ reference: `${a.host}/g/p:a`, digestMode: false });
    assert.equal(a.tags.size, 0);
    assert.ok(a.requests.every((q) => q.authorization === undefined));
  } finally {
    await a.close();
  }
});

test('405 UNSUPPORTED tag delete falls back to a placeholder; siblings stay', async () => {
  const f = await startFakeRegistry({ tagDelete: 'unsupported' });
  try {
    const d = f.putManifest('a', IMG);
    f.tags.set('b', d);
    await removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW });
    assert.deepEqual([...f.tags.entries()], [['b', d]]);
    assert.ok(f.manifests.has(d));
    // push was asked for only once the fallback needed it
    const scopes = f.realmRequests.map((q) => new URL(q.url, 'http://x').searchParams.getAll('scope').join(' '));
    assert.deepEqual(scopes, ['repository:g/p:pull,delete', 'repository:g/p:pull,delete,push']);
  } finally {
    await f.close();
  }
});

test('if deleting the placeholder fails, the tag is restored to the original manifest', async () => {
  const f = await startFakeRegistry({ tagDelete: 'digest_invalid', failDigestDelete: true });
  try {
    const d = f.putManifest('a', IMG);
    const e = await rejects(removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW }), 'bad_response');
    assert.match(e.message, /HTTP 500/);
    assert.match(e.message, /was restored to sha256:/);
    assert.equal(f.tags.get('a'), d);
  } finally {
    await f.close();
  }
});

test('deletes disabled: detected before anything is pushed', async () => {
  const f = await startFakeRegistry({ tagDelete: 'digest_invalid', deletesEnabled: false });
  try {
    const d = f.putManifest('a', IMG);
    const e = await rejects(removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW }), 'deletes_disabled');
    assert.match(e.message, /left unchanged/);
    assert.equal(f.tags.get('a'), d);
    assert.ok(!f.requests.some((q) => q.method === 'PUT' || q.method === 'POST'));
  } finally {
    await f.close();
  }
});

test('digest mode follows Link pagination and reports sibling tags sorted', async () => {
  const f = await startFakeRegistry({ pageSize: 2 });
  try {
    const d = f.putManifest('t3', IMG);
    for (const t of ['t1', 'z9', 'a0']) f.tags.set(t, d);
    f.putManifest('other', IMG2);
    const r = await removeImage({ reference: `${f.host}/g/p:t3`, digestMode: true, username: 'alice', password: PW });
    assert.deepEqual(r, { removed: `${f.host}/g/p:t3`, mode: 'digest', also_removed: ['a0', 't1', 'z9'] });
    assert.deepEqual([...f.tags.keys()], ['other']);
    assert.ok(f.requests.filter((q) => q.url.includes('/tags/list')).length >= 3);
  } finally {
    await f.close();
  }
});

test('no request (and no credential) goes to another origin: Link next and redirects', async () => {
  const rec = await startRecorder();
  const f = await startFakeRegistry({ pageSize: 1, nextOrigin: rec.origin });
  try {
    const d = f.putManifest('a', IMG);
    f.tags.set('b', d);
    const e = await rejects(removeImage({ reference: `${f.host}/g/p:a`, digestMode: true, username: 'alice', password: PW }), 'bad_response');
    assert.match(e.message, /links to another origin/);
    assert.equal(rec.requests.length, 0);
    assert.equal(f.tags.size, 2, 'nothing deleted');
    // A redirect to another origin is followed without the Authorization header.
    const c = new RegistryClient({ registry: f.host, hostname: '127.0.0.1', repository: 'redirect-me', username: 'alice', password: PW, actions: ['pull'] });
    assert.deepEqual(await c.listTags(), ['from-elsewhere']);
    assert.equal(rec.requests.length, 1);
    assert.equal(rec.requests[0].authorization, undefined);
  } finally {
    await f.close();
    await rec.close();
  }
});

test('the password is never sent to a plain-HTTP realm on a non-loopback host', async () => {
  const f = await startFakeRegistry({ realm: 'http://auth.example.invalid/jwt/auth' });
  try {
    f.putManifest('a', IMG);
    const e = await rejects(removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW }), 'credentials');
    assert.match(e.message, /refusing to send the password .* plain HTTP/);
  } finally {
    await f.close();
  }
});

test('a server echoing the password in an error still gives a redacted message', async () => {
  const f = await startFakeRegistry({ realmEcho: true });
  try {
    f.putManifest('a', IMG);
    const e = await rejects(removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW + 'x' }), 'credentials');
    assert.ok(!e.message.includes(PW + 'x'));
    assert.match(e.message, /\*\*\*/);
  } finally {
    await f.close();
  }
});

test('GET/HEAD retried a bounded number of times; DELETE never retried', async () => {
  const f = await startFakeRegistry({ auth: 'none', tagDelete: 'supported', flaky503: 2 });
  try {
    f.putManifest('a', IMG);
    await removeImage({ reference: `${f.host}/g/p:a`, digestMode: false });
    assert.equal(f.requests.filter((q) => q.method === 'HEAD').length, 3);
  } finally {
    await f.close();
  }
  const g = await startFakeRegistry({ auth: 'none', tagDelete: 'supported', flaky503: 10 });
  try {
    g.putManifest('a', IMG);
    const e = await rejects(removeImage({ reference: `${g.host}/g/p:a`, digestMode: false }), 'bad_response');
    assert.match(e.message, /HTTP 503/);
    assert.equal(g.requests.length, 3, '1 try + 2 retries');
  } finally {
    await g.close();
  }
});

test('network errors, timeouts and cancellation', async () => {
  // Nothing listens on this port (closed right away).
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  const e = await rejects(removeImage({ reference: `127.0.0.1:${port}/g/p:a`, digestMode: false }), 'network');
  assert.match(e.message, /cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);

  const hang = http.createServer(() => { /* never answers */ });
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  const hp = (hang.address() as AddressInfo).port;
  try {
    const c = new RegistryClient({ registry: `127.0.0.1:${hp}`, hostname: '127.0.0.1', repository: 'g/p', actions: ['pull'], timeoutMs: 150, maxRetries: 1 });
    const t = await rejects(c.headManifest('a'), 'network');
    assert.match(t.message, /no answer from/);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    await rejects(removeImage({ reference: `127.0.0.1:${hp}/g/p:a`, digestMode: false, signal: ac.signal }), 'cancelled');
  } finally {
    hang.closeAllConnections();
    await new Promise<void>((r) => hang.close(() => r()));
  }
});

test('usage errors: a digest reference needs --digest', async () => {
  await assert.rejects(removeImage({ reference: `r.io/g/p@sha256:${'a'.repeat(64)}`, digestMode: false }), (e: unknown) => e instanceof UsageError && /add --digest/.test(e.message));
  await assert.rejects(removeImage({ reference: 'g/p:a', digestMode: false }), UsageError);
});

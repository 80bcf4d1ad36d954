// Where registry credentials may go (credentialPolicy.ts): the job's CI credentials only to $CI_REGISTRY,
// the password only to a token realm on the registry's host or the configured GitLab instance; and registry
// text reaches the user without control characters.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { isSameRegistry, isTrustedRealm, removeImage, RegistryError } from '../../src/core/registry';
import { startFakeRegistry } from '../registry/fakeRegistry';

const PW = 'alice-Pa55';
const IMG = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: 'sha256:' + '1'.repeat(64), size: 2 }, layers: [] };

test('isSameRegistry: host[:port], case-insensitive, nothing else', () => {
  assert.equal(isSameRegistry('registry.gitlab.com', 'registry.gitlab.com'), true);
  assert.equal(isSameRegistry('Registry.Example.COM:5050', 'registry.example.com:5050'), true);
  assert.equal(isSameRegistry('registry.example.com:5050', ' REGISTRY.example.com:5050 '), true);
  assert.equal(isSameRegistry('registry.example.com', 'registry.example.com:5050'), false);
  assert.equal(isSameRegistry('registry.example.com:5051', 'registry.example.com:5050'), false);
  assert.equal(isSameRegistry('registry.example.com.evil.test', 'registry.example.com'), false);
  assert.equal(isSameRegistry('registry.example.com', undefined), false);
  assert.equal(isSameRegistry('registry.example.com', '  '), false);
});

test('isTrustedRealm: the registry\'s own host (any port) or a configured origin', () => {
  const u = (s: string) => new URL(s);
  assert.equal(isTrustedRealm(u('https://gitlab.example.com/jwt/auth'), 'gitlab.example.com', []), true);
  assert.equal(isTrustedRealm(u('https://GitLab.Example.com:8443/jwt/auth'), 'gitlab.example.com', []), true);
  assert.equal(isTrustedRealm(u('http://[::1]:9000/jwt/auth'), '::1', []), true);
  assert.equal(isTrustedRealm(u('https://gitlab.com/jwt/auth'), 'registry.gitlab.com', []), false);
  assert.equal(isTrustedRealm(u('https://gitlab.com/jwt/auth'), 'registry.gitlab.com', ['https://gitlab.com']), true);
  assert.equal(isTrustedRealm(u('https://gitlab.com:444/jwt/auth'), 'registry.gitlab.com', ['https://gitlab.com']), false);
  assert.equal(isTrustedRealm(u('http://gitlab.com/jwt/auth'), 'registry.gitlab.com', ['https://gitlab.com']), false);
  assert.equal(isTrustedRealm(u('https://attacker.test/jwt/auth'), 'registry.gitlab.com', ['https://gitlab.com', 'not a url']), false);
});

test('a realm on another host gets no password: refused before any request to it, with the way out', async () => {
  const f = await startFakeRegistry({ realmHost: 'localhost', tagDelete: 'supported' });
  try {
    f.putManifest('a', IMG);
    const realm = f.realmOrigin.replace('127.0.0.1', 'localhost');
    const e = await removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW }).then(
      () => assert.fail('expected a rejection'), (x: unknown) => x as RegistryError);
    assert.ok(e instanceof RegistryError);
    assert.equal(e.kind, 'credentials');
    assert.equal(e.message,
      `the registry ${f.origin} names its token service at ${realm}, which is neither the registry's host nor the GitLab instance you configured: ` +
      `the password was not sent there (if ${realm.slice(7)} is your GitLab, pass --url ${realm})`);
    assert.equal(f.realmRequests.length, 0, 'nothing reached the realm');
    assert.equal(f.tags.size, 1);
  } finally {
    await f.close();
  }
});

test('the same realm, named as the configured GitLab instance, gets the password', async () => {
  const f = await startFakeRegistry({ realmHost: 'localhost', tagDelete: 'supported' });
  try {
    f.putManifest('a', IMG);
    const realm = f.realmOrigin.replace('127.0.0.1', 'localhost');
    await removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW, trustedRealmOrigins: [realm] });
    assert.equal(f.tags.size, 0);
    assert.ok(f.realmRequests.length >= 1);
    assert.ok(f.realmRequests.every((q) => q.authorization === 'Basic ' + Buffer.from(`alice:${PW}`).toString('base64')));
  } finally {
    await f.close();
  }
});

test('anonymous token requests carry no secret and may go to any realm', async () => {
  const f = await startFakeRegistry({ realmHost: 'localhost', tagDelete: 'supported', users: {} });
  try {
    f.putManifest('a', IMG);
    await assert.rejects(removeImage({ reference: `${f.host}/g/p:a`, digestMode: false }), RegistryError);
    assert.ok(f.realmRequests.length >= 1);
    assert.ok(f.realmRequests.every((q) => q.authorization === undefined));
  } finally {
    await f.close();
  }
});

test('registry error text reaches the message without control characters', async () => {
  const f = await startFakeRegistry({
    tagDelete: 'digest_invalid', failDigestDelete: true,
    errorMessage: 'disk \u001b]0;owned\u0007full\u001b[2J\u009b31m now\r\nFORGED LINE',
  });
  try {
    f.putManifest('a', IMG);
    const e = await removeImage({ reference: `${f.host}/g/p:a`, digestMode: false, username: 'alice', password: PW }).then(
      () => assert.fail('expected a rejection'), (x: unknown) => x as RegistryError);
    assert.ok(e instanceof RegistryError);
    assert.match(e.message, /\(UNKNOWN: disk \]0;ownedfull\[2J31m now  FORGED LINE\)/);
    assert.doesNotMatch(e.message, /[\u0000-\u001f\u007f-\u009f]/);
  } finally {
    await f.close();
  }
});

// Plain http is only allowed to loopback (issue 11 item 13): one isLoopbackHost for the GitLab API and the
// registry client, IPv4-mapped loopback included, `*.localhost` excluded (a resolver may send it anywhere).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost as registryIsLoopbackHost } from '../../src/core/registry';
import { assertSafeTransport, isLoopbackHost } from '../../src/core/url';

test('IPv4-mapped loopback counts, in the URL parser\'s form and as typed', () => {
  for (const h of ['::ffff:7f00:1', '[::ffff:7f00:1]', '::ffff:7f12:3456', '::ffff:127.0.0.1', new URL('http://[::ffff:127.0.0.1]/').hostname]) {
    assert.equal(isLoopbackHost(h), true, h);
  }
  for (const h of ['::ffff:a00:1', '::ffff:10.0.0.1', '::ffff:8000:1']) assert.equal(isLoopbackHost(h), false, h);
});

test('*.localhost is not loopback: plain http to it stays refused; localhost itself is allowed', () => {
  for (const h of ['foo.localhost', 'gitlab.localhost', 'a.b.localhost', 'evil.localhost.']) assert.equal(isLoopbackHost(h), false, h);
  assert.throws(() => assertSafeTransport('http://gitlab.localhost:8080', false), /plain http/);
  assert.doesNotThrow(() => assertSafeTransport('http://localhost:8080', false));
  assert.doesNotThrow(() => assertSafeTransport('http://[::ffff:7f00:1]:8080', false));
});

test('one definition: the registry client asks the same function', () => {
  assert.equal(registryIsLoopbackHost, isLoopbackHost);
  assert.equal(registryIsLoopbackHost('::ffff:7f00:1'), true);
  assert.equal(registryIsLoopbackHost('registry.localhost'), false);
});

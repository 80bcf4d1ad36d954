import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseImageRef, formatImageRef, isLoopbackHost } from '../../src/core/registry';
import { UsageError } from '../../src/core/errors';

const D = 'sha256:' + 'a'.repeat(64);

test('parses host/path:tag', () => {
  const r = parseImageRef('registry.gitlab.com/group/sub/project:v1.2-rc_1');
  assert.equal(r.registry, 'registry.gitlab.com');
  assert.equal(r.hostname, 'registry.gitlab.com');
  assert.equal(r.port, undefined);
  assert.equal(r.repository, 'group/sub/project');
  assert.equal(r.tag, 'v1.2-rc_1');
  assert.equal(r.digest, undefined);
  assert.equal(formatImageRef(r), 'registry.gitlab.com/group/sub/project:v1.2-rc_1');
});

test('parses host:port, localhost, IPv6 and digests', () => {
  const r = parseImageRef('gitlab.example.com:5050/g/p:latest');
  assert.deepEqual([r.hostname, r.port, r.repository, r.tag], ['gitlab.example.com', 5050, 'g/p', 'latest']);
  const l = parseImageRef('localhost/p:t');
  assert.deepEqual([l.hostname, l.repository, l.tag], ['localhost', 'p', 't']);
  const v6 = parseImageRef('[::1]:5000/a/b:c');
  assert.deepEqual([v6.registry, v6.hostname, v6.port, v6.repository], ['[::1]:5000', '::1', 5000, 'a/b']);
  const d = parseImageRef(`127.0.0.1:5000/group/project@${D}`);
  assert.deepEqual([d.repository, d.tag, d.digest], ['group/project', undefined, D]);
  assert.equal(formatImageRef(d), `127.0.0.1:5000/group/project@${D}`);
  const up = parseImageRef('Registry.Example.COM/a:T');
  assert.equal(up.hostname, 'registry.example.com');
  assert.equal(up.tag, 'T');
});

test('path components follow Docker separators', () => {
  for (const p of ['a/b', 'a.b/c_d', 'a__b/c---d', 'x1/y2/z3', 'my.project/image-name']) {
    assert.equal(parseImageRef(`r.io/${p}:t`).repository, p, p);
  }
  for (const p of ['a//b', '-a/b', 'a_/b', 'a___b', 'a/.b', 'a/b.', 'a..b', 'a b']) {
    assert.throws(() => parseImageRef(`r.io/${p}:t`), UsageError, p);
  }
});

test('tag rules', () => {
  assert.equal(parseImageRef('r.io/a:' + 'x'.repeat(128)).tag, 'x'.repeat(128));
  assert.equal(parseImageRef('r.io/a:_x').tag, '_x');
  for (const t of ['x'.repeat(129), '.x', '-x', 'a/b', 'a+b', '']) {
    assert.throws(() => parseImageRef(`r.io/a:${t}`), UsageError, t);
  }
});

test('rejects bad references with plain messages', () => {
  const cases: [string, RegExp][] = [
    ['', /missing image reference/],
    ['group/project:v1', /must start with the registry host/],
    ['project:v1', /registry host and the image path/],
    ['https://r.io/a:b', /without a URL scheme/],
    ['r.io/Group/project:v1', /lower-case/],
    ['r.io/a', /needs a tag/],
    [`r.io/a:v1@${D}`, /either a tag .* or a digest/],
    ['r.io/a@sha256:abc', /invalid digest/],
    [`r.io/a@sha256:${'A'.repeat(64)}`, /invalid digest/],
    ['r.io:99999/a:b', /invalid port/],
    ['r.io:/a:b', /invalid port/],
    ['bad_host.io/a:b', /invalid registry host/],
    ['r.io/:b', /missing image path/],
    ['r.io/a:b c', /spaces/],
  ];
  for (const [input, re] of cases) {
    assert.throws(() => parseImageRef(input), (e: unknown) => e instanceof UsageError && re.test(e.message), input);
  }
});

test('a reference with user:password@ never echoes the password', () => {
  for (const input of ['user:hunter2@r.io/a:b', `user:hunter2@r.io/a@${D}`]) {
    assert.throws(() => parseImageRef(input), (e: unknown) => e instanceof UsageError && !e.message.includes('hunter2'), input);
  }
});

test('loopback hosts', () => {
  for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:7f00:1']) assert.ok(isLoopbackHost(h), h);
  // *.localhost resolves through whatever DNS the machine has: not loopback for plain http (issue 11 item 13).
  for (const h of ['registry.gitlab.com', '10.0.0.1', '128.0.0.1', 'localhost.example.com', 'foo.localhost']) assert.ok(!isLoopbackHost(h), h);
});

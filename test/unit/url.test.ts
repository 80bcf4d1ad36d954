import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { assertSafeTransport, encodeProjectRef, isLoopbackHost, normalizeInstanceUrl } from '../../src/core/url';
import { UsageError } from '../../src/core/errors';

describe('normalizeInstanceUrl', () => {
  const cases: Array<[string, string]> = [
    ['gitlab.com', 'https://gitlab.com'],
    ['  https://GitLab.Example.COM/  ', 'https://gitlab.example.com'],
    ['https://gitlab.example.com/api/v4', 'https://gitlab.example.com'],
    ['https://gitlab.example.com/api/v4/', 'https://gitlab.example.com'],
    ['https://host.example/gitlab', 'https://host.example/gitlab'],
    ['https://host.example/gitlab///', 'https://host.example/gitlab'],
    ['https://host.example/gitlab/api/v4', 'https://host.example/gitlab'],
    ['https://host.example:8443/', 'https://host.example:8443'],
    ['https://host.example:443/', 'https://host.example'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['localhost:3000', 'https://localhost:3000'],
    ['gitlab.example.com:8443/gitlab', 'https://gitlab.example.com:8443/gitlab'],
    ['//gitlab.example.com', 'https://gitlab.example.com'],
    ['HTTPS://Host.Example/Sub/Path', 'https://host.example/Sub/Path'],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(normalizeInstanceUrl(input), expected));
  }

  const refused: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['javascript:alert(1)', /https/],
    ['ftp://gitlab.example.com', /scheme "ftp:"/],
    ['file:///etc/passwd', /scheme "file:"/],
    ['https://user:pass@gitlab.example.com', /credentials/],
    ['https://token@gitlab.example.com', /credentials/],
    ['https://gitlab.example.com/?private_token=x', /query/],
    ['https://gitlab.example.com/#frag', /fragment/],
    ['https://gitlab.example.com?', /query/],
    ['https://', /host|valid/],
    ['https://gitlab example.com', /spaces/],
    ['https:gitlab.example.com', /malformed/],
  ];
  for (const [input, message] of refused) {
    test(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => normalizeInstanceUrl(input), (e: unknown) => e instanceof UsageError && message.test(e.message));
    });
  }
});

describe('isLoopbackHost', () => {
  test('loopback hosts', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'LOCALHOST']) assert.equal(isLoopbackHost(h), true, h);
  });
  test('other hosts', () => {
    for (const h of ['gitlab.com', '10.0.0.1', '128.0.0.1', '127.0.0.256', 'localhost.example.com', '::2', '']) {
      assert.equal(isLoopbackHost(h), false, h);
    }
  });
});

describe('assertSafeTransport', () => {
  test('https always passes', () => assert.doesNotThrow(() => assertSafeTransport('https://gitlab.example.com', false)));
  test('http to loopback passes', () => {
    assert.doesNotThrow(() => assertSafeTransport('http://127.0.0.1:8080', false));
    assert.doesNotThrow(() => assertSafeTransport('http://localhost', false));
    assert.doesNotThrow(() => assertSafeTransport('http://[::1]:80', false));
  });
  test('http to a remote host is refused unless allowed', () => {
    assert.throws(() => assertSafeTransport('http://gitlab.example.com', false), (e: unknown) => e instanceof UsageError && /plain http/.test(e.message));
    assert.doesNotThrow(() => assertSafeTransport('http://gitlab.example.com', true));
  });
});

describe('encodeProjectRef', () => {
  test('numeric ids stay', () => {
    assert.equal(encodeProjectRef(42), '42');
    assert.equal(encodeProjectRef('42'), '42');
  });
  test('paths are encoded as one segment', () => {
    assert.equal(encodeProjectRef('acme/platform/My.Project'), 'acme%2Fplatform%2FMy.Project');
    assert.equal(encodeProjectRef('/group/sub/'), 'group%2Fsub');
    assert.equal(encodeProjectRef('g/a b+c'), 'g%2Fa%20b%2Bc');
  });
  test('empty or invalid refs are usage errors', () => {
    assert.throws(() => encodeProjectRef(''), UsageError);
    assert.throws(() => encodeProjectRef(0), UsageError);
    assert.throws(() => encodeProjectRef(1.5), UsageError);
  });
});

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseWwwAuthenticate } from '../../src/core/registry';

test('GitLab/Distribution bearer challenge', () => {
  const c = parseWwwAuthenticate('Bearer realm="https://gitlab.example.com/jwt/auth",service="container_registry",scope="repository:group/project:pull"');
  assert.deepEqual(c, [{ scheme: 'bearer', params: { realm: 'https://gitlab.example.com/jwt/auth', service: 'container_registry', scope: 'repository:group/project:pull' } }]);
});

test('commas inside quotes, error param, spaces around separators', () => {
  const c = parseWwwAuthenticate('Bearer realm="http://127.0.0.1:8099/jwt/auth" , service="container_registry",  scope="repository:g/p:pull,push,delete",error="insufficient_scope"');
  assert.equal(c.length, 1);
  assert.equal(c[0].params.scope, 'repository:g/p:pull,push,delete');
  assert.equal(c[0].params.error, 'insufficient_scope');
  assert.equal(c[0].params.service, 'container_registry');
});

test('unquoted values, escaped quotes, case-insensitive names', () => {
  const c = parseWwwAuthenticate('BEARER Realm=https://a.example/token,Service=reg,scope="repo:\\"x\\":pull"');
  assert.deepEqual(c[0], { scheme: 'bearer', params: { realm: 'https://a.example/token', service: 'reg', scope: 'repo:"x":pull' } });
});

test('several challenges (including joined header lines)', () => {
  const c = parseWwwAuthenticate('Basic realm="Registry Realm", Bearer realm="https://auth.example/token",service="svc"');
  assert.deepEqual(c.map((x) => x.scheme), ['basic', 'bearer']);
  assert.equal(c[0].params.realm, 'Registry Realm');
  assert.equal(c[1].params.realm, 'https://auth.example/token');
  assert.equal(c[1].params.service, 'svc');
});

test('bare scheme, token68 and garbage', () => {
  assert.deepEqual(parseWwwAuthenticate('Basic'), [{ scheme: 'basic', params: {} }]);
  const n = parseWwwAuthenticate('Negotiate abc123==, Basic realm="x"');
  assert.equal(n[0].token68, 'abc123==');
  assert.equal(n[1].params.realm, 'x');
  assert.deepEqual(parseWwwAuthenticate(''), []);
  assert.deepEqual(parseWwwAuthenticate(null), []);
  assert.ok(Array.isArray(parseWwwAuthenticate('=,,="')));
  // An unterminated quote does not loop forever.
  assert.equal(parseWwwAuthenticate('Bearer realm="https://x').at(0)?.params.realm, 'https://x');
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { extractGitLabMessage, mapHttpError, parseRetryAfter } from '../../src/core/errorMapping';
import { GitLabError } from '../../src/core/errors';

const noHeaders: { get(n: string): string | null } = { get: () => null };
const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
const map = (status: number, body: unknown, h = noHeaders) =>
  mapHttpError(status, typeof body === 'string' ? body : JSON.stringify(body), h, 'gitlab.example.com');

describe('mapHttpError', () => {
  test('401 plain → unauthorized', () => {
    const e = map(401, { message: '401 Unauthorized' });
    assert.equal(e.kind, 'unauthorized');
    assert.equal(e.message, '401 Unauthorized');
  });
  test('401 invalid_token expired → token_expired, GitLab text kept', () => {
    const e = map(401, { error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' });
    assert.equal(e.kind, 'token_expired');
    assert.match(e.message, /^401 Token is expired/);
  });
  test('401 invalid_token revoked → token_revoked', () => {
    const e = map(401, { error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' });
    assert.equal(e.kind, 'token_revoked');
    assert.equal(e.gitlabMessage, 'Token was revoked. You have to re-authorize from the user.');
  });
  test('401 invalid_token other reason → unauthorized', () => {
    assert.equal(map(401, { error: 'invalid_token', error_description: 'Token is an impersonation token but impersonation was disabled.' }).kind, 'unauthorized');
  });
  test('403 insufficient_scope → requiredScope from "scope"', () => {
    const e = map(403, { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'api' });
    assert.equal(e.kind, 'insufficient_scope');
    assert.equal(e.details.requiredScope, 'api');
    assert.match(e.message, /higher privileges/);
  });
  test('403 protected tag and protected repository → protected', () => {
    assert.equal(map(403, { message: '403 Forbidden - cannot delete protected tag(s)' }).kind, 'protected');
    const e = map(403, { message: '403 Forbidden - Deleting protected container repository forbidden.' });
    assert.equal(e.kind, 'protected');
    assert.equal(e.message, '403 Forbidden - Deleting protected container repository forbidden.');
  });
  test('403 other → forbidden', () => assert.equal(map(403, { message: '403 Forbidden' }).kind, 'forbidden'));
  test('404 keeps GitLab message', () => {
    for (const m of ['404 Tag Not Found', '404 Project Not Found', '404 Not found', '404 Group Not Found']) {
      const e = map(404, { message: m });
      assert.equal(e.kind, 'not_found');
      assert.equal(e.message, m);
    }
  });
  test('400 bulk once an hour → bulk_rate_limited', () => {
    const m = 'This request has already been made. You can run this at most once an hour for a given container repository';
    const e = map(400, { message: m });
    assert.equal(e.kind, 'bulk_rate_limited');
    assert.equal(e.message, `400 ${m}`);
  });
  test('400 Grape error → bad_request with its text', () => {
    const e = map(400, { error: 'name_regex_delete is an invalid regexp' });
    assert.equal(e.kind, 'bad_request');
    assert.equal(e.message, '400 name_regex_delete is an invalid regexp');
  });
  test('400 validation object flattened', () => {
    const e = map(400, { message: { 'container_expiration_policy.cadence': ['is not included in the list'], keep_n: ['is invalid', 'is bad'] } });
    assert.equal(e.kind, 'bad_request');
    assert.equal(e.gitlabMessage, 'container_expiration_policy.cadence is not included in the list; keep_n is invalid, is bad');
  });
  test('405 → method_not_allowed', () => assert.equal(map(405, { message: '405 Method Not Allowed' }).kind, 'method_not_allowed'));
  test('429 plain text with Retry-After', () => {
    const e = map(429, 'Retry later', headers({ 'retry-after': '7' }));
    assert.equal(e.kind, 'rate_limited');
    assert.equal(e.details.retryAfterSeconds, 7);
    assert.equal(e.message, '429 Retry later');
  });
  test('503 → registry_unavailable, GitLab text kept', () => {
    const m = 'We are having trouble connecting to the Container Registry. If this error persists, please review the troubleshooting documentation.';
    const e = map(503, { message: m });
    assert.equal(e.kind, 'registry_unavailable');
    assert.equal(e.gitlabMessage, m);
  });
  test('500/502 → server_error; HTML proxy page not quoted', () => {
    assert.equal(map(500, { message: '500 Internal Server Error' }).kind, 'server_error');
    const e = map(502, '<html><body><h1>502 Bad Gateway</h1>nginx</body></html>');
    assert.equal(e.kind, 'server_error');
    assert.equal(e.message, '502 Bad Gateway');
  });
  test('empty body gets the status text', () => assert.equal(map(422, '').message, '422 Unprocessable Entity'));
  test('instance host is recorded', () => assert.equal(map(404, { message: '404 Not found' }).details.instance, 'gitlab.example.com'));
  test('is a GitLabError', () => assert.ok(map(404, {}) instanceof GitLabError));
});

describe('extractGitLabMessage', () => {
  test('shapes', () => {
    assert.equal(extractGitLabMessage('{"message":"404 Tag Not Found"}'), '404 Tag Not Found');
    assert.equal(extractGitLabMessage('{"error":"x","error_description":"y"}'), 'y');
    assert.equal(extractGitLabMessage('{"errors":[{"code":"DENIED","message":"access forbidden"}]}'), 'access forbidden');
    assert.equal(extractGitLabMessage('Retry later'), 'Retry later');
    assert.equal(extractGitLabMessage('<!DOCTYPE html><html></html>'), undefined);
    assert.equal(extractGitLabMessage(''), undefined);
  });
});

describe('parseRetryAfter', () => {
  test('seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter('3'), 3);
    assert.equal(parseRetryAfter('0'), 0);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now), 5);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 00:00:05 GMT', now), 0);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(null), undefined);
  });
});

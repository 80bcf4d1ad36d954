import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { GitLabDouble } from '../double/contract';
import { UsageError } from '../../src/core/errors';
import { createRegistryApi } from '../../src/core/client';
import { apiFor, captureLog, caught, errorMessages, logLines, startDouble } from './client-support';

const DISTINCTIVE = 'glpat-Zq9-DISTINCTIVE-never-print-me';

describe('client: token check and error kinds', () => {
  let double: GitLabDouble;
  before(async () => { double = await startDouble(); });
  after(async () => {
    await double.close();
    const secrets = [DISTINCTIVE, ...Object.values(double.tokens)];
    for (const text of [...logLines, ...errorMessages]) {
      for (const s of secrets) assert.ok(!text.includes(s), `a token appears in: ${text}`);
    }
  });

  test('checkToken: user, scopes, writable', async () => {
    const check = await apiFor(double, 'owner').checkToken();
    assert.equal(check.user.username, 'alice');
    assert.deepEqual(check.scopes, ['api']);
    assert.equal(check.token?.active, true);
    assert.equal(check.readOnly, false);
  });

  test('checkToken: read_api is read-only', async () => {
    const check = await apiFor(double, 'readApi').checkToken();
    assert.deepEqual(check.scopes, ['read_api']);
    assert.equal(check.readOnly, true);
  });

  test('checkToken tolerates an instance without /personal_access_tokens/self', async () => {
    double.injectFault({ path: /\/personal_access_tokens\/self$/, status: 404, times: 1 });
    const check = await apiFor(double, 'maintainer').checkToken();
    assert.equal(check.token, null);
    assert.equal(check.scopes, null);
    assert.equal(check.readOnly, false);
    assert.equal(check.user.username, 'mary');
  });

  test('expired token → token_expired with GitLab text', async () => {
    const e = await caught(apiFor(double, 'expired').checkToken());
    assert.equal(e.kind, 'token_expired');
    assert.match(e.message, /^401 Token is expired/);
  });

  test('revoked token → token_revoked', async () => {
    const e = await caught(apiFor(double, 'revoked').checkToken());
    assert.equal(e.kind, 'token_revoked');
    assert.match(e.message, /revoked/);
  });

  test('unknown token → unauthorized, and the token is in no message or log line', async () => {
    const api = apiFor(double, { kind: 'private', value: DISTINCTIVE });
    const e = await caught(api.checkToken());
    assert.equal(e.kind, 'unauthorized');
    assert.equal(e.message, '401 Unauthorized');
    const e2 = await caught(api.listProjects({}));
    assert.equal(e2.kind, 'unauthorized');
    const last = double.requests[double.requests.length - 1];
    assert.equal(last.auth, 'private');
    assert.ok(!last.query.includes(DISTINCTIVE), 'token never in the query string');
  });

  test('read_api on a DELETE → insufficient_scope naming api', async () => {
    const e = await caught(apiFor(double, 'readApi').deleteRepository('acme/platform/My.Project', 2));
    assert.equal(e.kind, 'insufficient_scope');
    assert.equal(e.details?.requiredScope, 'api');
    assert.match(e.message, /^403 /);
  });

  test('read_user only cannot list → insufficient_scope', async () => {
    const e = await caught(apiFor(double, 'readUser').listProjects({}));
    assert.equal(e.kind, 'insufficient_scope');
  });

  test('role too low → forbidden with GitLab message', async () => {
    const e = await caught(apiFor(double, 'developer').deleteRepository('acme/platform/My.Project', 3));
    assert.equal(e.kind, 'forbidden');
    assert.match(e.message, /^403 Forbidden/);
  });

  test('not found keeps GitLab message', async () => {
    const e = await caught(apiFor(double, 'owner').listProjectRepositories('acme/nope'));
    assert.equal(e.kind, 'not_found');
    assert.equal(e.message, '404 Project Not Found');
  });

  test('a job token is refused for /user and /personal_access_tokens before anything is sent', async () => {
    double.resetLog();
    const api = apiFor(double, 'job');
    await assert.rejects(api.checkToken(), UsageError);
    await assert.rejects(api.currentUser(), UsageError);
    await assert.rejects(api.getRepository(1), UsageError);
    assert.equal(double.requests.length, 0);
  });

  test('createRegistryApi refuses a bad URL and plain http to a remote host', () => {
    assert.throws(() => createRegistryApi({ baseUrl: 'ftp://gitlab.example.com' }), UsageError);
    assert.throws(() => createRegistryApi({ baseUrl: 'http://gitlab.example.com' }), UsageError);
    assert.equal(createRegistryApi({ baseUrl: 'http://gitlab.example.com/', allowHttp: true, log: captureLog }).baseUrl, 'http://gitlab.example.com');
    assert.equal(createRegistryApi({ baseUrl: `${double.url}/api/v4/` }).baseUrl, double.url);
  });
});

// Names with dot segments and tag names outside the OCI grammar are refused before any request is built:
// `…/tags/..` or `/projects/..` would be folded by URL normalisation into a request on another resource.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors';
import { checkTagName, hasDotSegment } from '../../src/core/names';
import { RestRegistryApi } from '../../src/core/restClient';
import { startGitLabDouble } from '../double/gitlabDouble';
import { encodeProjectRef } from '../../src/core/url';

test('hasDotSegment: ".", "..", percent-encoded (any case, twice encoded) and inside a path', () => {
  for (const p of ['.', '..', '%2e%2e', '%2E%2e', '.%2E', '%2e', 'a/../b', 'a/./b', 'a/..', '../a', 'a%2f..%2fb', 'a\\..\\b', '%252e%252e', ' .. ']) {
    assert.equal(hasDotSegment(p), true, p);
  }
  for (const p of ['a', 'a.b', '...', 'a/..b/c', '..a', 'group/sub.project', 'v1.2.3', '%2e%2e%2e']) {
    assert.equal(hasDotSegment(p), false, p);
  }
});

test('checkTagName: the OCI tag grammar [A-Za-z0-9_][A-Za-z0-9._-]{0,127}', () => {
  for (const ok of ['latest', 'v1.2.3', '_x', '1', 'A-b_c.d', 'x'.repeat(128)]) assert.equal(checkTagName(ok), ok);
  for (const bad of ['.', '..', '', '-x', '.x', 'a/b', 'a b', 'a:b', '%2e%2e', 'x'.repeat(129), 'a\u001b[31m', 'é']) {
    assert.throws(() => checkTagName(bad), (e: unknown) => e instanceof UsageError && /invalid tag name/.test(e.message), JSON.stringify(bad));
  }
  assert.throws(() => checkTagName('a\u001b]0;x\u0007'), (e: unknown) => e instanceof UsageError && !/[\u0000-\u001f]/.test(e.message));
});

test('encodeProjectRef refuses dot segments; ordinary paths and ids are unchanged', () => {
  for (const p of ['.', '..', '%2e%2e', '%2E%2E', 'acme/../other', 'acme/./x', '/../']) {
    assert.throws(() => encodeProjectRef(p), UsageError, p);
  }
  assert.equal(encodeProjectRef('acme/platform/My.Project'), 'acme%2Fplatform%2FMy.Project');
  assert.equal(encodeProjectRef('...'), '...');
  assert.equal(encodeProjectRef(42), '42');
});

test('the REST client sends nothing for a tag named "." or ".." or a project path ".."', async () => {
  const d = await startGitLabDouble({ scenario: 'small' });
  try {
    const api = new RestRegistryApi({ baseUrl: d.url, credential: { kind: 'private', value: d.tokens.owner }, maxRetries: 0 });
    for (const name of ['..', '.', '%2e%2e']) {
      await assert.rejects(api.getTagDetails('acme/platform/My.Project', 1, name), UsageError, name);
    }
    await assert.rejects(api.getProject('..'), UsageError);
    await assert.rejects(api.listTags('acme/../secret', 1), UsageError);
    assert.deepEqual(d.requests, []);
  } finally {
    await d.close();
  }
});

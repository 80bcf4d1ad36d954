// Reading a project's protection (issue 13) from the double's 'protected' scenario: REST gives both kinds
// of rules and the role; when REST's tag-rule list is missing (GitLab before 18.7) GraphQL gives the rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble, TokenName } from '../double/contract';
import { RestRegistryApi } from '../../src/core/restClient';
import { createFastPathApi } from '../../src/core/graphql';
import { decideTag, readProjectProtection } from '../../src/core/protection';

const VAULT = 'acme/platform/vault';

function clients(d: GitLabDouble, who: TokenName) {
  const options = { baseUrl: d.url, credential: { kind: 'private' as const, value: d.tokens[who] }, retryBaseMs: 5, retryMaxDelayMs: 20, timeoutMs: 5000 };
  return { rest: new RestRegistryApi(options), fast: createFastPathApi(new RestRegistryApi(options), options) };
}

test('REST: a Maintainer reads both kinds of rules and the role; a Developer reads none (unknown)', async () => {
  const d = await startGitLabDouble({ scenario: 'protected', graphql: false });
  try {
    const m = await clients(d, 'maintainer').rest.getProjectProtection(VAULT);
    assert.equal(m.accessLevel, 40);
    assert.deepEqual(m.tagRules?.map((r) => r.tag_name_pattern), ['release-.*', '^v\\d', '^stable$']);
    assert.deepEqual(m.repositoryRules?.map((r) => [r.repository_path_pattern, r.minimum_access_level_for_delete]), [['acme/platform/vault/secure-*', 'owner']]);
    const dev = await clients(d, 'developer').rest.getProjectProtection(VAULT);
    assert.deepEqual([dev.tagRules, dev.repositoryRules, dev.accessLevel], [null, null, 30]);
    assert.deepEqual(decideTag(dev, 'release-1'), { deletable: null });
    // Anonymous, on a private project: nothing readable, never an exception.
    const anon = new RestRegistryApi({ baseUrl: d.url, retryBaseMs: 5, timeoutMs: 5000 });
    assert.equal((await readProjectProtection(anon, VAULT)).tagRules, null);
  } finally {
    await d.close();
  }
});

test('before GitLab 18.7 (no REST tag-rule list): GraphQL gives the tag rules; REST alone leaves them unknown', async () => {
  const d = await startGitLabDouble({ scenario: 'protected' });
  try {
    d.injectFault({ method: 'GET', path: /\/registry\/protection\/tag\/rules$/, status: 404, body: '{"message":"404 Not Found"}', times: 2 });
    const { rest, fast } = clients(d, 'maintainer');
    assert.equal((await rest.getProjectProtection(VAULT)).tagRules, null);
    const viaGraphql = await fast.getProjectProtection(VAULT);
    assert.deepEqual(viaGraphql.tagRules?.map((r) => [r.tag_name_pattern, r.minimum_access_level_for_delete]),
      [['release-.*', 'owner'], ['^v\\d', 'maintainer'], ['^stable$', null]]);
    assert.deepEqual(decideTag(viaGraphql, 'stable'), { deletable: false, reason: 'immutable', rule: '^stable$', needs: null });
  } finally {
    await d.close();
  }
});

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

/** The vault root repository's id on the double. */
function vaultRoot(d: GitLabDouble): number {
  const repo = d.repositoryByPath(VAULT);
  assert.ok(repo, 'the protected scenario has the vault root image');
  return repo.id;
}

test('GraphQL per-tag levels: a Developer, who may not read the rules, still learns which tags are protected', async () => {
  const d = await startGitLabDouble({ scenario: 'protected' });
  try {
    const { fast } = clients(d, 'developer');
    const protection = await fast.getProjectProtection(VAULT);
    assert.equal(protection.tagRules, null, 'a Developer cannot read the rules');
    const details = new Map((await fast.listTagDetails(VAULT, vaultRoot(d))).map((t) => [t.name, t]));
    assert.deepEqual(details.get('release-1')?.protection, { minimumAccessLevelForDelete: 'owner', minimumAccessLevelForPush: 'owner' });
    assert.equal(details.get('dev-1')?.protection, null, 'no rule matches dev-1');
    const decide = (name: string) => decideTag(protection, name, details.get(name)?.protection);
    assert.deepEqual(decide('release-1'), { deletable: false, reason: 'protected', rule: '', needs: 'owner' });
    assert.deepEqual(decide('v1.4.0'), { deletable: false, reason: 'protected', rule: '', needs: 'maintainer' });
    assert.deepEqual(decide('stable'), { deletable: false, reason: 'immutable', rule: '', needs: null });
    assert.deepEqual(decide('dev-1'), { deletable: true });
    // A Maintainer: the rules decide (and name the pattern); the per-tag levels agree.
    const m = clients(d, 'maintainer').fast;
    const mp = await m.getProjectProtection(VAULT);
    const md = new Map((await m.listTagDetails(VAULT, vaultRoot(d))).map((t) => [t.name, t]));
    assert.deepEqual(decideTag(mp, 'release-1', md.get('release-1')?.protection), { deletable: false, reason: 'protected', rule: 'release-.*', needs: 'owner' });
    assert.deepEqual(decideTag(mp, 'v1.4.0', md.get('v1.4.0')?.protection), { deletable: true });
  } finally {
    await d.close();
  }
});

test('a schema without ContainerRepositoryTag.protection (before 17.9): tags are read without it, once asked, then remembered', async () => {
  const d = await startGitLabDouble({ scenario: 'protected', graphqlWithout: ['ContainerRepositoryTag.protection'] });
  try {
    const { fast } = clients(d, 'developer');
    const repo = vaultRoot(d);
    d.resetLog();
    const first = await fast.listTagDetails(VAULT, repo);
    assert.deepEqual(first.map((t) => t.name), ['dev-1', 'dev-2', 'dev-3', 'main', 'release-1', 'release-2', 'stable', 'v1.4.0']);
    assert.ok(first.every((t) => !('protection' in t)), 'no levels where the schema has none');
    assert.equal(first.find((t) => t.name === 'main')?.digest?.startsWith('sha256:'), true, 'the details themselves still come');
    const graphqlCalls = () => d.requests.filter((r) => r.path === '/api/graphql').length;
    assert.equal(graphqlCalls(), 2, 'one refused query, one without the field');
    d.resetLog();
    await fast.listTagDetails(VAULT, repo);
    assert.equal(graphqlCalls(), 1, 'the missing field is remembered');
    assert.deepEqual(decideTag(await fast.getProjectProtection(VAULT), 'release-1', first.find((t) => t.name === 'release-1')?.protection), { deletable: null });
  } finally {
    await d.close();
  }
});

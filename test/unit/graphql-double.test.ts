// The double's GraphQL endpoint (test/double/graphql.ts) against docs/gitlab-api.md "GraphQL":
// authentication, error shapes, limits, both tag-pagination modes, mutations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { DoubleOptions, GitLabDouble } from '../double/contract';
import { GRAPHQL_PATH, MESSAGES } from '../double/graphql';

const T0 = Date.parse('2025-06-01T12:00:00.000Z');
const MY = 'acme/platform/My.Project';

/** The double (it serves /api/graphql unless `graphql: false`) on a fixed clock, with background work on demand. */
function startWithGraphql(opts: DoubleOptions = {}): Promise<GitLabDouble> {
  return startGitLabDouble({ repositoryDeletionStepMs: 0, bulkJobDelayMs: 0, now: () => T0, ...opts });
}

async function withDouble(opts: DoubleOptions, fn: (d: GitLabDouble) => Promise<void>): Promise<void> {
  const d = await startWithGraphql(opts);
  try {
    await fn(d);
  } finally {
    await d.close();
  }
}

interface Answer {
  status: number;
  json: any;
  text: string;
}

async function gql(d: GitLabDouble, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${d.url}${GRAPHQL_PATH}`, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

const as = (d: GitLabDouble, who: keyof GitLabDouble['tokens']) => ({ 'PRIVATE-TOKEN': d.tokens[who] });

async function repoId(d: GitLabDouble, path: string): Promise<string> {
  const repo = d.repositoryByPath(path);
  assert.ok(repo, path);
  return `gid://gitlab/ContainerRepository/${repo.id}`;
}

const TAGS_PAGE = `query($id: ContainerRepositoryID!, $first: Int, $last: Int, $after: String, $before: String, $sort: ContainerRepositoryTagSort) {
  containerRepository(id: $id) { tagsCount tags(first: $first, last: $last, after: $after, before: $before, sort: $sort) {
    nodes { name digest totalSize createdAt publishedAt } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;

async function allTagNames(d: GitLabDouble, id: string, first = 20): Promise<{ names: string[]; requests: number }> {
  const names: string[] = [];
  let after: string | null = null;
  let requests = 0;
  for (let i = 0; i < 100; i++) {
    requests++;
    const r = await gql(d, TAGS_PAGE, { id, first, after }, as(d, 'owner'));
    const tags = r.json.data.containerRepository.tags;
    names.push(...tags.nodes.map((n: { name: string }) => n.name));
    if (!tags.pageInfo.hasNextPage) break;
    after = tags.pageInfo.endCursor;
  }
  return { names, requests };
}

// --- HTTP layer and authentication -----------------------------------------------------------------------

test('tokens: PRIVATE-TOKEN and Bearer work; unknown, expired, revoked, read_user and job tokens get 401 Invalid token', async () => {
  await withDouble({}, async (d) => {
    const q = `{ project(fullPath: "${MY}") { fullPath } }`;
    assert.equal((await gql(d, q, {}, as(d, 'owner'))).json.data.project.fullPath, MY);
    assert.equal((await gql(d, q, {}, { Authorization: `Bearer ${d.tokens.owner}` })).json.data.project.fullPath, MY);
    for (const headers of [{ 'PRIVATE-TOKEN': 'nope' }, as(d, 'expired'), as(d, 'revoked'), as(d, 'readUser'), { 'JOB-TOKEN': d.tokens.job }]) {
      const r = await gql(d, q, {}, headers);
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.deepEqual(r.json, { errors: [{ message: MESSAGES.invalidToken }] });
    }
    // Anonymous: allowed, but a private project is simply null (no error).
    const anon = await gql(d, q);
    assert.equal(anon.status, 200);
    assert.deepEqual(anon.json, { data: { project: null } });
  });
});

test('request-level errors: query too large, mutation over GET, unknown field in graphql-ruby wording, malformed variables', async () => {
  await withDouble({}, async (d) => {
    const big = await gql(d, `{ project(fullPath: "${MY}") { fullPath } }${' '.repeat(10_001)}`, {}, as(d, 'owner'));
    assert.equal(big.status, 422);
    assert.deepEqual(big.json, { errors: [{ message: 'Query too large' }] });

    const url = `${d.url}${GRAPHQL_PATH}?query=${encodeURIComponent('mutation { destroyContainerRepository(input: {id: "gid://gitlab/ContainerRepository/1"}) { errors } }')}`;
    const get = await fetch(url, { headers: as(d, 'owner') });
    assert.equal(get.status, 422);
    assert.deepEqual(await get.json(), { errors: [{ message: 'Mutations are forbidden in GET requests' }] });

    const unknown = await gql(d, `{ project(fullPath: "${MY}") { fullPath nope } }`, {}, as(d, 'owner'));
    assert.equal(unknown.status, 200);
    assert.equal(unknown.json.data, undefined);
    assert.equal(unknown.json.errors[0].message, "Field 'nope' doesn't exist on type 'Project'");

    const badArg = await gql(d, `{ project(fullPath: "${MY}") { containerRepositories(bogus: 1) { nodes { id } } } }`, {}, as(d, 'owner'));
    assert.equal(badArg.json.errors[0].message, "Field 'containerRepositories' doesn't accept argument 'bogus'");

    const wrongGid = await gql(d, 'query($id: ContainerRepositoryID!) { containerRepository(id: $id) { id } }', { id: 'gid://gitlab/Project/1' }, as(d, 'owner'));
    assert.equal(wrongGid.json.data, undefined);
    assert.match(wrongGid.json.errors[0].message, /^Variable \$id of type ContainerRepositoryID! was provided invalid value/);
    assert.equal(wrongGid.json.errors[0].extensions.problems[0].explanation, '"gid://gitlab/Project/1" does not represent an instance of ContainerRepository');
    const notGid = await gql(d, 'query($id: ContainerRepositoryID!) { containerRepository(id: $id) { id } }', { id: 'foo' }, as(d, 'owner'));
    assert.equal(notGid.json.errors[0].extensions.problems[0].explanation, '"foo" is not a valid Global ID');

    const badVars = await fetch(`${d.url}${GRAPHQL_PATH}`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...as(d, 'owner') }, body: JSON.stringify({ query: '{ __typename }', variables: '{oops' }),
    });
    assert.equal(badVars.status, 422);
  });
});

test('graphql: false leaves /api/graphql unrouted (404)', async () => {
  await withDouble({ graphql: false }, async (d) => {
    const r = await gql(d, '{ __typename }', {}, as(d, 'owner'));
    assert.equal(r.status, 404);
  });
});

// --- queries -------------------------------------------------------------------------------------------------

test('project and group repositories: tagsCount, status, gids, whole-second times, keyset pages of at most 100', async () => {
  await withDouble({}, async (d) => {
    const q = `query($p: ID!, $after: String, $first: Int) { project(fullPath: $p) { containerRepositoriesCount
      containerRepositories(first: $first, after: $after, sort: NAME_ASC) { nodes { id name path location tagsCount createdAt status project { id } }
      pageInfo { hasNextPage endCursor } } } }`;
    const first = await gql(d, q, { p: MY, first: 2 }, as(d, 'reporter'));
    const page1 = first.json.data.project.containerRepositories;
    assert.equal(first.json.data.project.containerRepositoriesCount, 3);
    assert.deepEqual(page1.nodes.map((n: any) => n.name), ['', 'api']);
    assert.equal(page1.pageInfo.hasNextPage, true);
    const root = d.repositoryByPath('acme/platform/my.project')!;
    assert.equal(page1.nodes[0].id, `gid://gitlab/ContainerRepository/${root.id}`);
    assert.equal(page1.nodes[0].tagsCount, root.tags.length);
    assert.equal(page1.nodes[0].location, 'registry.example.test:5050/acme/platform/my.project');
    assert.match(page1.nodes[0].createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(page1.nodes[0].status, null);
    const second = await gql(d, q, { p: MY, first: 2, after: page1.pageInfo.endCursor }, as(d, 'reporter'));
    assert.deepEqual(second.json.data.project.containerRepositories.nodes.map((n: any) => n.name), ['tools/cli']);
    assert.equal(second.json.data.project.containerRepositories.pageInfo.hasNextPage, false);

    // Guests cannot read the registry: the connection is null, without an error.
    const guest = await gql(d, q, { p: MY, first: 2 }, as(d, 'guest'));
    assert.equal(guest.json.data.project.containerRepositories, null);
    assert.equal(guest.json.errors, undefined);

    const group = await gql(d, `{ group(fullPath: "acme") { containerRepositoriesCount containerRepositories(first: 100) { nodes { path tagsCount } } } }`, {}, as(d, 'owner'));
    const paths = group.json.data.group.containerRepositories.nodes.map((n: any) => n.path).sort();
    assert.ok(paths.includes('acme/platform/tools/builder'), 'subgroup projects included');
    assert.ok(paths.includes('acme/website/cache'));
    assert.equal(group.json.data.group.containerRepositoriesCount, paths.length);
  });
});

test('containerRepository details: tags with digest, totalSize as a string, whole-second createdAt; unreadable → null', async () => {
  await withDouble({}, async (d) => {
    const id = await repoId(d, 'acme/platform/my.project');
    const r = await gql(d, TAGS_PAGE, { id, first: 20 }, as(d, 'owner'));
    const tags = r.json.data.containerRepository.tags.nodes;
    const state = d.repositoryByPath('acme/platform/my.project')!;
    assert.deepEqual(tags.map((t: any) => t.name), state.tags.map((t) => t.name));
    const v = tags.find((t: any) => t.name === 'v1.2.3');
    const sv = state.tags.find((t) => t.name === 'v1.2.3')!;
    assert.equal(v.digest, sv.digest);
    assert.equal(v.totalSize, String(sv.total_size));
    assert.equal(Date.parse(v.createdAt), Math.floor(Date.parse(sv.created_at!) / 1000) * 1000);
    assert.equal(tags.find((t: any) => t.name === 'feature-login').createdAt, null);
    const guest = await gql(d, TAGS_PAGE, { id, first: 20 }, as(d, 'guest'));
    assert.deepEqual(guest.json, { data: { containerRepository: null } });
    const missing = await gql(d, TAGS_PAGE, { id: 'gid://gitlab/ContainerRepository/999999', first: 20 }, as(d, 'owner'));
    assert.deepEqual(missing.json, { data: { containerRepository: null } });
  });
});

test('tags on a metadata-DB registry: name cursors, 20 per page, first > 20 skips tags, no first → empty, last/before', async () => {
  await withDouble({}, async (d) => {
    const id = await repoId(d, 'acme/platform/tools/builder');
    const all = d.repositoryByPath('acme/platform/tools/builder')!.tags.map((t) => t.name);
    assert.ok(all.length > 20);
    const chain = await allTagNames(d, id, 20);
    assert.deepEqual(chain.names, all);
    assert.equal(chain.requests, Math.ceil(all.length / 20));

    const page = await gql(d, TAGS_PAGE, { id, first: 20 }, as(d, 'owner'));
    assert.equal(page.json.data.containerRepository.tags.pageInfo.endCursor, all[19], 'endCursor is the last tag name');

    // first: 25 → 20 nodes, but the registry's marker is after tag 25: tags 21–25 are never returned.
    const skipped = await allTagNames(d, id, 25);
    assert.equal(skipped.names.length < all.length, true);
    assert.deepEqual(skipped.names.slice(0, 20), all.slice(0, 20));
    assert.equal(skipped.names[20], all[25]);

    const none = await gql(d, TAGS_PAGE, { id }, as(d, 'owner'));
    assert.deepEqual(none.json.data.containerRepository.tags.nodes, []);

    const back = await gql(d, TAGS_PAGE, { id, last: 5, before: all[10] }, as(d, 'owner'));
    assert.deepEqual(back.json.data.containerRepository.tags.nodes.map((n: any) => n.name), all.slice(5, 10));
    assert.equal(back.json.data.containerRepository.tags.pageInfo.hasPreviousPage, true);

    const desc = await gql(d, TAGS_PAGE, { id, first: 3, sort: 'NAME_DESC' }, as(d, 'owner'));
    assert.deepEqual(desc.json.data.containerRepository.tags.nodes.map((n: any) => n.name), [...all].reverse().slice(0, 3));
  });
});

test('tags on a legacy registry: offset cursors, pages capped at 20 without skipping, publishedAt null', async () => {
  await withDouble({ legacyRegistry: true }, async (d) => {
    const id = await repoId(d, 'acme/platform/tools/builder');
    const all = d.repositoryByPath('acme/platform/tools/builder')!.tags.map((t) => t.name);
    const chain = await allTagNames(d, id, 50);
    assert.deepEqual(chain.names, all, 'first: 50 is capped to 20 per page, nothing skipped');
    assert.equal(chain.requests, Math.ceil(all.length / 20));
    const page = await gql(d, TAGS_PAGE, { id, first: 20 }, as(d, 'owner'));
    const tags = page.json.data.containerRepository.tags;
    assert.equal(Buffer.from(tags.pageInfo.endCursor, 'base64').toString(), '20');
    assert.equal(tags.nodes[0].publishedAt, null);
    const noFirst = await gql(d, TAGS_PAGE, { id }, as(d, 'owner'));
    assert.equal(noFirst.json.data.containerRepository.tags.nodes.length, 20);
  });
});

// --- mutations ----------------------------------------------------------------------------------------------------

const DESTROY_TAGS = `mutation($id: ContainerRepositoryID!, $tags: [String!]!) {
  destroyContainerRepositoryTags(input: { id: $id, tagNames: $tags }) { deletedTagNames errors } }`;

test('destroyContainerRepositoryTags: > 20 names refused, protected names skipped silently, missing names "deleted"', async () => {
  await withDouble({}, async (d) => {
    const id = await repoId(d, 'acme/platform/my.project');
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`);
    const tooMany = await gql(d, DESTROY_TAGS, { id, tags: many }, as(d, 'owner'));
    assert.equal(tooMany.status, 200);
    assert.deepEqual(tooMany.json.data, { destroyContainerRepositoryTags: null });
    assert.equal(tooMany.json.errors[0].message, 'Number of tags is greater than 20');
    assert.deepEqual(tooMany.json.errors[0].path, ['destroyContainerRepositoryTags']);

    // Developer: v1.2.3 matches the Maintainer-only semver rule.
    const r = await gql(d, DESTROY_TAGS, { id, tags: ['dev-0001', 'v1.2.3', 'no-such-tag'] }, as(d, 'developer'));
    assert.deepEqual(r.json, { data: { destroyContainerRepositoryTags: { deletedTagNames: ['dev-0001', 'no-such-tag'], errors: [] } } });
    const left = d.repositoryByPath('acme/platform/my.project')!.tags.map((t) => t.name);
    assert.ok(!left.includes('dev-0001'));
    assert.ok(left.includes('v1.2.3'));

    const allProtected = await gql(d, DESTROY_TAGS, { id, tags: ['v1.2.3', 'v1.0.0'] }, as(d, 'developer'));
    assert.deepEqual(allProtected.json.data.destroyContainerRepositoryTags, { deletedTagNames: [], errors: ['cannot delete protected tag(s)'] });

    const empty = await gql(d, DESTROY_TAGS, { id, tags: [] }, as(d, 'developer'));
    assert.deepEqual(empty.json.data.destroyContainerRepositoryTags.deletedTagNames, []);
    assert.equal(empty.json.data.destroyContainerRepositoryTags.errors.length, 1);

    for (const who of ['reporter', 'readApi'] as const) {
      const refused = await gql(d, DESTROY_TAGS, { id, tags: ['dev-0002'] }, as(d, who));
      assert.equal(refused.status, 200);
      assert.deepEqual(refused.json.data, { destroyContainerRepositoryTags: null });
      assert.equal(refused.json.errors[0].message, MESSAGES.notPermitted);
    }
    assert.ok(d.repositoryByPath('acme/platform/my.project')!.tags.some((t) => t.name === 'dev-0002'));
  });
});

test('destroyContainerRepository: Developer may, status DELETE_SCHEDULED, then the deletion worker moves on', async () => {
  await withDouble({}, async (d) => {
    const id = await repoId(d, 'acme/website');
    const q = 'mutation($id: ContainerRepositoryID!) { destroyContainerRepository(input: { id: $id }) { containerRepository { id status } errors } }';
    const website = d.repositoryByPath('acme/website')!;
    const r = await gql(d, q, { id }, as(d, 'developer'));
    assert.deepEqual(r.json.data.destroyContainerRepository, { containerRepository: { id, status: 'DELETE_SCHEDULED' }, errors: [] });
    assert.equal(d.repository(website.id)!.status, 'delete_scheduled');
    d.advanceRepositoryDeletions();
    d.advanceRepositoryDeletions();
    assert.equal(d.repository(website.id), undefined);

    const guest = await gql(d, q, { id: await repoId(d, 'acme/platform/my.project') }, as(d, 'reporter'));
    assert.equal(guest.json.errors[0].message, MESSAGES.notPermitted);

    // Tag rules above the caller's role block the repository deletion (payload error, nothing scheduled).
    const my = await gql(d, q, { id: await repoId(d, 'acme/platform/my.project') }, as(d, 'developer'));
    assert.deepEqual(my.json.data.destroyContainerRepository.errors, [MESSAGES.protectedRepository]);
    assert.equal(d.repositoryByPath('acme/platform/my.project')!.status, null);
  });
});

test('cleanup policy: enum values, details only for Maintainers; update validates RE2 and needs api scope', async () => {
  await withDouble({}, async (d) => {
    const q = `{ project(fullPath: "${MY}") { containerTagsExpirationPolicy { cadence enabled keepN olderThan nameRegex nameRegexKeep nextRunAt } } }`;
    const m = await gql(d, q, {}, as(d, 'maintainer'));
    const p = m.json.data.project.containerTagsExpirationPolicy;
    assert.deepEqual({ ...p, nextRunAt: undefined }, {
      cadence: 'EVERY_WEEK', enabled: true, keepN: 'FIVE_TAGS', olderThan: 'THIRTY_DAYS', nameRegex: '.*',
      nameRegexKeep: 'v\\d+\\.\\d+\\.\\d+', nextRunAt: undefined,
    });
    const r = await gql(d, q, {}, as(d, 'reporter'));
    assert.equal(r.json.data.project.containerTagsExpirationPolicy.enabled, true);
    assert.equal(r.json.data.project.containerTagsExpirationPolicy.cadence, null);

    const u = `mutation($input: UpdateContainerExpirationPolicyInput!) { updateContainerExpirationPolicy(input: $input) {
      containerTagsExpirationPolicy { cadence keepN olderThan enabled nameRegex } errors } }`;
    const ok = await gql(d, u, { input: { projectPath: MY, cadence: 'EVERY_DAY', keepN: 'TEN_TAGS', olderThan: 'NINETY_DAYS' } }, as(d, 'maintainer'));
    assert.deepEqual(ok.json.data.updateContainerExpirationPolicy.containerTagsExpirationPolicy,
      { cadence: 'EVERY_DAY', keepN: 'TEN_TAGS', olderThan: 'NINETY_DAYS', enabled: true, nameRegex: '.*' });
    const bad = await gql(d, u, { input: { projectPath: MY, nameRegex: '(' } }, as(d, 'maintainer'));
    assert.deepEqual(bad.json.data.updateContainerExpirationPolicy.containerTagsExpirationPolicy, null);
    assert.equal(bad.json.data.updateContainerExpirationPolicy.errors.length, 1);
    const dev = await gql(d, u, { input: { projectPath: MY, enabled: false } }, as(d, 'developer'));
    assert.equal(dev.json.errors[0].message, MESSAGES.notPermitted);
  });
});

test('tag protection rules: gid ids and upper-case levels for Maintainers; empty on a legacy registry', async () => {
  const q = `{ project(fullPath: "${MY}") { containerProtectionTagRules { nodes { id tagNamePattern minimumAccessLevelForDelete minimumAccessLevelForPush } } } }`;
  await withDouble({}, async (d) => {
    const r = await gql(d, q, {}, as(d, 'maintainer'));
    assert.deepEqual(r.json.data.project.containerProtectionTagRules.nodes, [{
      id: 'gid://gitlab/ContainerRegistry::Protection::TagRule/1', tagNamePattern: '^v\\d+\\.\\d+\\.\\d+$',
      minimumAccessLevelForDelete: 'MAINTAINER', minimumAccessLevelForPush: 'MAINTAINER',
    }]);
    assert.equal((await gql(d, q, {}, as(d, 'developer'))).json.data.project.containerProtectionTagRules, null);
  });
  await withDouble({ legacyRegistry: true }, async (d) => {
    assert.deepEqual((await gql(d, q, {}, as(d, 'maintainer'))).json.data.project.containerProtectionTagRules.nodes, []);
  });
});

test('requests to /api/graphql go through the double pipeline: logged, faults apply', async () => {
  await withDouble({}, async (d) => {
    d.resetLog();
    d.injectFault({ path: GRAPHQL_PATH, status: 502, times: 1 });
    assert.equal((await gql(d, '{ __typename }', {}, as(d, 'owner'))).status, 502);
    assert.equal((await gql(d, '{ __typename }', {}, as(d, 'owner'))).status, 200);
    assert.deepEqual(d.requests.map((r) => [r.method, r.path, r.auth]), [['POST', GRAPHQL_PATH, 'private'], ['POST', GRAPHQL_PATH, 'private']]);
  });
});

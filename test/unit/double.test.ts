// Tests of the GitLab double itself (test/double): the behaviour other suites rely on.

import * as http from 'node:http';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble, registryUnreachableFault, REGISTRY_UNREACHABLE_MESSAGE } from '../double/gitlabDouble';
import type { DoubleOptions, GitLabDouble } from '../double/contract';
import { parseDuration, selectTagsForBulkDelete, BulkParams } from '../double/bulk';
import type { TagRec } from '../double/model';

const T0 = Date.parse('2025-06-01T12:00:00.000Z');
const DAY = 86_400_000;

/** A double on a controllable clock, closed after `fn`. */
async function withDouble(opts: DoubleOptions, fn: (d: GitLabDouble, clock: { now: number }) => Promise<void>): Promise<void> {
  const clock = { now: T0 };
  const d = await startGitLabDouble({ repositoryDeletionStepMs: 0, bulkJobDelayMs: 0, now: () => clock.now, ...opts });
  try {
    await fn(d, clock);
  } finally {
    await d.close();
  }
}

async function call(d: GitLabDouble, path: string, init: { token?: string; method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers['PRIVATE-TOKEN'] = init.token;
  const res = await fetch(d.url + path, { method: init.method ?? 'GET', headers, body: init.body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as any };
}

const MY = encodeURIComponent('acme/platform/My.Project');

// --- pagination ---------------------------------------------------------------------------------------------

test('offset pagination: first, middle and last page headers', async () => {
  await withDouble({ scenario: 'large' }, async (d) => {
    const tok = d.tokens.owner;
    const base = `${d.url}/api/v4/projects`;
    const first = await call(d, '/api/v4/projects?membership=true&order_by=id&sort=asc&per_page=100', { token: tok });
    assert.equal(first.status, 200);
    assert.equal(first.json.length, 100);
    assert.equal(first.json[0].id, 1);
    assert.equal(first.headers.get('x-page'), '1');
    assert.equal(first.headers.get('x-per-page'), '100');
    assert.equal(first.headers.get('x-next-page'), '2');
    assert.equal(first.headers.get('x-prev-page'), '');
    assert.equal(first.headers.get('x-total'), '250');
    assert.equal(first.headers.get('x-total-pages'), '3');
    const q = (page: number) => `${base}?membership=true&order_by=id&page=${page}&per_page=100&sort=asc`;
    assert.equal(first.headers.get('link'), `<${q(2)}>; rel="next", <${q(1)}>; rel="first", <${q(3)}>; rel="last"`);

    const middle = await call(d, '/api/v4/projects?membership=true&order_by=id&sort=asc&per_page=100&page=2', { token: tok });
    assert.equal(middle.headers.get('x-next-page'), '3');
    assert.equal(middle.headers.get('x-prev-page'), '1');
    assert.equal(middle.headers.get('link'),
      `<${q(1)}>; rel="prev", <${q(3)}>; rel="next", <${q(1)}>; rel="first", <${q(3)}>; rel="last"`);

    const last = await call(d, '/api/v4/projects?membership=true&order_by=id&sort=asc&per_page=100&page=3', { token: tok });
    assert.equal(last.json.length, 50);
    assert.equal(last.headers.get('x-next-page'), '');
    assert.equal(last.headers.get('x-prev-page'), '2');
    assert.equal(last.headers.get('link'), `<${q(2)}>; rel="prev", <${q(1)}>; rel="first", <${q(3)}>; rel="last"`);
  });
});

test('offset pagination: 10,000+ items drop totals and rel=last; per_page bounds', async () => {
  await withDouble({ scenario: 'large' }, async (d) => {
    const huge = d.repositoryByPath('org-01/service-001/huge')!;
    assert.equal(huge.tags.length, 10_050);
    const path = `/api/v4/projects/1/registry/repositories/${huge.id}/tags`;
    const res = await call(d, `${path}?per_page=100&page=2`, { token: d.tokens.reporter });
    assert.equal(res.status, 200);
    assert.equal(res.json.length, 100);
    assert.equal(res.headers.get('x-total'), null);
    assert.equal(res.headers.get('x-total-pages'), null);
    assert.equal(res.headers.get('x-next-page'), '3');
    assert.doesNotMatch(res.headers.get('link')!, /rel="last"/);
    assert.match(res.headers.get('link')!, /rel="prev", .*rel="next", .*rel="first"$/);

    const big = d.repositoryByPath('org-01/service-001/big')!;
    const counted = await call(d, `/api/v4/projects/1/registry/repositories/${big.id}/tags`, { token: d.tokens.reporter });
    assert.equal(counted.headers.get('x-total'), '2500');
    assert.equal(counted.headers.get('x-total-pages'), '125');
    assert.equal(counted.headers.get('x-per-page'), '20');

    const zero = await call(d, `${path}?per_page=0`, { token: d.tokens.reporter });
    assert.equal(zero.status, 400);
    const clamped = await call(d, `${path}?per_page=500`, { token: d.tokens.reporter });
    assert.equal(clamped.headers.get('x-per-page'), '100');
    assert.equal(clamped.json.length, 100);
  });
});

test('empty collections still report one page; linkOrigin replaces the origin', async () => {
  await withDouble({ linkOrigin: 'http://gitlab.internal:8080' }, async (d) => {
    const cache = d.repositoryByPath('acme/website/cache')!;
    const res = await call(d, `/api/v4/projects/acme%2Fwebsite/registry/repositories/${cache.id}/tags`, { token: d.tokens.owner });
    assert.deepEqual(res.json, []);
    assert.equal(res.headers.get('x-total'), '0');
    assert.equal(res.headers.get('x-total-pages'), '1');
    assert.match(res.headers.get('link')!, /^<http:\/\/gitlab\.internal:8080\/api\/v4\/projects\/acme%2Fwebsite\/registry/);
  });
});

test('keyset tag pagination: Link rel=next with last, per_page, sort; none on the last page; 405 on legacy', async () => {
  await withDouble({}, async (d) => {
    const root = d.repositoryByPath('acme/platform/my.project')!;
    const path = `/api/v4/projects/${MY}/registry/repositories/${root.id}/tags`;
    const p1 = await call(d, `${path}?pagination=keyset&per_page=3`, { token: d.tokens.reporter });
    assert.deepEqual(p1.json.map((t: any) => t.name), ['dev-0001', 'dev-0002', 'feature-login']);
    assert.equal(p1.headers.get('link'), `<${d.url}${path}?last=feature-login&pagination=keyset&per_page=3&sort=asc>; rel="next"`);
    assert.equal(p1.headers.get('x-total'), null);
    const p2 = await call(d, `${path}?last=feature-login&pagination=keyset&per_page=3&sort=asc`, { token: d.tokens.reporter });
    assert.deepEqual(p2.json.map((t: any) => t.name), ['latest', 'main', 'v1.0.0']);
    const p3 = await call(d, `${path}?last=v1.0.0&pagination=keyset&per_page=3&sort=asc`, { token: d.tokens.reporter });
    assert.deepEqual(p3.json.map((t: any) => t.name), ['v1.2.2', 'v1.2.3']);
    assert.equal(p3.headers.get('link'), null);
    const desc = await call(d, `${path}?pagination=keyset&per_page=2&sort=desc&last=v1.0.0`, { token: d.tokens.reporter });
    assert.deepEqual(desc.json.map((t: any) => t.name), ['main', 'latest']);
    assert.match(desc.headers.get('link')!, /last=latest&pagination=keyset&per_page=2&sort=desc>; rel="next"$/);
    assert.deepEqual(p1.json[0], {
      name: 'dev-0001', path: 'acme/platform/my.project:dev-0001',
      location: 'registry.example.test:5050/acme/platform/my.project:dev-0001',
    });
  });
  await withDouble({ legacyRegistry: true }, async (d) => {
    const res = await call(d, '/api/v4/projects/1/registry/repositories/1/tags?pagination=keyset', { token: d.tokens.owner });
    assert.equal(res.status, 405);
    assert.deepEqual(res.json, { message: '405 Method Not Allowed' });
    const repo = await call(d, '/api/v4/registry/repositories/1?size=true', { token: d.tokens.owner });
    assert.equal(repo.json.size, null);
    const rules = await call(d, '/api/v4/projects/1/registry/protection/tag/rules', { token: d.tokens.owner });
    assert.deepEqual([rules.status, rules.json], [404, { message: '404 Not Found' }]);
  });
});

// --- authentication and permissions ------------------------------------------------------------------------

test('auth: unknown, expired, revoked tokens; scopes; PRIVATE-TOKEN and Bearer alike', async () => {
  await withDouble({}, async (d) => {
    assert.deepEqual((await call(d, '/api/v4/user', { token: 'glpat-nope' })).json, { message: '401 Unauthorized' });
    assert.equal((await call(d, '/api/v4/user')).status, 401);
    const expired = await call(d, '/api/v4/user', { token: d.tokens.expired });
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.json, {
      error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.',
    });
    const revoked = await call(d, '/api/v4/projects', { token: d.tokens.revoked });
    assert.deepEqual(revoked.json, {
      error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.',
    });
    const readApiDelete = await call(d, `/api/v4/projects/${MY}/registry/repositories/1/tags/main`, { token: d.tokens.readApi, method: 'DELETE' });
    assert.equal(readApiDelete.status, 403);
    assert.deepEqual(readApiDelete.json, {
      error: 'insufficient_scope',
      error_description: 'The request requires higher privileges than provided by the access token.',
      scope: 'api',
    });
    assert.equal((await call(d, '/api/v4/projects', { token: d.tokens.readApi })).status, 200);
    const readUser = await call(d, '/api/v4/projects', { token: d.tokens.readUser });
    assert.deepEqual([readUser.status, readUser.json.scope], [403, 'api read_api']);
    const me = await call(d, '/api/v4/user', { token: d.tokens.readUser });
    assert.equal(me.json.username, 'alice');
    const bearer = await call(d, '/api/v4/user', { headers: { Authorization: `Bearer ${d.tokens.maintainer}` } });
    assert.equal(bearer.json.username, 'mary');
    const self = await call(d, '/api/v4/personal_access_tokens/self', { token: d.tokens.readUser });
    assert.deepEqual(self.json.scopes, ['read_user']);
    assert.equal(self.json.active, true);
    assert.match(self.json.expires_at, /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(d.requests.slice(-2).map((r) => r.auth), ['bearer', 'private']);
  });
});

test('roles: anonymous, guest, reporter, developer, maintainer', async () => {
  await withDouble({}, async (d) => {
    const pub = await call(d, '/api/v4/projects/oss%2Fpublic-app/registry/repositories?tags=true');
    assert.equal(pub.status, 200);
    assert.deepEqual(pub.json[0].tags.map((t: any) => t.name), ['latest', 'v1', 'v2']);
    assert.deepEqual((await call(d, `/api/v4/projects/${MY}/registry/repositories`)).json, { message: '404 Project Not Found' });
    assert.deepEqual((await call(d, `/api/v4/projects/${MY}/registry/repositories`, { token: d.tokens.guest })).json,
      { message: '403 Forbidden' });
    assert.equal((await call(d, `/api/v4/projects/${MY}/registry/repositories`, { token: d.tokens.reporter })).status, 200);
    // dave is a direct member (developer) of globex/backend without group membership
    assert.equal((await call(d, '/api/v4/projects/globex%2Fbackend/registry/repositories', { token: d.tokens.developer })).status, 200);
    assert.equal((await call(d, '/api/v4/projects/globex%2Fbackend', { token: d.tokens.reporter })).status, 404);
    const repoAsDev = await call(d, '/api/v4/registry/repositories/1?tags_count=true', { token: d.tokens.developer });
    assert.equal(repoAsDev.json.delete_api_path, undefined);
    assert.equal(repoAsDev.json.tags_count, 8);
    const repoAsMaintainer = await call(d, '/api/v4/registry/repositories/1?size=true', { token: d.tokens.maintainer });
    assert.equal(repoAsMaintainer.json.delete_api_path, `${d.url}/api/v4/projects/1/registry/repositories/1`);
    assert.equal(typeof repoAsMaintainer.json.size, 'number');
    assert.equal((await call(d, '/api/v4/projects/1/registry/repositories/1', { token: d.tokens.developer, method: 'DELETE' })).status, 403);
    assert.equal((await call(d, '/api/v4/projects/1/registry/protection/tag/rules', { token: d.tokens.developer })).status, 403);
    const rules = await call(d, '/api/v4/projects/1/registry/protection/tag/rules', { token: d.tokens.maintainer });
    assert.equal(rules.json[0].tag_name_pattern, '^v\\d+\\.\\d+\\.\\d+$');
  });
});

test('job token: only its own project registry routes, acting as the developer', async () => {
  await withDouble({}, async (d) => {
    const job = (path: string, method = 'GET') => call(d, path, { method, headers: { 'JOB-TOKEN': d.tokens.job } });
    assert.equal((await job('/api/v4/projects/1/registry/repositories')).status, 200);
    assert.equal((await job(`/api/v4/projects/${MY}/registry/repositories/1/tags/v1.2.3`)).status, 200);
    assert.equal((await job('/api/v4/projects/2/registry/repositories')).status, 401);
    assert.equal((await job('/api/v4/projects/1')).status, 401);
    assert.equal((await job('/api/v4/registry/repositories/1')).status, 401);
    assert.equal((await job('/api/v4/user')).status, 401);
    assert.equal((await job('/api/v4/projects/1/registry/repositories/1/tags/v1.2.3', 'DELETE')).status, 403);
    assert.equal((await job('/api/v4/projects/1/registry/repositories/1/tags/dev-0001', 'DELETE')).status, 200);
    assert.equal((await job('/api/v4/projects/1/registry/repositories/1/tags?name_regex_delete=.*', 'DELETE')).status, 403);
    assert.equal(d.requests[0].auth, 'job');
  });
});

// --- tags -----------------------------------------------------------------------------------------------------

test('tag details and single delete: siblings on the same digest stay, protection, missing tag', async () => {
  await withDouble({}, async (d) => {
    const tags = `/api/v4/projects/${MY}/registry/repositories/1/tags`;
    const details = await call(d, `${tags}/main`, { token: d.tokens.reporter });
    assert.deepEqual(Object.keys(details.json),
      ['name', 'path', 'location', 'revision', 'short_revision', 'digest', 'created_at', 'total_size']);
    assert.match(details.json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    assert.equal(details.json.short_revision, details.json.revision.slice(0, 9));
    assert.equal((await call(d, `${tags}/feature-login`, { token: d.tokens.reporter })).json.created_at, null);
    assert.deepEqual((await call(d, `${tags}/nope`, { token: d.tokens.reporter })).json, { message: '404 Tag Not Found' });

    assert.equal((await call(d, `${tags}/main`, { token: d.tokens.reporter, method: 'DELETE' })).status, 403);
    assert.equal((await call(d, `${tags}/main`, { token: d.tokens.developer, method: 'DELETE' })).status, 200);
    const names = d.repository(1)!.tags.map((t) => t.name);
    assert.ok(!names.includes('main'));
    assert.ok(names.includes('latest') && names.includes('v1.2.3'), 'siblings sharing the digest stay');
    const protectedTag = await call(d, `${tags}/v1.2.3`, { token: d.tokens.developer, method: 'DELETE' });
    assert.deepEqual([protectedTag.status, protectedTag.json], [403, { message: '403 Forbidden - cannot delete protected tag(s)' }]);
    assert.equal((await call(d, `${tags}/v1.2.3`, { token: d.tokens.maintainer, method: 'DELETE' })).status, 200);
    assert.deepEqual((await call(d, `${tags}/main`, { token: d.tokens.developer, method: 'DELETE' })).json, { message: '404 Tag Not Found' });
  });
});

// --- bulk delete ------------------------------------------------------------------------------------------------

function tag(name: string, ageDays: number | null): TagRec {
  return {
    name, digest: `sha256:${name}`, revision: name,
    created_at: ageDays === null ? null : new Date(T0 - ageDays * DAY).toISOString().replace('Z', '+00:00'), total_size: 1,
  };
}
const ctx = { now: T0, legacy: false, random: Math.random, isProtected: () => false };
const params = (p: Partial<BulkParams>): BulkParams => ({ nameRegexDelete: '.*', nameRegexKeep: null, keepN: null, olderThan: null, ...p });
const sorted = (tags: TagRec[]) => [...tags].sort((a, b) => (a.name < b.name ? -1 : 1));

test('bulk algorithm: anchoring, top-level |, latest never deleted', () => {
  const tags = sorted([tag('latest', 1), tag('v1', 1), tag('v10', 1), tag('av', 1), tag('xb', 1), tag('axb', 1), tag('bx', 1)]);
  assert.deepEqual(selectTagsForBulkDelete(tags, params({ nameRegexDelete: 'v1' }), ctx).toDelete, ['v1']);
  // "\Aa|b\z": starts with a, or ends with b
  assert.deepEqual(selectTagsForBulkDelete(tags, params({ nameRegexDelete: 'a|b' }), ctx).toDelete, ['av', 'axb', 'xb']);
  assert.deepEqual(selectTagsForBulkDelete(tags, params({ nameRegexDelete: '(a|b)' }), ctx).toDelete, []);
  assert.ok(!selectTagsForBulkDelete(tags, params({}), ctx).toDelete.includes('latest'));
  assert.deepEqual(selectTagsForBulkDelete(tags, params({ nameRegexKeep: 'v.*' }), ctx).toDelete, ['av', 'axb', 'bx', 'xb']);
});

test('bulk algorithm: keep_n newest (null timestamp = newest), older_than strict, null never old', () => {
  const tags = sorted([tag('a', 10), tag('b', 5), tag('c', null), tag('d', 1), tag('e', 30)]);
  // newest first: c (null = now), d, b, a, e
  assert.deepEqual(selectTagsForBulkDelete(tags, params({ keepN: 2 }), ctx).toDelete, ['a', 'b', 'e']);
  assert.deepEqual(selectTagsForBulkDelete(tags, params({ olderThan: '5d' }), ctx).toDelete, ['a', 'e']);
  assert.deepEqual(selectTagsForBulkDelete(tags, params({ olderThan: '4d 23h' }), ctx).toDelete, ['a', 'b', 'e']);
  assert.deepEqual(selectTagsForBulkDelete(tags, params({ keepN: 1, olderThan: '1month' }), ctx).toDelete, []);
  assert.deepEqual(selectTagsForBulkDelete(tags, params({ keepN: 4 }), ctx).toDelete, ['e']);
  assert.deepEqual(selectTagsForBulkDelete(tags, params({}), { ...ctx, isProtected: (n) => n === 'a' }).toDelete, ['b', 'c', 'd', 'e']);
});

test('bulk algorithm: keep_n per page of 1000 (metadata DB), sampling of 200 + keep_n (legacy)', () => {
  const tags: TagRec[] = [];
  for (let i = 0; i < 2500; i++) tags.push(tag(`t${String(i).padStart(4, '0')}`, 2500 - i));
  // three pages (1000, 1000, 500): each keeps its 10 newest
  assert.equal(selectTagsForBulkDelete(tags, params({ keepN: 10 }), ctx).toDelete.length, 2500 - 30);
  const legacy = selectTagsForBulkDelete(tags, params({ keepN: 10 }), { ...ctx, legacy: true, random: () => 0.5 });
  assert.equal(legacy.toDelete.length, 200);
  assert.equal(legacy.sampled, true);
});

test('ChronicDuration-like parsing', () => {
  assert.equal(parseDuration('1h'), 3600);
  assert.equal(parseDuration('1 day'), 86400);
  assert.equal(parseDuration('1d12h'), 129600);
  assert.equal(parseDuration('2 weeks'), 14 * 86400);
  assert.equal(parseDuration('1month'), 30 * 86400);
  assert.equal(parseDuration('1y'), 365.25 * 86400);
  assert.equal(parseDuration('90'), 90);
  assert.equal(parseDuration('1.5 hours'), 5400);
  assert.equal(parseDuration('soon'), null);
});

test('bulk delete over HTTP: validation, permission, hourly limit, asynchronous run', async () => {
  await withDouble({}, async (d, clock) => {
    const path = `/api/v4/projects/${MY}/registry/repositories/1/tags`;
    const del = (token: string, query: string, body?: string, type?: string) =>
      call(d, `${path}${query}`, { token, method: 'DELETE', body, headers: type ? { 'Content-Type': type } : {} });
    assert.deepEqual((await del(d.tokens.maintainer, '')).json,
      { error: 'name_regex_delete, name_regex are missing, at least one parameter must be provided' });
    assert.deepEqual((await del(d.tokens.maintainer, '?name_regex_delete=%5B')).json,
      { error: 'name_regex_delete is an invalid regexp' });
    assert.deepEqual((await del(d.tokens.maintainer, '?name_regex_delete=.*&name_regex_keep=(%3F%3Dx)')).json,
      { error: 'name_regex_keep is an invalid regexp' });
    assert.equal((await del(d.tokens.developer, '?name_regex_delete=.*')).status, 403);

    const accepted = await del(d.tokens.maintainer, '', 'name_regex_delete=dev-.*&keep_n=1', 'application/x-www-form-urlencoded');
    assert.equal(accepted.status, 202);
    assert.equal(d.bulkJobs[0].status, 'queued');
    const again = await del(d.tokens.owner, '', JSON.stringify({ name_regex_delete: '.*' }), 'application/json');
    assert.deepEqual([again.status, again.json], [400, {
      message: 'This request has already been made. You can run this at most once an hour for a given container repository',
    }]);
    await d.runBulkJobs();
    assert.deepEqual(d.bulkJobs[0].deleted, ['dev-0001']);
    assert.ok(d.repository(1)!.tags.some((t) => t.name === 'dev-0002'));

    clock.now += 3_600_001;
    assert.equal((await del(d.tokens.maintainer, '?name_regex_delete=.*')).status, 202);
    await d.runBulkJobs();
    // as a maintainer: only latest stays (v* protected for delete at maintainer level → maintainer may delete)
    assert.deepEqual(d.repository(1)!.tags.map((t) => t.name), ['latest']);
  });
});

test('bulk delete runs by itself after bulkJobDelayMs; protected tags skipped for the caller role', async () => {
  const d = await startGitLabDouble({ bulkJobDelayMs: 10 });
  try {
    const res = await call(d, `/api/v4/projects/${MY}/registry/repositories/1/tags?name_regex=v.*`, { token: d.tokens.maintainer, method: 'DELETE' });
    assert.equal(res.status, 202);
    for (let i = 0; i < 50 && d.bulkJobs[0].status === 'queued'; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(d.bulkJobs[0].deleted, ['v1.0.0', 'v1.2.2', 'v1.2.3']);
  } finally {
    await d.close();
  }
});

// --- repository deletion ------------------------------------------------------------------------------------------

test('repository deletion: delete_scheduled → delete_ongoing → gone, or delete_failed', async () => {
  await withDouble({ failRepositoryDeletions: [3] }, async (d) => {
    const del = (id: number) => call(d, `/api/v4/projects/1/registry/repositories/${id}`, { token: d.tokens.maintainer, method: 'DELETE' });
    const get = (id: number) => call(d, `/api/v4/registry/repositories/${id}`, { token: d.tokens.maintainer });
    assert.equal((await del(2)).status, 202);
    assert.equal((await get(2)).json.status, 'delete_scheduled');
    d.advanceRepositoryDeletions();
    assert.equal((await get(2)).json.status, 'delete_ongoing');
    d.advanceRepositoryDeletions();
    assert.deepEqual((await get(2)).json, { message: '404 Not found' });
    assert.equal(d.repository(2), undefined);
    assert.deepEqual((await del(2)).json, { message: '404 Not found' });

    assert.equal((await del(3)).status, 202);
    d.advanceRepositoryDeletions();
    d.advanceRepositoryDeletions();
    assert.equal(d.repository(3)!.status, 'delete_failed');
  });
});

test('repository deletion advances on its own timer', async () => {
  const d = await startGitLabDouble({ repositoryDeletionStepMs: 5 });
  try {
    await call(d, '/api/v4/projects/1/registry/repositories/2', { token: d.tokens.owner, method: 'DELETE' });
    for (let i = 0; i < 100 && d.repository(2); i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(d.repository(2), undefined);
  } finally {
    await d.close();
  }
});

// --- cleanup policy -------------------------------------------------------------------------------------------

test('cleanup policy: PUT with JSON and form bodies, validation, next_run_at', async () => {
  await withDouble({}, async (d, clock) => {
    const put = (token: string, body: string, type: string) =>
      call(d, `/api/v4/projects/${MY}`, { token, method: 'PUT', body, headers: { 'Content-Type': type } });
    const json = JSON.stringify({ container_expiration_policy_attributes: { cadence: '14d', keep_n: 25 } });
    assert.equal((await put(d.tokens.developer, json, 'application/json')).status, 403);
    const ok = await put(d.tokens.maintainer, json, 'application/json');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json.container_expiration_policy, {
      cadence: '14d', enabled: true, keep_n: 25, older_than: '30d', name_regex: '.*',
      name_regex_keep: 'v\\d+\\.\\d+\\.\\d+', next_run_at: new Date(clock.now + 14 * DAY).toISOString(),
    });
    const form = await put(d.tokens.maintainer, 'container_expiration_policy_attributes[older_than]=90d&container_expiration_policy_attributes[enabled]=false', 'application/x-www-form-urlencoded');
    assert.equal(form.json.container_expiration_policy.older_than, '90d');
    assert.equal(form.json.container_expiration_policy.enabled, false);
    const bad = await put(d.tokens.maintainer, JSON.stringify({ container_expiration_policy_attributes: { cadence: '2d', keep_n: 3, older_than: '1d' } }), 'application/json');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { message: {
      'container_expiration_policy.cadence': ['is not included in the list'],
      'container_expiration_policy.keep_n': ['is not included in the list'],
      'container_expiration_policy.older_than': ['is not included in the list'],
    } });
    const project = await call(d, `/api/v4/projects/${MY}`, { token: d.tokens.reporter });
    assert.equal(project.json.container_expiration_policy.cadence, '14d');
    assert.equal(project.json.container_registry_image_prefix, 'registry.example.test:5050/acme/platform/my.project');
  });
});

// --- groups -----------------------------------------------------------------------------------------------------

test('groups: membership, top_level_only, subgroup repositories', async () => {
  await withDouble({}, async (d) => {
    const all = await call(d, '/api/v4/groups', { token: d.tokens.developer });
    assert.deepEqual(all.json.map((g: any) => g.full_path), ['acme', 'acme/platform', 'acme/platform/tools']);
    const top = await call(d, '/api/v4/groups?top_level_only=true', { token: d.tokens.owner });
    assert.deepEqual(top.json.map((g: any) => g.full_path), ['acme', 'globex', 'oss']);
    const repos = await call(d, '/api/v4/groups/acme/registry/repositories', { token: d.tokens.reporter });
    assert.deepEqual(repos.json.map((r: any) => r.path), [
      'acme/platform/my.project', 'acme/platform/my.project/api', 'acme/platform/my.project/tools/cli',
      'acme/platform/tools/builder', 'acme/website', 'acme/website/cache',
    ]);
    assert.equal(repos.json[0].tags_count, undefined);
    assert.equal((await call(d, '/api/v4/groups/acme/registry/repositories', { token: d.tokens.guest })).status, 403);
    const projects = await call(d, '/api/v4/groups/acme%2Fplatform/projects?include_subgroups=true&simple=true', { token: d.tokens.reporter });
    assert.deepEqual(projects.json.map((p: any) => p.path_with_namespace).sort(), ['acme/platform/My.Project', 'acme/platform/tools/builder']);
    assert.deepEqual((await call(d, '/api/v4/groups/globex', { token: d.tokens.reporter })).json, { message: '404 Group Not Found' });
  });
});

// --- faults, throttle, control API ------------------------------------------------------------------------------------

test('faults: status and body, times, reset, reset after processing, delay', async () => {
  await withDouble({}, async (d) => {
    d.injectFault(registryUnreachableFault(/\/registry\/repositories$/, 1));
    const failing = await call(d, '/api/v4/projects/1/registry/repositories', { token: d.tokens.owner });
    assert.deepEqual([failing.status, failing.json], [503, { message: REGISTRY_UNREACHABLE_MESSAGE }]);
    assert.equal((await call(d, '/api/v4/projects/1/registry/repositories', { token: d.tokens.owner })).status, 200);

    d.injectFault({ path: '/user$', status: 500, times: 2, headers: { 'X-Fault': 'yes' } });
    const f1 = await call(d, '/api/v4/user', { token: d.tokens.owner });
    assert.deepEqual([f1.status, f1.json, f1.headers.get('x-fault')], [500, { message: '500 Internal Server Error' }, 'yes']);
    assert.equal((await call(d, '/api/v4/user', { token: d.tokens.owner })).status, 500);
    assert.equal((await call(d, '/api/v4/user', { token: d.tokens.owner })).status, 200);

    d.injectFault({ path: /\/tags\/dev-0001$/, method: 'DELETE', resetAfterProcessing: true, times: 1 });
    await assert.rejects(call(d, '/api/v4/projects/1/registry/repositories/1/tags/dev-0001', { token: d.tokens.owner, method: 'DELETE' }));
    assert.ok(!d.repository(1)!.tags.some((t) => t.name === 'dev-0001'), 'the delete happened before the reset');

    d.injectFault({ path: /\/tags\/dev-0002$/, reset: true, times: 1 });
    await assert.rejects(call(d, '/api/v4/projects/1/registry/repositories/1/tags/dev-0002', { token: d.tokens.owner, method: 'DELETE' }));
    assert.ok(d.repository(1)!.tags.some((t) => t.name === 'dev-0002'), 'a plain reset changes nothing');

    d.injectFault({ path: '/version', delayMs: 120, times: 1 });
    const started = Date.now();
    assert.equal((await call(d, '/api/v4/version', { token: d.tokens.owner })).status, 200);
    assert.ok(Date.now() - started >= 100);
    d.injectFault({ path: '.*', status: 502, times: 5 });
    d.clearFaults();
    assert.equal((await call(d, '/api/v4/version', { token: d.tokens.owner })).status, 200);
  });
});

test('throttle: RateLimit headers, 429 Retry later with Retry-After, 429s do not count', async () => {
  await withDouble({ rateLimit: { perMinute: 3, prefill: 1 } }, async (d, clock) => {
    const get = () => call(d, '/api/v4/version', { token: d.tokens.owner });
    const r1 = await get();
    assert.equal(r1.headers.get('ratelimit-limit'), '3');
    assert.equal(r1.headers.get('ratelimit-observed'), '2');
    assert.equal(r1.headers.get('ratelimit-remaining'), '1');
    assert.equal(r1.headers.get('ratelimit-name'), 'throttle_authenticated_api');
    clock.now += 10_000;
    assert.equal((await get()).status, 200);
    const limited = await get();
    assert.equal(limited.status, 429);
    assert.equal(limited.text, 'Retry later');
    assert.match(limited.headers.get('content-type')!, /text\/plain/);
    assert.equal(limited.headers.get('retry-after'), '50');
    assert.equal(limited.headers.get('ratelimit-reset'), String(Math.ceil((T0 + 60_000) / 1000)));
    assert.ok(limited.headers.get('ratelimit-resettime')!.endsWith('GMT'));
    clock.now = T0 + 60_000;
    assert.equal((await get()).status, 200, 'a slot is free once Retry-After has passed');
    assert.equal((await call(d, '/api/v4/version', { token: d.tokens.maintainer })).status, 200, 'windows are per token');
  });
});

test('latency and maxInFlight: at most N requests are processed at once', async () => {
  await withDouble({ latencyMs: 40, maxInFlight: 2 }, async (d) => {
    const started = Date.now();
    await Promise.all([1, 2, 3, 4].map(() => call(d, '/api/v4/version', { token: d.tokens.owner })));
    assert.ok(Date.now() - started >= 75, 'two waves of 40 ms');
    const ends = d.requests.map((e) => e.end - started).sort((a, b) => a - b);
    assert.ok(ends[1] < 75 && ends[2] >= 75, `answered in two waves: ${ends.join(', ')}`);
    assert.ok(d.requests.every((e) => e.status === 200 && e.end - e.start >= 35));
  });
});

test('control API over HTTP', async () => {
  await withDouble({}, async (d) => {
    const ctl = (path: string, method = 'GET', body?: string) => call(d, `/__double/${path}`, { method, body });
    assert.equal((await ctl('repositories/1')).json.path, 'acme/platform/my.project');
    assert.equal((await ctl('repositories?path=acme/website')).json.id, 5);
    assert.equal((await ctl('repositories/999')).status, 404);
    assert.equal((await ctl('faults', 'POST', JSON.stringify({ path: '/user$', status: 418, times: 1 }))).status, 204);
    assert.equal((await call(d, '/api/v4/user', { token: d.tokens.owner })).status, 418);
    const log = (await ctl('requests')).json;
    assert.deepEqual(log.map((e: any) => [e.method, e.path, e.status, e.auth]), [['GET', '/api/v4/user', 418, 'private']]);
    await call(d, '/api/v4/projects/1/registry/repositories/1/tags/dev-0001', { token: d.tokens.owner, method: 'DELETE' });
    await call(d, '/api/v4/projects/1/registry/repositories/2', { token: d.tokens.owner, method: 'DELETE' });
    assert.equal((await ctl('advance-deletions', 'POST')).status, 204);
    assert.equal((await ctl('repositories/2')).json.status, 'delete_ongoing');
    assert.equal((await ctl('reset', 'POST')).status, 204);
    assert.equal((await ctl('repositories/2')).json.status, null);
    assert.ok((await ctl('repositories/1')).json.tags.some((t: any) => t.name === 'dev-0001'));
    assert.deepEqual((await ctl('requests')).json, []);
    assert.equal((await ctl('tokens')).json.job, d.tokens.job);
  });
});

test('large scenario builds fast and lists quickly', async () => {
  const started = Date.now();
  await withDouble({ scenario: 'large' }, async (d) => {
    assert.ok(Date.now() - started < 1000, `started in ${Date.now() - started} ms`);
    const huge = d.repositoryByPath('org-01/service-001/huge')!;
    const t = Date.now();
    for (let page = 1; page <= 20; page++) {
      const res = await call(d, `/api/v4/projects/1/registry/repositories/${huge.id}/tags?per_page=100&page=${page * 5}`, { token: d.tokens.owner });
      assert.equal(res.json.length, 100);
    }
    assert.ok(Date.now() - t < 2000);
    const groups = await call(d, '/api/v4/groups?per_page=100', { token: d.tokens.owner });
    assert.equal(groups.headers.get('x-total'), '20');
    assert.ok(huge.tags.some((x) => x.created_at === null));
  });
});

test('faults with skip: the first matching requests pass, then the fault applies', async () => {
  await withDouble({}, async (d) => {
    d.injectFault({ method: 'GET', path: /^\/api\/v4\/user$/, status: 500, skip: 2, times: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(d, '/api/v4/user', { token: d.tokens.owner })).status);
    assert.deepEqual(statuses, [200, 200, 500, 200]);
  });
});

test('serverWork and connectLatencyMs: per deleted tag, per listed tag, once per new connection', async () => {
  await withDouble({ serverWork: { perDeletedTagMs: 10, perListedTagMs: 5 }, connectLatencyMs: 60 }, async (d) => {
    const repo = d.repositoryByPath('acme/platform/my.project')!;
    // One kept-alive socket, so "new connection" is under the test's control.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const timed = (path: string, method = 'GET') => new Promise<{ status: number; ms: number }>((resolve, reject) => {
      const t0 = Date.now();
      const req = http.request(d.url + path, { method, agent, headers: { 'PRIVATE-TOKEN': d.tokens.owner } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Date.now() - t0 }));
      });
      req.on('error', reject);
      req.end();
    });
    const first = await timed('/api/v4/user');
    const again = await timed('/api/v4/user');
    assert.ok(first.ms >= 55, `first request on a new connection: ${first.ms} ms`);
    assert.ok(again.ms < 50, `the same kept-alive connection: ${again.ms} ms`);
    const listed = await timed(`/api/v4/registry/repositories/${repo.id}?tags=true`);
    assert.ok(listed.ms >= repo.tags.length * 5 - 5, `${repo.tags.length} tags listed: ${listed.ms} ms`);
    const deleted = await timed(`/api/v4/projects/1/registry/repositories/${repo.id}/tags/dev-0001`, 'DELETE');
    assert.equal(deleted.status, 200);
    assert.ok(deleted.ms >= 9, `one tag deleted: ${deleted.ms} ms`);
    agent.destroy();
  });
});

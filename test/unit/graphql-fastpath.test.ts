// The GraphQL fast path (src/core/graphql) against the GitLab double: same answers as REST (to the precision
// each API gives), the 20-tag limits, request counts, fallback to REST, and the transport's URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countingFetch } from './client-support';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { DoubleOptions, GitLabDouble, TokenName } from '../double/contract';
import { GRAPHQL_PATH } from '../double/graphql';
import { RestRegistryApi } from '../../src/core/restClient';
import type { FetchFn } from '../../src/core/http';
import { HttpClient } from '../../src/core/http';
import type { RegistryApi } from '../../src/core/registryApi';
import type { DeleteReport, TagDetails } from '../../src/core/types';
import { createFastPathApi, FastPathApi } from '../../src/core/graphql';
import { GRAPHQL_RELATIVE_PATH } from '../../src/core/graphql/transport';

const T0 = Date.parse('2025-06-01T12:00:00.000Z');
const MY = 'acme/platform/My.Project';
const MY_ROOT = 'acme/platform/my.project';
const BUILDER = 'acme/platform/tools/builder';

/** The double (it serves /api/graphql unless `graphql: false`) on a fixed clock, with background work on demand. */
async function startWithGraphql(opts: DoubleOptions = {}): Promise<GitLabDouble> {
  const d = await startGitLabDouble({ repositoryDeletionStepMs: 0, bulkJobDelayMs: 0, now: () => T0, ...opts });
  d.resetLog();
  return d;
}

async function withDouble(opts: DoubleOptions, fn: (d: GitLabDouble) => Promise<void>): Promise<void> {
  const d = await startWithGraphql(opts);
  try {
    await fn(d);
  } finally {
    await d.close();
  }
}

function clients(d: GitLabDouble, who: TokenName, extra: { concurrency?: number; fetch?: FetchFn } = {}): { rest: RegistryApi; fast: RegistryApi } {
  const options = {
    baseUrl: d.url, credential: { kind: who === 'job' ? 'job' as const : 'private' as const, value: d.tokens[who] },
    retryBaseMs: 5, retryMaxDelayMs: 20, timeoutMs: 5000, ...extra,
  };
  const rest = new RestRegistryApi(options);
  return { rest, fast: createFastPathApi(new RestRegistryApi(options), options) };
}

const graphqlPosts = (d: GitLabDouble) => d.requests.filter((r) => r.path === GRAPHQL_PATH).length;

/** REST's millisecond timestamps cut to whole seconds, as GraphQL's Time gives them. */
function toSeconds(details: TagDetails[]): TagDetails[] {
  return details.map((t) => ({
    ...t, created_at: t.created_at === null ? null : new Date(Math.floor(Date.parse(t.created_at) / 1000) * 1000).toISOString(),
  }));
}

/** GraphQL's details in REST's shape: without the per-tag `protection` levels only GraphQL has (tested in protection-client). */
function restShape(details: TagDetails[]): TagDetails[] {
  return details.map(({ protection: _levels, ...t }) => t);
}

// --- tag details -------------------------------------------------------------------------------------------------

for (const legacyRegistry of [false, true]) {
  test(`listTagDetails equals REST for every repository (${legacyRegistry ? 'legacy' : 'metadata-DB'} registry), in ≤ ceil(T/20) requests`, async () => {
    await withDouble({ legacyRegistry }, async (d) => {
      const { rest, fast } = clients(d, 'owner');
      for (const path of [MY_ROOT, `${MY_ROOT}/api`, `${MY_ROOT}/tools/cli`, BUILDER, 'acme/website', 'acme/website/cache']) {
        const repo = d.repositoryByPath(path)!;
        const project = path.startsWith(MY_ROOT) ? MY : path === BUILDER ? BUILDER : 'acme/website';
        const viaRest = await rest.listTagDetails(project, repo.id);
        d.resetLog();
        const viaGraphql = restShape(await fast.listTagDetails(project, repo.id));
        assert.deepEqual(viaGraphql, toSeconds(viaRest), path);
        assert.ok(viaGraphql.every((t) => t.created_at === null || /\.000Z$/.test(t.created_at)));
        assert.equal(d.requests.length, Math.max(1, Math.ceil(repo.tags.length / 20)), `${path}: requests`);
        assert.ok(d.requests.every((r) => r.path === GRAPHQL_PATH));
      }
    });
  });
}

test('listTagDetails on 2,500 tags: 125 GraphQL requests, same tags and values as REST (to the second)', async () => {
  await withDouble({ scenario: 'large' }, async (d) => {
    const { rest, fast } = clients(d, 'owner');
    const repo = d.repositoryByPath('org-01/service-001/big')!;
    const project = 'org-01/service-001';
    const viaRest = await rest.listTagDetails(project, repo.id);
    d.resetLog();
    let lastProgress: [number, number] = [0, 0];
    const viaGraphql = restShape(await fast.listTagDetails(project, repo.id, undefined, { onProgress: (a, b) => { lastProgress = [a, b]; } }));
    assert.equal(viaGraphql.length, 2500);
    assert.deepEqual(viaGraphql, toSeconds(viaRest));
    assert.equal(d.requests.length, 125);
    assert.deepEqual(lastProgress, [2500, 2500]);
  });
});

test('listTagDetails with names: found ones from the pages, a missing name is REST\'s 404 Tag Not Found', async () => {
  await withDouble({}, async (d) => {
    const { rest, fast } = clients(d, 'owner');
    const repo = d.repositoryByPath(BUILDER)!;
    const names = ['latest', 'pr-123', 'v1.3.0'];
    assert.deepEqual(restShape(await fast.listTagDetails(BUILDER, repo.id, names)), toSeconds(await rest.listTagDetails(BUILDER, repo.id, names)));
    const restError = await rest.listTagDetails(BUILDER, repo.id, ['latest', 'nope']).then(() => undefined, (e) => e);
    const fastError = await fast.listTagDetails(BUILDER, repo.id, ['latest', 'nope']).then(() => undefined, (e) => e);
    assert.equal(fastError?.kind, 'not_found');
    assert.equal(fastError?.message, restError?.message);
  });
});

test('listTagDetails: repository of another project → REST\'s error; numeric project ids work', async () => {
  await withDouble({}, async (d) => {
    const { rest, fast } = clients(d, 'owner');
    const repo = d.repositoryByPath(BUILDER)!;
    const restError = await rest.listTagDetails(MY, repo.id).then(() => undefined, (e) => e);
    const fastError = await fast.listTagDetails(MY, repo.id).then(() => undefined, (e) => e);
    assert.ok(restError);
    assert.equal(fastError?.message, restError.message);
    const viaId = await fast.listTagDetails(repo.project_id, repo.id);
    assert.equal(viaId.length, repo.tags.length);
  });
});

// --- repositories -----------------------------------------------------------------------------------------------------

test('listProjectRepositories / listGroupRepositories: same repositories as REST, with tags_count, one request', async () => {
  await withDouble({}, async (d) => {
    const { rest, fast } = clients(d, 'owner');
    const strip = (r: { created_at: string | null; cleanup_policy_started_at: string | null }) => ({
      ...r, created_at: r.created_at?.replace(/\.\d{3}Z$/, '') ?? null, cleanup_policy_started_at: r.cleanup_policy_started_at?.replace(/\.\d{3}Z$/, '') ?? null,
    });
    const viaRest = await rest.listProjectRepositories(MY);
    d.resetLog();
    const viaGraphql = await fast.listProjectRepositories(MY);
    assert.equal(d.requests.length, 1);
    assert.deepEqual(viaGraphql.items.map(strip), viaRest.items.map(strip));
    assert.equal(viaGraphql.total, 3);

    const groupRest = await rest.listGroupRepositories('acme', { perPage: 100 });
    const groupFast = await fast.listGroupRepositories('acme', { perPage: 100 });
    assert.deepEqual(groupFast.items.map((r) => r.id), groupRest.items.map((r) => r.id));
    for (const r of groupFast.items) assert.equal(r.tags_count, d.repository(r.id)!.tags.length);

    // Paging: a GraphQL cursor chain covers everything once.
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await fast.listGroupRepositories('acme', { perPage: 2, cursor });
      seen.push(...page.items.map((r) => r.id));
      cursor = page.next;
      if (!cursor) break;
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), groupRest.items.map((r) => r.id).sort((a, b) => a - b));

    // A project the caller cannot read: REST's error, word for word.
    const guest = clients(d, 'guest');
    const e1 = await guest.rest.listProjectRepositories(MY).then(() => undefined, (e) => e);
    const e2 = await guest.fast.listProjectRepositories(MY).then(() => undefined, (e) => e);
    assert.equal(e2?.message, e1?.message);
  });
});

// --- deletion ---------------------------------------------------------------------------------------------------------

test('deleteTags: same per-tag report as REST — missing names 404, protected names 403, the rest deleted', async () => {
  const names = ['dev-0001', 'v1.2.3', 'no-such-tag', 'feature-login', 'v1.0.0', 'dev-0001'];
  const reports: DeleteReport[] = [];
  for (const mode of ['rest', 'fast'] as const) {
    await withDouble({}, async (d) => {
      const c = clients(d, 'developer');
      const repo = d.repositoryByPath(MY_ROOT)!;
      const report = await c[mode].deleteTags(MY, repo.id, names);
      reports.push(report);
      const left = d.repositoryByPath(MY_ROOT)!.tags.map((t) => t.name);
      assert.ok(!left.includes('dev-0001') && !left.includes('feature-login'));
      assert.ok(left.includes('v1.2.3') && left.includes('v1.0.0') && left.includes('latest'));
      if (mode === 'fast') {
        // One existence check + one mutation.
        assert.deepEqual(d.requests.map((r) => `${r.method} ${r.path}`), [`GET /api/v4/registry/repositories/${repo.id}`, `POST ${GRAPHQL_PATH}`]);
      }
    });
  }
  assert.deepEqual(reports[1], reports[0]);
  assert.deepEqual(reports[0], {
    deleted: ['dev-0001', 'feature-login'],
    failed: [
      { tag: 'v1.2.3', error: '403 Forbidden - cannot delete protected tag(s)', status: 403 },
      { tag: 'no-such-tag', error: '404 Tag Not Found', status: 404 },
      { tag: 'v1.0.0', error: '403 Forbidden - cannot delete protected tag(s)', status: 403 },
    ],
  });
});

test('deleteTags: at most 20 names per mutation, at most `concurrency` requests in flight, names spread evenly over two rounds', async () => {
  await withDouble({ scenario: 'large', latencyMs: 20 }, async (d) => {
    const counter = countingFetch();
    const bodies: string[] = [];
    const recording: FetchFn = (url, init) => {
      if (typeof init.body === 'string' && init.body.includes('mutation')) bodies.push(init.body);
      return counter.fetch(url, init);
    };
    const { fast } = clients(d, 'owner', { concurrency: 3, fetch: recording });
    const repo = d.repositoryByPath('org-01/service-001/big')!;
    const names = repo.tags.slice(0, 130).map((t) => t.name);
    const progress: number[] = [];
    d.resetLog();
    const report = await fast.deleteTags('org-01/service-001', repo.id, names, { onProgress: (done) => progress.push(done) });
    assert.deepEqual(report, { deleted: names, failed: [] });
    // 130 names, 3 slots: two rounds of 3 requests (22, 22, 22, 22, 21, 21 names), each as 2 mutations of at most 20.
    assert.equal(d.requests.length, 1 + 6);
    assert.equal(d.requests.filter((r) => r.path === GRAPHQL_PATH).length, 6);
    const perRequest = bodies.map((b) => Object.values((JSON.parse(b) as { variables: Record<string, unknown> }).variables)
      .filter((v): v is string[] => Array.isArray(v)).map((list) => list.length));
    assert.deepEqual(perRequest.map((sizes) => sizes.reduce((a, b) => a + b, 0)).sort(), [21, 21, 22, 22, 22, 22]);
    assert.ok(perRequest.every((sizes) => sizes.length === 2 && sizes.every((n) => n <= 20)), JSON.stringify(perRequest));
    assert.ok(counter.peak() <= 3 && counter.peak() >= 2, `peak ${counter.peak()}`);
    assert.equal(progress[progress.length - 1], 130);
    assert.equal(d.repository(repo.id)!.tags.length, 2500 - 130);
  });
});

test('deleteTags: a read_api token is refused by GraphQL and REST gives the per-tag answer', async () => {
  const reports: DeleteReport[] = [];
  for (const mode of ['rest', 'fast'] as const) {
    await withDouble({}, async (d) => {
      const c = clients(d, 'readApi');
      reports.push(await c[mode].deleteTags(MY, d.repositoryByPath(MY_ROOT)!.id, ['dev-0001', 'nope']));
      assert.ok(d.repositoryByPath(MY_ROOT)!.tags.some((t) => t.name === 'dev-0001'));
    });
  }
  assert.deepEqual(reports[1], reports[0]);
});

test('deleteRepository goes through REST (documented Maintainer rule): same result, no GraphQL request', async () => {
  await withDouble({}, async (d) => {
    const { rest, fast } = clients(d, 'maintainer');
    const website = d.repositoryByPath('acme/website')!;
    const wrong = await fast.deleteRepository(MY, website.id).then(() => undefined, (e) => e);
    const wrongRest = await rest.deleteRepository(MY, website.id).then(() => undefined, (e) => e);
    assert.equal(wrong?.message, wrongRest?.message);
    assert.equal(d.repository(website.id)!.status, null);
    d.resetLog();
    assert.deepEqual(await fast.deleteRepository('acme/website', website.id), { id: website.id, status: 'delete_scheduled' });
    assert.equal(graphqlPosts(d), 0);
    assert.ok(d.requests.some((r) => r.method === 'DELETE' && r.path.endsWith(`/registry/repositories/${website.id}`)));
    assert.equal(d.repository(website.id)!.status, 'delete_scheduled');
  });
});

// --- policy and protection ----------------------------------------------------------------------------------------------

test('cleanup policy and tag protection rules: same as REST (next_run_at to the second); update through REST', async () => {
  await withDouble({}, async (d) => {
    const { rest, fast } = clients(d, 'maintainer');
    const a = await rest.getCleanupPolicy(MY);
    const b = await fast.getCleanupPolicy(MY);
    assert.deepEqual({ ...b, next_run_at: b?.next_run_at?.slice(0, 19) }, { ...a, next_run_at: a?.next_run_at?.slice(0, 19) });
    assert.deepEqual(await fast.listTagProtectionRules(MY), await rest.listTagProtectionRules(MY));

    d.resetLog();
    const updated = await fast.updateCleanupPolicy(MY, { cadence: '14d', keep_n: 25, older_than: null });
    assert.equal(graphqlPosts(d), 0, 'policy writes use REST');
    assert.equal(d.requests.filter((r) => r.method === 'PUT').length, 1);
    assert.deepEqual({ ...updated, next_run_at: null }, { ...(await rest.getCleanupPolicy(MY))!, next_run_at: null });
    assert.equal(updated.cadence, '14d');
    assert.equal(updated.keep_n, 25);
    const bad = await fast.updateCleanupPolicy(MY, { enabled: true, name_regex: '(' }).then(() => undefined, (e) => e);
    assert.equal(bad?.kind, 'bad_request');
    assert.equal(bad?.status, 400);
    // A value GraphQL has no enum for goes to REST, which words the validation error.
    const restBad = await rest.updateCleanupPolicy(MY, { cadence: '2d' }).then(() => undefined, (e) => e);
    const fastBad = await fast.updateCleanupPolicy(MY, { cadence: '2d' }).then(() => undefined, (e) => e);
    assert.equal(fastBad?.message, restBad?.message);

    // Reporter: GraphQL hides the details → REST answers.
    const reporter = clients(d, 'reporter');
    assert.deepEqual(await reporter.fast.getCleanupPolicy(MY), await reporter.rest.getCleanupPolicy(MY));
  });
});

// --- fallback ------------------------------------------------------------------------------------------------------------

test('GraphQL off (404): REST answers, and the client remembers the decision (a new client learns it anew)', async () => {
  await withDouble({ graphql: false }, async (d) => {
    const { rest, fast } = clients(d, 'owner');
    const repo = d.repositoryByPath(BUILDER)!;
    d.resetLog();
    assert.deepEqual(await fast.listTagDetails(BUILDER, repo.id), await rest.listTagDetails(BUILDER, repo.id));
    assert.equal(graphqlPosts(d), 1);
    assert.ok((fast as FastPathApi).disabledReason('tagDetails'));
    d.resetLog();
    await fast.listProjectRepositories(MY);
    await fast.deleteTags(MY, d.repositoryByPath(MY_ROOT)!.id, ['dev-0001']);
    assert.equal(graphqlPosts(d), 0, 'the same client never asks /api/graphql again');
    const second = clients(d, 'owner').fast; // its own memory: nothing module-wide to reset between tests
    assert.equal((second as FastPathApi).disabledReason('tagDetails'), undefined);
    await second.listProjectRepositories(MY);
    assert.equal(graphqlPosts(d), 1);
  });
});

test('an older schema (unknown field) switches only that capability to REST', async () => {
  await withDouble({}, async (d) => {
    const { rest, fast } = clients(d, 'owner');
    d.injectFault({
      path: GRAPHQL_PATH, status: 200, times: 1,
      body: JSON.stringify({ errors: [{ message: "Field 'tagsCount' doesn't exist on type 'ContainerRepository'", extensions: { code: 'undefinedField' } }] }),
    });
    const repo = d.repositoryByPath(BUILDER)!;
    assert.deepEqual(await fast.listTagDetails(BUILDER, repo.id), await rest.listTagDetails(BUILDER, repo.id));
    assert.ok((fast as FastPathApi).disabledReason('tagDetails'));
    assert.equal((fast as FastPathApi).disabledReason('repositories'), undefined);
    d.resetLog();
    await fast.listProjectRepositories(MY);
    assert.equal(graphqlPosts(d), 1);
  });
});

test('job tokens never use GraphQL; queries are retried on 502, a failed mutation is not re-sent but handed to REST', async () => {
  await withDouble({}, async (d) => {
    const options = { baseUrl: d.url, credential: { kind: 'job' as const, value: d.tokens.job } };
    const rest = new RestRegistryApi(options);
    assert.equal(createFastPathApi(rest, options), rest);

    const { fast } = clients(d, 'owner');
    const repo = d.repositoryByPath(BUILDER)!;
    d.injectFault({ path: GRAPHQL_PATH, status: 502, times: 1 });
    d.resetLog();
    assert.equal((await fast.listTagDetails(BUILDER, repo.id)).length, repo.tags.length);
    assert.equal(graphqlPosts(d), 2 + 1, 'the failed page was retried');

    // A mutation answered 502 is not repeated: its names go to REST, which re-reads the tags and deletes
    // tag by tag with idempotent retries, so the report is true and the tag is gone.
    d.injectFault({ path: GRAPHQL_PATH, status: 502, times: 1 });
    d.resetLog();
    const report = await fast.deleteTags(BUILDER, repo.id, ['latest']);
    assert.equal(graphqlPosts(d), 1);
    assert.deepEqual(report, { deleted: ['latest'], failed: [] });
    assert.equal(d.requests.filter((q) => q.method === 'DELETE').length, 1);
    assert.ok(!d.repository(repo.id)!.tags.some((t) => t.name === 'latest'));
    // A mutation that ran but whose answer was lost (reset after processing): REST finds the tag gone → deleted.
    d.injectFault({ path: GRAPHQL_PATH, resetAfterProcessing: true, times: 1 });
    d.resetLog();
    const lost = await fast.deleteTags(BUILDER, repo.id, ['v1.0.0']);
    assert.deepEqual(lost, { deleted: ['v1.0.0'], failed: [] });
    assert.equal(d.requests.filter((q) => q.method === 'DELETE').length, 0, 'nothing left to delete');
  });
});

test('the transport posts to <base>/api/graphql, also for instances under a sub-path', () => {
  for (const base of ['https://gitlab.example.com', 'https://example.com/gitlab']) {
    const http = new HttpClient({ baseUrl: base });
    assert.equal(http.apiUrl(GRAPHQL_RELATIVE_PATH), `${base}/api/graphql`);
  }
});

test("deleteRepository by a developer: REST's 403, nothing scheduled (GraphQL would have allowed it)", async () => {
  await withDouble({}, async (d) => {
    const { fast } = clients(d, 'developer');
    const repo = d.repositoryByPath(MY_ROOT)!;
    d.resetLog();
    const e = await fast.deleteRepository(MY, repo.id).then(() => undefined, (err) => err);
    assert.equal(e?.status, 403);
    assert.equal(d.repository(repo.id)!.status, null);
    assert.equal(graphqlPosts(d), 0);
  });
});

test('deleteTags with the rate-limit window nearly spent packs several mutations per request: no 429, every tag goes', async () => {
  // GitLab.com's 2,000 requests/minute with 1,980 already counted: 1 + 50 single-mutation requests would not fit.
  await withDouble({ scenario: 'large', rateLimit: { perMinute: 2000, prefill: 1980 } }, async (d) => {
    const { fast } = clients(d, 'owner', { concurrency: 8 });
    const repo = d.repositoryByPath('org-01/service-001/big')!;
    const names = repo.tags.map((t) => t.name).filter((n) => n !== 'latest').slice(0, 1000);
    const before = repo.tags.length;
    d.resetLog();
    const report = await fast.deleteTags('org-01/service-001', repo.id, names);
    assert.deepEqual(report.failed, []);
    assert.equal(report.deleted.length, 1000);
    assert.equal(d.requests.filter((r) => r.status === 429).length, 0, 'never throttled');
    assert.ok(d.requests.length <= 20, `${d.requests.length} requests fit the 20 left in the window`);
    const left = new Set(d.repository(repo.id)!.tags.map((t) => t.name));
    assert.ok(names.every((n) => !left.has(n)));
    assert.equal(left.size, before - 1000, 'nothing else went');
  });
});

test('listTagDetails of a large repository walks both ends and still returns every tag exactly once', async () => {
  await withDouble({ scenario: 'large' }, async (d) => {
    const { rest, fast } = clients(d, 'owner', { concurrency: 8 });
    const repo = d.repositoryByPath('org-01/service-001/big')!;
    d.resetLog();
    const got = await fast.listTagDetails('org-01/service-001', repo.id);
    assert.equal(graphqlPosts(d), Math.ceil(repo.tags.length / 20), 'the two chains together ask each page once');
    assert.deepEqual(toSeconds(restShape(got)), toSeconds(await rest.listTagDetails('org-01/service-001', repo.id)));
  });
});

test('GraphQL failing with 500 after its retries: the call is served by REST (not remembered)', async () => {
  await withDouble({}, async (d) => {
    const { rest, fast } = clients(d, 'owner');
    const repo = d.repositoryByPath(BUILDER)!;
    d.injectFault({ path: GRAPHQL_PATH, status: 500, times: 100 });
    const got = await fast.listTagDetails(BUILDER, repo.id);
    assert.deepEqual(got, await rest.listTagDetails(BUILDER, repo.id));
    assert.equal((fast as FastPathApi).disabledReason('tagDetails'), undefined);
    d.clearFaults();
    d.resetLog();
    await fast.listTagDetails(BUILDER, repo.id);
    assert.ok(graphqlPosts(d) > 0, 'GraphQL is tried again once it recovers');
  });
});

// --- newest first, sorted by the registry ------------------------------------------------------------------------

test('listTagsNewestFirst: pages of 20 in the registry\'s date order (metadata database); REST and legacy registries give undefined, remembered', async () => {
  // 45 tags, tag t<i> pushed i days ago: newest first is t00, t01, …
  const tags = Array.from({ length: 45 }, (_, i) => ({ name: `t${String(i).padStart(2, '0')}`, ageDays: i }));
  const shuffled = [...tags].sort((x, y) => (x.name.split('').reverse().join('') < y.name.split('').reverse().join('') ? -1 : 1));
  await withDouble({}, async (d) => {
    const repo = d.addRepository(d.repositoryByPath(BUILDER)!.project_id, 'dated', shuffled);
    const { rest, fast } = clients(d, 'owner');
    assert.equal(await rest.listTagsNewestFirst(BUILDER, repo, { first: 20 }), undefined, 'REST sorts by name only');
    const first = await fast.listTagsNewestFirst(BUILDER, repo, { first: 20 });
    assert.ok(first);
    assert.deepEqual(first.tags.map((t) => t.name), tags.slice(0, 20).map((t) => t.name));
    assert.equal(first.total, 45);
    const second = await fast.listTagsNewestFirst(BUILDER, repo, { first: 20, after: first.next });
    assert.deepEqual(second?.tags.map((t) => t.name), tags.slice(20, 40).map((t) => t.name));
    const third = await fast.listTagsNewestFirst(BUILDER, repo, { first: 20, after: second?.next });
    assert.deepEqual([third?.tags.length, third?.next], [5, undefined]);
  });
  await withDouble({ legacyRegistry: true }, async (d) => {
    const repo = d.addRepository(d.repositoryByPath(BUILDER)!.project_id, 'dated', shuffled);
    const { fast } = clients(d, 'owner');
    d.resetLog();
    assert.equal(await fast.listTagsNewestFirst(BUILDER, repo, { first: 20 }), undefined, 'no publishedAt, no size: no real order');
    assert.equal(await fast.listTagsNewestFirst(BUILDER, repo, { first: 20 }), undefined);
    assert.equal(graphqlPosts(d), 1, 'the legacy registry is remembered');
  });
});

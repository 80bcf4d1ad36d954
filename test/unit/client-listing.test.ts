import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { GitLabDouble } from '../double/contract';
import type { Tag } from '../../src/core/types';
import { apiFor, caught, countingFetch, errorMessages, logLines, startDouble } from './client-support';

const MY = 'acme/platform/My.Project';
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('client: listing (small scenario)', () => {
  let double: GitLabDouble;
  before(async () => { double = await startDouble(); });
  after(async () => {
    await double.close();
    for (const text of [...logLines, ...errorMessages]) {
      for (const s of Object.values(double.tokens)) assert.ok(!text.includes(s), `a token appears in: ${text}`);
    }
  });

  test('listProjects sends the member/reporter/simple query and maps projects', async () => {
    double.resetLog();
    const page = await apiFor(double, 'owner').listProjects({});
    const paths = page.items.map((p) => p.path_with_namespace);
    assert.ok(paths.includes(MY), paths.join(','));
    const q = new URLSearchParams(double.requests[0].query);
    assert.equal(q.get('membership'), 'true');
    assert.equal(q.get('min_access_level'), '20');
    assert.equal(q.get('simple'), 'true');
    assert.equal(q.get('order_by'), 'path');
    assert.equal(q.get('per_page'), '100');
  });

  test('listProjects pages with opaque cursors until the last page', async () => {
    const api = apiFor(double, 'owner');
    const all = (await api.listProjects({})).items.map((p) => p.id);
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const page = await api.listProjects({}, { cursor, perPage: 2 });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.next;
      if (!cursor) break;
    }
    assert.equal(cursor, undefined);
    assert.deepEqual(seen, all);
  });

  test('listProjects search', async () => {
    const page = await apiFor(double, 'owner').listProjects({ search: 'builder' });
    assert.deepEqual(page.items.map((p) => p.path_with_namespace), ['acme/platform/tools/builder']);
  });

  test('listGroups (top level) and listGroupProjects (with subgroups)', async () => {
    const api = apiFor(double, 'owner');
    const top = await api.listGroups({ topLevelOnly: true });
    assert.deepEqual(top.items.map((g) => g.full_path).sort(), ['acme', 'globex', 'oss']);
    const projects = await api.listGroupProjects('acme', {});
    const paths = projects.items.map((p) => p.path_with_namespace);
    assert.ok(paths.includes(MY) && paths.includes('acme/platform/tools/builder'), paths.join(','));
  });

  test('the tree\'s nesting: listGroups by path, listSubgroups and listGroupProjects (directOnly) of one level', async () => {
    const api = apiFor(double, 'owner');
    double.resetLog();
    assert.deepEqual((await api.listGroups({ topLevelOnly: true })).items.map((g) => g.full_path), ['acme', 'globex', 'oss'], 'in path order as sent');
    assert.match(double.requests[0].query, /order_by=path/);
    assert.deepEqual((await api.listSubgroups('acme')).items.map((g) => g.full_path), ['acme/platform']);
    assert.deepEqual((await api.listSubgroups('acme/platform')).items.map((g) => g.full_path), ['acme/platform/tools']);
    assert.deepEqual((await api.listSubgroups('acme/platform/tools')).items, []);
    assert.deepEqual((await api.listGroupProjects('acme', { directOnly: true, minAccessLevel: 20 })).items.map((p) => p.path_with_namespace),
      ['acme/docs', 'acme/website']);
    assert.deepEqual((await api.listGroupProjects('acme/platform', { directOnly: true })).items.map((p) => p.path_with_namespace), [MY]);
  });

  test('repositories of a project (path with a dot and capitals) and of a group', async () => {
    double.resetLog();
    const api = apiFor(double, 'reporter');
    const repos = await api.listProjectRepositories(MY);
    assert.deepEqual(repos.items.map((r) => r.name), ['', 'api', 'tools/cli']);
    assert.equal(repos.items[0].tags_count, 8);
    assert.equal(repos.items[0].path, 'acme/platform/my.project');
    assert.match(double.requests[0].path, /\/projects\/acme%2Fplatform%2FMy\.Project\/registry\/repositories$/i);
    const group = await api.listGroupRepositories('acme');
    assert.ok(group.items.length >= 6);
  });

  test('getRepository with tags count and size', async () => {
    const repo = await apiFor(double, 'owner').getRepository(1, { tagsCount: true, size: true });
    assert.equal(repo.tags_count, 8);
    assert.equal(typeof repo.size, 'number');
    assert.match(repo.created_at ?? '', ISO_MS);
  });

  test('listAllTags uses keyset and returns names in code-point order', async () => {
    double.resetLog();
    const tags = await apiFor(double, 'reporter', { perPage: 3 }).listAllTags(MY, 1);
    const names = tags.map((t: Tag) => t.name);
    assert.equal(names.length, 8);
    assert.deepEqual(names, [...names].sort());
    assert.ok(double.requests.every((r) => r.query.includes('pagination=keyset')), 'keyset throughout');
    assert.equal(double.requests.length, 3);
  });

  test('tag details: ISO timestamps with ms, numeric sizes, 404 Tag Not Found kept', async () => {
    const api = apiFor(double, 'reporter');
    const d = await api.getTagDetails(MY, 1, 'v1.2.2');
    assert.match(d.created_at ?? '', ISO_MS);
    assert.equal(typeof d.total_size, 'number');
    assert.match(d.digest ?? '', /^sha256:/);
    const noTime = await api.getTagDetails(MY, 1, 'feature-login');
    assert.equal(noTime.created_at, null);
    const e = await caught(api.getTagDetails(MY, 1, 'nope'));
    assert.equal(e.kind, 'not_found');
    assert.equal(e.message, '404 Tag Not Found');
  });

  test('listTagDetails respects the concurrency bound and runs in parallel', async () => {
    const latent = await startDouble({ latencyMs: 25 });
    try {
      const counter = countingFetch();
      const api = apiFor(latent, 'reporter', { concurrency: 3, fetch: counter.fetch });
      const details = await api.listTagDetails('acme/platform/tools/builder', 4);
      assert.equal(details.length, 30);
      assert.deepEqual(details.map((d) => d.name), details.map((d) => d.name).sort());
      assert.equal(counter.peak(), 3, `peak in flight ${counter.peak()}`);
    } finally { await latent.close(); }
  });

  test('cleanup policy read and update; invalid values keep GitLab message', async () => {
    const api = apiFor(double, 'maintainer');
    const policy = await api.getCleanupPolicy(MY);
    assert.equal(policy?.cadence, '7d');
    assert.equal(policy?.enabled, true);
    const updated = await api.updateCleanupPolicy(MY, { cadence: '14d', keep_n: 25 });
    assert.equal(updated.cadence, '14d');
    assert.equal(updated.keep_n, 25);
    assert.match(updated.next_run_at ?? '', ISO_MS);
    const e = await caught(api.updateCleanupPolicy(MY, { cadence: 'weekly' }));
    assert.equal(e.kind, 'bad_request');
    assert.match(e.message, /^400 .*cadence/);
  });

  test('tag protection rules', async () => {
    const rules = await apiFor(double, 'maintainer').listTagProtectionRules(MY);
    assert.equal(rules.length, 1);
    assert.equal(rules[0].minimum_access_level_for_delete, 'maintainer');
  });

  test('503 from the registry helper → registry_unavailable after bounded retries', async () => {
    double.resetLog();
    double.injectFault({ path: /\/registry\/repositories$/, status: 503, times: 10 });
    const e = await caught(apiFor(double, 'reporter', { maxRetries: 2 }).listProjectRepositories(MY));
    double.clearFaults();
    assert.equal(e.kind, 'registry_unavailable');
    assert.equal(double.requests.length, 3);
  });

  test('N×503 then success', async () => {
    double.injectFault({ path: /\/registry\/repositories$/, status: 503, times: 2 });
    const page = await apiFor(double, 'reporter').listProjectRepositories(MY);
    assert.equal(page.items.length, 3);
  });

  test('connection reset on a GET is retried', async () => {
    double.resetLog();
    double.injectFault({ path: /\/registry\/repositories$/, reset: true, times: 1 });
    const page = await apiFor(double, 'reporter').listProjectRepositories(MY);
    assert.equal(page.items.length, 3);
  });

  test('a slow answer times out, is retried, and the bound holds', async () => {
    double.injectFault({ path: /\/registry\/repositories$/, delayMs: 400, times: 1 });
    const page = await apiFor(double, 'reporter', { timeoutMs: 150 }).listProjectRepositories(MY);
    assert.equal(page.items.length, 3);
    double.injectFault({ path: /\/registry\/repositories$/, delayMs: 400, times: 5 });
    const e = await caught(apiFor(double, 'reporter', { timeoutMs: 100, maxRetries: 1 }).listProjectRepositories(MY));
    double.clearFaults();
    assert.equal(e.kind, 'timeout');
  });

  test('429 Retry-After is honoured: no request before it elapses', async () => {
    double.resetLog();
    double.injectFault({ path: /\/registry\/repositories$/, status: 429, body: 'Retry later', headers: { 'Retry-After': '1' }, times: 1 });
    await apiFor(double, 'reporter').listProjectRepositories(MY);
    const [first, second] = double.requests;
    assert.equal(first.status, 429);
    assert.equal(second.status, 200);
    assert.ok(second.start - first.end >= 990, `retried after ${second.start - first.end} ms`);
  });
});

describe('client: GitLab behind a proxy writing an internal host into Link', () => {
  test('offset and keyset pages are requested on the instance origin only', async () => {
    const double = await startDouble({ linkOrigin: 'http://gitlab.internal:8080' });
    try {
      const counter = countingFetch();
      const api = apiFor(double, 'owner', { perPage: 2, fetch: counter.fetch });
      const all: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await api.listProjects({}, { cursor });
        all.push(...page.items.map((p) => p.path_with_namespace));
        cursor = page.next;
        if (!cursor) break;
        assert.ok(cursor.startsWith('/projects?'), cursor);
      }
      assert.ok(all.length > 2 && all.includes(MY));
      const tags = await api.listAllTags(MY, 1);
      assert.equal(tags.length, 8);
      assert.equal(counter.count(), double.requests.length, 'every request reached the double (none went to gitlab.internal)');
    } finally { await double.close(); }
  });
});

describe('client: keyset fallback and 10,000+ tags (large scenario)', () => {
  test('keyset over 10,050 tags', async () => {
    const double = await startDouble({ scenario: 'large' });
    try {
      const api = apiFor(double, 'owner');
      const repos = await api.listProjectRepositories(1);
      const huge = repos.items.find((r) => r.name === 'huge');
      assert.ok(huge);
      const tags = await api.listAllTags(1, huge.id);
      assert.equal(tags.length, 10_050);
      assert.equal(new Set(tags.map((t) => t.name)).size, 10_050);
      assert.equal(tags[0].name, 'build-00001');
      assert.equal(tags[tags.length - 1].name, 'latest');
    } finally { await double.close(); }
  });

  test('legacy registry: 405 on keyset → offset without totals, remembered per client', async () => {
    const double = await startDouble({ scenario: 'large', legacyRegistry: true });
    try {
      const api = apiFor(double, 'owner');
      const repos = await api.listProjectRepositories(1);
      const huge = repos.items.find((r) => r.name === 'huge');
      assert.ok(huge);
      double.resetLog();
      const first = await api.listTags(1, huge.id);
      assert.equal(first.total, undefined, 'no X-Total at 10,000+');
      assert.ok(first.next);
      assert.equal(double.requests[0].status, 405);
      double.resetLog();
      const tags = await api.listAllTags(1, huge.id);
      assert.equal(tags.length, 10_050);
      assert.ok(double.requests.every((r) => !r.query.includes('pagination=keyset')), 'fallback remembered');
      assert.equal(double.requests.length, 101);
      const rules = await api.listTagProtectionRules(1);
      assert.deepEqual(rules, []);
    } finally { await double.close(); }
  });
});

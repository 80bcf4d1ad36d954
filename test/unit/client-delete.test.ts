import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { GitLabDouble } from '../double/contract';
import { apiFor, caught, countingFetch, errorMessages, logLines, startDouble } from './client-support';

const MY = 'acme/platform/My.Project';
const BUILDER = 'acme/platform/tools/builder';
const BUILDER_REPO = 4;

const tagNames = (double: GitLabDouble, repoId: number) => (double.repository(repoId)?.tags ?? []).map((t) => t.name);
const deletes = (double: GitLabDouble) => double.requests.filter((r) => r.method === 'DELETE');

describe('client: deleting tags', () => {
  let double: GitLabDouble;
  beforeEach(async () => { double = await startDouble(); });
  after(() => {
    for (const text of [...logLines, ...errorMessages]) assert.ok(!/glpat-double|glcbt-double/.test(text), `a token appears in: ${text}`);
  });

  test('deletes exactly the named tag; siblings sharing the digest stay', async () => {
    try {
      const before = double.repository(1)?.tags.find((t) => t.name === 'latest')?.digest;
      const report = await apiFor(double, 'developer').deleteTags(MY, 1, ['main']);
      assert.deepEqual(report, { deleted: ['main'], failed: [] });
      const names = tagNames(double, 1);
      assert.ok(!names.includes('main'));
      assert.ok(names.includes('latest') && names.includes('v1.2.3'));
      assert.equal(double.repository(1)?.tags.find((t) => t.name === 'latest')?.digest, before);
    } finally { await double.close(); }
  });

  test('missing names are reported 404 and never sent', async () => {
    try {
      double.resetLog();
      const report = await apiFor(double, 'developer').deleteTags(BUILDER, BUILDER_REPO, ['feature-alpha', 'no-such-tag', 'feature-alpha']);
      assert.deepEqual(report.deleted, ['feature-alpha']);
      assert.deepEqual(report.failed, [{ tag: 'no-such-tag', error: '404 Tag Not Found', status: 404 }]);
      assert.equal(report.notAttempted, undefined);
      const sent = deletes(double);
      assert.equal(sent.length, 1);
      assert.match(sent[0].path, /\/tags\/feature-alpha$/);
    } finally { await double.close(); }
  });

  test('protected tags fail with GitLab message; the rest go through', async () => {
    try {
      const report = await apiFor(double, 'developer').deleteTags(MY, 1, ['v1.2.3', 'dev-0001']);
      assert.deepEqual(report.deleted, ['dev-0001']);
      assert.deepEqual(report.failed, [{ tag: 'v1.2.3', error: '403 Forbidden - cannot delete protected tag(s)', status: 403 }]);
      assert.ok(tagNames(double, 1).includes('v1.2.3'));
    } finally { await double.close(); }
  });

  test('reset after processing, then 404 on the retry → reported deleted', async () => {
    try {
      double.resetLog();
      double.injectFault({ method: 'DELETE', path: /\/tags\/feature-beta$/, resetAfterProcessing: true, times: 1 });
      const report = await apiFor(double, 'developer').deleteTags(BUILDER, BUILDER_REPO, ['feature-beta']);
      assert.deepEqual(report, { deleted: ['feature-beta'], failed: [] });
      assert.ok(!tagNames(double, BUILDER_REPO).includes('feature-beta'));
      assert.equal(deletes(double).length, 2, 'the delete was retried');
    } finally { await double.close(); }
  });

  test('N×503 then success, and the retry bound', async () => {
    try {
      double.injectFault({ method: 'DELETE', path: /\/tags\/feature-gamma$/, status: 503, times: 2 });
      double.injectFault({ method: 'DELETE', path: /\/tags\/feature-delta$/, status: 503, times: 50 });
      double.resetLog();
      const report = await apiFor(double, 'developer', { maxRetries: 3 }).deleteTags(BUILDER, BUILDER_REPO, ['feature-gamma', 'feature-delta']);
      assert.deepEqual(report.deleted, ['feature-gamma']);
      assert.equal(report.failed.length, 1);
      assert.equal(report.failed[0].tag, 'feature-delta');
      assert.equal(report.failed[0].status, 503);
      assert.match(report.failed[0].error, /^503 /);
      assert.equal(deletes(double).filter((r) => r.path.endsWith('feature-delta')).length, 4);
      assert.ok(tagNames(double, BUILDER_REPO).includes('feature-delta'));
    } finally { await double.close(); }
  });

  test('a timed-out delete is retried and the report is true', async () => {
    try {
      double.injectFault({ method: 'DELETE', path: /\/tags\/feature-epsilon$/, delayMs: 500, times: 1 });
      const report = await apiFor(double, 'developer', { timeoutMs: 150 }).deleteTags(BUILDER, BUILDER_REPO, ['feature-epsilon']);
      assert.deepEqual(report, { deleted: ['feature-epsilon'], failed: [] });
      assert.ok(!tagNames(double, BUILDER_REPO).includes('feature-epsilon'));
    } finally { await double.close(); }
  });

  test('deletes run with bounded concurrency', async () => {
    await double.close();
    double = await startDouble({ latencyMs: 20 });
    try {
      const counter = countingFetch();
      const names = tagNames(double, BUILDER_REPO).filter((n) => n.startsWith('main-') || n.startsWith('feature-'));
      const report = await apiFor(double, 'developer', { concurrency: 4, fetch: counter.fetch }).deleteTags(BUILDER, BUILDER_REPO, names);
      assert.equal(report.deleted.length, names.length);
      assert.equal(counter.peak(), 4);
    } finally { await double.close(); }
  });

  test('abort mid-way: in-flight deletes finish, the rest are not attempted, report is true', async () => {
    await double.close();
    double = await startDouble({ latencyMs: 30 });
    try {
      const names = tagNames(double, BUILDER_REPO).filter((n) => n !== 'latest');
      const controller = new AbortController();
      const progress: number[] = [];
      const report = await apiFor(double, 'developer', { concurrency: 2 }).deleteTags(BUILDER, BUILDER_REPO, names, {
        signal: controller.signal,
        onProgress: (done) => { progress.push(done); if (done === 3) controller.abort(); },
      });
      const remaining = new Set(tagNames(double, BUILDER_REPO));
      assert.ok(report.deleted.length >= 3 && report.deleted.length <= 5, `deleted ${report.deleted.length}`);
      assert.equal(report.failed.length, 0);
      assert.ok(report.notAttempted && report.notAttempted.length > 0);
      assert.equal(report.deleted.length + (report.notAttempted?.length ?? 0), names.length);
      for (const n of report.deleted) assert.ok(!remaining.has(n), `${n} reported deleted but still there`);
      for (const n of report.notAttempted ?? []) assert.ok(remaining.has(n), `${n} reported not attempted but gone`);
      assert.equal(deletes(double).length, report.deleted.length);
    } finally { await double.close(); }
  });

  test('aborted before anything: all not attempted, no DELETE sent', async () => {
    try {
      const controller = new AbortController();
      controller.abort();
      double.resetLog();
      const report = await apiFor(double, 'developer').deleteTags(BUILDER, BUILDER_REPO, ['feature-zeta', 'feature-eta'], { signal: controller.signal });
      assert.deepEqual(report, { deleted: [], failed: [], notAttempted: ['feature-zeta', 'feature-eta'] });
      assert.equal(deletes(double).length, 0);
    } finally { await double.close(); }
  });

  test('a job token works through /projects/:id/registry/... only', async () => {
    try {
      double.resetLog();
      const api = apiFor(double, 'job');
      const repos = await api.listProjectRepositories(MY);
      const root = repos.items.find((r) => r.name === '');
      assert.ok(root);
      const tags = await api.listAllTags(MY, root.id);
      assert.ok(tags.length > 0);
      const report = await api.deleteTags(MY, root.id, ['dev-0002']);
      assert.deepEqual(report, { deleted: ['dev-0002'], failed: [] });
      assert.ok(double.requests.length > 0);
      for (const r of double.requests) {
        assert.equal(r.auth, 'job');
        assert.match(r.path, /^\/api\/v4\/projects\/[^/]+\/registry\//);
      }
    } finally { await double.close(); }
  });
});

describe('client: repository deletion and bulk delete', () => {
  let double: GitLabDouble;
  before(async () => { double = await startDouble(); });
  after(async () => { await double.close(); });

  test('deleteRepository → delete_scheduled, later deleted', async () => {
    const api = apiFor(double, 'maintainer');
    const r = await api.deleteRepository(MY, 3);
    assert.deepEqual(r, { id: 3, status: 'delete_scheduled' });
    double.advanceRepositoryDeletions();
    double.advanceRepositoryDeletions();
    double.advanceRepositoryDeletions();
    const e = await caught(api.getRepository(3));
    assert.equal(e.kind, 'not_found');
  });

  test('deleteRepository reports deleted when the re-read finds nothing', async () => {
    double.injectFault({ method: 'DELETE', path: /\/registry\/repositories\/2$/, status: 202, body: '', times: 1 });
    double.injectFault({ method: 'GET', path: /^\/api\/v4\/registry\/repositories\/2$/, status: 404, times: 1 });
    assert.deepEqual(await apiFor(double, 'maintainer').deleteRepository(MY, 2), { id: 2, status: 'deleted' });
  });

  test('deleteRepository with a job token re-reads through the project list only', async () => {
    double.resetLog();
    double.injectFault({ method: 'DELETE', path: /\/registry\/repositories\/2$/, status: 202, body: '', times: 1 });
    const r = await apiFor(double, 'job').deleteRepository(MY, 2);
    assert.deepEqual(r, { id: 2, status: 'delete_scheduled' });
    for (const req of double.requests) assert.match(req.path, /^\/api\/v4\/projects\/[^/]+\/registry\//);
  });

  test('deleteRepository protected → protected kind', async () => {
    // Tag protection + tags present + developer role below the rule → GitLab refuses the repository delete.
    const e = await caught(apiFor(double, 'developer').deleteRepository(MY, 1));
    assert.ok(e.kind === 'forbidden' || e.kind === 'protected', e.kind);
  });

  test('scheduleBulkDelete → 202; second within the hour → bulk_rate_limited', async () => {
    const api = apiFor(double, 'maintainer');
    await api.scheduleBulkDelete(BUILDER, BUILDER_REPO, { name_regex_delete: 'feature-.*', keep_n: 2 });
    const e = await caught(api.scheduleBulkDelete(BUILDER, BUILDER_REPO, { name_regex_delete: '.*' }));
    assert.equal(e.kind, 'bulk_rate_limited');
    assert.match(e.message, /at most once an hour/);
    await double.runBulkJobs();
    const left = tagNames(double, BUILDER_REPO).filter((n) => n.startsWith('feature-'));
    assert.equal(left.length, 2);
  });

  test('scheduleBulkDelete: invalid regex keeps Grape error; not retried', async () => {
    double.resetLog();
    const e = await caught(apiFor(double, 'maintainer').scheduleBulkDelete(MY, 2, { name_regex_delete: '(' }));
    assert.equal(e.kind, 'bad_request');
    assert.equal(e.message, '400 name_regex_delete is an invalid regexp');
    assert.equal(double.requests.length, 1);
  });

  test('bulk delete by a developer → forbidden', async () => {
    const e = await caught(apiFor(double, 'developer').scheduleBulkDelete(MY, 2, { name_regex_delete: '.*' }));
    assert.equal(e.kind, 'forbidden');
  });
});

// Three truths per deleted tag, and writes that are never sent twice (issue 11 items 5 and 6): a delete
// whose answer was lost is looked at again; when that look fails too, the report says "outcome unknown",
// never "failed" for a tag GitLab may have deleted. Repository deletion and bulk scheduling read back or
// say "may have been scheduled". Also: one HttpClient per account, so a 429 pause slows REST and GraphQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import nodeFetch from 'node-fetch';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { DoubleOptions, GitLabDouble } from '../double/contract';
import { GRAPHQL_PATH } from '../double/graphql';
import { createRegistryApi } from '../../src/core/client';
import { GitLabError } from '../../src/core/errors';
import type { FetchFn } from '../../src/core/http';
import { RestRegistryApi } from '../../src/core/restClient';

const T0 = Date.parse('2025-06-01T12:00:00.000Z');
const MY = 'acme/platform/My.Project';
const MY_ROOT = 'acme/platform/my.project';

async function withDouble(opts: DoubleOptions, fn: (d: GitLabDouble) => Promise<void>): Promise<void> {
  const d = await startGitLabDouble({ repositoryDeletionStepMs: 0, bulkJobDelayMs: 0, now: () => T0, ...opts });
  try {
    await fn(d);
  } finally {
    await d.close();
  }
}

const fast = (d: GitLabDouble, extra: { fetch?: FetchFn } = {}) => createRegistryApi({
  baseUrl: d.url, credential: { kind: 'private', value: d.tokens.owner }, concurrency: 1, retryBaseMs: 1, retryMaxDelayMs: 2, ...extra,
});
const rest = (d: GitLabDouble) => new RestRegistryApi({
  baseUrl: d.url, credential: { kind: 'private', value: d.tokens.owner }, maxRetries: 0, retryBaseMs: 1, retryMaxDelayMs: 2,
});
const tagsOf = (d: GitLabDouble, id: number) => new Set(d.repository(id)!.tags.map((t) => t.name));
const deletesSent = (d: GitLabDouble) => d.requests.filter((r) => r.method === 'DELETE').length;

test('fast path: a lost mutation answer plus a failed look afterwards is "outcome unknown", never "failed"; confirmed ones stay deleted', async () => {
  await withDouble({}, async (d) => {
    const repo = d.repositoryByPath(MY_ROOT)!;
    const names = Array.from({ length: 130 }, (_, i) => `ci-${String(i).padStart(3, '0')}`);
    d.addTags(repo.id, names.map((name) => ({ name })));
    // One slot: two requests of 65 names. The second runs, but its answer is lost; every later look is refused.
    d.injectFault({ method: 'POST', path: GRAPHQL_PATH, skip: 1, resetAfterProcessing: true, times: 1 });
    d.injectFault({ method: 'GET', path: /\/registry\/repositories\/\d+\/tags$/, status: 403, times: 100 });
    d.injectFault({ method: 'GET', path: /^\/api\/v4\/registry\/repositories\/\d+$/, skip: 1, status: 403, times: 100 });
    const report = await fast(d).deleteTags(MY, repo.id, names);
    assert.deepEqual(report.deleted, names.slice(0, 65));
    assert.deepEqual(report.failed.map((f) => [f.tag, f.outcome]), names.slice(65).map((n) => [n, 'unknown']));
    for (const f of report.failed) assert.match(f.error, /may have been deleted/);
    assert.equal(report.notAttempted, undefined);
    const left = tagsOf(d, repo.id);
    assert.ok(names.every((n) => !left.has(n)), 'GitLab did delete them: "failed" would have been false');
    assert.equal(deletesSent(d), 0, 'nothing was re-sent over REST');
  });
});

test('REST: a lost DELETE answer plus a failed look is "outcome unknown"; a lost answer for a tag still there stays plainly failed', async () => {
  await withDouble({}, async (d) => {
    const repo = d.repositoryByPath(MY_ROOT)!;
    d.injectFault({ method: 'DELETE', path: /\/tags\/dev-0001$/, resetAfterProcessing: true, times: 1 });
    d.injectFault({ method: 'GET', path: /\/tags\/dev-0001$/, status: 500, times: 1 });
    d.injectFault({ method: 'DELETE', path: /\/tags\/main$/, reset: true, times: 1 });
    const report = await rest(d).deleteTags(MY, repo.id, ['dev-0001', 'dev-0002', 'main']);
    assert.deepEqual(report.deleted, ['dev-0002']);
    assert.deepEqual(report.failed.map((f) => [f.tag, f.outcome]), [['dev-0001', 'unknown'], ['main', undefined]]);
    assert.match(report.failed[0].error, /may have been deleted/);
    const left = tagsOf(d, repo.id);
    assert.ok(!left.has('dev-0001'), 'dev-0001 is gone: it must not be called failed');
    assert.ok(left.has('main'), 'main is still there: confirmed failed');
  });
});

test('deleteRepository: a lost answer is settled by reading back (delete_scheduled), never by sending again', async () => {
  await withDouble({}, async (d) => {
    const repo = d.repositoryByPath(MY_ROOT)!;
    d.injectFault({ method: 'DELETE', path: /\/registry\/repositories\/\d+$/, resetAfterProcessing: true, times: 1 });
    d.resetLog();
    assert.deepEqual(await fast(d).deleteRepository(MY, repo.id), { id: repo.id, status: 'delete_scheduled' });
    assert.equal(deletesSent(d), 1);
  });
});

test('deleteRepository: lost answer and a failed read-back → outcomeUnknown "may have been scheduled"; not taken → the plain error', async () => {
  await withDouble({}, async (d) => {
    const repo = d.repositoryByPath(MY_ROOT)!;
    d.injectFault({ method: 'DELETE', path: /\/registry\/repositories\/\d+$/, resetAfterProcessing: true, times: 1 });
    d.injectFault({ method: 'GET', path: /^\/api\/v4\/registry\/repositories\/\d+$/, status: 500, times: 100 });
    d.resetLog();
    const e = await fast(d).deleteRepository(MY, repo.id).then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof GitLabError);
    assert.equal(e.details.outcomeUnknown, true);
    assert.match(e.message, /may have been scheduled for deletion/);
    assert.equal(deletesSent(d), 1);
    assert.equal(d.repository(repo.id)!.status, 'delete_scheduled');
    d.clearFaults();

    const other = d.repositoryByPath(`${MY_ROOT}/api`)!;
    d.injectFault({ method: 'DELETE', path: /\/registry\/repositories\/\d+$/, reset: true, times: 1 });
    const plain = await fast(d).deleteRepository(MY, other.id).then(() => undefined, (err: unknown) => err);
    assert.ok(plain instanceof GitLabError);
    assert.equal(plain.details.outcomeUnknown, undefined, 'read back untouched: GitLab did not take it');
    assert.equal(d.repository(other.id)!.status, null);
  });
});

test('scheduleBulkDelete answered 502: sent once, outcomeUnknown "may have been scheduled"', async () => {
  await withDouble({}, async (d) => {
    const repo = d.repositoryByPath(MY_ROOT)!;
    d.injectFault({ method: 'DELETE', path: /\/registry\/repositories\/\d+\/tags$/, status: 502, times: 5 });
    d.resetLog();
    const e = await fast(d).scheduleBulkDelete(MY, repo.id, { name_regex_delete: 'dev-.*' }).then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof GitLabError);
    assert.equal(e.details.outcomeUnknown, true);
    assert.match(e.message, /^502 .*may have been scheduled; not sent again$/);
    assert.equal(deletesSent(d), 1);
  });
});

test('one HttpClient per account: a 429 pause learned over REST holds the next GraphQL request too', async () => {
  await withDouble({}, async (d) => {
    const sent: Array<{ at: number; url: string }> = [];
    let paused = 0;
    let got429!: () => void;
    const seen429 = new Promise<void>((resolve) => { got429 = resolve; });
    const fetch: FetchFn = async (url, init) => {
      sent.push({ at: Date.now(), url });
      const res = await nodeFetch(url, init);
      if (res.status === 429) {
        paused = Date.now();
        got429();
      }
      return res;
    };
    d.injectFault({ method: 'GET', path: /^\/api\/v4\/projects$/, status: 429, headers: { 'Retry-After': '1' }, times: 1 });
    const api = fast(d, { fetch });
    const listing = api.listProjects({});
    await seen429;
    await new Promise((resolve) => setTimeout(resolve, 50)); // the REST client has read the 429 by now
    await api.listProjectRepositories(MY); // GraphQL
    await listing;
    const post = sent.find((s) => s.url.endsWith('/api/graphql'));
    assert.ok(post, 'the repositories were read over GraphQL');
    assert.ok(post.at - paused >= 900, `GraphQL waited ${post.at - paused} ms of the 1 s Retry-After`);
  });
});

test('updateCleanupPolicy: a lost answer is settled by reading the policy back; a failed read says "may have been applied"', async () => {
  await withDouble({}, async (d) => {
    d.injectFault({ method: 'PUT', path: /^\/api\/v4\/projects\/[^/]+$/, resetAfterProcessing: true, times: 1 });
    d.resetLog();
    const policy = await fast(d).updateCleanupPolicy(MY, { enabled: true, keep_n: 5 });
    assert.deepEqual([policy.enabled, policy.keep_n], [true, 5]);
    assert.equal(d.requests.filter((r) => r.method === 'PUT').length, 1);

    d.injectFault({ method: 'PUT', path: /^\/api\/v4\/projects\/[^/]+$/, resetAfterProcessing: true, times: 1 });
    d.injectFault({ method: 'GET', path: /^\/api\/v4\/projects\/[^/]+$/, status: 500, times: 100 });
    const e = await fast(d).updateCleanupPolicy(MY, { keep_n: 10 }).then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof GitLabError);
    assert.equal(e.details.outcomeUnknown, true);
    assert.match(e.message, /the policy change may have been applied/);
  });
});

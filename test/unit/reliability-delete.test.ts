// Reliability of deletion and listing through the core client, against the GitLab double's seeded random
// fault mode: ~10 % of requests fail (500, 502 HTML page, 503, resets before/after processing, hung
// requests, 429 bursts). The run must delete exactly the selected tags, keep every sibling sharing their
// digests, report the truth per tag, and never crash. Cancelling stops new deletes at once.
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import nodeFetch from 'node-fetch';
import { startGitLabDouble } from '../double/gitlabDouble';
import { BIG, assertTrueReport, build, seedBigSelection } from '../support/bigSelection';
import type { GitLabDouble, RandomFaults } from '../double/contract';
import type { FetchFn } from '../../src/core/http';
import { GitLabError } from '../../src/core/errors';
import { RestClientOptions, RestRegistryApi } from '../../src/core/restClient';
import type { DeleteReport, Logger } from '../../src/core/types';

const PROJECT = 'org-01/service-001';
const CANARY = 'glpat-SECRET-canary-reliability-7f3a9c';

const captured: string[] = [];
const log: Logger = {
  debug: (m) => captured.push(m), info: (m) => captured.push(m), warn: (m) => captured.push(m), error: (m) => captured.push(m),
};

let double: GitLabDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
  for (const line of captured) assert.ok(!line.includes(CANARY), `token in a log line: ${line}`);
});

/** The large scenario with the big repository's 1,000-name selection (test/support/bigSelection.ts). */
async function bigDouble(extra: { randomFaults?: RandomFaults; latencyMs?: number } = {}): Promise<{ d: GitLabDouble; selected: string[] }> {
  const d = await startGitLabDouble({ scenario: 'large', ...extra });
  double = d;
  d.addToken(CANARY, 'owner');
  return { d, selected: seedBigSelection(d) };
}

function client(d: GitLabDouble, extra: Partial<RestClientOptions> = {}): RestRegistryApi {
  return new RestRegistryApi({
    baseUrl: d.url, credential: { kind: 'private', value: CANARY }, log, concurrency: 8,
    retryBaseMs: 10, retryMaxDelayMs: 40, timeoutMs: 1000, ...extra,
  });
}


describe('reliability: deleting 1,000 tags under random faults', () => {
  test('exactly the selected tags go, siblings stay, the per-tag report is true', async () => {
    const { d, selected } = await bigDouble({
      randomFaults: { rate: 0.1, seed: 4242, hangMs: 1500, retryAfterSeconds: 1 },
    });
    const before = d.repository(BIG)!.tags;
    const errors: unknown[] = [];
    let report: DeleteReport | undefined;
    try {
      report = await client(d, { maxRetries: 8 }).deleteTags(PROJECT, BIG, selected);
    } catch (e) {
      errors.push(e);
    }
    assert.deepEqual(errors, [], 'deleteTags never throws for per-tag failures');
    const after = d.repository(BIG)!.tags;
    assertTrueReport(report!, selected, before, after);
    // With 9 attempts per request the faults are all absorbed: every selected tag is gone.
    assert.deepEqual(report!.failed, []);
    assert.equal(report!.deleted.length, 1000);
    const kinds = new Set(d.requests.filter((r) => r.fault).map((r) => r.fault));
    for (const k of ['500', '502', '503', 'reset', 'resetAfterProcessing', 'timeout', '429burst']) {
      assert.ok(kinds.has(`random:${k}`), `fault ${k} was exercised (seen: ${[...kinds].join(', ')})`);
    }
    // Bounded: no request storm (1,000 deletes + listing, each retried at most 8 times; in practice ~1.2×).
    const deletesSent = d.requests.filter((r) => r.method === 'DELETE').length;
    assert.ok(deletesSent >= 1000 && deletesSent < 1500, `DELETE requests sent: ${deletesSent}`);
    assert.ok(!d.requests.some((r) => /private_token|job_token|access_token/.test(r.query)), 'no token in a query string');
  });

  test('with few retries some tags fail: the failures are true (an uncertain attempt is checked, not guessed)', async () => {
    const { d, selected } = await bigDouble({
      randomFaults: { rate: 0.25, seed: 99, kinds: ['500', '502', 'reset', 'resetAfterProcessing'], methods: ['DELETE'] },
    });
    const before = d.repository(BIG)!.tags;
    const report = await client(d, { maxRetries: 1 }).deleteTags(PROJECT, BIG, selected);
    const after = d.repository(BIG)!.tags;
    assert.ok(report.failed.length > 0, 'faults beyond the retry budget give failures');
    assertTrueReport(report, selected, before, after);
    for (const f of report.failed) {
      assert.match(f.error, /^(5\d\d |The connection to 127\.0\.0\.1:\d+ was reset)/, `clear per-tag error: ${f.error}`);
      assert.ok(!f.error.includes('<html'), 'no HTML in a per-tag error');
    }
  });

  test('a delete that went through before its retries failed is reported deleted (verified), not failed', async () => {
    const { d } = await bigDouble();
    const tag = build(7);
    d.injectFault({ method: 'DELETE', path: new RegExp(`/tags/${tag}$`), resetAfterProcessing: true, times: 1 });
    d.injectFault({ method: 'DELETE', path: new RegExp(`/tags/${tag}$`), status: 502, times: 10 });
    const report = await client(d, { maxRetries: 2 }).deleteTags(PROJECT, BIG, [tag, build(9)]);
    assert.ok(!d.repository(BIG)!.tags.some((t) => t.name === tag), 'the first attempt deleted it');
    assert.deepEqual(report, { deleted: [tag, build(9)], failed: [] });
  });

  test('a tag whose every attempt failed without reaching GitLab is failed and still present', async () => {
    const { d } = await bigDouble();
    const tag = build(11);
    d.injectFault({ method: 'DELETE', path: new RegExp(`/tags/${tag}$`), status: 503, times: 10 });
    const report = await client(d, { maxRetries: 2 }).deleteTags(PROJECT, BIG, [tag]);
    assert.deepEqual(report.deleted, []);
    assert.equal(report.failed.length, 1);
    assert.equal(report.failed[0].status, 503);
    assert.ok(d.repository(BIG)!.tags.some((t) => t.name === tag));
    assert.equal(d.requests.filter((r) => r.method === 'DELETE').length, 3, 'bounded: 1 + 2 retries');
  });
});

describe('reliability: cancelling a long deletion', () => {
  test('abort stops new DELETEs at once; in-flight tags finish; the report says what was and was not deleted', async () => {
    const { d, selected } = await bigDouble({ latencyMs: 5, randomFaults: { rate: 0.1, seed: 7, hangMs: 600, methods: ['DELETE'] } });
    const before = d.repository(BIG)!.tags;
    const controller = new AbortController();
    let abortedAt = Infinity;
    const sent: Array<{ at: number; tag: string }> = [];
    const fetch: FetchFn = (url, init) => {
      if (init.method === 'DELETE') sent.push({ at: Date.now(), tag: decodeURIComponent(url.split('/').pop() ?? '') });
      return nodeFetch(url, init);
    };
    const concurrency = 6;
    const report = await client(d, { fetch, concurrency, maxRetries: 6 }).deleteTags(PROJECT, BIG, selected, {
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= 150 && !controller.signal.aborted) {
          abortedAt = Date.now();
          controller.abort();
        }
      },
    });
    assert.ok(Number.isFinite(abortedAt), 'aborted mid-run');
    const startedBefore = new Set(sent.filter((s) => s.at <= abortedAt).map((s) => s.tag));
    const afterAbort = sent.filter((s) => s.at > abortedAt);
    for (const s of afterAbort) assert.ok(startedBefore.has(s.tag), `a new tag was started after the abort: ${s.tag}`);
    assert.ok(new Set(afterAbort.map((s) => s.tag)).size <= concurrency, 'only tags in flight continue');
    // The double saw no DELETE for a tag the client had not started before the abort.
    const seen = new Set(d.requests.filter((r) => r.method === 'DELETE').map((r) => decodeURIComponent(r.path.split('/').pop()!)));
    for (const tag of seen) assert.ok(startedBefore.has(tag), `the double received a DELETE started after the abort: ${tag}`);

    assert.ok((report.notAttempted ?? []).length >= 1000 - 150 - concurrency - 10, `most tags not attempted (${report.notAttempted?.length})`);
    assertTrueReport(report, selected, before, d.repository(BIG)!.tags);
  });

  test('abort during the initial listing: nothing is deleted, everything not attempted', async () => {
    const { d, selected } = await bigDouble({ latencyMs: 30 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const report = await client(d).deleteTags(PROJECT, BIG, selected, { signal: controller.signal });
    assert.deepEqual(report.deleted, []);
    assert.equal(report.notAttempted?.length, 1000);
    assert.equal(d.requests.filter((r) => r.method === 'DELETE').length, 0);
  });
});

describe('reliability: listing under faults', () => {
  test('30 % random faults on every GET: the listing retries and still returns all 2,500+ tags', async () => {
    const { d } = await bigDouble({ randomFaults: { rate: 0.3, seed: 3, hangMs: 400, retryAfterSeconds: 0 } });
    const expected = d.repository(BIG)!.tags.map((t) => t.name);
    const tags = await client(d, { perPage: 50, timeoutMs: 250, maxRetries: 10 }).listAllTags(PROJECT, BIG);
    assert.deepEqual(tags.map((t) => t.name).sort(), [...expected].sort());
    const faulted = d.requests.filter((r) => r.fault).length;
    assert.ok(faulted > 10, `faults were injected (${faulted})`);
  });

  for (const [what, fault, kind] of [
    ['502 HTML proxy page', { status: 502, body: '<html><body><h1>502 Bad Gateway</h1>nginx</body></html>', headers: { 'Content-Type': 'text/html' } }, 'server_error'],
    ['503', { status: 503 }, 'registry_unavailable'],
    ['connection reset', { reset: true }, 'network'],
    ['hung request', { hangMs: 400 }, 'timeout'],
    ['429 without end', { status: 429, body: 'Retry later', headers: { 'Retry-After': '0' } }, 'rate_limited'],
  ] as const) {
    test(`persistent ${what}: bounded attempts (counted in the log), then a clear GitLabError naming the instance`, async () => {
      const d = await startGitLabDouble({ scenario: 'large' });
      double = d;
      d.addToken(CANARY, 'owner');
      d.injectFault({ method: 'GET', path: /\/repositories\/1\/tags$/, times: 1000, ...fault });
      const attempts: number[] = [];
      const fetch: FetchFn = (url, init) => {
        attempts.push(Date.now());
        return nodeFetch(url, init);
      };
      const err = await client(d, { maxRetries: 3, timeoutMs: 200, retryBaseMs: 40, fetch }).listAllTags(PROJECT, BIG)
        .then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof GitLabError, `a GitLabError, not ${String(err)}`);
      assert.equal(err.kind, kind);
      assert.equal(d.requests.filter((r) => r.path.endsWith('/repositories/1/tags')).length, 4, '1 attempt + 3 retries');
      const host = new URL(d.url).host;
      assert.ok(err.message.includes(host) || err.details.instance === host, 'the instance is named');
      assert.ok(!/<html|<body/i.test(err.message), `no HTML in the message: ${err.message}`);
      assert.ok(!err.message.includes(CANARY) && !String(err.stack).includes(CANARY));
      if (kind !== 'rate_limited') {
        // Backoff between attempts (lower bounds only: a sleep is never shorter than asked).
        for (let i = 1; i < attempts.length; i++) assert.ok(attempts[i] - attempts[i - 1] >= 15, `backoff before attempt ${i + 1}`);
      }
    });
  }
});

describe('the double: random faults and test-only data through the control API', () => {
  test('PUT/DELETE /__double/random-faults, POST tokens/projects/repositories/tags', async () => {
    const d = await startGitLabDouble({ scenario: 'small' });
    double = d;
    const ctl = (method: string, path: string, body?: unknown) => nodeFetch(`${d.url}/__double/${path}`, {
      method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'Content-Type': 'application/json' },
    });
    assert.equal((await ctl('POST', 'tokens', { value: CANARY, like: 'developer' })).status, 204);
    const created = await (await ctl('POST', 'projects', { namespace: 'acme', path: 'Ctl_Test-1.0' })).json() as { id: number };
    const repo = await (await ctl('POST', `projects/${created.id}/repositories`, { name: 'img', tags: [{ name: 'a' }] })).json() as { id: number };
    assert.equal((await ctl('POST', `repositories/${repo.id}/tags`, [{ name: 'b', sameImageAs: 'a' }])).status, 204);
    assert.equal((await ctl('POST', `repositories/${repo.id}/tags`, [{ name: 'bad/name' }])).status, 400);
    const tags = d.repository(repo.id)!.tags;
    assert.deepEqual(tags.map((t) => t.name), ['a', 'b']);
    assert.equal(tags[0].digest, tags[1].digest);

    assert.equal((await ctl('PUT', 'random-faults', { rate: 1, kinds: ['503'], pathPattern: '/tags$' })).status, 204);
    const c = client(d, { maxRetries: 2 });
    const e = await c.listTags('acme/Ctl_Test-1.0', repo.id).then(() => undefined, (err: unknown) => err);
    assert.ok(e instanceof GitLabError && e.kind === 'registry_unavailable');
    assert.deepEqual(d.requests.map((r) => r.fault), ['random:503', 'random:503', 'random:503']);
    assert.equal((await ctl('PUT', 'random-faults', { rate: 2 })).status, 400);
    assert.equal((await ctl('DELETE', 'random-faults')).status, 204);
    assert.deepEqual((await c.listTags('acme/Ctl_Test-1.0', repo.id)).items.map((t) => t.name), ['a', 'b']);
  });

  test('the same seed gives the same faults to a serial client', async () => {
    const faultsOf = async () => {
      const d = await startGitLabDouble({ scenario: 'small', randomFaults: { rate: 0.5, seed: 77, retryAfterSeconds: 0, hangMs: 100 } });
      try {
        const c = new RestRegistryApi({ baseUrl: d.url, credential: { kind: 'private', value: d.tokens.owner }, concurrency: 1, retryBaseMs: 1, retryMaxDelayMs: 2, timeoutMs: 80, maxRetries: 10 });
        await c.listAllTags('acme/platform/tools/builder', 4);
        return d.requests.map((r) => r.fault ?? '-');
      } finally { await d.close(); }
    };
    const first = await faultsOf();
    assert.ok(first.some((f) => f !== '-'));
    assert.deepEqual(await faultsOf(), first);
  });
});

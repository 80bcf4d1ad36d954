// glcr policy / policy set / policy preview against the GitLab double.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { CliResult, assertNoStack, errLines, glcr, parseJson } from './helpers';
import type { CleanupPolicy } from '../../src/core/types';

const P1 = 'acme/platform/My.Project';
const BUILDER = 'acme/platform/tools/builder';
const FIELDS = ['cadence', 'enabled', 'keep_n', 'older_than', 'name_regex', 'name_regex_keep', 'next_run_at'];

type Policy = CleanupPolicy;
interface Preview {
  delete: string[];
  keep: string[];
  reasons: Record<string, string>;
  warnings: string[];
}

let double: GitLabDouble | undefined;

async function fresh(opts: { graphql?: boolean } = {}): Promise<GitLabDouble> {
  double = await startGitLabDouble({ scenario: 'small', bulkJobDelayMs: 0, ...opts });
  return double;
}

/** Exactly one request: REST's PUT /projects/:id (or, when the GraphQL fast path serves, one POST /api/graphql). */
function assertOneWrite(d: GitLabDouble): void {
  assert.equal(d.requests.length, 1, JSON.stringify(d.requests.map((q) => `${q.method} ${q.path}`)));
  const q = d.requests[0];
  assert.ok(
    (q.method === 'PUT' && /^\/api\/v4\/projects\/[^/]+$/.test(q.path)) || (q.method === 'POST' && q.path === '/api/graphql'),
    `${q.method} ${q.path}`,
  );
}

async function run(d: GitLabDouble, token: keyof GitLabDouble['tokens'], args: string[]): Promise<CliResult> {
  const r = await glcr(args, { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens[token] } });
  assertNoStack(r);
  return r;
}

/** GitLab's own answer, read directly (not through the CLI). */
async function gitlabPolicy(d: GitLabDouble, project: string): Promise<Policy> {
  const res = await fetch(`${d.url}/api/v4/projects/${encodeURIComponent(project)}`, { headers: { 'PRIVATE-TOKEN': d.tokens.owner } });
  return ((await res.json()) as { container_expiration_policy: Policy }).container_expiration_policy;
}

afterEach(async () => {
  await double?.close();
  double = undefined;
});

test('policy <project>: exactly GitLab\'s container_expiration_policy fields and values', async () => {
  const d = await fresh();
  const r = await run(d, 'developer', ['policy', P1, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const p = parseJson<Policy>(r);
  assert.deepEqual(Object.keys(p), FIELDS);
  const raw = await gitlabPolicy(d, P1);
  assert.deepEqual({ ...p, next_run_at: null }, { ...raw, next_run_at: null });
  assert.equal(Date.parse(p.next_run_at!), Date.parse(raw.next_run_at!));
  assert.deepEqual(
    { cadence: p.cadence, enabled: p.enabled, keep_n: p.keep_n, older_than: p.older_than, name_regex_keep: p.name_regex_keep },
    { cadence: '7d', enabled: true, keep_n: 5, older_than: '30d', name_regex_keep: 'v\\d+\\.\\d+\\.\\d+' },
  );
  const text = await run(d, 'developer', ['policy', '1']);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^cadence +7d$/m);
  assert.match(text.stdout, /^name_regex_keep +v\\d\+/m);
});

test('policy set: one PUT with only the given attributes; the rest stay; --clear sets null; --delete/--keep map to name_regex/_keep', async () => {
  const d = await fresh();
  const before = await gitlabPolicy(d, P1);
  d.resetLog();
  const r = await run(d, 'maintainer', ['policy', 'set', P1, '--keep-n', '10', '--cadence', '14d', '--clear', 'older-than', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const p = parseJson<Policy>(r);
  assert.deepEqual(Object.keys(p), FIELDS);
  assert.deepEqual(
    { ...p, next_run_at: null },
    { ...before, keep_n: 10, cadence: '14d', older_than: null, next_run_at: null },
  );
  assertOneWrite(d);
  assert.deepEqual({ ...(await gitlabPolicy(d, P1)), next_run_at: null }, { ...p, next_run_at: null });

  d.resetLog();
  const r2 = await run(d, 'owner', ['policy', 'set', '1', '--delete', 'dev-.*', '--clear', 'keep', '--clear', 'keep-n', '--enabled', 'false', '--json']);
  assert.equal(r2.code, 0, r2.stderr);
  const p2 = parseJson<Policy>(r2);
  assert.deepEqual(
    { ...p2, next_run_at: null },
    { ...p, name_regex: 'dev-.*', name_regex_keep: null, keep_n: null, enabled: false, next_run_at: null },
  );
  assertOneWrite(d);

  const r3 = await run(d, 'owner', ['policy', 'set', '1', '--keep', 'v.*', '--older-than', '90d', '--json']);
  assert.equal(r3.code, 0, r3.stderr);
  assert.deepEqual({ ...parseJson<Policy>(r3), next_run_at: null }, { ...p2, name_regex_keep: 'v.*', older_than: '90d', next_run_at: null });
});

test('policy set over REST (GraphQL off): exactly one PUT /projects/:id with container_expiration_policy_attributes', async () => {
  const d = await fresh({ graphql: false });
  const before = await gitlabPolicy(d, P1);
  d.resetLog();
  const r = await run(d, 'maintainer', ['policy', 'set', P1, '--older-than', '60d', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(d.requests.map((q) => `${q.method} ${q.path}`), [`PUT /api/v4/projects/${encodeURIComponent(P1)}`]);
  assert.deepEqual({ ...parseJson<Policy>(r), next_run_at: null }, { ...before, older_than: '60d', next_run_at: null });
});

test('policy set: values GitLab would reject → exit 2 before any request', async () => {
  const d = await fresh();
  const cases: Array<[string[], RegExp]> = [
    [['--cadence', '2d'], /Invalid cadence "2d": GitLab accepts 1d, 7d, 14d, 1month, 3month/],
    [['--keep-n', '3'], /Invalid keep_n 3/],
    [['--keep-n', '-5'], /--keep-n must be a whole number/],
    [['--older-than', '8d'], /Invalid older_than "8d"/],
    [['--older-than', '1month'], /Invalid older_than/],
    [['--delete', 'v(?=1)'], /Invalid name_regex \(delete regex\) .*position/],
    [['--keep', '(?<!x)y'], /Invalid name_regex_keep \(keep regex\)/],
    [['--enabled', 'yes'], /--enabled takes true or false/],
    [['--clear', 'cadence'], /--clear takes keep-n, older-than or keep/],
    [['--clear', 'keep-n', '--keep-n', '5'], /contradict/],
    [[], /nothing to change/],
  ];
  for (const [opts, message] of cases) {
    const r = await run(d, 'owner', ['policy', 'set', P1, ...opts, '--json']);
    assert.equal(r.code, 2, `${opts.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = errLines(r);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], message);
  }
  assert.deepEqual(d.requests, [], 'nothing was sent');
});

test('policy set as developer: GitLab\'s 403 on one clear line, exit 1, policy unchanged', async () => {
  const d = await fresh();
  const before = await gitlabPolicy(d, P1);
  const r = await run(d, 'developer', ['policy', 'set', P1, '--enabled', 'false']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.deepEqual(errLines(r), ['glcr: 403 Forbidden (changing the cleanup policy needs the Maintainer role)']);
  assert.deepEqual(await gitlabPolicy(d, P1), before);
});

test('policy preview: the saved policy through the engine, same shape and result as bulk --dry-run with that rule', async () => {
  const d = await fresh();
  // Project 2 (builder): give it a policy that deletes something.
  const set = await run(d, 'owner', [
    'policy', 'set', BUILDER, '--enabled', 'true', '--delete', '.*', '--keep', 'v1\\..*', '--keep-n', '5', '--older-than', '14d',
  ]);
  assert.equal(set.code, 0, set.stderr);
  const r = await run(d, 'owner', ['policy', 'preview', BUILDER, '.', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const p = parseJson<Preview>(r);
  const bulk = parseJson<Preview>(await run(d, 'owner', [
    'bulk', BUILDER, '.', '--delete', '.*', '--keep', 'v1\\..*', '--keep-n', '5', '--older-than', '14d', '--dry-run', '--json',
  ]));
  assert.deepEqual(p, bulk);
  assert.ok(p.delete.length > 0 && p.keep.includes('latest') && p.keep.includes('v1.0.0'));
  assert.ok(!d.requests.some((q) => q.method === 'DELETE'));
});

test('policy preview of a disabled policy: still previewed, stderr says it is disabled', async () => {
  const d = await fresh();
  assert.equal((await run(d, 'owner', ['policy', 'set', P1, '--enabled', 'false'])).code, 0);
  const r = await run(d, 'maintainer', ['policy', 'preview', P1, 'api', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(errLines(r), ['glcr: note: the cleanup policy is disabled; this is what it would delete if it were enabled']);
  const p = parseJson<Preview>(r);
  // api: latest 1d, v2.1.0 20d, v2.0.0 90d, nightly (null); keep regex v\d+.\d+.\d+, keep_n 5 → all kept.
  assert.deepEqual(p.delete, []);
  assert.deepEqual(p.keep, ['latest', 'nightly', 'v2.0.0', 'v2.1.0']);
  assert.equal(p.reasons['v2.0.0'], 'keep_regex');
  assert.equal(p.reasons.nightly, 'keep_n');
});

// glcr rm / rm-repo against the GitLab double: exactly the named tags go, reports are true, nothing is
// sent without --yes, permissions and scopes give clear per-tag errors, SIGINT stops sending.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { DoubleOptions, GitLabDouble } from '../double/contract';
import { CliResult, RunOptions, assertNoStack, cleanupTemp, errLines, glcr, parseJson, tokenFile, waitFor } from './helpers';

const PROJECT = 'acme/platform/My.Project';
const ROOT_PATH = 'acme/platform/my.project';
const NOT_ATTEMPTED = 'not attempted (interrupted)';

interface Report {
  deleted: string[];
  failed: Array<{ tag: string; error: string }>;
}

let double: GitLabDouble | undefined;
const runs: CliResult[] = [];
const seenTokens = new Set<string>();

async function fresh(opts: DoubleOptions = {}): Promise<GitLabDouble> {
  double = await startGitLabDouble({ scenario: 'small', ...opts });
  for (const t of Object.values(double.tokens)) seenTokens.add(t);
  return double;
}

async function run(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const r = await glcr(args, opts);
  runs.push(r);
  assertNoStack(r);
  return r;
}

function tagNames(d: GitLabDouble, path: string): string[] {
  return (d.repositoryByPath(path)?.tags ?? []).map((t) => t.name);
}

function deletes(d: GitLabDouble) {
  return d.requests.filter((q) => q.method === 'DELETE');
}

afterEach(async () => {
  await double?.close();
  double = undefined;
});

test('rm deletes exactly the named tags; tags sharing their digest stay (REST: one DELETE per tag)', async () => {
  const d = await fresh({ graphql: false });
  const before = d.repositoryByPath(ROOT_PATH)!;
  const digest = before.tags.find((t) => t.name === 'main')!.digest;
  const r = await run(['rm', PROJECT, '.', 'main', 'dev-0001', '--yes', '--json'], {
    env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.owner },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(parseJson<Report>(r), { deleted: ['dev-0001', 'main'], failed: [] });
  const after = d.repositoryByPath(ROOT_PATH)!;
  assert.deepEqual(after.tags.map((t) => t.name), ['dev-0002', 'feature-login', 'latest', 'v1.0.0', 'v1.2.2', 'v1.2.3']);
  assert.equal(after.tags.find((t) => t.name === 'latest')!.digest, digest);
  assert.equal(after.tags.find((t) => t.name === 'v1.2.3')!.digest, digest);
  assert.deepEqual(deletes(d).map((q) => q.path.split('/').pop()).sort(), ['dev-0001', 'main']);
});

test('rm: a missing tag is failed "404 Tag Not Found" and no DELETE is sent for it; exit 1', async () => {
  const d = await fresh();
  const r = await run(['--json', 'rm', PROJECT, 'api', 'no-such-tag', 'nightly', '--yes'], {
    env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.developer },
  });
  assert.equal(r.code, 1);
  assert.deepEqual(parseJson<Report>(r), { deleted: ['nightly'], failed: [{ tag: 'no-such-tag', error: '404 Tag Not Found' }] });
  assert.deepEqual(errLines(r), ['glcr: tag "no-such-tag" not deleted: 404 Tag Not Found']);
  assert.ok(!d.requests.some((q) => q.path.endsWith('/no-such-tag')), 'nothing sent for the missing tag');
  assert.deepEqual(tagNames(d, `${ROOT_PATH}/api`), ['latest', 'v2.0.0', 'v2.1.0']);
});

test('rm without --yes: exit 2, says why, nothing sent at all', async () => {
  const d = await fresh();
  for (const json of [[], ['--json']]) {
    const r = await run(['rm', PROJECT, '.', 'dev-0001', ...json], { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.owner } });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(errLines(r).length, 1);
    assert.match(r.stderr, /--yes/);
    // A tag is restorable until garbage collection (glcr restore): never "cannot be undone".
    assert.match(r.stderr, /\(a deleted tag can be restored only until garbage collection runs, and only if --journal FILE recorded it\)/);
    assert.doesNotMatch(r.stderr, /cannot be undone/);
  }
  const b = await run(['bulk', PROJECT, '.', '--delete', 'dev-.*'], { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.owner } });
  assert.equal(b.code, 2);
  assert.match(b.stderr, /^glcr: give --dry-run to preview or --yes to delete \(a deleted tag can be restored only until garbage collection runs/);
  assert.doesNotMatch(b.stderr, /cannot be undone/);
  const rr = await run(['rm-repo', PROJECT, 'api'], { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.owner } });
  assert.equal(rr.code, 2);
  assert.match(rr.stderr, /--yes/);
  assert.match(rr.stderr, /\(deletion cannot be undone\)/, 'a repository deletion is not restorable');
  assert.equal(d.requests.length, 0);
  assert.ok(tagNames(d, ROOT_PATH).includes('dev-0001'));
});

test('rm with a read_api token: exit 1, 403 insufficient_scope naming the api scope, nothing deleted', async () => {
  const d = await fresh();
  const r = await run(['rm', PROJECT, '.', 'dev-0001', 'dev-0002', '--yes', '--json', '--token-file', tokenFile(d.tokens.readApi)], {
    env: { GITLAB_URL: d.url },
  });
  assert.equal(r.code, 1);
  const report = parseJson<Report>(r);
  assert.deepEqual(report.deleted, []);
  assert.deepEqual(report.failed.map((f) => f.tag), ['dev-0001', 'dev-0002']);
  for (const f of report.failed) assert.match(f.error, /^403 .*insufficient_scope.*\bapi\b/);
  const lines = errLines(r);
  assert.equal(lines.length, 2);
  for (const l of lines) assert.match(l, /^glcr: tag "dev-000[12]" not deleted: 403 .*\bapi\b/);
  assert.ok(tagNames(d, ROOT_PATH).includes('dev-0001'));
  cleanupTemp();
});

test('rm as a developer on a protected tag, nothing telling before (REST only): failed "403 Forbidden - cannot delete protected tag(s)"', async () => {
  const d = await fresh({ graphql: false });
  const r = await run(['rm', PROJECT, '.', 'v1.2.2', 'dev-0002', '--yes', '--json'], {
    env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.developer },
  });
  assert.equal(r.code, 1);
  assert.deepEqual(parseJson<Report>(r), {
    deleted: ['dev-0002'],
    failed: [{ tag: 'v1.2.2', error: '403 Forbidden - cannot delete protected tag(s)' }],
  });
  assert.deepEqual(errLines(r), ['glcr: tag "v1.2.2" not deleted: 403 Forbidden - cannot delete protected tag(s)']);
  assert.ok(tagNames(d, ROOT_PATH).includes('v1.2.2'));
  assert.ok(!tagNames(d, ROOT_PATH).includes('dev-0002'));
});

test('rm text mode: a summary on stdout, failures on stderr', async () => {
  const d = await fresh();
  const r = await run(['rm', PROJECT, '.', 'dev-0001', 'gone', '--yes'], { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.owner } });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^Deleted 1 of 2 tags from acme\/platform\/my\.project\./);
  assert.match(r.stdout, /deleted\s+dev-0001/);
  assert.deepEqual(errLines(r), ['glcr: tag "gone" not deleted: 404 Tag Not Found']);
});

test('rm when the repository or the token fails: every tag failed with that error, nothing sent, exit 1', async () => {
  const d = await fresh();
  const r = await run(['rm', PROJECT, 'nope', 'a', 'b', '--yes', '--json'], { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.owner } });
  assert.equal(r.code, 1);
  const line = `404 Repository Not Found - no repository "nope" in project ${PROJECT}`;
  assert.deepEqual(parseJson<Report>(r), { deleted: [], failed: [{ tag: 'a', error: line }, { tag: 'b', error: line }] });
  assert.deepEqual(errLines(r), [`glcr: tag "a" not deleted: ${line}`, `glcr: tag "b" not deleted: ${line}`]);

  const x = await run(['rm', PROJECT, '.', 'dev-0001', '--yes', '--json'], { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.expired } });
  assert.equal(x.code, 1);
  const report = parseJson<Report>(x);
  assert.deepEqual(report.deleted, []);
  assert.match(report.failed[0].error, /^401 Token is expired\./);
  assert.equal(errLines(x).length, 1);
  assert.match(x.stderr, /^glcr: tag "dev-0001" not deleted: 401 Token is expired\./);
  assert.equal(deletes(d).length, 0);
});

test('job token (CI_JOB_TOKEN): rm by name works with only /projects/:id/registry/ requests', async () => {
  const d = await fresh();
  const r = await run(['rm', PROJECT, '.', 'dev-0001', 'feature-login', '--yes', '--json'], {
    env: { GITLAB_URL: d.url, CI_JOB_TOKEN: d.tokens.job },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJson<Report>(r), { deleted: ['dev-0001', 'feature-login'], failed: [] });
  assert.ok(d.requests.length > 0);
  for (const q of d.requests) {
    assert.equal(q.auth, 'job');
    assert.match(q.path, /^\/api\/v4\/projects\/[^/]+\/registry\//);
  }
  assert.ok(!tagNames(d, ROOT_PATH).includes('feature-login'));
});

test('rm over GraphQL: mutations of up to 20 names, the same true report, siblings stay, no REST DELETE', async () => {
  // A schema without per-tag levels (before 17.9), so the protected tag below is sent and GraphQL skips it.
  const d = await fresh({ graphqlWithout: ['ContainerRepositoryTag.protection'] });
  const digest = d.repositoryByPath(ROOT_PATH)!.tags.find((t) => t.name === 'main')!.digest;
  const r = await run(['rm', PROJECT, '.', 'main', 'dev-0001', 'no-such-tag', '--yes', '--json'], {
    env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.developer },
  });
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(parseJson<Report>(r), { deleted: ['dev-0001', 'main'], failed: [{ tag: 'no-such-tag', error: '404 Tag Not Found' }] });
  assert.deepEqual(tagNames(d, ROOT_PATH), ['dev-0002', 'feature-login', 'latest', 'v1.0.0', 'v1.2.2', 'v1.2.3']);
  assert.ok(d.repositoryByPath(ROOT_PATH)!.tags.filter((t) => t.digest === digest).length === 2, 'latest and v1.2.3 keep the digest');
  assert.equal(deletes(d).length, 0);
  assert.ok(d.requests.some((q) => q.method === 'POST' && q.path === '/api/graphql'));
  // A protected tag that GraphQL silently skips is reported as failed, not deleted.
  const p = await run(['rm', PROJECT, '.', 'v1.0.0', '--yes', '--json'], { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.developer } });
  assert.equal(p.code, 1);
  assert.deepEqual(parseJson<Report>(p), { deleted: [], failed: [{ tag: 'v1.0.0', error: '403 Forbidden - cannot delete protected tag(s)' }] });
  assert.ok(tagNames(d, ROOT_PATH).includes('v1.0.0'));
});

test('rm-repo: {"id","status"} with the status GitLab reports after scheduling', async () => {
  const d = await fresh();
  const repo = d.repositoryByPath('acme/website/cache')!;
  const r = await run(['rm-repo', 'acme/website', 'cache', '--yes', '--json'], { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.maintainer } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJson(r), { id: repo.id, status: 'delete_scheduled' });
  assert.equal(d.repository(repo.id)?.status, 'delete_scheduled');

  const text = await run(['rm-repo', 'acme/website', String(repo.id), '--yes'], { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.maintainer } });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /delete_scheduled/);
});

test('rm-repo: developer → exit 1 with 403; job token reports delete_scheduled or a clear 403', async () => {
  const d = await fresh();
  const r = await run(['rm-repo', PROJECT, 'api', '--yes', '--json'], { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.developer } });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.deepEqual(errLines(r), ['glcr: 403 Forbidden']);
  assert.equal(d.repositoryByPath(`${ROOT_PATH}/api`)?.status, null);

  d.resetLog();
  const j = await run(['rm-repo', PROJECT, 'api', '--yes', '--json'], { env: { GITLAB_URL: d.url, CI_JOB_TOKEN: d.tokens.job } });
  // The job runs as dave (Developer): GitLab refuses; nothing outside the project's registry routes is asked.
  assert.equal(j.code, 1);
  assert.match(j.stderr, /^glcr: 403 /);
  for (const q of d.requests) assert.match(q.path, /^\/api\/v4\/projects\/[^/]+\/registry\//);
});

test('SIGINT during a long rm: stops sending, prints a true partial report, exit 1', async () => {
  // REST, so that single DELETEs can be counted; the GraphQL path is covered below and in graphql-fastpath.
  const d = await fresh({ latencyMs: 150, graphql: false });
  const builder = 'acme/platform/tools/builder';
  const names = tagNames(d, builder).filter((n) => n !== 'latest');
  assert.ok(names.length >= 20);
  const r = await run(['rm', builder, '.', ...names, '--yes', '--json', '--concurrency', '2'], {
    env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.owner },
    onSpawn: (child) => {
      waitFor(() => deletes(d).length >= 4).then(() => child.kill('SIGINT'), () => child.kill('SIGKILL'));
    },
  });
  assert.equal(r.code, 1, r.stderr);
  const report = parseJson<Report>(r);
  const remaining = new Set(tagNames(d, builder));
  // Every requested tag is reported exactly once.
  assert.deepEqual([...report.deleted, ...report.failed.map((f) => f.tag)].sort(), [...names].sort());
  // The report is true against GitLab's state.
  for (const t of report.deleted) assert.ok(!remaining.has(t), `${t} reported deleted but still there`);
  for (const f of report.failed) assert.ok(remaining.has(f.tag), `${f.tag} reported failed but gone`);
  assert.equal(deletes(d).length, report.deleted.length, 'no DELETE beyond the reported ones');
  assert.ok(report.deleted.length >= 4);
  const notAttempted = report.failed.filter((f) => f.error === NOT_ATTEMPTED);
  assert.ok(notAttempted.length > 0, 'some tags were not attempted');
  assert.equal(notAttempted.length, report.failed.length);
  assert.ok(errLines(r).every((l) => /^glcr: /.test(l)));
});

test('no run printed a token', () => {
  for (const r of runs) {
    for (const t of seenTokens) assert.ok(!r.stdout.includes(t) && !r.stderr.includes(t), `token ${t} printed`);
  }
});

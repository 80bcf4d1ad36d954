// glcr bulk against the GitLab double: the dry-run is GitLab's rule (latest, anchored regexes, keep_n,
// older_than, protection), --yes deletes exactly the previewed list, --yes --server schedules GitLab's own
// run (which then deletes what the dry-run predicted), and bad input is refused before any request.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { DoubleOptions, GitLabDouble } from '../double/contract';
import { CliResult, assertNoStack, codePointSorted, errLines, glcr, parseJson } from './helpers';

const P1 = 'acme/platform/My.Project';
const P1_ROOT = 'acme/platform/my.project';
const BUILDER = 'acme/platform/tools/builder';
const DAY = 86_400_000;
const PROTECTION_NOTE = /^glcr: warning: tag protection could not be checked \(/;

interface Preview {
  delete: string[];
  keep: string[];
  reasons: Record<string, string>;
  warnings: string[];
}
interface Report {
  deleted: string[];
  failed: Array<{ tag: string; error: string }>;
}

let double: GitLabDouble | undefined;

async function fresh(opts: DoubleOptions = {}): Promise<GitLabDouble> {
  double = await startGitLabDouble({ scenario: 'small', bulkJobDelayMs: 0, ...opts });
  return double;
}

async function run(d: GitLabDouble, token: keyof GitLabDouble['tokens'] | undefined, args: string[]): Promise<CliResult> {
  const r = await glcr(args, { env: { GITLAB_URL: d.url, GITLAB_TOKEN: token ? d.tokens[token] : undefined } });
  assertNoStack(r);
  return r;
}

function names(d: GitLabDouble, path: string): string[] {
  return (d.repositoryByPath(path)?.tags ?? []).map((t) => t.name);
}

function assertPartition(p: Preview, all: string[]): void {
  assert.deepEqual(p.delete, codePointSorted(p.delete), 'delete in code-point order');
  assert.deepEqual(p.keep, codePointSorted(p.keep), 'keep in code-point order');
  assert.deepEqual(codePointSorted([...p.delete, ...p.keep]), codePointSorted(all), 'every tag exactly once');
  assert.equal(new Set([...p.delete, ...p.keep]).size, all.length);
}

afterEach(async () => {
  await double?.close();
  double = undefined;
});

test('bulk --dry-run --json: GitLab\'s rule (latest, keep regex, keep_n, older_than; null never aged out), nothing deleted', async () => {
  const d = await fresh();
  const before = d.repositoryByPath(BUILDER)!;
  const r = await run(d, 'owner', [
    'bulk', BUILDER, '.', '--delete', '.*', '--keep', 'v1\\.[0-4]\\.0', '--keep-n', '3', '--older-than', '20d', '--dry-run', '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'rules readable (owner), no warnings');
  const p = parseJson<Preview>(r);
  const all = before.tags.map((t) => t.name);
  assertPartition(p, all);
  assert.ok(p.keep.includes('latest'));
  assert.equal(p.reasons.latest, 'latest');
  for (const v of ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0']) assert.equal(p.reasons[v], 'keep_regex', v);
  // keep_n: the 3 newest candidates: pr-123 (no timestamp = now), main-a1b2c3 (1 day), feature-alpha (2 days).
  assert.deepEqual(Object.keys(p.reasons).filter((n) => p.reasons[n] === 'keep_n').sort(), ['feature-alpha', 'main-a1b2c3', 'pr-123']);
  // older_than 20d: every other candidate is deleted exactly when it is older than 20 days.
  const now = Date.now();
  const expected = before.tags
    .filter((t) => t.name !== 'latest' && !/^v1\.[0-4]\.0$/.test(t.name) && !['feature-alpha', 'main-a1b2c3', 'pr-123'].includes(t.name))
    .filter((t) => t.created_at !== null && Date.parse(t.created_at) < now - 20 * DAY)
    .map((t) => t.name);
  assert.deepEqual(p.delete, codePointSorted(expected));
  assert.ok(p.delete.length >= 10 && p.keep.includes('main-a1c2c6'));
  assert.ok(!d.requests.some((q) => q.method === 'DELETE'), 'a dry run sends no DELETE');
  assert.deepEqual(names(d, BUILDER), all);
});

test('bulk --dry-run: names the anchored delete regex does not match are kept; older_than never deletes a tag without timestamp', async () => {
  const d = await fresh();
  const r = await run(d, 'owner', ['bulk', BUILDER, '.', '--delete', 'main-.*', '--dry-run', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const p = parseJson<Preview>(r);
  assertPartition(p, names(d, BUILDER));
  assert.deepEqual(p.delete, names(d, BUILDER).filter((n) => n.startsWith('main-')));
  assert.equal(p.reasons['feature-alpha'], 'no_match');
  assert.equal(p.reasons['v1.0.0'], 'no_match');

  // `main` alone does not match "main-a1b2c3" (whole-name match).
  const exact = parseJson<Preview>(await run(d, 'owner', ['bulk', BUILDER, '.', '--delete', 'main', '--dry-run', '--json']));
  assert.deepEqual(exact.delete, []);

  // pr-123 has no timestamp: kept by --older-than however small, deleted without it.
  const aged = parseJson<Preview>(await run(d, 'owner', ['bulk', BUILDER, '.', '--delete', 'pr-.*', '--older-than', '1 second', '--dry-run', '--json']));
  assert.deepEqual(aged.delete, []);
  assert.equal(aged.reasons['pr-123'], 'no_timestamp');
  const plain = parseJson<Preview>(await run(d, 'owner', ['bulk', BUILDER, '.', '--delete', 'pr-.*', '--dry-run', '--json']));
  assert.deepEqual(plain.delete, ['pr-123']);
});

test('bulk --yes deletes exactly the previewed list, tag by tag; a sibling sharing a digest with a kept tag stays', async () => {
  const d = await fresh();
  const args = ['bulk', BUILDER, '.', '--delete', 'main-.*|feature-.*', '--keep-n', '2', '--json'];
  const dry = await run(d, 'maintainer', [...args, '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /top-level "\|"/, 'alternation warning on stderr');
  const preview = parseJson<Preview>(dry);
  assert.ok(preview.delete.includes('main-a1c2c6') && preview.keep.includes('main-a1b2c3'));
  const before = d.repositoryByPath(BUILDER)!;
  const latestDigest = before.tags.find((t) => t.name === 'latest')!.digest;
  d.resetLog();

  const r = await run(d, 'maintainer', [...args, '--yes']);
  assert.equal(r.code, 0, r.stderr);
  const report = parseJson<Report>(r);
  assert.deepEqual(report, { deleted: preview.delete, failed: [] });
  // Per-tag REST DELETEs, or GraphQL delete mutations when the fast path serves: never the bulk endpoint.
  assert.ok(!d.requests.some((q) => q.method === 'DELETE' && /\/tags$/.test(q.path)), 'no server-side bulk request');
  const restDeletes = d.requests.filter((q) => q.method === 'DELETE').map((q) => decodeURIComponent(q.path.split('/').pop()!));
  if (restDeletes.length > 0) assert.deepEqual(codePointSorted(restDeletes), preview.delete, 'one DELETE per previewed tag, nothing else');
  assert.deepEqual(names(d, BUILDER), before.tags.map((t) => t.name).filter((n) => !preview.delete.includes(n)));
  assert.equal(d.repositoryByPath(BUILDER)!.tags.find((t) => t.name === 'latest')!.digest, latestDigest);

  // Then deleting main-a1b2c3 (latest's digest twin) leaves latest in place.
  const twin = await run(d, 'owner', ['bulk', BUILDER, '.', '--delete', 'main-a1b2c3', '--yes', '--json']);
  assert.deepEqual(parseJson<Report>(twin), { deleted: ['main-a1b2c3'], failed: [] });
  assert.equal(d.repositoryByPath(BUILDER)!.tags.find((t) => t.name === 'latest')!.digest, latestDigest);
});

test('bulk: nothing matches → --yes reports empty lists, exit 0, no DELETE', async () => {
  const d = await fresh();
  const r = await run(d, 'owner', ['bulk', BUILDER, '.', '--delete', 'nope-.*', '--yes', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJson<Report>(r), { deleted: [], failed: [] });
  assert.ok(!d.requests.some((q) => q.method === 'DELETE'));
});

test('bulk as developer (REST only): protection cannot be read → stderr note; --yes shows GitLab\'s 403 for protected tags', async () => {
  // With GraphQL the per-tag levels decide (test/cli/protection): here nothing tells, so GitLab decides.
  const d = await fresh({ graphql: false });
  const dry = await run(d, 'developer', ['bulk', P1, '.', '--delete', 'v.*', '--dry-run', '--json']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.ok(errLines(dry).some((l) => PROTECTION_NOTE.test(l) && /403 Forbidden/.test(l) && /Maintainer/.test(l)), dry.stderr);
  const p = parseJson<Preview>(dry);
  assert.deepEqual(p.delete, ['v1.0.0', 'v1.2.2', 'v1.2.3']);
  assert.ok(p.warnings.some((w) => /tag protection could not be checked/.test(w)));

  const r = await run(d, 'developer', ['bulk', P1, '.', '--delete', 'v.*|dev-0001', '--yes', '--json']);
  assert.equal(r.code, 1);
  const report = parseJson<Report>(r);
  assert.deepEqual(report.deleted, ['dev-0001']);
  assert.deepEqual(report.failed.map((f) => f.tag), ['v1.0.0', 'v1.2.2', 'v1.2.3']);
  for (const f of report.failed) assert.equal(f.error, '403 Forbidden - cannot delete protected tag(s)');
  assert.ok(errLines(r).some((l) => PROTECTION_NOTE.test(l)));
  assert.ok(errLines(r).includes('glcr: tag "v1.2.3" not deleted: 403 Forbidden - cannot delete protected tag(s)'));
  assert.deepEqual(names(d, P1_ROOT), ['dev-0002', 'feature-login', 'latest', 'main', 'v1.0.0', 'v1.2.2', 'v1.2.3']);
});

test('bulk with readable rules: tags protected from the caller are kept as "protected"; the maintainer rule does not protect from a maintainer', async () => {
  // REST only: the owner-level rule below is served by a fault on the REST rules route.
  const d = await fresh({ graphql: false });
  const m = parseJson<Preview>(await run(d, 'maintainer', ['bulk', P1, '.', '--delete', 'v.*', '--dry-run', '--json']));
  assert.deepEqual(m.delete, ['v1.0.0', 'v1.2.2', 'v1.2.3'], 'seeded rule: delete needs maintainer');

  // An owner-level rule (served through a fault, as GitLab 18.7+ would list it): the maintainer cannot delete.
  const rule = { id: 9, project_id: 1, tag_name_pattern: '^v1\\.2', minimum_access_level_for_push: 'owner', minimum_access_level_for_delete: 'owner' };
  d.injectFault({ method: 'GET', path: /\/registry\/protection\/tag\/rules$/, status: 200, body: JSON.stringify([rule]), times: 1 });
  const r = await run(d, 'maintainer', ['bulk', P1, '.', '--delete', 'v.*', '--dry-run', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const p = parseJson<Preview>(r);
  assert.deepEqual(p.delete, ['v1.0.0']);
  assert.equal(p.reasons['v1.2.2'], 'protected');
  assert.equal(p.reasons['v1.2.3'], 'protected');

  // The owner is not below the rule.
  d.injectFault({ method: 'GET', path: /\/registry\/protection\/tag\/rules$/, status: 200, body: JSON.stringify([rule]), times: 1 });
  const o = parseJson<Preview>(await run(d, 'owner', ['bulk', P1, '.', '--delete', 'v.*', '--dry-run', '--json']));
  assert.deepEqual(o.delete, ['v1.0.0', 'v1.2.2', 'v1.2.3']);
});

test('bulk --yes --server schedules GitLab\'s run, which deletes exactly what --dry-run predicted; a second call hits the hourly limit', async () => {
  const d = await fresh();
  const rule = ['--delete', '.*', '--keep', 'v1\\.[0-4]\\.0', '--keep-n', '3', '--older-than', '20d'];
  const preview = parseJson<Preview>(await run(d, 'maintainer', ['bulk', BUILDER, '.', ...rule, '--dry-run', '--json']));
  assert.ok(preview.delete.length > 5);
  const before = names(d, BUILDER);

  const r = await run(d, 'maintainer', ['bulk', BUILDER, '.', ...rule, '--yes', '--server', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJson(r), { scheduled: true });
  const bulk = d.requests.filter((q) => q.method === 'DELETE');
  assert.equal(bulk.length, 1, 'one bulk request, no per-tag deletes');
  assert.match(bulk[0].path, /\/registry\/repositories\/4\/tags$/);
  assert.deepEqual(names(d, BUILDER), before, 'nothing deleted until the job runs');

  await d.runBulkJobs();
  const job = d.bulkJobs[d.bulkJobs.length - 1];
  assert.equal(job.status, 'done');
  assert.deepEqual(job.params, { nameRegexDelete: '.*', nameRegexKeep: 'v1\\.[0-4]\\.0', keepN: 3, olderThan: '20d' });
  assert.deepEqual(job.deleted, preview.delete);
  assert.deepEqual(names(d, BUILDER), preview.keep);

  const again = await run(d, 'maintainer', ['bulk', BUILDER, '.', ...rule, '--yes', '--server', '--json']);
  assert.equal(again.code, 1);
  assert.equal(again.stdout, '');
  assert.ok(errLines(again).some((l) =>
    l.startsWith('glcr: 400 ') && l.includes('You can run this at most once an hour for a given container repository')), again.stderr);
});

test('bulk --yes --server as developer: GitLab\'s 403 with the role it needs, exit 1', async () => {
  const d = await fresh();
  const r = await run(d, 'developer', ['bulk', P1, 'api', '--delete', '.*', '--yes', '--server']);
  assert.equal(r.code, 1);
  assert.deepEqual(errLines(r), ['glcr: 403 Forbidden (GitLab\'s server-side bulk delete needs the Maintainer role)']);
  assert.equal(d.bulkJobs.length, 0);
});

test('bulk on a legacy registry: warns that GitLab\'s own run may differ; protection is read through GraphQL where REST has no route (404)', async () => {
  const d = await fresh({ legacyRegistry: true });
  const r = await run(d, 'owner', ['bulk', BUILDER, '.', '--delete', '.*', '--dry-run', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const lines = errLines(r);
  assert.ok(lines.some((l) => /^glcr: warning: .*legacy registry/.test(l)), r.stderr);
  // REST's tag-rule list answers 404 there; the rules are read once more through GraphQL (GitLab 17.8+), which
  // knows them (none here): protection is checked, so no "could not be checked" note.
  assert.ok(!lines.some((l) => PROTECTION_NOTE.test(l)), r.stderr);
  assertPartition(parseJson<Preview>(r), names(d, BUILDER));
});

test('bulk on a repository with more than 1,000 tags warns that GitLab works through 1,000 at a time', async () => {
  const d = await fresh();
  // --no-size: the size estimate would try to read 1,005 manifests from the seeded registry host (not served).
  const repo = d.addRepository(2, 'many', Array.from({ length: 1005 }, (_, i) => ({ name: `b-${String(i).padStart(4, '0')}`, ageDays: i % 400 })));
  const r = await run(d, 'owner', ['bulk', BUILDER, String(repo), '--delete', 'b-.*', '--keep-n', '10', '--dry-run', '--json', '--no-size']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(errLines(r).some((l) => /^glcr: warning: .*1005 tags.*1000/.test(l)), r.stderr);
  const server = await run(d, 'owner', ['bulk', BUILDER, String(repo), '--delete', 'b-.*', '--keep-n', '10', '--yes', '--server']);
  assert.equal(server.code, 0, server.stderr);
  assert.ok(errLines(server).some((l) => /^glcr: warning: .*1005 tags.*1000/.test(l)), server.stderr);
});

test('bulk bad input: exit 2, one line, and no request at all', async () => {
  const d = await fresh();
  const base = ['bulk', P1, '.'];
  const cases: Array<[string[], RegExp]> = [
    [[...base, '--delete', '.*', '--dry-run', '--yes'], /either --dry-run or --yes, not both/],
    [[...base, '--delete', '.*'], /--dry-run to preview or --yes to delete/],
    [[...base, '--delete', '.*', '--dry-run', '--server'], /--server .*needs --yes/],
    [[...base, '--delete', '.*', '--server'], /--server .*needs --yes/],
    [[...base, '--dry-run'], /--delete REGEX is required/],
    [[...base, '--delete', 'v(?=1)', '--dry-run'], /Invalid delete regex .*position \d+/],
    [[...base, '--delete', '.*', '--keep', '(?!x)', '--yes'], /Invalid keep regex .*position \d+/],
    [[...base, '--delete', '.*', '--older-than', '7 fortnights', '--dry-run'], /Invalid duration "7 fortnights"/],
    [[...base, '--delete', '.*', '--older-than', '-7d', '--dry-run'], /Invalid duration/],
    [[...base, '--delete', '.*', '--keep-n', '-1', '--dry-run'], /--keep-n must be a whole number of 0 or more/],
    [[...base, '--delete', '.*', '--keep-n', '2.5', '--yes'], /--keep-n must be a whole number/],
    [[...base, '--delete', '', '--yes', '--server'], /non-empty --delete/],
  ];
  for (const [args, message] of cases) {
    const r = await run(d, 'owner', [...args, '--json']);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = errLines(r);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], message);
  }
  assert.deepEqual(d.requests, [], 'nothing was sent');
});

test('bulk --older-than takes GitLab\'s free-form durations', async () => {
  const d = await fresh();
  for (const dur of ['1h', '7d', '1month', '1 day', '2 weeks', '1d12h']) {
    const r = await run(d, 'owner', ['bulk', BUILDER, '.', '--delete', '.*', '--older-than', dur, '--dry-run', '--json']);
    assert.equal(r.code, 0, `${dur}: ${r.stderr}`);
  }
  const month = parseJson<Preview>(await run(d, 'owner', ['bulk', BUILDER, '.', '--delete', 'main-.*', '--older-than', '1month', '--dry-run', '--json']));
  const cutoff = Date.now() - 30 * DAY;
  const old = d.repositoryByPath(BUILDER)!.tags
    .filter((t) => t.name.startsWith('main-') && t.created_at !== null && Date.parse(t.created_at) < cutoff)
    .map((t) => t.name);
  assert.ok(old.length >= 3 && old.length < 10);
  assert.deepEqual(month.delete, old, 'main-* older than 30 days (a month is 30 days)');
});

test('bulk with a CI job token: the role cannot be learned, protection is unknown (stderr note), the preview still works', async () => {
  const d = await fresh();
  const r = await glcr(['bulk', '1', '.', '--delete', 'v.*', '--dry-run', '--json'], { env: { GITLAB_URL: d.url, CI_JOB_TOKEN: d.tokens.job } });
  assertNoStack(r);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(errLines(r).some((l) => PROTECTION_NOTE.test(l) && /job token/.test(l)), r.stderr);
  assert.deepEqual(parseJson<Preview>(r).delete, ['v1.0.0', 'v1.2.2', 'v1.2.3']);
});

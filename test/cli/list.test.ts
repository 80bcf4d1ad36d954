// glcr projects / repos / tags against the GitLab double (small scenario), through the built binary.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { CliResult, RunOptions, assertNoStack, cleanupTemp, codePointSorted, errLines, glcr, parseJson, tokenFile } from './helpers';

const PROJECT = 'acme/platform/My.Project';
let double: GitLabDouble;
const runs: CliResult[] = [];

async function run(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const r = await glcr(args, opts);
  runs.push(r);
  assertNoStack(r);
  return r;
}

/** GITLAB_URL plus a token in GITLAB_TOKEN. */
function envWith(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { GITLAB_URL: double.url, GITLAB_TOKEN: token, ...extra };
}

before(async () => {
  double = await startGitLabDouble({ scenario: 'small' });
});

after(async () => {
  await double.close();
  cleanupTemp();
});

test('projects: member projects sorted by path_with_namespace in code-point order, only id and path', async () => {
  const r = await run(['projects', '--json'], { env: envWith(double.tokens.owner) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const rows = parseJson<Array<Record<string, unknown>>>(r);
  assert.ok(rows.length >= 5);
  for (const row of rows) assert.deepEqual(Object.keys(row).sort(), ['id', 'path_with_namespace']);
  const paths = rows.map((p) => p.path_with_namespace as string);
  assert.deepEqual(paths, codePointSorted(paths));
  assert.ok(paths.includes(PROJECT));
});

test('projects --search and --group (with subgroups)', async () => {
  const s = await run(['projects', '--search', 'builder', '--json'], { env: envWith(double.tokens.owner) });
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual(parseJson<Array<{ path_with_namespace: string }>>(s).map((p) => p.path_with_namespace), ['acme/platform/tools/builder']);

  const g = await run(['--json', '--group', 'acme/platform', 'projects'], { env: envWith(double.tokens.owner) });
  assert.equal(g.code, 0, g.stderr);
  assert.deepEqual(parseJson<Array<{ path_with_namespace: string }>>(g).map((p) => p.path_with_namespace),
    [PROJECT, 'acme/platform/tools/builder']);
});

test('projects: a developer only sees projects where they are at least Reporter', async () => {
  const r = await run(['projects', '--json'], { env: envWith(double.tokens.guest) });
  assert.equal(r.code, 0, r.stderr);
  // gus is Guest everywhere he is a member: no project qualifies.
  assert.deepEqual(parseJson(r), []);
});

test('repos: all fields, sorted by path; text mode prints a table', async () => {
  const r = await run(['repos', PROJECT, '--json'], { env: envWith(double.tokens.owner) });
  assert.equal(r.code, 0, r.stderr);
  const rows = parseJson<Array<Record<string, unknown>>>(r);
  assert.deepEqual(rows.map((x) => x.path), ['acme/platform/my.project', 'acme/platform/my.project/api', 'acme/platform/my.project/tools/cli']);
  for (const row of rows) {
    assert.deepEqual(Object.keys(row), ['id', 'name', 'path', 'location', 'status', 'tags_count', 'deletable']);
    assert.equal(row.deletable, true); // the Owner outranks the project's Maintainer tag rule
    assert.equal(typeof row.tags_count, 'number');
    assert.equal(row.status, null);
  }
  assert.equal(rows[0].name, '');
  assert.equal(rows[0].tags_count, 8);

  const text = await run(['repos', PROJECT], { env: envWith(double.tokens.owner) });
  assert.equal(text.code, 0);
  assert.match(text.stdout.split('\n')[0], /^ID\s+NAME\s+TAGS\s+STATUS\s+PATH$/);
  assert.throws(() => JSON.parse(text.stdout));
});

test('tags: names and locations sorted by name; options before or after the command', async () => {
  const expected = ['dev-0001', 'dev-0002', 'feature-login', 'latest', 'main', 'v1.0.0', 'v1.2.2', 'v1.2.3'];
  for (const args of [
    ['tags', PROJECT, '.', '--json'],
    ['--json', 'tags', PROJECT, '.'],
    ['--json', '--url', double.url, 'tags', '--token-file', tokenFile(double.tokens.reporter), PROJECT, '.'],
    ['tags', PROJECT, '--url', double.url, '.', '--json', '--token-file', tokenFile(double.tokens.reporter)],
  ]) {
    const r = await run(args, { env: envWith(double.tokens.owner) });
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    const rows = parseJson<Array<Record<string, unknown>>>(r);
    assert.deepEqual(rows.map((t) => t.name), expected);
    // The owner may delete everything; a reporter (who cannot read the rules) learns from GraphQL's per-tag
    // levels that the v* tags need Maintainer.
    const reporter = args.includes('--token-file');
    for (const row of rows) {
      const locked = reporter && /^v/.test(String(row.name));
      assert.deepEqual(Object.keys(row), locked ? ['name', 'location', 'deletable', 'protection'] : ['name', 'location', 'deletable']);
      assert.equal(row.deletable, !locked);
    }
    assert.equal(rows[3].location, 'registry.example.test:5050/acme/platform/my.project:latest');
  }
});

test('tags --details: digest, ISO created_at with milliseconds (or null), numeric total_size', async () => {
  const r = await run(['tags', PROJECT, '.', '--details', '--json'], { env: envWith(double.tokens.owner) });
  assert.equal(r.code, 0, r.stderr);
  const rows = parseJson<Array<Record<string, unknown>>>(r);
  assert.equal(rows.length, 8);
  const names = rows.map((t) => t.name as string);
  assert.deepEqual(names, codePointSorted(names));
  for (const row of rows) {
    assert.deepEqual(Object.keys(row), ['name', 'location', 'digest', 'created_at', 'total_size', 'deletable']);
    assert.match(row.digest as string, /^sha256:[0-9a-f]{64}$/);
    assert.equal(typeof row.total_size, 'number');
    if (row.created_at !== null) {
      assert.match(row.created_at as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(new Date(row.created_at as string).toISOString(), row.created_at);
    }
  }
  const byName = new Map(rows.map((t) => [t.name, t]));
  assert.equal(byName.get('feature-login')!.created_at, null);
  assert.equal(byName.get('latest')!.digest, byName.get('v1.2.3')!.digest);
});

test('repo resolution: id, name, "." for the root image, full path (any case)', async () => {
  const env = envWith(double.tokens.owner);
  const ids = await run(['repos', PROJECT, '--json'], { env });
  const repos = parseJson<Array<{ id: number; name: string; path: string }>>(ids);
  const api = repos.find((x) => x.name === 'api')!;
  const cli = repos.find((x) => x.name === 'tools/cli')!;
  const forms: Array<[string, string[]]> = [
    [String(api.id), ['latest', 'nightly', 'v2.0.0', 'v2.1.0']],
    ['api', ['latest', 'nightly', 'v2.0.0', 'v2.1.0']],
    ['acme/platform/my.project/api', ['latest', 'nightly', 'v2.0.0', 'v2.1.0']],
    ['ACME/Platform/My.Project/API', ['latest', 'nightly', 'v2.0.0', 'v2.1.0']],
    ['tools/cli', ['latest', 'v0.1.0']],
    [cli.path, ['latest', 'v0.1.0']],
    ['acme/platform/my.project', ['dev-0001', 'dev-0002', 'feature-login', 'latest', 'main', 'v1.0.0', 'v1.2.2', 'v1.2.3']],
  ];
  for (const [repo, tags] of forms) {
    const r = await run(['tags', PROJECT, repo, '--json'], { env });
    assert.equal(r.code, 0, `${repo}: ${r.stderr}`);
    assert.deepEqual(parseJson<Array<{ name: string }>>(r).map((t) => t.name), tags, repo);
  }
  // The numeric project id works as well as the path.
  const byId = await run(['tags', '1', 'api', '--json'], { env });
  assert.equal(byId.code, 0, byId.stderr);
});

test('unknown repository: exit 1, one line "404 Repository Not Found - …", nothing on stdout', async () => {
  const r = await run(['tags', PROJECT, 'nope', '--json'], { env: envWith(double.tokens.owner) });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.deepEqual(errLines(r), [`glcr: 404 Repository Not Found - no repository "nope" in project ${PROJECT}`]);
});

test('unknown project: GitLab\'s 404 message on one line', async () => {
  const r = await run(['repos', 'acme/nope', '--json'], { env: envWith(double.tokens.owner) });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.deepEqual(errLines(r), ['glcr: 404 Project Not Found']);
});

test('expired, revoked and unknown tokens: one clear line with 401 and GitLab\'s message', async () => {
  const cases: Array<[string, RegExp]> = [
    [double.tokens.expired, /^glcr: 401 Token is expired\./],
    [double.tokens.revoked, /^glcr: 401 Token was revoked\./],
    ['glpat-DISTINCTIVE-unknown-zq81x', /^glcr: 401 Unauthorized/],
  ];
  for (const [token, line] of cases) {
    for (const json of [[], ['--json']]) {
      const r = await run(['tags', PROJECT, '.', ...json, '--verbose'], { env: envWith(token) });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      const lines = errLines(r).filter((l) => !/^glcr: (GET|POST|PUT|DELETE) /.test(l));
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], line);
      assert.ok(!r.stderr.includes(token), 'the token is never printed');
    }
  }
});

test('no token: anonymous requests; a private project looks missing, with a hint', async () => {
  const r = await run(['repos', PROJECT], { env: { GITLAB_URL: double.url } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^glcr: 404 Project Not Found \(no token given/);
  const anon = double.requests.filter((q) => q.auth === 'none');
  assert.ok(anon.length > 0);
  // A public project can be listed anonymously.
  const pub = await run(['tags', 'oss/public-app', '.', '--json'], { env: { GITLAB_URL: double.url } });
  assert.equal(pub.code, 0, pub.stderr);
  assert.deepEqual(parseJson<Array<{ name: string }>>(pub).map((t) => t.name), ['latest', 'v1', 'v2']);
});

test('--verbose prints method, path, status and ms on stderr; stdout stays pure JSON', async () => {
  const token = double.tokens.owner;
  const r = await run(['--verbose', 'tags', PROJECT, 'api', '--json'], { env: envWith(token) });
  assert.equal(r.code, 0, r.stderr);
  parseJson(r);
  const lines = errLines(r);
  assert.ok(lines.length >= 2);
  for (const l of lines) assert.match(l, /^glcr: (GET \/api\/v4\/projects\/\S+|POST \/api\/graphql) 200 \d+ms$/);
  assert.ok(!r.stderr.includes(token) && !r.stdout.includes(token));
});

test('CI_SERVER_URL is used when GITLAB_URL is unset; --url wins over both', async () => {
  const r = await run(['tags', PROJECT, 'api', '--json'], { env: { CI_SERVER_URL: double.url, GITLAB_TOKEN: double.tokens.owner } });
  assert.equal(r.code, 0, r.stderr);
  const w = await run(['tags', PROJECT, 'api', '--json', '--url', double.url], {
    env: { GITLAB_URL: 'https://gitlab.invalid', CI_SERVER_URL: 'https://gitlab.invalid', GITLAB_TOKEN: double.tokens.owner },
  });
  assert.equal(w.code, 0, w.stderr);
});

test('--token-file: content trimmed and sent as PRIVATE-TOKEN; it wins over GITLAB_TOKEN', async () => {
  double.resetLog();
  const r = await run(['tags', PROJECT, 'api', '--json', '--token-file', tokenFile(double.tokens.reporter)], {
    env: envWith('glpat-DISTINCTIVE-wrong-ignored'),
  });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(double.requests.length > 0);
  assert.ok(double.requests.every((q) => q.auth === 'private'));
});

test('job token (CI_JOB_TOKEN): tags listed using only /projects/:id/registry/ endpoints', async () => {
  double.resetLog();
  const r = await run(['tags', PROJECT, 'api', '--json', '--details'], {
    env: { GITLAB_URL: double.url, CI_JOB_TOKEN: double.tokens.job },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(parseJson<unknown[]>(r).length, 4);
  assert.ok(double.requests.length > 0);
  for (const q of double.requests) {
    assert.equal(q.auth, 'job');
    assert.match(q.path, /^\/api\/v4\/projects\/[^/]+\/registry\//);
  }
});

test('no run printed a token', () => {
  const tokens = Object.values(double.tokens);
  for (const r of runs) {
    for (const t of [...tokens, 'glpat-DISTINCTIVE']) {
      assert.ok(!r.stdout.includes(t) && !r.stderr.includes(t), `token ${t} printed`);
    }
  }
});

test('units: glcr prints sizes as the extension does (decimal SI, "198.7 MB" for 198,727,348 bytes)', async () => {
  const json = parseJson<Array<{ name: string; total_size: number }>>(await run(['tags', PROJECT, '.', '--details', '--json'], { env: envWith(double.tokens.owner) }));
  assert.equal(json.find((t) => t.name === 'latest')!.total_size, 198_727_348);
  const r = await run(['tags', PROJECT, '.', '--details'], { env: envWith(double.tokens.owner) });
  assert.equal(r.code, 0, r.stderr);
  const latest = r.stdout.split('\n').find((l) => l.startsWith('latest '))!;
  assert.match(latest, /  198\.7 MB  /);
  assert.doesNotMatch(r.stdout, /[KMGT]iB/);
});

test('bulk --dry-run (human): the tags to delete first, with sizes, then totals', async () => {
  const r = await run(['bulk', PROJECT, '.', '--delete', '.*', '--keep-n', '2', '--dry-run'], { env: envWith(double.tokens.owner) });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^ACTION +TAG +SIZE +CREATED +REASON$/);
  assert.deepEqual(lines.slice(1, 9).map((l) => l.split(/ +/).slice(0, 4).join(' ').replace(/ \d{4}-\S+| -$/, '')), [
    'delete dev-0001 206.3 MB', 'delete dev-0002 132.1 MB', 'delete v1.0.0 174.2 MB', 'delete v1.2.2 10.4 MB', 'delete v1.2.3 198.7 MB',
    'keep feature-login 197.6 MB', 'keep latest 198.7 MB', 'keep main 198.7 MB',
  ]);
  assert.equal(lines[9], '5 tags to delete (721.8 MB), 3 kept (595.1 MB) in acme/platform/my.project.');
});

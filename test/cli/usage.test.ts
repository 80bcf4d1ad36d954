// Usage, help, version and bad input: exit codes, one-line hints, and nothing sent for bad usage.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { CliResult, RunOptions, assertNoStack, errLines, glcr, parseJson } from './helpers';

let double: GitLabDouble;
const runs: CliResult[] = [];

async function run(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const r = await glcr(args, opts);
  runs.push(r);
  assertNoStack(r);
  return r;
}

before(async () => {
  double = await startGitLabDouble({ scenario: 'small' });
});

after(async () => {
  await double.close();
});

test('help: --help, -h, glcr help, glcr help <command>, <command> --help → usage on stdout, exit 0', async () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = await run(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /Usage: glcr <command>/);
    for (const c of ['projects', 'repos', 'tags', 'rm', 'rm-repo', 'image rm']) assert.match(r.stdout, new RegExp(`\\n  ${c} `));
    assert.equal(r.stderr, '');
  }
  for (const args of [['help', 'tags'], ['tags', '--help'], ['-h', 'image', 'rm'], ['help', 'rm']]) {
    const r = await run(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.match(r.stdout, /^Usage: glcr (tags|image rm|rm) /);
  }
});

test('--version prints the version, exit 0', async () => {
  const r = await run(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+/);
});

test('bad usage: exit 2, one line on stderr, nothing on stdout, nothing sent', async () => {
  double.resetLog();
  const env = { GITLAB_URL: double.url, GITLAB_TOKEN: double.tokens.owner };
  const cases: Array<[string[], RegExp]> = [
    [[], /missing command/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['image'], /did you mean: glcr image rm/],
    [['tags', 'p', 'r', '--frob'], /unknown option --frob/],
    [['repos', 'p', '--details'], /option --details does not apply to glcr repos/],
    [['tags'], /missing argument <project>/],
    [['tags', 'p'], /missing argument <repo>/],
    [['repos', 'p', 'extra'], /unexpected argument "extra"/],
    [['rm', 'p', 'r'], /missing argument <tag>/],
    [['tags', 'p', 'r', '--url'], /--url needs a value/],
    [['--concurrency', '0', 'tags', 'p', 'r'], /--concurrency must be a whole number/],
    [['--json=1', 'projects'], /--json takes no value/],
    [['tags', 'p', 'r', '--token-file', '/nonexistent/glcr-token'], /cannot read --token-file/],
    [['--url', 'ftp://gitlab.example', 'projects'], /https/],
    [['image', 'rm', 'registry.example/a/b:1', '--password-stdin'], /--password-stdin needs -u USER/],
    [['image', 'rm', 'registry.example/a/b:1', '-u', 'me'], /-u USER needs --password-stdin/],
    [['image', 'rm', 'not a reference', '--json'], /./],
  ];
  for (const [args, line] of cases) {
    const r = await run(args, { env });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    const lines = errLines(r);
    assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0], /^glcr: /);
    assert.match(lines[0], line, args.join(' '));
  }
  assert.equal(double.requests.length, 0, 'bad usage sends nothing');
});

test('no option takes a token: --token is refused without echoing its value', async () => {
  const secret = 'glpat-DISTINCTIVE-cmdline-qq41';
  for (const args of [['--token', secret, 'projects'], [`--token=${secret}`, 'projects'], ['projects', '--private-token', secret]]) {
    const r = await run(args, { env: { GITLAB_URL: double.url } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--token-file/);
    assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));
  }
});

test('plain http:// to a non-loopback host: refused with exit 2 unless --allow-http', async () => {
  const env = { GITLAB_TOKEN: 'glpat-DISTINCTIVE-http-zz7' };
  for (const args of [['--url', 'http://gitlab.invalid', 'projects'], ['projects', '--json']]) {
    const r = await run(args, { env: { ...env, GITLAB_URL: 'http://gitlab.invalid' } });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^glcr: refusing plain http:\/\/ to gitlab\.invalid.*--allow-http/);
    assert.equal(errLines(r).length, 1);
  }
  // With --allow-http the request is attempted (and fails on the unresolvable host): exit 1, not 2.
  const allowed = await run(['--url', 'http://gitlab.invalid', 'projects', '--allow-http'], { env, timeoutMs: 30_000 });
  assert.equal(allowed.code, 1, allowed.stderr);
  assert.equal(errLines(allowed).length, 1);
  // Loopback needs no flag.
  const local = await run(['projects', '--json'], { env: { GITLAB_URL: double.url, GITLAB_TOKEN: double.tokens.owner } });
  assert.equal(local.code, 0, local.stderr);
  parseJson(local);
});

test('image rm: the password from stdin never appears in any output, even with --verbose', async () => {
  const password = 'DISTINCTIVE-registry-password-81x';
  const r = await run(['image', 'rm', '127.0.0.1:1/group/project:v1', '--yes', '-u', 'me', '--password-stdin', '--plain-http', '--verbose', '--json'], {
    stdin: `${password}\n`,
    timeoutMs: 30_000,
  });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.ok(errLines(r).length >= 1);
  assert.ok(!r.stderr.includes(password));
  // The same through CI_REGISTRY_USER / CI_REGISTRY_PASSWORD.
  const e = await run(['image', 'rm', '127.0.0.1:1/group/project:v1', '--yes', '--plain-http'], {
    env: { CI_REGISTRY: '127.0.0.1:1', CI_REGISTRY_USER: 'gitlab-ci-token', CI_REGISTRY_PASSWORD: password },
    timeoutMs: 30_000,
  });
  assert.equal(e.code, 1, e.stderr);
  assert.equal(errLines(e).length, 1);
  assert.ok(!e.stderr.includes(password) && !e.stdout.includes(password));
});

test('no run printed a secret', () => {
  for (const r of runs) {
    for (const t of [...Object.values(double.tokens), 'DISTINCTIVE']) {
      assert.ok(!r.stdout.includes(t) && !r.stderr.includes(t), `secret ${t} printed`);
    }
  }
});

test('help for a command family: `glcr help image` describes image rm', async () => {
  const r = await run(['help', 'image']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Usage: glcr image rm <registry>\/<path>:<tag> --yes/);
  assert.match(r.stdout, /remove an image tag through the registry V2 API/);
  assert.equal(r.stderr, '');
});

test('an unknown option close to a known one gets "did you mean"; a far one does not', async () => {
  double.resetLog();
  const near = await run(['tags', 'p', 'r', '--detail'], { env: { GITLAB_URL: double.url, GITLAB_TOKEN: double.tokens.owner } });
  assert.equal(near.code, 2);
  assert.deepEqual(errLines(near), ['glcr: unknown option --detail — did you mean --details? (see glcr help)']);
  const far = await run(['tags', 'p', 'r', '--frobnicate'], { env: { GITLAB_URL: double.url, GITLAB_TOKEN: double.tokens.owner } });
  assert.deepEqual(errLines(far), ['glcr: unknown option --frobnicate (see glcr help)']);
  assert.equal(double.requests.length, 0, 'nothing sent');
});

test('tags --details help says what it does: GraphQL pages of 20, REST per tag only as a fallback', async () => {
  const r = await run(['help', 'tags']);
  assert.match(r.stdout, /--details +also digest, created_at and total_size: GraphQL pages of 20 tags; one REST request per tag only where GraphQL is unavailable/);
  assert.doesNotMatch(r.stdout, /one request per tag, concurrent/);
});

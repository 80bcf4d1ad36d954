// Reliability and security of the `glcr` process (dist/cli.js) against the GitLab double: 1,000 deletes
// under ~10 % random faults end with exactly the selected tags gone and a true report; SIGINT stops new
// deletes at once; the token never shows in stdout/stderr (also with --verbose and on failures); plain
// http to a host that is not loopback is refused before anything is sent.
import { afterEach, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { DoubleOptions, GitLabDouble } from '../double/contract';
import { BIG, assertTrueReport, seedBigSelection } from '../support/bigSelection';
import { CLI, CliResult, RunOptions, assertNoStack, cleanupTemp, errLines, glcr, parseJson, tokenFile, waitFor } from './helpers';

const CANARY = 'glpat-SECRET-canary-cli-0c9d7e21';
const PROJECT = 'org-01/service-001';
const NOT_ATTEMPTED = 'not attempted (interrupted)';

interface Report { deleted: string[]; failed: Array<{ tag: string; error: string }> }

const runs: CliResult[] = [];
let double: GitLabDouble | undefined;

afterEach(async () => {
  await double?.close();
  double = undefined;
});

after(() => cleanupTemp());

async function run(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const r = await glcr(args, { timeoutMs: 90_000, ...opts });
  runs.push(r);
  assertNoStack(r);
  return r;
}

async function bigDouble(opts: DoubleOptions = {}): Promise<{ d: GitLabDouble; selected: string[]; env: Record<string, string>; tokenArgs: string[] }> {
  const d = await startGitLabDouble({ scenario: 'large', ...opts });
  double = d;
  d.addToken(CANARY, 'owner');
  return { d, selected: seedBigSelection(d), env: { GITLAB_URL: d.url }, tokenArgs: ['--token-file', tokenFile(CANARY)] };
}


test('the CLI bundle exists (build with npm run build)', () => {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build`);
});

describe('glcr rm under random faults', () => {
  test('1,000 tags with ~10 % of requests failing (500/502/503, resets before/after processing, 429 bursts): exactly the selected tags go', async () => {
    // 'timeout' is left out: glcr has no timeout option and its per-request timeout is 30 s. GraphQL is
    // off (the double answers /api/graphql 404), so glcr deletes over REST, one DELETE per tag.
    const { d, selected, env, tokenArgs } = await bigDouble({
      graphql: false,
      randomFaults: { rate: 0.1, seed: 2024, kinds: ['500', '502', '503', 'reset', 'resetAfterProcessing', '429burst'], retryAfterSeconds: 1 },
    });
    const before = d.repository(BIG)!.tags;
    const r = await run(['rm', PROJECT, 'big', ...selected, '--yes', '--json', '--concurrency', '8', ...tokenArgs], { env });
    const report = parseJson<Report>(r);
    assertTrueReport(report, selected, before, d.repository(BIG)!.tags);
    assert.deepEqual(report.failed, [], r.stderr);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(report.deleted.length, 1000);
    assert.ok(d.requests.filter((q) => q.fault).length >= 50, 'faults were injected');
    assert.ok(!r.stdout.includes(CANARY) && !r.stderr.includes(CANARY));
  });

  test('SIGINT mid-run under faults: no new DELETE after the signal, a true partial report, exit 1', async () => {
    const { d, selected, env, tokenArgs } = await bigDouble({
      graphql: false, latencyMs: 10, randomFaults: { rate: 0.1, seed: 5, kinds: ['500', '502', 'reset', 'resetAfterProcessing'], methods: ['DELETE'] },
    });
    const before = d.repository(BIG)!.tags;
    const deletes = () => d.requests.filter((q) => q.method === 'DELETE');
    let signalledAt = Infinity;
    const concurrency = 4;
    const r = await run(['rm', PROJECT, 'big', ...selected, '--yes', '--json', '--concurrency', String(concurrency), ...tokenArgs], {
      env,
      onSpawn: (child) => {
        waitFor(() => deletes().length >= 60, 60_000).then(() => {
          signalledAt = Date.now();
          child.kill('SIGINT');
        }, () => child.kill('SIGKILL'));
      },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(Number.isFinite(signalledAt));
    const tagOf = (path: string) => decodeURIComponent(path.split('/').pop()!);
    const beforeSignal = new Set(deletes().filter((q) => q.start <= signalledAt).map((q) => tagOf(q.path)));
    const newAfter = new Set(deletes().filter((q) => q.start > signalledAt).map((q) => tagOf(q.path)).filter((t) => !beforeSignal.has(t)));
    // Only tags already on their way when the signal arrived may show up afterwards (at most one per worker).
    assert.ok(newAfter.size <= concurrency, `new tags started after SIGINT: ${[...newAfter].join(', ')}`);

    const report = parseJson<Report>(r);
    assertTrueReport(report, selected, before, d.repository(BIG)!.tags);
    const notAttempted = report.failed.filter((f) => f.error === NOT_ATTEMPTED);
    assert.ok(notAttempted.length >= 1000 - 60 - 3 * concurrency - 20, `most not attempted (${notAttempted.length})`);
    assert.ok(errLines(r).some((l) => /^glcr: interrupted: \d+ tags not attempted$/.test(l)), r.stderr.split('\n')[0]);
  });
});

describe('glcr rm under random faults, GraphQL fast path (the default where /api/graphql answers)', () => {
  const faults = { rate: 0.1, seed: 2024, kinds: ['500', '502', '503', 'reset', 'resetAfterProcessing', '429burst'] as const, retryAfterSeconds: 1 };

  test('the per-tag report is true: every deleted tag is gone, every failed one present, siblings intact', async () => {
    const { d, selected, env, tokenArgs } = await bigDouble({ randomFaults: { ...faults, kinds: [...faults.kinds] } });
    const before = d.repository(BIG)!.tags;
    const r = await run(['rm', PROJECT, 'big', ...selected, '--yes', '--json', ...tokenArgs], { env });
    assert.ok(d.requests.some((q) => q.path === '/api/graphql'), 'the fast path was used');
    assertTrueReport(parseJson<Report>(r), selected, before, d.repository(BIG)!.tags);
    assert.equal(r.code, parseJson<Report>(r).failed.length > 0 ? 1 : 0);
  });

  test('every selected tag goes despite transient faults (a failed mutation is handed to REST)', async () => {
    const { d, selected, env, tokenArgs } = await bigDouble({ randomFaults: { ...faults, kinds: [...faults.kinds] } });
    const before = d.repository(BIG)!.tags;
    const r = await run(['rm', PROJECT, 'big', ...selected, '--yes', '--json', ...tokenArgs], { env });
    assert.deepEqual(parseJson<Report>(r).failed, []);
    assert.equal(r.code, 0, r.stderr);
    assertTrueReport(parseJson<Report>(r), selected, before, d.repository(BIG)!.tags);
  });
});

describe('glcr: token hygiene', () => {
  test('the token never appears on stdout or stderr: --verbose, faults, failures, bad URLs, refused options', async () => {
    const { d, env, tokenArgs } = await bigDouble({ randomFaults: { rate: 0.2, seed: 9, kinds: ['500', '502', 'reset', '429burst'], retryAfterSeconds: 0 } });
    const canaryEnv = { ...env, GITLAB_TOKEN: CANARY };
    const results: CliResult[] = [
      await run(['projects', '--verbose', ...tokenArgs], { env }),
      await run(['repos', PROJECT, '--verbose', '--json'], { env: canaryEnv }),
      await run(['tags', PROJECT, 'big', '--verbose'], { env: canaryEnv }),
      await run(['tags', PROJECT, '.', '--details', '--verbose', '--json'], { env: canaryEnv }),
      await run(['rm', PROJECT, '.', 'v1.0.0', 'nope', '--yes', '--verbose', ...tokenArgs], { env: { ...env, GITLAB_TOKEN: undefined } }),
      await run(['rm', PROJECT, 'big', 'latest', '--yes', '--verbose', '--json'], { env: { ...env, GITLAB_TOKEN: `${CANARY}-wrong` } }),
      await run(['projects', '--verbose'], { env: { GITLAB_URL: `http://user:${CANARY}@${new URL(d.url).host}` } }),
      await run(['projects', '--verbose', '--url', `${CANARY}:x@${new URL(d.url).host}`], { env: {} }),
      await run(['projects', `--token=${CANARY}`], { env }),
      await run(['projects', '--token', CANARY], { env }),
      await run(['projects', '--private-token', CANARY], { env }),
    ];
    for (const r of results) {
      assert.ok(!r.stdout.includes(CANARY), `stdout carries the token:\n${r.stdout.slice(0, 500)}`);
      assert.ok(!r.stderr.includes(CANARY), `stderr carries the token:\n${r.stderr.slice(0, 500)}`);
    }
    assert.ok(results[0].stderr.includes('GET /api/v4/projects'), '--verbose printed request lines');
    assert.equal(results[5].code, 1);
    for (const r of results.slice(6)) assert.equal(r.code, 2, r.stderr);
    assert.ok(!d.requests.some((q) => /(^|&)(private_token|job_token|access_token)=/.test(q.query)), 'no token in a query string');
    assert.ok(d.requests.every((q) => q.auth === 'private'));
  });

  test('plain http:// to a host that is not loopback: refused without --allow-http (exit 2), nothing sent', async () => {
    const d = await startGitLabDouble({ scenario: 'small' });
    double = d;
    const port = new URL(d.url).port;
    // 0.0.0.0 is not a loopback name, yet on Linux a connection to it reaches this 127.0.0.1 server: so the
    // double's log can prove that nothing was sent.
    for (const url of [`http://0.0.0.0:${port}`, 'http://gitlab.example.test', `http://10.255.255.1:${port}`]) {
      const r = await run(['projects', '--json', '--url', url], { env: { GITLAB_TOKEN: CANARY } });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^glcr: refusing plain http:\/\/ to .*--allow-http/);
      assert.ok(!r.stderr.includes(CANARY));
    }
    const viaEnv = await run(['rm', 'acme/platform/My.Project', '.', 'main', '--yes'], { env: { GITLAB_URL: `http://0.0.0.0:${port}`, GITLAB_TOKEN: d.tokens.owner } });
    assert.equal(viaEnv.code, 2);
    assert.equal(d.requests.length, 0, 'nothing reached the server');
    assert.ok(d.repository(1)!.tags.some((t) => t.name === 'main'));

    // Positive control: with --allow-http the same URL does reach the server (where the OS routes 0.0.0.0 locally).
    const allowed = await run(['projects', '--json', '--allow-http', '--url', `http://0.0.0.0:${port}`], { env: { GITLAB_TOKEN: d.tokens.owner } });
    if (allowed.code === 0) assert.ok(d.requests.length > 0);
  });
});

describe('glcr: answers that are not GitLab JSON', () => {
  test('an SSO login page, a proxy 502 page and garbage give one clear line naming the instance, exit 1', async () => {
    const d = await startGitLabDouble({ scenario: 'small' });
    double = d;
    const host = new URL(d.url).host;
    const env = { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.owner };
    const pages: Array<[Parameters<GitLabDouble['injectFault']>[0], RegExp]> = [
      [{ path: /\/projects$/, status: 200, body: '<!DOCTYPE html><html><body>Sign in with SSO</body></html>', headers: { 'Content-Type': 'text/html' }, times: 10 }, /HTML page/],
      [{ path: /\/projects$/, status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', headers: { 'Content-Type': 'text/html' }, times: 10 }, /502 Bad Gateway from .*HTML page/],
      [{ path: /\/projects$/, status: 200, body: '[{"id":1,"path_with', times: 10 }, /not valid JSON/],
    ];
    for (const [fault, message] of pages) {
      d.clearFaults();
      d.injectFault(fault);
      const r = await run(['projects'], { env });
      assert.equal(r.code, 1, r.stderr);
      const lines = errLines(r);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], message);
      assert.ok(lines[0].includes(host), `names the instance: ${lines[0]}`);
      assert.ok(!/<html|<body/i.test(r.stderr));
    }
  });

  test('an invalid regex or duration for bulk exits 2 with nothing sent (skipped if glcr has no bulk command)', async (t) => {
    const help = await run(['help']);
    if (!/\bbulk\b/.test(help.stdout)) {
      t.skip('glcr has no bulk command yet');
      return;
    }
    const d = await startGitLabDouble({ scenario: 'small' });
    double = d;
    const env = { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.owner };
    for (const extra of [['--delete', '(unclosed'], ['--delete', '.*', '--keep', '[z-a]'], ['--delete', '.*', '--older-than', '3 fortnights']]) {
      const r = await run(['bulk', 'acme/platform/My.Project', '.', ...extra, '--dry-run'], { env });
      assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
      assert.ok(!d.requests.some((q) => q.method === 'DELETE'));
    }
  });
});

test('no run printed a seeded token or the canary', () => {
  const seeded = /glpat-double-|glcbt-double-/;
  for (const r of runs) {
    assert.ok(!seeded.test(r.stdout) && !seeded.test(r.stderr) && !r.stdout.includes(CANARY) && !r.stderr.includes(CANARY));
  }
});

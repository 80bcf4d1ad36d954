// glcr when GitLab's answer to a write is lost (issue 11 items 5, 6 and 8): rm says "outcome unknown" (JSON
// error prefix, exit 1, words on stderr) instead of "failed"; rm-repo reads the repository back; bulk
// --server never re-sends and says "may have been scheduled"; server strings reach the terminal without
// control characters.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { GRAPHQL_PATH } from '../double/graphql';
import { CliResult, RunOptions, assertNoStack, glcr, parseJson } from './helpers';

const PROJECT = 'acme/platform/My.Project';
const ROOT_PATH = 'acme/platform/my.project';
// ESC CSI (clear screen), OSC (window title, BEL-terminated), C1 CSI: what a hostile server could send.
const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007\u009b31m';

let double: GitLabDouble | undefined;

async function fresh(registryHost?: string): Promise<GitLabDouble> {
  double = await startGitLabDouble({ scenario: 'small', repositoryDeletionStepMs: 0, bulkJobDelayMs: 0, ...(registryHost ? { registryHost } : {}) });
  return double;
}

async function run(d: GitLabDouble, token: string, args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const r = await glcr(args, { ...opts, env: { GITLAB_URL: d.url, GITLAB_TOKEN: token, ...opts.env } });
  assertNoStack(r);
  return r;
}

/** No C0/C1 control (other than line breaks) and no raw ESC anywhere in what the terminal gets. */
function assertPrintable(text: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, `${what} carries a control character`);
}

afterEach(async () => {
  await double?.close();
  double = undefined;
});

test('rm: a lost mutation answer and a failed check → "outcome unknown: …" in JSON, words on stderr, exit 1', async () => {
  const d = await fresh();
  const repo = d.repositoryByPath(ROOT_PATH)!;
  const names = Array.from({ length: 130 }, (_, i) => `ci-${String(i).padStart(3, '0')}`);
  d.addTags(repo.id, names.map((name) => ({ name })));
  d.injectFault({ method: 'POST', path: GRAPHQL_PATH, skip: 1, resetAfterProcessing: true, times: 1 });
  d.injectFault({ method: 'GET', path: /\/registry\/repositories\/\d+\/tags$/, status: 403, times: 100 });
  d.injectFault({ method: 'GET', path: /^\/api\/v4\/registry\/repositories\/\d+$/, skip: 1, status: 403, times: 100 });
  const r = await run(d, d.tokens.owner, ['rm', PROJECT, String(repo.id), ...names, '--yes', '--json', '--concurrency', '1']);
  assert.equal(r.code, 1, r.stderr);
  const report = parseJson<{ deleted: string[]; failed: Array<{ tag: string; error: string }> }>(r);
  assert.deepEqual(report.deleted, names.slice(0, 65));
  assert.deepEqual(report.failed.map((f) => f.tag), names.slice(65));
  for (const f of report.failed) assert.ok(f.error.startsWith('outcome unknown: '), f.error);
  assert.match(r.stderr, /glcr: tag "ci-065" may have been deleted \(outcome unknown: .*\); check with glcr tags acme\/platform\/My\.Project \d+/);
  assert.doesNotMatch(r.stderr, /not deleted/);
});

test('rm text mode: the unknown ones are listed as "may have been deleted" with the command to check', async () => {
  const d = await fresh();
  const repo = d.repositoryByPath(ROOT_PATH)!;
  d.injectFault({ method: 'POST', path: GRAPHQL_PATH, resetAfterProcessing: true, times: 1 });
  d.injectFault({ method: 'GET', path: /\/registry\/repositories\/\d+\/tags$/, status: 403, times: 100 });
  d.injectFault({ method: 'GET', path: /^\/api\/v4\/registry\/repositories\/\d+$/, skip: 1, status: 403, times: 100 });
  const r = await run(d, d.tokens.owner, ['rm', PROJECT, String(repo.id), 'dev-0001', '--yes']);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^Deleted 0 of 1 tag from /);
  assert.match(r.stdout, /1 tag may have been deleted: GitLab's answer was lost; check with glcr tags /);
  assert.match(r.stdout, /\n {2}may have been deleted {2}dev-0001\n$/);
});

test('rm-repo: answer lost after GitLab accepted → read back, {"id","status":"delete_scheduled"}, one DELETE', async () => {
  const d = await fresh();
  const repo = d.repositoryByPath('acme/website/cache')!;
  d.injectFault({ method: 'DELETE', path: /\/registry\/repositories\/\d+$/, resetAfterProcessing: true, times: 1 });
  d.resetLog();
  const r = await run(d, d.tokens.maintainer, ['rm-repo', 'acme/website', String(repo.id), '--yes', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJson(r), { id: repo.id, status: 'delete_scheduled' });
  assert.equal(d.requests.filter((q) => q.method === 'DELETE').length, 1);
});

test('rm-repo: answer lost and the read-back fails → status "unknown", "outcome unknown: …", may have been scheduled, exit 1', async () => {
  const d = await fresh();
  const repo = d.repositoryByPath('acme/website/cache')!;
  d.injectFault({ method: 'DELETE', path: /\/registry\/repositories\/\d+$/, resetAfterProcessing: true, times: 1 });
  d.injectFault({ method: 'GET', path: /^\/api\/v4\/registry\/repositories\/\d+$/, status: 403, times: 100 });
  d.resetLog();
  const r = await run(d, d.tokens.maintainer, ['rm-repo', 'acme/website', String(repo.id), '--yes', '--json']);
  assert.equal(r.code, 1);
  const row = parseJson<{ id: number; status: string; error: string }>(r);
  assert.deepEqual([row.id, row.status], [repo.id, 'unknown']);
  assert.ok(row.error.startsWith('outcome unknown: '), row.error);
  assert.match(r.stderr, /^glcr: repository .* \(id \d+\) may have been scheduled for deletion \(.*\); check with glcr repos acme\/website$/m);
  assert.equal(d.requests.filter((q) => q.method === 'DELETE').length, 1, 'never re-sent');
});

test('bulk --server answered 502: never re-sent, "may have been scheduled", JSON {"scheduled":null,"error":"outcome unknown: …"}, exit 1', async () => {
  const d = await fresh();
  d.injectFault({ method: 'DELETE', path: /\/registry\/repositories\/\d+\/tags$/, status: 502, times: 1 });
  d.resetLog();
  const r = await run(d, d.tokens.maintainer, ['bulk', PROJECT, '.', '--delete', 'dev-.*', '--yes', '--server', '--json']);
  assert.equal(r.code, 1);
  const out = parseJson<{ scheduled: null; error: string }>(r);
  assert.equal(out.scheduled, null);
  assert.match(out.error, /^outcome unknown: 502 .*may have been scheduled; not sent again$/);
  assert.match(r.stderr, /GitLab's server-side bulk delete for .* may have been scheduled/);
  assert.equal(d.requests.filter((q) => q.method === 'DELETE').length, 1);

  const text = await run(d, d.tokens.maintainer, ['bulk', PROJECT, '.', '--delete', 'dev-.*', '--yes', '--server']);
  assert.equal(text.code, 0, 'the fault is used up: the next run is scheduled');
});

test('server strings with ESC/OSC/C1 reach neither stdout nor stderr: error text, names, JSON', async () => {
  // A registry host that smuggles controls into every repository's `location`.
  const d = await fresh(`registry.example.test${HOSTILE}`);
  const json = await run(d, d.tokens.owner, ['repos', PROJECT, '--json']);
  assert.equal(json.code, 0, json.stderr);
  assertPrintable(json.stdout, 'repos (JSON)');
  const root = parseJson<Array<{ path: string; location: string }>>(json).find((r) => r.path === ROOT_PATH);
  assert.equal(root?.location, `registry.example.test[2J]0;pwned31m/${ROOT_PATH}`);

  d.injectFault({ method: 'GET', path: /\/registry\/repositories\/\d+\/tags$/, status: 403, times: 1,
    body: JSON.stringify({ message: `403 Forbidden${HOSTILE} - nope\u009d8;;http://evil\u009c` }) });
  const repo = d.repositoryByPath(ROOT_PATH)!;
  const err = await run(d, d.tokens.owner, ['tags', PROJECT, String(repo.id)]);
  assert.equal(err.code, 1);
  assertPrintable(err.stderr, 'the error line');
  assert.match(err.stderr, /403 Forbidden\[2J\]0;pwned31m - nope8;;http:\/\/evil/);
});

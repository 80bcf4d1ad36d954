// glcr policy set --group: one cleanup policy for every project of a group, against the GitLab double.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { CliResult, assertNoStack, glcr, parseJson } from './helpers';

let double: GitLabDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
});

async function run(d: GitLabDouble, args: string[], token: keyof GitLabDouble['tokens']): Promise<CliResult> {
  const r = await glcr(args, { env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens[token] } });
  assertNoStack(r);
  return r;
}

const DEFAULT = { cadence: '1d', enabled: false, keep_n: 10, older_than: '90d', name_regex: '.*', name_regex_keep: null };
const WANTED = { cadence: '7d', enabled: true, keep_n: 5, older_than: '30d', name_regex: '.*', name_regex_keep: 'v\\d+\\.\\d+\\.\\d+' };
const ARGS = ['--enabled', 'true', '--cadence', '7d', '--keep-n', '5', '--older-than', '30d', '--keep', 'v\\d+\\.\\d+\\.\\d+'];

test('policy set --group --dry-run then --yes: per-project before → after, unchanged where it already is', async () => {
  double = await startGitLabDouble({ scenario: 'small' });
  const d = double;
  const dry = await run(d, ['policy', 'set', '--group', 'acme', ...ARGS, '--dry-run', '--json'], 'owner');
  assert.equal(dry.code, 0, dry.stderr);
  const expected = {
    projects: [
      { project: 'acme/docs', before: DEFAULT, after: WANTED, status: 'changed' },
      { project: 'acme/platform/My.Project', before: WANTED, after: WANTED, status: 'unchanged' },
      { project: 'acme/platform/tools/builder', before: DEFAULT, after: WANTED, status: 'changed' },
      { project: 'acme/website', before: DEFAULT, after: WANTED, status: 'changed' },
    ],
  };
  assert.deepEqual(parseJson(dry), expected);
  assert.ok(!d.requests.some((q) => q.method === 'PUT'), 'a dry run sends no PUT');
  const yes = await run(d, ['policy', 'set', '--group', 'acme', ...ARGS, '--yes', '--json'], 'owner');
  assert.equal(yes.code, 0, yes.stderr);
  assert.deepEqual(parseJson(yes), expected);
  assert.equal(d.requests.filter((q) => q.method === 'PUT').length, 3, 'one PUT per changed project');
  const after = parseJson<Record<string, unknown>>(await run(d, ['policy', 'acme/website', '--json'], 'owner'));
  assert.equal(after.cadence, '7d');
  assert.equal(after.enabled, true);
});

test('policy set --group as a Developer: every project skipped (not failed), nothing sent, exit 0', async () => {
  double = await startGitLabDouble({ scenario: 'small' });
  const r = await run(double, ['policy', 'set', '--group', 'acme', '--enabled', 'true', '--yes', '--json'], 'developer');
  assert.equal(r.code, 0, r.stderr);
  const out = parseJson<{ projects: Array<{ project: string; status: string; error?: string }> }>(r);
  assert.deepEqual(out.projects.map((p) => [p.project, p.status]), [
    ['acme/docs', 'skipped'], ['acme/platform/My.Project', 'skipped'], ['acme/platform/tools/builder', 'skipped'], ['acme/website', 'skipped'],
  ]);
  assert.equal(out.projects[0].error, 'changing the cleanup policy needs the Maintainer role');
  assert.ok(!double.requests.some((q) => q.method === 'PUT'));
});

test('policy set --group: GitLab\'s values only, and exactly one of --dry-run / --yes (exit 2, nothing sent)', async () => {
  double = await startGitLabDouble({ scenario: 'small' });
  for (const args of [
    ['--cadence', '2d', '--dry-run'], ['--enabled', 'true'], ['--enabled', 'true', '--dry-run', '--yes'], ['--keep-n', '7', '--yes'],
  ]) {
    const r = await run(double, ['policy', 'set', '--group', 'acme', ...args], 'owner');
    assert.equal(r.code, 2, args.join(' '));
  }
  assert.equal(double.requests.length, 0);
});

// --journal FILE when the manifests cannot be read (the double's locations name a registry host that does
// not exist): nothing is deleted unless --no-journal; --journal with --server is bad usage.
import { after, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { assertNoStack, glcr, parseJson } from './helpers';

const PROJECT = 'acme/platform/My.Project';
const ROOT_PATH = 'acme/platform/my.project';
let double: GitLabDouble | undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-journal-cli-'));

afterEach(async () => {
  await double?.close();
  double = undefined;
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const tagNames = (d: GitLabDouble) => (d.repositoryByPath(ROOT_PATH)?.tags ?? []).map((t) => t.name);

test('rm --journal: an unreadable manifest stops the deletion (exit 1, nothing sent); --no-journal deletes with a warning', async () => {
  const d = (double = await startGitLabDouble({ scenario: 'small', graphql: false }));
  const env = { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.maintainer };
  const journal = path.join(dir, 'a.jsonl');
  const r = await glcr(['rm', PROJECT, '.', 'dev-0001', '--yes', '--journal', journal, '--json'], { env });
  assertNoStack(r);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^glcr: cannot record tag "dev-0001" in the journal \(.+\), so it could not be restored; nothing was deleted \(add --no-journal to delete it anyway\)\n$/);
  assert.ok(tagNames(d).includes('dev-0001'));
  assert.ok(!d.requests.some((q) => q.method === 'DELETE'), 'no DELETE sent');

  const forced = await glcr(['rm', PROJECT, '.', 'dev-0001', '--yes', '--journal', journal, '--no-journal', '--json'], { env });
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(parseJson(forced), { deleted: ['dev-0001'], failed: [] });
  assert.match(forced.stderr, /^glcr: warning: tag "dev-0001" is deleted without a journal record/);
  assert.ok(!tagNames(d).includes('dev-0001'));
});

test('bulk --yes --server --journal is bad usage (exit 2): GitLab picks the tags later', async () => {
  const d = (double = await startGitLabDouble({ scenario: 'small', graphql: false }));
  const r = await glcr(['bulk', PROJECT, '.', '--delete', 'dev-.*', '--yes', '--server', '--journal', path.join(dir, 'b.jsonl')], {
    env: { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.maintainer },
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--journal cannot record GitLab's server-side bulk delete/);
  assert.equal(d.requests.length, 0);
});

test('bulk --yes --journal after a --dry-run: the preview\'s manifests come from the cache, no manifest GET again', async () => {
  const d = (double = await startGitLabDouble({ scenario: 'small', graphql: false, registryHost: 'self' }));
  const env = { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.maintainer, XDG_CACHE_HOME: path.join(dir, 'cache-bulk') };
  const preview = await glcr(['bulk', PROJECT, '.', '--delete', 'dev-.*', '--dry-run', '--json'], { env });
  assert.equal(preview.code, 0, preview.stderr);
  assert.deepEqual((parseJson(preview) as { delete: string[] }).delete, ['dev-0001', 'dev-0002']);
  const digests = new Set((d.repositoryByPath(ROOT_PATH)?.tags ?? []).filter((t) => t.name.startsWith('dev-')).map((t) => t.digest));
  const manifestGets = () => d.requests.filter((q) => q.method === 'GET' && /\/manifests\/sha256:/.test(q.path));
  assert.ok([...digests].every((g) => manifestGets().some((q) => q.path.endsWith(`/manifests/${g}`))), 'the preview read each deleted digest');

  d.resetLog();
  const journal = path.join(dir, 'cached.jsonl');
  const r = await glcr(['bulk', PROJECT, '.', '--delete', 'dev-.*', '--yes', '--journal', journal, '--json'], { env });
  assertNoStack(r);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(manifestGets().map((q) => q.path), [], 'no manifest read twice');
  const records = fs.readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { tag: string; digest: string });
  assert.deepEqual(records.map((x) => x.tag).sort(), ['dev-0001', 'dev-0002']);
  assert.ok(records.every((x) => digests.has(x.digest)));
  assert.ok(!tagNames(d).includes('dev-0001'));
});

test('rm --journal on the double\'s own registry: one manifest GET per unique digest, recorded before the DELETE', async () => {
  const d = (double = await startGitLabDouble({ scenario: 'small', graphql: false, registryHost: 'self' }));
  const env = { GITLAB_URL: d.url, GITLAB_TOKEN: d.tokens.maintainer };
  const tags = d.repositoryByPath(ROOT_PATH)?.tags ?? [];
  const digest = (n: string) => tags.find((t) => t.name === n)?.digest;
  assert.equal(digest('latest'), digest('main'), 'the seed: latest and main are one image');
  const journal = path.join(dir, 'rm-self.jsonl');
  const r = await glcr(['rm', PROJECT, '.', 'latest', 'main', '--yes', '--journal', journal, '--no-cache', '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  const gets = d.requests.filter((q) => q.method === 'GET' && /\/manifests\/sha256:/.test(q.path));
  assert.deepEqual(gets.map((q) => q.path.split('/manifests/')[1]), [digest('latest')]);
  const firstDelete = d.requests.findIndex((q) => q.method === 'DELETE');
  assert.ok(d.requests.indexOf(gets[0]) < firstDelete, 'read before anything was deleted');
  const records = fs.readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { tag: string; digest: string });
  assert.deepEqual(records.map((x) => [x.tag, x.digest]).sort(), [['latest', digest('latest')], ['main', digest('latest')]]);
});

// Pagination against the large scenario: every page is followed (10,050 tags, 250 projects).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { assertNoStack, codePointSorted, glcr, parseJson } from './helpers';

let double: GitLabDouble;

before(async () => {
  double = await startGitLabDouble({ scenario: 'large' });
});

after(async () => {
  await double.close();
});

test('tags lists all 10,050 tags of the huge repository, sorted, over many pages', async () => {
  double.resetLog();
  const r = await glcr(['tags', 'org-01/service-001', 'huge', '--json'], {
    env: { GITLAB_URL: double.url, GITLAB_TOKEN: double.tokens.owner },
  });
  assertNoStack(r);
  assert.equal(r.code, 0, r.stderr);
  const names = parseJson<Array<{ name: string }>>(r).map((t) => t.name);
  assert.equal(names.length, 10_050);
  assert.equal(new Set(names).size, 10_050);
  assert.deepEqual(names, codePointSorted(names));
  assert.equal(names[0], 'build-00001');
  assert.equal(names[names.length - 1], 'latest');
  const tagPages = double.requests.filter((q) => /\/tags$/.test(q.path));
  assert.ok(tagPages.length >= 101, `followed ${tagPages.length} pages`);
});

test('the legacy tag listing (offset pages, totals dropped at 10,000) is followed to the end too', async () => {
  const legacy = await startGitLabDouble({ scenario: 'large', legacyRegistry: true });
  try {
    const r = await glcr(['tags', 'org-01/service-001', 'huge', '--json'], {
      env: { GITLAB_URL: legacy.url, GITLAB_TOKEN: legacy.tokens.owner },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseJson<unknown[]>(r).length, 10_050);
  } finally {
    await legacy.close();
  }
});

test('projects follows all pages (250 projects) and sorts by path_with_namespace', async () => {
  const r = await glcr(['projects', '--json'], { env: { GITLAB_URL: double.url, GITLAB_TOKEN: double.tokens.owner } });
  assert.equal(r.code, 0, r.stderr);
  const paths = parseJson<Array<{ path_with_namespace: string }>>(r).map((p) => p.path_with_namespace);
  assert.equal(paths.length, 250);
  assert.deepEqual(paths, codePointSorted(paths));
});

test('tags --details on 2,500 tags: one detail request per tag, all present', async () => {
  const r = await glcr(['tags', 'org-01/service-001', 'big', '--details', '--json', '--concurrency', '16'], {
    env: { GITLAB_URL: double.url, GITLAB_TOKEN: double.tokens.owner },
  });
  assert.equal(r.code, 0, r.stderr);
  const rows = parseJson<Array<{ name: string; total_size: unknown }>>(r);
  assert.equal(rows.length, 2_500);
  assert.ok(rows.every((t) => typeof t.total_size === 'number'));
});

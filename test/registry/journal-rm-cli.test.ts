// `glcr rm --journal` through the GitLab double whose repository location points at a real registry: the
// manifests are read from the registry with the GitLab token (through the token service, never sent to the
// registry itself), no GitLab API request is added, and `glcr restore` puts the tag back with the same token.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { removeImage } from '../../src/core/registry';
import { buildOciImage, inspectRaw, pushLayout, runAsync, startRegistry, type BuiltImage, type RegistryHarness } from './harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PROJECT = 'acme/platform/My.Project';
const REPO = 'acme/platform/my.project/app';

describe('glcr rm --journal and restore with a GitLab token (double + real registry)', { timeout: 120_000 }, () => {
  let h: RegistryHarness;
  let d: GitLabDouble;
  let app: BuiltImage;
  let token: string;
  let journal: string;
  const M = () => `glcr:${token}`;

  const glcr = (args: string[]) => runAsync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', GITLAB_URL: d.url, GITLAB_TOKEN: token }, timeoutMs: 30_000,
  });

  before(async () => {
    d = await startGitLabDouble({ scenario: 'small', graphql: false });
    token = d.tokens.maintainer;
    // glcr pushes the test images (skopeo); oauth2 is the user name glcr sends with a GitLab token (GitLab takes any).
    const actions: ('pull' | 'push' | 'delete')[] = ['pull', 'push', 'delete'];
    h = await startRegistry({ users: { glcr: { password: token, actions }, oauth2: { password: token, actions } } });
    await d.close();
    d = await startGitLabDouble({ scenario: 'small', graphql: false, registryHost: h.host });
    const projectId = d.repositoryByPath('acme/platform/my.project')!.project_id;
    d.addRepository(projectId, 'app', [{ name: 'v1' }, { name: 'v2', sameImageAs: 'v1' }, { name: 'ghost' }]);
    journal = path.join(h.dir, 'journal.jsonl');
    const dir = path.join(h.dir, 'layouts', 'app');
    app = buildOciImage(dir, 'src', 'app');
    await pushLayout(h, dir, 'src', REPO, 'v1', M());
    await pushLayout(h, dir, 'src', REPO, 'v2', M());
  });

  after(async () => {
    await d?.close();
    await h?.close();
  });

  test('rm --journal records the registry manifest (a tag missing from the registry is not recorded) with no extra GitLab request', async () => {
    d.resetLog();
    const tokenRequestsBefore = h.tokenRequests.length;
    const r = await glcr(['rm', PROJECT, 'app', 'v1', 'ghost', '--yes', '--journal', journal, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { deleted: ['ghost', 'v1'], failed: [] });
    const withJournal = d.requests.map((q) => `${q.method} ${q.path}`);
    const records = fs.readFileSync(journal, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(records.map((x) => [x.tag, x.digest, x.project, x.repositoryPath, x.location, x.instance]),
      [['v1', app.manifestDigest, PROJECT, REPO, `${h.host}/${REPO}`, d.url]]);
    assert.ok(!fs.readFileSync(journal, 'utf8').includes(token), 'no token in the journal');
    const ours = h.tokenRequests.slice(tokenRequestsBefore);
    assert.ok(ours.length > 0 && ours.every((t) => t.user === 'oauth2'), 'the token went to the token service as Basic');

    d.addTags(d.repositoryByPath(REPO)!.id, [{ name: 'v1' }, { name: 'ghost' }]);
    d.resetLog();
    const plain = await glcr(['rm', PROJECT, 'app', 'v1', 'ghost', '--yes', '--json']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(withJournal, d.requests.map((q) => `${q.method} ${q.path}`), 'recording adds no GitLab API request');
  });

  test('restore with the GitLab token puts the tag back on the registry', async () => {
    await removeImage({ reference: `${h.host}/${REPO}:v1`, digestMode: false, username: 'glcr', password: token });
    assert.equal(await inspectRaw(h, REPO, 'v1', M()), null);
    const r = await glcr(['restore', '--journal', journal, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { restored: [{ location: `${h.host}/${REPO}`, tag: 'v1', digest: app.manifestDigest }], failed: [], skipped: [] });
    assert.equal((await inspectRaw(h, REPO, 'v1', M()))?.digest, app.manifestDigest);
    assert.ok(!r.stdout.includes(token) && !r.stderr.includes(token));
  });
});

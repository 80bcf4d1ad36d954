// `glcr image rm --journal` and `glcr restore` as processes (node dist/cli.js) against a real registry with
// GitLab-style token auth. Contract: exit 0 every chosen tag restored, 1 otherwise, 2 bad usage; JSON
// {"restored":[{"location","tag","digest"}],"failed":[{"tag","error"}],"skipped":[{"tag","reason"}]}.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildOciImage, inspectRaw, pushLayout, runAsync, startRegistry, type BuiltImage, type RegistryHarness, type RunResult } from './harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const USERS = {
  maintainer: { password: 'rst-M-s3cret-Pa55', actions: ['pull', 'push', 'delete'] },
  reporter: { password: 'rst-R-s3cret-Pa55', actions: ['pull'] },
};
const M = `maintainer:${USERS.maintainer.password}`;

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^(CI_|GITLAB_|GLCR_)/.test(k)) delete env[k];
  return { ...env, NO_COLOR: '1' };
}

function glcr(args: string[], user = 'maintainer'): Promise<RunResult> {
  const password = USERS[user as keyof typeof USERS].password;
  return runAsync(process.execPath, [CLI, ...args, '-u', user, '--password-stdin'], { input: `${password}\n`, env: cleanEnv(), timeoutMs: 30_000 });
}

describe('glcr restore (CLI process)', { timeout: 120_000 }, () => {
  let h: RegistryHarness;
  let app: BuiltImage;
  let other: BuiltImage;
  let journal: string;
  const repo = 'group/project';

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
    h = await startRegistry({ users: USERS });
    journal = path.join(h.dir, 'j', 'deleted.jsonl');
    app = buildOciImage(path.join(h.dir, 'layouts', 'app'), 'src', 'app');
    other = buildOciImage(path.join(h.dir, 'layouts', 'other'), 'src', 'other');
    await pushLayout(h, path.join(h.dir, 'layouts', 'app'), 'src', repo, 'v1', M);
    await Promise.all(['v2', 'v3', 'v4'].map((t) => pushLayout(h, path.join(h.dir, 'layouts', 'app'), 'src', repo, t, M)));
  });

  after(async () => {
    await h?.close();
  });

  test('image rm --journal records the tag (0600, no password); restore puts it back: exit 0', async () => {
    const rm = await glcr(['image', 'rm', '--yes', `${h.host}/${repo}:v1`, '--journal', journal]);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(await inspectRaw(h, repo, 'v1', M), null);
    assert.equal(fs.statSync(journal).mode & 0o777, 0o600);
    const text = fs.readFileSync(journal, 'utf8');
    assert.ok(!text.includes(USERS.maintainer.password), 'no credential in the journal');
    assert.deepEqual(text.trim().split('\n').map((l) => JSON.parse(l)).map((r) => [r.tag, r.digest, r.location]), [['v1', app.manifestDigest, `${h.host}/${repo}`]]);

    const r = await glcr(['restore', '--journal', journal, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { restored: [{ location: `${h.host}/${repo}`, tag: 'v1', digest: app.manifestDigest }], failed: [], skipped: [] });
    assert.equal((await inspectRaw(h, repo, 'v1', M))?.digest, app.manifestDigest);
    assert.equal((await inspectRaw(h, repo, 'v2', M))?.digest, app.manifestDigest);
  });

  test('tag exists again at another image: skipped, exit 1; --force overwrites it, exit 0', async () => {
    const rm = await glcr(['image', 'rm', '--yes', `${h.host}/${repo}:v2`, '--journal', journal]);
    assert.equal(rm.code, 0, rm.stderr);
    await pushLayout(h, path.join(h.dir, 'layouts', 'other'), 'src', repo, 'v2', M);
    const r = await glcr(['restore', '--journal', journal, '--tag', 'v2', '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout), {
      restored: [], failed: [],
      skipped: [{ tag: 'v2', reason: `tag exists again and points at another image (${other.manifestDigest}); restore with force to overwrite it` }],
    });
    assert.equal((await inspectRaw(h, repo, 'v2', M))?.digest, other.manifestDigest, 'left alone');
    const f = await glcr(['restore', '--journal', journal, '--tag', 'v2', '--force', '--json']);
    assert.equal(f.code, 0, f.stderr);
    assert.deepEqual(JSON.parse(f.stdout).restored, [{ location: `${h.host}/${repo}`, tag: 'v2', digest: app.manifestDigest }]);
    assert.equal((await inspectRaw(h, repo, 'v2', M))?.digest, app.manifestDigest);
  });

  test('failed restores exit 1: a tag with no record, and a user without push', async () => {
    const none = await glcr(['restore', '--journal', journal, '--tag', 'never', '--json']);
    assert.equal(none.code, 1);
    assert.deepEqual(JSON.parse(none.stdout), { restored: [], failed: [{ tag: 'never', error: 'no record of this tag in the journal' }], skipped: [] });
    const rm = await glcr(['image', 'rm', '--yes', `${h.host}/${repo}:v3`, '--journal', journal]);
    assert.equal(rm.code, 0, rm.stderr);
    const denied = await glcr(['restore', '--journal', journal, '--tag', 'v3', '--json'], 'reporter');
    assert.equal(denied.code, 1);
    const out = JSON.parse(denied.stdout);
    assert.equal(out.failed.length, 1);
    assert.match(out.failed[0].error, /may not push/);
    assert.ok(!denied.stderr.includes(USERS.reporter.password));
    assert.equal(await inspectRaw(h, repo, 'v3', M), null);
  });

  test('bad usage exits 2 and sends nothing', async () => {
    const noJournal = await glcr(['restore', '--json']);
    assert.equal(noJournal.code, 2);
    assert.equal(noJournal.stderr.trim(), 'glcr: glcr restore needs --journal FILE');
    const unreadable = await glcr(['restore', '--journal', path.join(h.dir, 'a-directory-not-a-file', '..')]);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /^glcr: cannot read --journal .*: EISDIR\n$/);
  });
});

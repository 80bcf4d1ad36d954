// `glcr image rm` as a process (node dist/cli.js) against a real registry with GitLab-style token auth.
// Contract: stdout {"removed","mode","also_removed"} with --json; exit 0 done, 1 failed, 2 bad usage;
// errors are one line on stderr without a stack; the password never appears in stdout or stderr.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildOciImage, inspectRaw, pushLayout, runAsync, startRegistry, type BuiltImage, type RegistryHarness, type RunResult } from './harness';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const USERS = {
  maintainer: { password: 'cli-M-s3cret-Pa55', actions: ['pull', 'push', 'delete'] },
  developer: { password: 'cli-D-s3cret-Pa55', actions: ['pull', 'push'] },
};
const M = `maintainer:${USERS.maintainer.password}`;
const SECRETS = [USERS.maintainer.password, USERS.developer.password, 'cli-wrong-Pa55'];

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^(CI_|GITLAB_|GLCR_)/.test(k)) delete env[k];
  return { ...env, NO_COLOR: '1', ...extra };
}

const outputs: RunResult[] = [];
async function glcr(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  const r = await runAsync(process.execPath, [CLI, ...args], { input: opts.input, env: cleanEnv(opts.env), timeoutMs: 30_000 });
  outputs.push(r);
  return r;
}

function assertOneLineError(r: RunResult): void {
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.ok(!/\n\s+at /.test(r.stderr) && !/\bat .*\.js:\d+/.test(r.stderr), 'no stack trace');
  assert.equal(r.stdout, '', 'nothing on stdout');
}

describe('glcr image rm (CLI process)', { timeout: 120_000 }, () => {
  let h: RegistryHarness;
  let img: BuiltImage;

  before(async () => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
    h = await startRegistry({ users: USERS });
    const dir = path.join(h.dir, 'layouts', 'app');
    img = buildOciImage(dir, 'src', 'cli');
    await pushLayout(h, dir, 'src', 'group/project', 'main', M);
    await Promise.all(['v1', 'feature-x', 'dev', 'ci-1', 'ci-2'].map((t) => pushLayout(h, dir, 'src', 'group/project', t, M)));
  });

  after(async () => {
    await h?.close();
  });

  test('tag mode with -u USER --password-stdin (trailing newline stripped) removes only that tag', async () => {
    const ref = `${h.host}/group/project:feature-x`;
    const r = await glcr(['image', 'rm', '--yes', ref, '--json', '-u', 'maintainer', '--password-stdin'], { input: `${USERS.maintainer.password}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { removed: ref, mode: 'tag', also_removed: [] });
    assert.equal(await inspectRaw(h, 'group/project', 'feature-x', M), null);
    assert.equal((await inspectRaw(h, 'group/project', 'main', M))?.digest, img.manifestDigest);
    assert.equal((await inspectRaw(h, 'group/project', 'v1', M))?.digest, img.manifestDigest);
  });

  test('credentials from CI_REGISTRY_USER / CI_REGISTRY_PASSWORD, --verbose does not print the password', async () => {
    const ref = `${h.host}/group/project:dev`;
    const r = await glcr(['image', 'rm', '--yes', ref, '--json', '--verbose'], {
      env: { CI_REGISTRY: h.host, CI_REGISTRY_USER: 'maintainer', CI_REGISTRY_PASSWORD: USERS.maintainer.password },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { removed: ref, mode: 'tag', also_removed: [] });
    assert.equal((await inspectRaw(h, 'group/project', 'main', M))?.digest, img.manifestDigest);
  });

  test('wrong password: exit 1, one clear line, no password', async () => {
    const r = await glcr(['image', 'rm', '--yes', `${h.host}/group/project:main`, '--json', '-u', 'maintainer', '--password-stdin'], { input: 'cli-wrong-Pa55\n' });
    assert.equal(r.code, 1);
    assertOneLineError(r);
    assert.match(r.stderr, /refused the credentials/);
  });

  test('no delete permission (Developer): exit 1, says Maintainer and api scope', async () => {
    const r = await glcr(['image', 'rm', '--yes', `${h.host}/group/project:main`, '--json'], {
      env: { CI_REGISTRY: h.host, CI_REGISTRY_USER: 'developer', CI_REGISTRY_PASSWORD: USERS.developer.password },
    });
    assert.equal(r.code, 1);
    assertOneLineError(r);
    assert.match(r.stderr, /Maintainer/);
    assert.match(r.stderr, /api/);
    assert.equal((await inspectRaw(h, 'group/project', 'main', M))?.digest, img.manifestDigest);
  });

  test('unknown tag: exit 1', async () => {
    const r = await glcr(['image', 'rm', '--yes', `${h.host}/group/project:nope`, '--json', '-u', 'maintainer', '--password-stdin'], { input: USERS.maintainer.password });
    assert.equal(r.code, 1);
    assertOneLineError(r);
    assert.match(r.stderr, /tag "nope" not found/);
  });

  test('bad usage: exit 2 and nothing sent', async () => {
    const before = h.tokenRequests.length;
    for (const args of [
      ['image', 'rm', '--yes', 'group/project:main', '--json'],
      ['image', 'rm', '--yes', `${h.host}/Group/project:main`, '--json'],
      ['image', 'rm', '--yes', `${h.host}/group/project@sha256:${'a'.repeat(64)}`, '--json'],
      ['image', 'rm', '--yes', `${h.host}/group/project:main`, '--json', '--password-stdin'],
    ]) {
      const r = await glcr(args, { input: USERS.maintainer.password });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assertOneLineError(r);
    }
    assert.equal(h.tokenRequests.length, before);
  });

  test('--digest removes every tag on the manifest and lists the others', async () => {
    const ref = `${h.host}/group/project:ci-1`;
    const r = await glcr(['image', 'rm', '--yes', ref, '--digest', '--json', '-u', 'maintainer', '--password-stdin'], { input: `${USERS.maintainer.password}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { removed: ref, mode: 'digest', also_removed: ['ci-2', 'main', 'v1'] });
    for (const t of ['ci-1', 'ci-2', 'main', 'v1']) assert.equal(await inspectRaw(h, 'group/project', t, M), null, t);
  });

  test('the password never appeared in any stdout or stderr', () => {
    assert.ok(outputs.length >= 8);
    for (const o of outputs) for (const s of SECRETS) {
      assert.ok(!o.stdout.includes(s) && !o.stderr.includes(s), `secret leaked in:\n${o.stdout}\n${o.stderr}`);
    }
  });
});

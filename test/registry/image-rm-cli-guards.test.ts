// `glcr image rm` as a process (node dist/cli.js) against the in-test fake registry: --yes is required, the
// job's CI credentials go only to $CI_REGISTRY, and a second Ctrl-C while a tag points at the placeholder
// warns instead of exiting silently (the tag is restored).
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { startFakeRegistry, type FakeRegistry } from './fakeRegistry';
import { runAsync, type RunResult } from './harness';

const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
const PW = 'alice-Pa55';
const JOB_PW = 'job-token-DISTINCTIVE-77';
const IMG = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: 'sha256:' + '1'.repeat(64), size: 2 }, layers: [] };

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (/^(CI_|GITLAB_|GLCR_)/.test(k)) delete env[k];
  return { ...env, NO_COLOR: '1', ...extra };
}

function glcr(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  return runAsync(process.execPath, [CLI, ...args], { input: opts.input, env: cleanEnv(opts.env), timeoutMs: 30_000 });
}

let f: FakeRegistry;
let d: string;
before(async () => {
  assert.ok(fs.existsSync(CLI), `${CLI} is missing: run \`npm run build\` first`);
  f = await startFakeRegistry({
    users: { alice: { password: PW, actions: ['pull', 'push', 'delete'] }, 'gitlab-ci-token': { password: JOB_PW, actions: ['pull', 'push', 'delete'] } },
  });
  d = f.putManifest('a', IMG);
  f.tags.set('b', d);
});
after(async () => {
  await f?.close();
});

test('without --yes: exit 2, one line, nothing sent (tag mode and --digest)', async () => {
  const before = f.requests.length + f.realmRequests.length;
  for (const extra of [[], ['--digest'], ['--json']]) {
    const r = await glcr(['image', 'rm', `${f.host}/g/p:a`, '-u', 'alice', '--password-stdin', ...extra], { input: PW });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^glcr: refusing to delete (tag "a"|a manifest and every tag on it) without --yes \(a deleted tag can be restored only until garbage collection runs, and only if --journal FILE recorded it\); nothing was sent\n$/);
    assert.doesNotMatch(r.stderr, /cannot be undone/);
  }
  const r = await glcr(['image', 'rm', `${f.host}/g/p@${d}`, '--digest'], { env: { CI_REGISTRY: f.host, CI_REGISTRY_USER: 'gitlab-ci-token', CI_REGISTRY_PASSWORD: JOB_PW } });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(f.requests.length + f.realmRequests.length, before, 'nothing sent');
  assert.deepEqual([...f.tags.keys()].sort(), ['a', 'b']);
});

test('CI credentials are not sent to a registry other than $CI_REGISTRY, and the error says why', async () => {
  const realmBefore = f.realmRequests.length;
  for (const ciRegistry of [undefined, 'registry.example.com', `${f.host}0`]) {
    const env: Record<string, string> = { CI_REGISTRY_USER: 'gitlab-ci-token', CI_REGISTRY_PASSWORD: JOB_PW };
    if (ciRegistry) env.CI_REGISTRY = ciRegistry;
    const r = await glcr(['image', 'rm', `${f.host}/g/p:a`, '--yes'], { env });
    assert.equal(r.code, 1, r.stderr);
    const why = ciRegistry ? `the image is on ${f.host}, not on \\$CI_REGISTRY \\(${ciRegistry}\\)` : '\\$CI_REGISTRY is not set';
    assert.match(r.stderr, new RegExp(`^glcr: .*requires credentials.* \\(CI_REGISTRY_USER / CI_REGISTRY_PASSWORD were not sent: they are used only for \\$CI_REGISTRY, and ${why}; pass -u USER --password-stdin\\)\\n$`));
    assert.ok(!r.stderr.includes(JOB_PW));
  }
  const sent = f.realmRequests.slice(realmBefore);
  assert.ok(sent.length >= 3, 'anonymous token requests were made');
  assert.ok(sent.every((q) => q.authorization === undefined), 'no credentials reached the token service');
  assert.deepEqual([...f.tags.keys()].sort(), ['a', 'b']);
});

test('CI credentials are used for $CI_REGISTRY', async () => {
  f.tags.set('ci', d);
  const r = await glcr(['image', 'rm', `${f.host}/g/p:ci`, '--yes', '--json'], {
    env: { CI_REGISTRY: f.host, CI_REGISTRY_USER: 'gitlab-ci-token', CI_REGISTRY_PASSWORD: JOB_PW },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { removed: `${f.host}/g/p:ci`, mode: 'tag', also_removed: [] });
  assert.equal(f.tags.has('ci'), false);
  assert.equal(f.tags.get('b'), d);
});

test('a second Ctrl-C while the tag points at the placeholder warns, and the tag is restored', async () => {
  const g = await startFakeRegistry({
    tagDelete: 'digest_invalid',
    // Hold the placeholder PUT's answer (it has taken effect) long enough for two Ctrl-Cs.
    fault: (r) => (r.method === 'PUT' && r.path === '/v2/g/p/manifests/a' && !putSeen ? (onPut(), { kind: 'delay', ms: 3000 }) : undefined),
  });
  let putSeen = false;
  const child = spawn(process.execPath, [CLI, 'image', 'rm', `${g.host}/g/p:a`, '--yes', '-u', 'alice', '--password-stdin'], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  function onPut(): void {
    putSeen = true;
    child.kill('SIGINT');
    setTimeout(() => child.kill('SIGINT'), 300);
  }
  try {
    const orig = g.putManifest('a', IMG);
    g.tags.set('b', orig);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.stdin.end(PW);
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    clearTimeout(killer);
    assert.ok(putSeen, 'the placeholder PUT was reached');
    assert.equal(code, 1, stderr);
    assert.equal(stdout, '');
    const lines = stderr.trimEnd().split('\n');
    assert.deepEqual(lines, [
      'glcr: interrupted again: tag "a" is being pointed at a temporary placeholder; it will be restored if interrupted; waiting so that the tag is not left broken (press Ctrl-C once more to exit anyway)',
      `glcr: interrupted: tag "a" was restored to ${orig}; nothing was removed`,
    ]);
    assert.equal(g.tags.get('a'), orig);
    assert.equal(g.tags.get('b'), orig);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await g.close();
  }
});

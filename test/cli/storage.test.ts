// glcr rm --dry-run, bulk --dry-run, policy preview and du with storage figures, against the double's Registry V2.
// The literal byte counts are the double's seeded images (test/double/README.md "Registry V2"): deleting
// dev-0001 and dev-0002 of the root image frees their own layers, configs, manifests and the `dev` branch
// layer; the two base layers stay (kept tags use them).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { assertNoStack, glcr, parseJson } from './helpers';

const PROJECT = 'acme/platform/My.Project';
let double: GitLabDouble | undefined;
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-cli-cache-'));

afterEach(async () => {
  await double?.close();
  double = undefined;
});

async function run(d: GitLabDouble, args: string[], env: Record<string, string> = {}) {
  const r = await glcr([...args, '--url', d.url], { env: { GITLAB_TOKEN: d.tokens.owner, XDG_CACHE_HOME: cache, ...env } });
  assertNoStack(r);
  return r;
}

test('rm --dry-run --json: delete, missing, reclaimable and shared bytes; nothing deleted; equals GC', async () => {
  const d = (double = await startGitLabDouble({ registryHost: 'self' }));
  const r = await run(d, ['rm', PROJECT, '.', 'dev-0001', 'dev-0002', 'nope', '--dry-run', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseJson(r), {
    delete: ['dev-0001', 'dev-0002'], missing: ['nope'], reclaimable_bytes: 258393340, shared_bytes: 38000000,
  });
  assert.equal(d.requests.filter((q) => q.method === 'DELETE').length, 0);
  const del = await run(d, ['rm', PROJECT, '.', 'dev-0001', 'dev-0002', '--yes', '--json']);
  assert.equal(del.code, 0, del.stderr);
  assert.equal(d.garbageCollect().bytes, 258393340);
});

test('rm --dry-run human output says "up to"; --no-size reads no registry', async () => {
  const d = (double = await startGitLabDouble({ registryHost: 'self' }));
  const r = await run(d, ['rm', PROJECT, '.', 'main', '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Frees up to 0 B after garbage collection; 198\.7 MB of the selected images' data is shared with tags you keep/);
  d.resetLog();
  const n = await run(d, ['rm', PROJECT, '.', 'main', '--dry-run', '--json', '--no-size']);
  assert.deepEqual(parseJson(n), { delete: ['main'], missing: [], reclaimable_bytes: null, shared_bytes: null });
  assert.equal(d.requests.filter((q) => q.path.startsWith('/v2/') || q.path === '/jwt/auth').length, 0);
});

test('a registry that refuses: size not available (reason), never a guess; exit 0', async () => {
  const d = (double = await startGitLabDouble({ registryHost: 'self' }));
  d.injectFault({ path: '^/jwt/auth$', status: 403, body: JSON.stringify({ errors: [{ code: 'DENIED', message: 'access forbidden' }] }), times: 100 });
  const r = await run(d, ['rm', PROJECT, '.', 'dev-0001', '--dry-run', '--json', '--no-cache']);
  assert.equal(r.code, 0, r.stderr);
  const j = parseJson(r) as Record<string, unknown>;
  assert.equal(j.reclaimable_bytes, null);
  assert.match(String(j.size_error), /denied access/);
  const t = await run(d, ['rm', PROJECT, '.', 'dev-0001', '--dry-run', '--no-cache']);
  assert.match(t.stdout, /Space freed: size not available \(/);
});

test('bulk --dry-run and policy preview add reclaimable_bytes and shared_bytes', async () => {
  const d = (double = await startGitLabDouble({ registryHost: 'self' }));
  const b = await run(d, ['bulk', PROJECT, '.', '--delete', 'dev-.*', '--dry-run', '--json']);
  assert.equal(b.code, 0, b.stderr);
  const j = parseJson(b) as Record<string, unknown>;
  assert.deepEqual(j.delete, ['dev-0001', 'dev-0002']);
  assert.equal(j.reclaimable_bytes, 258393340);
  assert.equal(j.shared_bytes, 38000000);
  const p = await run(d, ['policy', 'preview', PROJECT, '.', '--json']);
  assert.equal(p.code, 0, p.stderr);
  const pj = parseJson(p) as Record<string, unknown>;
  assert.equal(typeof pj.reclaimable_bytes, 'number');
  assert.equal(typeof pj.shared_bytes, 'number');
});

test('du: per repository, deduplicated, biggest first; warm cache reads no manifest', async () => {
  const d = (double = await startGitLabDouble({ registryHost: 'self' }));
  const r = await run(d, ['du', PROJECT, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = parseJson(r) as Array<{ repository: string; tags: number; manifests: number; bytes: number }>;
  // root: 3 indexes of 2 platforms + 3 manifests; api: latest, v2.1.0, v2.0.0 indexes + nightly; tools/cli: one index.
  assert.deepEqual(rows.map((x) => [x.repository, x.tags, x.manifests]).sort(), [
    ['acme/platform/my.project', 8, 12],
    ['acme/platform/my.project/api', 4, 10],
    ['acme/platform/my.project/tools/cli', 2, 3],
  ]);
  for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].bytes >= rows[i].bytes);
  d.resetLog();
  await run(d, ['du', PROJECT, '--json']);
  assert.equal(d.requests.filter((q) => q.path.includes('/manifests/')).length, 0, 'every manifest from the disk cache');
});

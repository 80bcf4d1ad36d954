// Registry access for an account, the manifest store and the storage accounting, against the GitLab double's
// Registry V2 (registryHost 'self'): the figure must equal what the double's garbage collection removes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { AccountRegistry, ManifestStore } from '../../src/core/registry';
import { estimateDeletion, repositoryUsage, type TagDigest } from '../../src/core/storage';

const REPO = 'acme/platform/my.project';

async function setup(): Promise<{ d: GitLabDouble; reg: AccountRegistry; location: string }> {
  const d = await startGitLabDouble({ registryHost: 'self' });
  const reg = new AccountRegistry({ baseUrl: d.url, credential: { kind: 'private', value: d.tokens.owner } });
  return { d, reg, location: `${new URL(d.url).host}/${REPO}` };
}

function tagsOf(d: GitLabDouble): TagDigest[] {
  return d.repositoryByPath(REPO)!.tags.map((t) => ({ name: t.name, digest: t.digest }));
}

function manifestGets(d: GitLabDouble): number {
  return d.requests.filter((r) => r.method === 'GET' && r.status === 200 && r.path.startsWith(`/v2/${REPO}/manifests/`)).length;
}

test('the token goes only to /jwt/auth; the registry sees a bearer token', async () => {
  const { d, reg, location } = await setup();
  try {
    const store = new ManifestStore();
    const digest = tagsOf(d).find((t) => t.name === 'dev-0001')!.digest!;
    const m = await store.get(reg.client(location), digest);
    assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(m.blobs.length, 5); // config + two base layers + branch layer + own layer
    const v2 = d.requests.filter((r) => r.path.startsWith('/v2/'));
    assert.deepEqual([...new Set(v2.map((r) => r.auth))].sort(), ['bearer', 'none']);
    const realm = d.requests.filter((r) => r.path === '/jwt/auth');
    assert.equal(realm.length, 1);
    assert.match(realm[0].query, /scope=repository%3Aacme%2Fplatform%2Fmy.project%3Apull/);
  } finally {
    await d.close();
  }
});

test('estimate equals what garbage collection removes (one-repository deletions), counted once per digest', async () => {
  for (const doomed of [['dev-0001', 'dev-0002'], ['v1.0.0'], ['main'], ['latest', 'main', 'v1.2.3']]) {
    const { d, reg, location } = await setup();
    try {
      const est = await estimateDeletion(new ManifestStore(), reg.client(location), tagsOf(d), new Set(doomed));
      d.garbageCollect();
      for (const name of doomed) {
        const r = await fetch(`${d.url}/api/v4/projects/1/registry/repositories/1/tags/${name}`, {
          method: 'DELETE', headers: { 'PRIVATE-TOKEN': d.tokens.owner },
        });
        assert.equal(r.status, 200);
      }
      const freed = d.garbageCollect();
      console.log(`delete ${doomed.join(',')}: estimate ${est.reclaimable_bytes} B (shared ${est.shared_bytes} B), GC removed ${freed.bytes} B`);
      assert.equal(est.reclaimable_bytes, freed.bytes);
      if (doomed.join() === 'main') {
        assert.equal(est.reclaimable_bytes, 0); // latest and v1.2.3 keep the same image
        assert.ok(est.shared_bytes > 38_000_000);
      }
    } finally {
      await d.close();
    }
  }
});

test('per-tag bytes: a tag sharing its digest holds nothing of its own', async () => {
  const { d, reg, location } = await setup();
  try {
    const est = await estimateDeletion(new ManifestStore(), reg.client(location), tagsOf(d), new Set());
    assert.equal(est.reclaimable_bytes, 0);
    assert.equal(est.shared_bytes, 0);
    assert.equal(est.perTag.get('main'), 0);
    assert.equal(est.perTag.get('latest'), 0);
    assert.ok((est.perTag.get('dev-0001') ?? 0) > 0);
  } finally {
    await d.close();
  }
});

test('manifests are fetched once: memory, then disk across stores; bounded by bytes', async () => {
  const { d, reg, location } = await setup();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-manifests-'));
  try {
    const first = new ManifestStore({ dir, concurrency: 2 });
    const usage = await repositoryUsage(first, reg.client(location), tagsOf(d));
    // 6 distinct images: 3 indexes (latest/main/v1.2.3, v1.0.0, v1.2.2) of 2 platforms each, 3 single manifests.
    const fetched = manifestGets(d);
    assert.equal(fetched, 12);
    assert.equal(first.stats.fetched, fetched);
    assert.equal(usage.manifests, fetched);
    await repositoryUsage(first, reg.client(location), tagsOf(d));
    assert.equal(manifestGets(d), fetched, 'same store: nothing fetched twice');
    const second = new ManifestStore({ dir });
    const again = await repositoryUsage(second, reg.client(location), tagsOf(d));
    assert.equal(manifestGets(d), fetched, 'new store, same directory: read from disk');
    assert.equal(second.stats.fromDisk, fetched);
    assert.equal(again.bytes, usage.bytes);
    const tiny = new ManifestStore({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-tiny-')), maxDiskBytes: 2000 });
    await repositoryUsage(tiny, reg.client(location), tagsOf(d));
    const files = fs.readdirSync(path.join((tiny as unknown as { disk: { root: string } }).disk.root));
    const total = files.reduce((s, f) => s + fs.statSync(path.join((tiny as unknown as { disk: { root: string } }).disk.root, f)).size, 0);
    assert.ok(total <= 2000, `disk cache holds ${total} bytes`);
  } finally {
    await d.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a manifest PUT of the same bytes re-tags; GC keeps manifests until then', async () => {
  const { d, reg, location } = await setup();
  try {
    const digest = tagsOf(d).find((t) => t.name === 'v1.0.0')!.digest!;
    const client = reg.client(location, ['push']);
    const before = await client.getManifest(digest);
    const r = await fetch(`${d.url}/api/v4/projects/1/registry/repositories/1/tags/v1.0.0`, { method: 'DELETE', headers: { 'PRIVATE-TOKEN': d.tokens.owner } });
    assert.equal(r.status, 200);
    assert.equal((await client.getManifest('v1.0.0')), null);
    const still = await client.getManifest(digest);
    assert.equal(still?.digest, digest);
    const put = await client.putManifest('v1.0.0', before!.bytes, before!.mediaType);
    assert.equal(put, digest);
    assert.equal(d.repositoryByPath(REPO)!.tags.find((t) => t.name === 'v1.0.0')?.digest, digest);
  } finally {
    await d.close();
  }
});

test('C requests that meet the first challenge together share one token request; content() keeps bytes and media type for the journal', async () => {
  const { d, reg, location } = await setup();
  try {
    const store = new ManifestStore({ concurrency: 8 });
    const client = reg.client(location);
    const digests = [...new Set(tagsOf(d).map((t) => t.digest!))];
    assert.ok(digests.length >= 4, `${digests.length} digests`);
    const got = await Promise.all(digests.map((g) => store.content(client, g)));
    assert.deepEqual(got.map((c) => c.digest), digests);
    assert.equal(d.requests.filter((r) => r.path === '/jwt/auth').length, 1, 'one token for the concurrent first requests');
    assert.equal(manifestGets(d), digests.length);
    // The same bytes again, from memory: no request; the media type is what the registry sent.
    d.resetLog();
    const again = await store.content(client, digests[0]);
    assert.equal(d.requests.length, 0);
    assert.ok(again.bytes.equals(got[0].bytes));
    assert.match(again.mediaType, /^application\/vnd\.(oci|docker)\./);
    // A fresh store on the same disk directory reads the bytes back with their media type, without a request.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-content-'));
    try {
      const first = new ManifestStore({ dir });
      const fetched = await first.content(client, digests[1]);
      d.resetLog();
      const fromDisk = await new ManifestStore({ dir }).content(client, digests[1]);
      assert.equal(d.requests.length, 0);
      assert.ok(fromDisk.bytes.equals(fetched.bytes));
      assert.equal(fromDisk.mediaType, fetched.mediaType);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await d.close();
  }
});

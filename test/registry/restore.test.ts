// Journal + restore against a real registry (Distribution 2.8 with GitLab-style token auth), images pushed by
// skopeo: a tag deleted by name is put back from the saved manifest bytes until garbage collection runs.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { RegistryClient, removeImage } from '../../src/core/registry';
import {
  appendMarks, appendRecords, readJournal, readManifestsForJournal, recordsFor, restoreEntries, type JournalEntry,
} from '../../src/core/restore';
import { startFaultProxy } from './faultProxy';
import {
  buildOciImage, buildOciIndex, inspectRaw, pull, pushLayout, startRegistry,
  type BuiltImage, type BuiltIndex, type RegistryHarness,
} from './harness';

const USERS = { maintainer: { password: 'm-s3cret-Pa55word', actions: ['pull', 'push', 'delete'] } };
const M = `maintainer:${USERS.maintainer.password}`;
const REPO = 'group/restore';
const MULTI = 'group/restore/multi';

describe('restore deleted tags against a real registry', { timeout: 180_000 }, () => {
  let h: RegistryHarness;
  let shared: BuiltImage; // REPO: a1, a2
  let solo: BuiltImage;   // REPO: s1
  let multi: BuiltIndex;  // MULTI: m1 (its only tag)
  let journal: string;

  const client = (repository: string) => new RegistryClient({
    registry: h.host, hostname: '127.0.0.1', repository, username: 'maintainer', password: USERS.maintainer.password,
    actions: ['pull', 'push'],
  });

  /** What the extension and glcr do: record the manifest by digest, then delete the tag by name. */
  async function recordAndDelete(repository: string, tag: string, operation: string): Promise<void> {
    const c = client(repository);
    const info = await c.headManifest(tag);
    assert.ok(info, `${repository}:${tag} exists`);
    const tags = [{ tag, digest: info.digest }];
    const got = await readManifestsForJournal(tags, (d) => c.getManifest(d));
    assert.deepEqual(got.unreadable, []);
    appendRecords(journal, recordsFor(tags, got.read, {
      operation, instance: `http://${h.host}`, project: '', repositoryPath: repository, location: `${h.host}/${repository}`,
    }));
    await removeImage({ reference: `${h.host}/${repository}:${tag}`, digestMode: false, username: 'maintainer', password: USERS.maintainer.password });
    assert.equal(await inspectRaw(h, repository, tag, M), null, `${tag} deleted`);
  }

  async function restore(entries: JournalEntry[]) {
    const { report, marks } = await restoreEntries(entries, (e) => client(e.repositoryPath));
    appendMarks(journal, marks);
    return report;
  }

  before(async () => {
    h = await startRegistry({ users: USERS });
    journal = path.join(h.dir, 'journal', 'deleted.jsonl');
    const l = (n: string) => path.join(h.dir, 'layouts', n);
    shared = buildOciImage(l('shared'), 'src', 'shared');
    solo = buildOciImage(l('solo'), 'src', 'solo');
    multi = buildOciIndex(l('multi'), 'src', 'multi');
    await Promise.all([
      pushLayout(h, l('shared'), 'src', REPO, 'a1', M),
      pushLayout(h, l('solo'), 'src', REPO, 's1', M),
      pushLayout(h, l('multi'), 'src', MULTI, 'm1', M),
    ]);
    await pushLayout(h, l('shared'), 'src', REPO, 'a2', M);
  });

  after(async () => {
    await h?.close();
  });

  test('shared, unshared and multi-arch tags: deleted, restored to the original digest, pulled completely, siblings untouched', async () => {
    await recordAndDelete(REPO, 'a1', 'op1');
    await recordAndDelete(REPO, 's1', 'op1');
    await recordAndDelete(MULTI, 'm1', 'op1');
    assert.equal(fs.statSync(journal).mode & 0o777, 0o600);
    assert.equal((await inspectRaw(h, REPO, 'a2', M))?.digest, shared.manifestDigest, 'sibling kept while a1 is deleted');

    const entries = readJournal(journal);
    assert.deepEqual(entries.map((e) => [e.tag, e.digest, e.mediaType]), [
      ['a1', shared.manifestDigest, 'application/vnd.oci.image.manifest.v1+json'],
      ['s1', solo.manifestDigest, 'application/vnd.oci.image.manifest.v1+json'],
      ['m1', multi.indexDigest, 'application/vnd.oci.image.index.v1+json'],
    ]);
    const report = await restore(entries);
    assert.deepEqual(report, {
      restored: [
        { location: `${h.host}/${REPO}`, tag: 'a1', digest: shared.manifestDigest },
        { location: `${h.host}/${REPO}`, tag: 's1', digest: solo.manifestDigest },
        { location: `${h.host}/${MULTI}`, tag: 'm1', digest: multi.indexDigest },
      ],
      failed: [],
      skipped: [],
    });
    assert.equal((await inspectRaw(h, REPO, 'a1', M))?.digest, shared.manifestDigest);
    assert.equal((await inspectRaw(h, REPO, 's1', M))?.digest, solo.manifestDigest);
    assert.equal((await inspectRaw(h, MULTI, 'm1', M))?.digest, multi.indexDigest);
    assert.equal((await inspectRaw(h, REPO, 'a2', M))?.digest, shared.manifestDigest);
    await pull(h, REPO, 'a1', M);
    await pull(h, REPO, 's1', M);
    await pull(h, MULTI, 'm1', M); // --all: both platform manifests and their layers
    assert.deepEqual((await client(REPO).listTags()).sort(), ['a1', 'a2', 's1']);
    assert.ok(readJournal(journal).every((e) => e.restoredAt), 'each record marked restored');
  });

  test('after garbage collection the restore fails with the clear message and the record is marked', async () => {
    await recordAndDelete(REPO, 's1', 'op2');
    await h.stop();
    h.garbageCollect();
    await h.start();
    assert.equal(h.blobExists(solo.layerDigest), false, 'GC removed the layer');
    const op2 = readJournal(journal).filter((e) => e.operation === 'op2');
    const report = await restore(op2);
    assert.deepEqual(report, {
      restored: [],
      failed: [{ tag: 's1', error: "cannot be restored: garbage collection has already removed this image's data" }],
      skipped: [],
    });
    const marked = readJournal(journal).filter((e) => e.operation === 'op2');
    assert.equal(marked[0].unrestorable, "cannot be restored: garbage collection has already removed this image's data");
    assert.equal(await inspectRaw(h, REPO, 's1', M), null);
    assert.equal((await inspectRaw(h, REPO, 'a1', M))?.digest, shared.manifestDigest, 'tagged images survive GC');
  });

  test('cost: recording 1,000 tags over 10 images reads each manifest once (10 registry GETs), no tag look-ups', async () => {
    const dir = path.join(h.dir, 'layouts', 'bench');
    const digests: string[] = [];
    for (let i = 0; i < 10; i++) {
      const img = buildOciImage(path.join(dir, String(i)), 'src', `bench ${i}`);
      await pushLayout(h, path.join(dir, String(i)), 'src', 'group/bench', `b${i}`, M);
      digests.push(img.manifestDigest);
    }
    const seen: string[] = [];
    const proxy = await startFaultProxy(h.host, (method, p) => {
      seen.push(`${method} ${p}`);
      return undefined;
    });
    try {
      const c = new RegistryClient({
        registry: proxy.host, hostname: '127.0.0.1', repository: 'group/bench', username: 'maintainer', password: USERS.maintainer.password, actions: ['pull'],
      });
      const tags = Array.from({ length: 1000 }, (_, i) => ({ tag: `t${i}`, digest: digests[i % 10] }));
      const t0 = Date.now();
      const got = await readManifestsForJournal(tags, (d) => c.getManifest(d), 4);
      const ms = Date.now() - t0;
      assert.deepEqual(got.unreadable, []);
      assert.equal(recordsFor(got.tags, got.read, { operation: 'bench', instance: '', project: '', repositoryPath: 'group/bench', location: 'x' }).length, 1000);
      const manifestReads = seen.filter((l) => l.startsWith('GET /v2/group/bench/manifests/'));
      assert.equal(manifestReads.length, 10);
      assert.deepEqual([...new Set(manifestReads)].length, 10, 'each digest once');
      assert.equal(seen.filter((l) => l.startsWith('HEAD')).length, 0);
      console.log(`# recording 1,000 tags over 10 digests: ${manifestReads.length} manifest GETs (C=4: ceil(10/4) = 3 rounds) in ${ms} ms`);
    } finally {
      await proxy.close();
    }
  });
});

// The deletion journal (JSON lines, 0600, marks, pruning) and the restore core against a scripted writer.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  appendMarks, appendRecords, GC_REMOVED, groupByOperation, makeRecord, pruneJournal, readJournal,
  readManifestsForJournal, recordsFor, restoreEntries, type JournalEntry, type ManifestWriter,
} from '../../src/core/restore';
import { RegistryError } from '../../src/core/registry';

const BYTES = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
const DIGEST = 'sha256:' + crypto.createHash('sha256').update(BYTES).digest('hex');
const OTHER = 'sha256:' + 'b'.repeat(64);

function tmpFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-journal-')), 'sub', 'journal.jsonl');
}

function rec(tag: string, operation = 'op1', time = new Date('2026-12-01T10:00:00Z')) {
  return makeRecord({
    operation, instance: 'https://gitlab.example.com', project: 'group/project', repositoryPath: 'group/project/app',
    location: 'registry.example.com/group/project/app', tag, digest: DIGEST, mediaType: 'application/vnd.oci.image.manifest.v1+json', bytes: BYTES, time,
  });
}

test('journal: appended as JSON lines, created 0600, no credentials, marks folded on read', () => {
  const file = tmpFile();
  appendRecords(file, [rec('v1'), rec('v2')]);
  appendRecords(file, [rec('v3', 'op2', new Date('2026-12-01T11:00:00Z'))]);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines.length, 3);
  const first = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(first).sort(), ['digest', 'instance', 'kind', 'location', 'manifest', 'mediaType', 'operation', 'project', 'repositoryPath', 'tag', 'time']);
  assert.equal(Buffer.from(first.manifest, 'base64').toString(), BYTES.toString());
  appendMarks(file, [{ kind: 'unrestorable', operation: 'op1', location: 'registry.example.com/group/project/app', tag: 'v2', digest: DIGEST, time: 'x', reason: GC_REMOVED }]);
  fs.appendFileSync(file, 'not json\n');
  const entries = readJournal(file);
  assert.deepEqual(entries.map((e) => [e.tag, e.unrestorable ?? null]), [['v1', null], ['v2', GC_REMOVED], ['v3', null]]);
  assert.deepEqual(groupByOperation(entries).map((g) => [g.operation, g.entries.length]), [['op2', 1], ['op1', 2]]);
  assert.deepEqual(readJournal(path.join(path.dirname(file), 'missing.jsonl')), []);
});

test('journal: pruning drops records older than the retention and keeps marks of the rest', () => {
  const file = tmpFile();
  appendRecords(file, [rec('old', 'op0', new Date('2026-10-01T00:00:00Z')), rec('new', 'op1', new Date('2026-11-20T00:00:00Z'))]);
  appendMarks(file, [{ kind: 'restored', operation: 'op1', location: 'registry.example.com/group/project/app', tag: 'new', digest: DIGEST, time: '2026-11-21T00:00:00.000Z' }]);
  assert.equal(pruneJournal(file, 30, new Date('2026-12-02T00:00:00Z')), 1);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readJournal(file).map((e) => [e.tag, e.restoredAt ?? null]), [['new', '2026-11-21T00:00:00.000Z']]);
  assert.equal(pruneJournal(file, 30, new Date('2026-12-02T00:00:00Z')), 0);
});

function writer(state: Record<string, string>, putError?: RegistryError): ManifestWriter & { puts: string[] } {
  const puts: string[] = [];
  return {
    puts,
    async headManifest(tag) {
      return state[tag] ? { digest: state[tag], mediaType: 'x' } : null;
    },
    async putManifest(tag, bytes) {
      if (putError) throw putError;
      puts.push(tag);
      state[tag] = 'sha256:' + crypto.createHash('sha256').update(bytes).digest('hex');
      return state[tag];
    },
  };
}

test('restore: absent tag is put back, same digest counts as restored, another image is skipped unless forced', async () => {
  const entries: JournalEntry[] = [rec('gone'), rec('same'), rec('taken')];
  const state: Record<string, string> = { same: DIGEST, taken: OTHER };
  const w = writer(state);
  const { report, marks } = await restoreEntries(entries, () => w);
  assert.deepEqual(report.restored.map((r) => r.tag), ['gone', 'same']);
  assert.deepEqual(report.skipped, [{ tag: 'taken', reason: `tag exists again and points at another image (${OTHER}); restore with force to overwrite it` }]);
  assert.deepEqual(w.puts, ['gone']);
  assert.deepEqual(marks.map((m) => [m.kind, m.tag]), [['restored', 'gone'], ['restored', 'same']]);
  const forced = await restoreEntries([rec('taken')], () => w, { force: true });
  assert.deepEqual(forced.report.restored, [{ location: 'registry.example.com/group/project/app', tag: 'taken', digest: DIGEST }]);
  assert.equal(state.taken, DIGEST);
});

test('restore: data removed by GC fails with the clear message and marks the record; other errors do not mark', async () => {
  for (const code of ['MANIFEST_BLOB_UNKNOWN', 'MANIFEST_UNKNOWN', 'BLOB_UNKNOWN']) {
    const w = writer({}, new RegistryError('bad_response', 'HTTP 400', 400, code));
    const { report, marks } = await restoreEntries([rec('v1')], () => w);
    assert.deepEqual(report.failed, [{ tag: 'v1', error: "cannot be restored: garbage collection has already removed this image's data" }]);
    assert.deepEqual(marks.map((m) => [m.kind, m.reason]), [['unrestorable', "cannot be restored: garbage collection has already removed this image's data"]]);
  }
  const denied = await restoreEntries([rec('v1')], () => writer({}, new RegistryError('denied', 'the registry refused to write: access denied', 403, 'DENIED')));
  assert.deepEqual(denied.report.failed, [{ tag: 'v1', error: 'the registry refused to write: access denied' }]);
  assert.deepEqual(denied.marks, []);
  const marked = { ...rec('v1'), unrestorable: GC_REMOVED };
  const w = writer({});
  const again = await restoreEntries([marked], () => w);
  assert.deepEqual(again.report.failed, [{ tag: 'v1', error: GC_REMOVED }]);
  assert.deepEqual(w.puts, []);
});

test('restore: a record whose bytes no longer match its digest is refused', async () => {
  const bad = { ...rec('v1'), manifest: Buffer.from('{}').toString('base64') };
  const w = writer({});
  const { report } = await restoreEntries([bad], () => w);
  assert.equal(report.failed[0].error, `the saved manifest no longer matches ${DIGEST} (the journal was changed)`);
  assert.deepEqual(w.puts, []);
});

test('recording: each unique digest is read once, at most C at a time; unreadable tags are named', async () => {
  let inFlight = 0;
  let peak = 0;
  const reads: string[] = [];
  const tags = Array.from({ length: 1000 }, (_, i) => ({ tag: `t${i}`, digest: i % 10 === 9 ? 'sha256:missing' : `sha256:${i % 50}` }));
  const out = await readManifestsForJournal(tags, async (d) => {
    reads.push(d);
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
    return d === 'sha256:missing' ? null : { digest: d, mediaType: 'm', bytes: Buffer.from(d) };
  }, 8);
  assert.equal(reads.length, 46); // sha256:0..49 minus the five ending in 9, plus sha256:missing
  assert.equal(peak, 8);
  assert.equal(out.unreadable.length, 100);
  assert.deepEqual(out.unreadable[0], { tag: 't9', reason: 'the manifest is no longer in the registry' });
  const records = recordsFor(tags.slice(0, 3), out.read, { operation: 'o', instance: 'i', project: 'p', repositoryPath: 'r', location: 'l' });
  assert.deepEqual(records.map((r) => [r.tag, r.digest, r.mediaType]), [['t0', 'sha256:0', 'm'], ['t1', 'sha256:1', 'm'], ['t2', 'sha256:2', 'm']]);
});

test('recording: a digest the registry does not have is replaced by what the tag points at now (one HEAD per such tag)', async () => {
  const heads: string[] = [];
  const out = await readManifestsForJournal([{ tag: 'a', digest: 'sha256:stale' }, { tag: 'b', digest: 'sha256:ok' }], async (d) => (
    d === 'sha256:stale' ? null : { digest: d, mediaType: 'm', bytes: Buffer.from(d) }
  ), 4, async (tag) => {
    heads.push(tag);
    return tag === 'a' ? 'sha256:now' : null;
  });
  assert.deepEqual(heads, ['a']);
  assert.deepEqual(out.tags, [{ tag: 'a', digest: 'sha256:now' }, { tag: 'b', digest: 'sha256:ok' }]);
  assert.deepEqual(out.unreadable, []);
});

test('recording: the first read error answers for every digest not read yet (an unreachable registry is asked once per worker, not per digest)', async () => {
  let reads = 0;
  const tags = Array.from({ length: 600 }, (_, i) => ({ tag: `t${i}`, digest: `sha256:${i}` }));
  const out = await readManifestsForJournal(tags, async () => {
    reads++;
    await new Promise((r) => setTimeout(r, 5));
    throw new Error('no answer from https://registry.example.test:5050');
  }, 8, async () => assert.fail('no tag look-up after an error'));
  assert.equal(reads, 8);
  assert.equal(out.unreadable.length, 600);
  assert.deepEqual(out.unreadable[599], { tag: 't599', reason: 'no answer from https://registry.example.test:5050' });
});

test('journal: the repository id survives a round trip; a non-number in its place is dropped', () => {
  const file = tmpFile();
  appendRecords(file, [{ ...rec('v1'), repositoryId: 42 }, { ...rec('v2'), repositoryId: '42; rm -rf' as unknown as number }, rec('v3')]);
  assert.deepEqual(readJournal(file).map((e) => [e.tag, e.repositoryId]), [['v1', 42], ['v2', undefined], ['v3', undefined]]);
});

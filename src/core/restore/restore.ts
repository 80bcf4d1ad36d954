// Restoring deleted tags from the journal: PUT the saved manifest bytes under the tag again. The registry
// accepts them while it still holds every blob (and, for an index, every platform manifest) they reference,
// that is until garbage collection runs. Before writing, the tag is looked at: if it exists again and points
// at another image it is left alone unless the caller forces it.
import { mapLimit } from '../concurrency';
import { stripControls } from '../text';
import { RegistryError } from '../registry/errors';
import type { ManifestContent, ManifestInfo, RegistryClient, RequestOptions } from '../registry/client';
import type { ManifestStore } from '../registry/manifestStore';
import { makeRecord, manifestBytes, type JournalEntry, type JournalMark, type JournalRecord } from './journal';

export const GC_REMOVED = "cannot be restored: garbage collection has already removed this image's data";

/** Registry answers that mean the data a manifest references is gone. */
const DATA_GONE_CODES = new Set(['MANIFEST_BLOB_UNKNOWN', 'MANIFEST_UNKNOWN', 'BLOB_UNKNOWN']);

/** What restoring needs from a registry client for one repository (RegistryClient has it). */
export interface ManifestWriter {
  headManifest(reference: string, ro?: RequestOptions): Promise<ManifestInfo | null>;
  putManifest(reference: string, bytes: Buffer, mediaType: string, ro?: RequestOptions): Promise<string | undefined>;
}

/** What recording needs: a manifest read by digest (a cached reader costs nothing for digests already read). */
export type ManifestReader = (digest: string) => Promise<ManifestContent | null>;

/**
 * Recording reads through the shared manifest store: a digest a preview (or an earlier recording) already
 * read costs no request. A manifest the registry no longer has is null; other failures throw.
 */
export function storedManifestReader(store: ManifestStore, client: RegistryClient, signal?: AbortSignal): ManifestReader {
  return async (digest) => {
    try {
      return await store.content(client, digest, signal);
    } catch (e) {
      if (e instanceof RegistryError && e.status === 404) return null;
      throw e;
    }
  };
}

export interface RestoreReport {
  restored: { location: string; tag: string; digest: string }[];
  failed: { tag: string; error: string }[];
  skipped: { tag: string; reason: string }[];
}

export interface RestoreOptions {
  /** Overwrite a tag that exists again and points at another image. */
  force?: boolean;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

type Outcome =
  | { kind: 'restored' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failed'; error: string; unrestorable?: boolean };

/** Restores each entry through the writer for its repository; marks (restored / unrestorable) are returned for the caller to append. */
export async function restoreEntries(
  entries: JournalEntry[],
  writerFor: (e: JournalEntry) => ManifestWriter,
  opts: RestoreOptions = {},
): Promise<{ report: RestoreReport; marks: JournalMark[] }> {
  const report: RestoreReport = { restored: [], failed: [], skipped: [] };
  const marks: JournalMark[] = [];
  const run = await mapLimit(entries, opts.concurrency ?? 4, (e) => restoreOne(e, writerFor(e), opts.force === true), {
    signal: opts.signal,
    onSettled: opts.onProgress,
  });
  const now = new Date().toISOString();
  entries.forEach((e, i) => {
    const o = run.results[i];
    const mark = { operation: e.operation, location: e.location, tag: e.tag, digest: e.digest, time: now };
    if (!o) {
      report.skipped.push({ tag: e.tag, reason: 'cancelled before it was restored' });
    } else if (o.kind === 'restored') {
      report.restored.push({ location: e.location, tag: e.tag, digest: e.digest });
      marks.push({ kind: 'restored', ...mark });
    } else if (o.kind === 'skipped') {
      report.skipped.push({ tag: e.tag, reason: o.reason });
    } else {
      report.failed.push({ tag: e.tag, error: o.error });
      if (o.unrestorable && !e.unrestorable) marks.push({ kind: 'unrestorable', ...mark, reason: o.error });
    }
  });
  return { report, marks };
}

async function restoreOne(e: JournalEntry, w: ManifestWriter, force: boolean): Promise<Outcome> {
  if (e.unrestorable) return { kind: 'failed', error: e.unrestorable };
  const bytes = manifestBytes(e);
  if (!bytes) return { kind: 'failed', error: `the saved manifest no longer matches ${e.digest} (the journal was changed)` };
  try {
    const now = await w.headManifest(e.tag);
    if (now && now.digest === e.digest) return { kind: 'restored' };
    if (now && !force) {
      return { kind: 'skipped', reason: `tag exists again and points at another image (${now.digest}); restore with force to overwrite it` };
    }
    // The write runs to its end even after a cancel: a half-known state is worse than a finished restore.
    const reported = await w.putManifest(e.tag, bytes, e.mediaType, { signal: null });
    if (reported && reported !== e.digest) {
      return { kind: 'failed', error: `the registry stored the manifest as ${stripControls(reported).slice(0, 80)}, not ${e.digest}` };
    }
    return { kind: 'restored' };
  } catch (err) {
    if (err instanceof RegistryError && err.code && DATA_GONE_CODES.has(err.code)) {
      return { kind: 'failed', error: GC_REMOVED, unrestorable: true };
    }
    return { kind: 'failed', error: stripControls(String((err as Error)?.message ?? err)) };
  }
}

export interface TagToRecord {
  tag: string;
  digest: string;
}

/**
 * Reads the manifest of each tag by digest, each unique digest once, at most `concurrency` at a time
 * (so 1,000 tags cost ceil(unique digests ÷ concurrency) rounds). With `resolveTag`, a tag whose digest
 * the registry does not know is looked up and its current digest read instead (what the deletion removes). `tags` are the recordable tags with the digest read; `unreadable` the others, with
 * why: their deletion must not proceed unless the user accepts they cannot be restored.
 */
export async function readManifestsForJournal(
  tags: TagToRecord[],
  read: ManifestReader,
  concurrency = 8,
  resolveTag?: (tag: string) => Promise<string | null>,
): Promise<{ read: Map<string, ManifestContent>; tags: TagToRecord[]; unreadable: { tag: string; reason: string }[] }> {
  const failures = new Map<string, string>();
  const absent = new Set<string>();
  const byDigest = new Map<string, ManifestContent>();
  // The first error (unreachable registry, refused credentials) is the answer for every digest not read yet.
  let broken: string | undefined;
  const readAll = async (digests: string[]) => mapLimit(digests.filter((d) => !byDigest.has(d)), concurrency, async (d) => {
    if (broken !== undefined) return void failures.set(d, broken);
    try {
      const m = await read(d);
      if (!m) {
        failures.set(d, 'the manifest is no longer in the registry');
        absent.add(d);
      }
      else if (m.digest !== d) failures.set(d, `the registry returned another manifest (${m.digest})`);
      else byDigest.set(d, m);
    } catch (err) {
      broken ??= stripControls(String((err as Error)?.message ?? err));
      failures.set(d, broken);
    }
  });
  await readAll([...new Set(tags.map((t) => t.digest))]);
  let current = tags;
  // Only digests the registry answered "unknown" for: an unreachable registry is not asked once per tag.
  const missed = tags.filter((t) => absent.has(t.digest));
  if (resolveTag && missed.length > 0) {
    const now = new Map<string, string>();
    await mapLimit(missed, concurrency, async (t) => {
      try {
        const d = await resolveTag(t.tag);
        if (d) now.set(t.tag, d);
      } catch {
        /* keep the first reason */
      }
    });
    await readAll([...new Set(now.values())]);
    current = tags.map((t) => (now.has(t.tag) && byDigest.has(now.get(t.tag) as string) ? { tag: t.tag, digest: now.get(t.tag) as string } : t));
  }
  const unreadable = current.filter((t) => !byDigest.has(t.digest)).map((t) => ({ tag: t.tag, reason: failures.get(t.digest) ?? 'unreadable' }));
  return { read: byDigest, tags: current.filter((t) => byDigest.has(t.digest)), unreadable };
}

/**
 * readManifestsForJournal through the shared manifest store (a digest a preview already read costs nothing),
 * a tag whose digest is not known looked up by HEAD: what the extension and glcr record before deleting.
 */
export function readStoredManifestsForJournal(
  tags: TagToRecord[], store: ManifestStore, client: RegistryClient, concurrency = 8, signal?: AbortSignal,
): ReturnType<typeof readManifestsForJournal> {
  return readManifestsForJournal(tags, storedManifestReader(store, client, signal), concurrency, async (tag) => (await client.headManifest(tag))?.digest ?? null);
}

export interface RecordContext {
  operation: string;
  instance: string;
  project: string;
  repositoryPath: string;
  location: string;
  repositoryId?: number;
}

/** Journal records for the tags whose manifest was read (tags without one are left out: the caller asked the user). */
export function recordsFor(tags: TagToRecord[], manifests: Map<string, ManifestContent>, ctx: RecordContext, time = new Date()): JournalRecord[] {
  return tags.flatMap((t) => {
    const m = manifests.get(t.digest);
    return m ? [makeRecord({ ...ctx, tag: t.tag, digest: t.digest, mediaType: m.mediaType, bytes: m.bytes, time })] : [];
  });
}

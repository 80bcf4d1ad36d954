// The deletion journal: before a tag is deleted, its manifest (exact bytes and media type) is appended to a
// local JSON-lines file, so the tag can be put back until garbage collection removes the image's data.
//
// The file is append-only for records (several glcr runs or windows may write at once; an append of one
// line is atomic enough on local file systems). Restores and "cannot be restored" verdicts are appended as
// mark lines and folded onto their record on read. Pruning rewrites the file (temp file + rename). The file
// and its temp copy are created with mode 0600: manifests name private images. Records hold no credentials.
import * as fs from 'fs';
import * as path from 'path';
import { sha256Digest } from '../registry/client';

export const DEFAULT_RETENTION_DAYS = 30;

/** One tag as it was just before its deletion. */
export interface JournalRecord {
  kind: 'deleted';
  /** Groups the records of one deletion (one command, one Undo). */
  operation: string;
  /** ISO time the record was written. */
  time: string;
  /** GitLab instance URL (or the registry origin for `glcr image rm`). */
  instance: string;
  /** Project path or id; '' when the deletion did not go through a GitLab project. */
  project: string;
  /** Repository path in the registry, e.g. group/project/app. */
  repositoryPath: string;
  /** Image location without tag, e.g. registry.example.com/group/project/app. */
  location: string;
  /** GitLab's id of the repository, when the deletion knew it (the extension refreshes only that repository after a restore). */
  repositoryId?: number;
  tag: string;
  digest: string;
  mediaType: string;
  /** The manifest bytes, base64. */
  manifest: string;
}

export interface JournalMark {
  kind: 'restored' | 'unrestorable';
  operation: string;
  location: string;
  tag: string;
  digest: string;
  time: string;
  /** Why it cannot be restored (unrestorable only). */
  reason?: string;
}

/** A record with what later happened to it. */
export interface JournalEntry extends JournalRecord {
  restoredAt?: string;
  unrestorable?: string;
}

export type NewRecord = Omit<JournalRecord, 'kind' | 'time' | 'manifest'> & { bytes: Buffer; time?: Date };

export function makeRecord(r: NewRecord): JournalRecord {
  const { bytes, time, ...rest } = r;
  return { kind: 'deleted', ...rest, time: (time ?? new Date()).toISOString(), manifest: bytes.toString('base64') };
}

/** The saved bytes, refused when they no longer hash to the saved digest (a hand-edited or damaged line). */
export function manifestBytes(r: JournalRecord): Buffer | null {
  const bytes = Buffer.from(r.manifest, 'base64');
  return r.digest.startsWith('sha256:') && sha256Digest(bytes) !== r.digest ? null : bytes;
}

export function newOperationId(now = new Date()): string {
  return `${now.toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
}

function keyOf(x: { operation: string; location: string; tag: string; digest: string }): string {
  return JSON.stringify([x.operation, x.location, x.tag, x.digest]);
}

function openAppend(file: string, lines: unknown[]): void {
  if (lines.length === 0) return;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

export function appendRecords(file: string, records: JournalRecord[]): void {
  openAppend(file, records);
}

export function appendMarks(file: string, marks: JournalMark[]): void {
  openAppend(file, marks);
}

function isRecord(x: Record<string, unknown>): boolean {
  return x.kind === 'deleted' && ['operation', 'time', 'location', 'repositoryPath', 'tag', 'digest', 'mediaType', 'manifest']
    .every((k) => typeof x[k] === 'string');
}

/** Every record of the journal with its marks folded on, in file order; [] when the file does not exist. Broken lines are skipped. */
export function readJournal(file: string): JournalEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const entries: JournalEntry[] = [];
  const byKey = new Map<string, JournalEntry[]>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let x: Record<string, unknown>;
    try {
      x = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (!x || typeof x !== 'object') continue;
    if (isRecord(x)) {
      const e = {
        ...(x as unknown as JournalRecord), instance: String(x.instance ?? ''), project: String(x.project ?? ''),
        repositoryId: Number.isSafeInteger(x.repositoryId) ? (x.repositoryId as number) : undefined,
      };
      entries.push(e);
      const k = keyOf(e);
      byKey.set(k, [...(byKey.get(k) ?? []), e]);
    } else if (x.kind === 'restored' || x.kind === 'unrestorable') {
      const m = x as unknown as JournalMark;
      for (const e of byKey.get(keyOf(m)) ?? []) {
        if (m.kind === 'restored') {
          e.restoredAt = m.time;
        } else {
          e.unrestorable = m.reason ?? 'cannot be restored';
        }
      }
    }
  }
  return entries;
}

/** Drops records older than `retentionDays` (and their marks); rewrites the file only when something goes. Returns how many went. */
export function pruneJournal(file: string, retentionDays = DEFAULT_RETENTION_DAYS, now = new Date()): number {
  const entries = readJournal(file);
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  const keep = entries.filter((e) => Date.parse(e.time) >= cutoff);
  const dropped = entries.length - keep.length;
  if (dropped === 0) return 0;
  const lines: unknown[] = [];
  for (const e of keep) {
    const { restoredAt, unrestorable, ...record } = e;
    lines.push(record);
    if (restoredAt) lines.push({ kind: 'restored', operation: e.operation, location: e.location, tag: e.tag, digest: e.digest, time: restoredAt });
    if (unrestorable) {
      lines.push({ kind: 'unrestorable', operation: e.operation, location: e.location, tag: e.tag, digest: e.digest, time: now.toISOString(), reason: unrestorable });
    }
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''), { mode: 0o600 });
  fs.renameSync(tmp, file);
  return dropped;
}

/** Records grouped by operation, newest operation first. */
export function groupByOperation(entries: JournalEntry[]): { operation: string; time: string; entries: JournalEntry[] }[] {
  const groups = new Map<string, JournalEntry[]>();
  for (const e of entries) groups.set(e.operation, [...(groups.get(e.operation) ?? []), e]);
  return [...groups].map(([operation, list]) => ({ operation, time: list[0].time, entries: list }))
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
}

// Manifests are content-addressed: one digest is one set of bytes forever. The store fetches each digest at
// most once (concurrent asks share one request), verifies the bytes hash to the digest (RegistryClient does
// for a fetch, the store again for a disk read), keeps the parsed form in memory, and the bytes on disk in a
// directory the caller chooses (the extension's globalStorageUri, the CLI's ~/.cache/glcr), bounded by total
// bytes: least recently used files go first. Fetches share one bound on requests in flight.
import * as fs from 'fs';
import * as path from 'path';
import type { ManifestContent, RegistryClient } from './client';
import { sha256Digest } from './client';
import { parseManifest, type ParsedManifest } from './manifest';
import { stripControls } from '../text';
import { MT_OCI_INDEX, MT_OCI_MANIFEST } from './mediaTypes';

export interface ManifestStoreOptions {
  /** Directory for the disk cache; none: memory only (--no-cache). */
  dir?: string;
  /** Disk cache bound, bytes. Default 64 MiB. */
  maxDiskBytes?: number;
  /** Manifest requests in flight across all callers. Default 8. */
  concurrency?: number;
  /** Bound on the exact bytes kept in memory (for the deletion journal when there is no disk cache). Default 16 MiB. */
  maxMemoryBytes?: number;
}

export interface ManifestStoreStats {
  fetched: number;
  fromDisk: number;
  fromMemory: number;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export class ManifestStore {
  readonly stats: ManifestStoreStats = { fetched: 0, fromDisk: 0, fromMemory: 0 };
  private readonly memory = new Map<string, ParsedManifest>();
  /** The exact bytes and media type of manifests read lately, oldest first (LRU within maxMemoryBytes). */
  private readonly recent = new Map<string, ManifestContent>();
  private recentBytes = 0;
  private readonly maxMemoryBytes: number;
  private readonly pending = new Map<string, Promise<ParsedManifest>>();
  private readonly disk?: DiskCache;
  private active = 0;
  private readonly queue: Array<() => void> = [];
  private readonly limit: number;

  constructor(opts: ManifestStoreOptions = {}) {
    this.limit = Math.max(1, opts.concurrency ?? 8);
    this.maxMemoryBytes = opts.maxMemoryBytes ?? 16 * 1024 * 1024;
    if (opts.dir) this.disk = new DiskCache(opts.dir, opts.maxDiskBytes ?? 64 * 1024 * 1024);
  }

  /** The manifest `digest` of the client's repository; throws the client's RegistryError when it cannot be read. */
  async get(client: RegistryClient, digest: string, signal?: AbortSignal): Promise<ParsedManifest> {
    const known = this.memory.get(digest);
    if (known) {
      this.stats.fromMemory++;
      return known;
    }
    return this.loadOnce(client, digest, signal);
  }

  /** The manifest bytes (for Inspect Manifest), from memory or disk when cached, else fetched. */
  async bytes(client: RegistryClient, digest: string, signal?: AbortSignal): Promise<Buffer> {
    return (await this.content(client, digest, signal)).bytes;
  }

  /**
   * The exact bytes and media type of manifest `digest` (what the deletion journal saves): from memory or disk
   * when this store read it before (a preview that fetched it costs nothing more), else fetched once.
   */
  async content(client: RegistryClient, digest: string, signal?: AbortSignal): Promise<ManifestContent> {
    const known = this.recent.get(digest);
    if (known) {
      this.stats.fromMemory++;
      this.remember(known); // most recently used
      return known;
    }
    await this.loadOnce(client, digest, signal); // from disk or fetched; keeps the bytes in `recent`
    // Not kept only when larger than the memory bound (and no disk cache): read again rather than kept.
    return this.recent.get(digest) ?? this.fetch(client, digest, signal);
  }

  /** One load per digest at a time: concurrent asks share it. */
  private loadOnce(client: RegistryClient, digest: string, signal?: AbortSignal): Promise<ParsedManifest> {
    let p = this.pending.get(digest);
    if (!p) {
      p = this.load(client, digest, signal).finally(() => this.pending.delete(digest));
      this.pending.set(digest, p);
    }
    return p;
  }

  private remember(c: ManifestContent): void {
    const before = this.recent.get(c.digest);
    if (before) {
      this.recent.delete(c.digest);
      this.recentBytes -= before.bytes.length;
    }
    if (c.bytes.length > this.maxMemoryBytes) return;
    this.recent.set(c.digest, c);
    this.recentBytes += c.bytes.length;
    for (const [d, old] of this.recent) {
      if (this.recentBytes <= this.maxMemoryBytes) break;
      this.recent.delete(d);
      this.recentBytes -= old.bytes.length;
    }
  }

  private async load(client: RegistryClient, digest: string, signal?: AbortSignal): Promise<ParsedManifest> {
    const cached = this.disk?.read(digest);
    let content: ManifestContent;
    if (cached) {
      this.stats.fromDisk++;
      content = { digest, mediaType: mediaTypeOf(cached), size: cached.length, bytes: cached };
    } else {
      content = await this.fetch(client, digest, signal);
    }
    this.remember(content);
    const parsed = parseManifest(digest, content.bytes);
    this.memory.set(digest, parsed);
    return parsed;
  }

  private async fetch(client: RegistryClient, digest: string, signal?: AbortSignal): Promise<ManifestContent> {
    if (!DIGEST.test(digest)) throw client.error('bad_response', `not a sha256 digest: ${digest.slice(0, 80)}`);
    await this.acquire();
    try {
      if (signal?.aborted) throw client.error('cancelled', 'cancelled');
      const m = await client.getManifest(digest, { signal });
      if (!m) throw client.error('unknown_tag', `the registry has no manifest ${digest} in ${client.name}`, 404);
      this.stats.fetched++;
      this.disk?.write(digest, m.bytes);
      return m;
    } finally {
      this.release();
    }
  }

  /** A slot among `limit`; a queued caller that was cancelled meanwhile sees the signal once it gets the slot. */
  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      this.queue.push(() => {
        this.active++;
        resolve();
      });
    });
  }

  private release(): void {
    this.active--;
    const next = this.queue.shift();
    if (next) next();
  }
}

/**
 * The media type of cached manifest bytes: their own mediaType field (what RegistryClient reports too), else
 * what an OCI manifest without one is (an index has `manifests`).
 */
function mediaTypeOf(bytes: Buffer): string {
  try {
    const j = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown };
    if (typeof j.mediaType === 'string' && j.mediaType) return stripControls(j.mediaType);
    return Array.isArray(j.manifests) ? MT_OCI_INDEX : MT_OCI_MANIFEST;
  } catch {
    return MT_OCI_MANIFEST;
  }
}

/** Files named by digest hex under `<dir>/sha256/`, LRU by modification time (touched on read) within `max` bytes. */
class DiskCache {
  private readonly root: string;
  private index?: Map<string, { size: number; used: number }>;
  private total = 0;

  constructor(dir: string, private readonly max: number) {
    this.root = path.join(dir, 'manifests', 'sha256');
  }

  private file(digest: string): string {
    return path.join(this.root, digest.slice('sha256:'.length));
  }

  private load(): Map<string, { size: number; used: number }> {
    if (this.index) return this.index;
    this.index = new Map();
    try {
      for (const name of fs.readdirSync(this.root)) {
        if (!/^[a-f0-9]{64}$/.test(name)) continue;
        const st = fs.statSync(path.join(this.root, name));
        this.index.set(`sha256:${name}`, { size: st.size, used: st.mtimeMs });
        this.total += st.size;
      }
    } catch {
      /* no cache yet */
    }
    return this.index;
  }

  read(digest: string): Buffer | undefined {
    if (!DIGEST.test(digest) || !this.load().has(digest)) return undefined;
    try {
      const bytes = fs.readFileSync(this.file(digest));
      if (sha256Digest(bytes) !== digest) {
        this.remove(digest); // damaged: never trusted, fetched again
        return undefined;
      }
      const now = new Date();
      fs.utimesSync(this.file(digest), now, now);
      this.load().set(digest, { size: bytes.length, used: now.getTime() });
      return bytes;
    } catch {
      this.remove(digest);
      return undefined;
    }
  }

  write(digest: string, bytes: Buffer): void {
    if (!DIGEST.test(digest) || bytes.length > this.max) return;
    const index = this.load();
    try {
      fs.mkdirSync(this.root, { recursive: true });
      const tmp = `${this.file(digest)}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, bytes);
      fs.renameSync(tmp, this.file(digest));
    } catch {
      return; // a cache that cannot be written is no cache, not an error
    }
    const before = index.get(digest);
    if (before) this.total -= before.size;
    index.set(digest, { size: bytes.length, used: Date.now() });
    this.total += bytes.length;
    if (this.total > this.max) this.evict();
  }

  private evict(): void {
    const index = this.load();
    const oldest = [...index.entries()].sort((a, b) => a[1].used - b[1].used);
    for (const [digest] of oldest) {
      if (this.total <= this.max * 0.9) break;
      this.remove(digest);
    }
  }

  private remove(digest: string): void {
    const e = this.load().get(digest);
    if (e) this.total -= e.size;
    this.load().delete(digest);
    try {
      fs.unlinkSync(this.file(digest));
    } catch {
      /* gone already */
    }
  }
}

// Storage truth: what garbage collection can remove after a set of tags of one repository is deleted.
// A blob (layer, config) or manifest is reclaimable when only manifests whose last tag goes reference it,
// counted once per digest, indexes followed to their platform manifests; whatever a kept tag still reaches
// stays ("shared"). GitLab also deduplicates layers across the repositories of a namespace, so the figure is
// an upper bound ("up to"). Manifests come from the ManifestStore (fetched once, cached by digest).
import { mapLimit } from './concurrency';
import type { RegistryClient } from './registry/client';
import type { ParsedManifest } from './registry/manifest';
import type { ManifestStore } from './registry/manifestStore';

export interface TagDigest {
  name: string;
  /** null when GitLab gave none: such a tag cannot be counted (the estimate says so). */
  digest: string | null;
}

export interface StorageEstimate {
  /** Bytes GC can remove after the deletion (upper bound). */
  reclaimable_bytes: number;
  /** Bytes of the deleted tags' images that stay because kept tags still reference them. */
  shared_bytes: number;
  /** Per tag (every tag of the repository): bytes only that tag's image holds (0 when another tag shares its digest). */
  perTag: Map<string, number>;
  /** Distinct manifests read (top-level and platform manifests). */
  manifests: number;
  /** The repository's deduplicated size before the deletion: every blob and manifest its tags reach, once. */
  bytes: number;
  /** Tags without a digest (not counted). */
  uncounted: string[];
}

export interface EstimateOptions {
  signal?: AbortSignal;
  /** Manifests read so far / known so far (for a progress state). */
  onProgress?: (done: number, known: number) => void;
}

/** Every manifest reachable from `roots` (indexes followed), loaded with the store's bounded concurrency. */
export async function loadClosure(store: ManifestStore, client: RegistryClient, roots: string[], opts: EstimateOptions = {}): Promise<Map<string, ParsedManifest>> {
  const loaded = new Map<string, ParsedManifest>();
  let level = [...new Set(roots)];
  const seen = new Set(level);
  let done = 0;
  while (level.length) {
    const r = await mapLimit(level, 64, async (d) => {
      const m = await store.get(client, d, opts.signal);
      opts.onProgress?.(++done, seen.size);
      return m;
    }, { signal: opts.signal });
    if (r.aborted || opts.signal?.aborted) throw client.error('cancelled', 'cancelled');
    const next: string[] = [];
    for (const m of r.results) {
      if (!m) continue;
      loaded.set(m.digest, m);
      for (const child of m.manifests) if (!seen.has(child.digest)) {
        seen.add(child.digest);
        next.push(child.digest);
      }
    }
    level = next;
  }
  return loaded;
}

/** digest → size of every manifest and blob an image (top-level digest) consists of. */
function itemsOf(root: string, manifests: Map<string, ParsedManifest>): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (d: string) => {
    const m = manifests.get(d);
    if (!m || out.has(d)) return;
    out.set(d, m.size);
    for (const b of m.blobs) out.set(b.digest, b.size);
    for (const c of m.manifests) visit(c.digest);
  };
  visit(root);
  return out;
}

/** Pure accounting over loaded manifests: see StorageEstimate. */
export function accountDeletion(tags: TagDigest[], deleted: ReadonlySet<string>, manifests: Map<string, ParsedManifest>): StorageEstimate {
  const uncounted = tags.filter((t) => !t.digest).map((t) => t.name);
  const keptRoots = new Set<string>();
  const deletedRoots = new Set<string>();
  const tagsPerRoot = new Map<string, number>();
  for (const t of tags) {
    if (!t.digest) continue;
    (deleted.has(t.name) ? deletedRoots : keptRoots).add(t.digest);
    tagsPerRoot.set(t.digest, (tagsPerRoot.get(t.digest) ?? 0) + 1);
  }
  const items = new Map<string, Map<string, number>>();
  for (const root of tagsPerRoot.keys()) items.set(root, itemsOf(root, manifests));
  const kept = new Set<string>();
  for (const r of keptRoots) for (const d of items.get(r)!.keys()) kept.add(d);
  const all = new Map<string, number>();
  for (const m of items.values()) for (const [d, size] of m) all.set(d, size);
  const selected = new Map<string, number>();
  for (const r of deletedRoots) for (const [d, size] of items.get(r)!) selected.set(d, size);
  let reclaimable = 0;
  let shared = 0;
  for (const [d, size] of selected) {
    if (kept.has(d)) shared += size;
    else reclaimable += size;
  }
  // How many images reference each item: an item only one image references belongs to that image alone.
  const refs = new Map<string, number>();
  for (const m of items.values()) for (const d of m.keys()) refs.set(d, (refs.get(d) ?? 0) + 1);
  const perTag = new Map<string, number>();
  for (const t of tags) {
    if (!t.digest) continue;
    let own = 0;
    if (tagsPerRoot.get(t.digest) === 1) for (const [d, size] of items.get(t.digest)!) if (refs.get(d) === 1) own += size;
    perTag.set(t.name, own);
  }
  return { reclaimable_bytes: reclaimable, shared_bytes: shared, perTag, manifests: manifests.size, bytes: sumSizes(all), uncounted };
}

/** Reads what is needed and accounts the deletion of `deleted` (tag names) among `tags` (every tag of the repository). */
export async function estimateDeletion(
  store: ManifestStore, client: RegistryClient, tags: TagDigest[], deleted: ReadonlySet<string>, opts: EstimateOptions = {},
): Promise<StorageEstimate> {
  const roots = tags.map((t) => t.digest).filter((d): d is string => !!d);
  const manifests = await loadClosure(store, client, roots, opts);
  return accountDeletion(tags, deleted, manifests);
}

export interface RepositoryUsage {
  tags: number;
  manifests: number;
  /** Unique blobs and manifests of the repository, each counted once. */
  bytes: number;
}

/** Deduplicated size of a repository from its tags' digests. */
export async function repositoryUsage(store: ManifestStore, client: RegistryClient, tags: TagDigest[], opts: EstimateOptions = {}): Promise<RepositoryUsage> {
  const roots = tags.map((t) => t.digest).filter((d): d is string => !!d);
  const manifests = await loadClosure(store, client, roots, opts);
  const all = new Map<string, number>();
  for (const r of new Set(roots)) for (const [d, s] of itemsOf(r, manifests)) all.set(d, s);
  return { tags: tags.length, manifests: manifests.size, bytes: sumSizes(all) };
}

function sumSizes(sizes: Map<string, number>): number {
  let bytes = 0;
  for (const s of sizes.values()) bytes += s;
  return bytes;
}

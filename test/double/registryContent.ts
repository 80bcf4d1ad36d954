// Registry content for the double's scenarios: every image a tag points at is a real manifest whose digest is
// the sha256 of its bytes, so a client that verifies digests can read it. Structure, as real images have it:
// base layers shared by every image of a project (GitLab deduplicates them across a namespace), one layer per
// branch (the tag name's prefix before '-' or '.'), one layer of the image's own; release tags (`v…`) are OCI
// indexes of two platforms, `latest`-images Docker manifest lists, names with '-' OCI manifests, the rest
// Docker v2 manifests. Blob bytes are never stored: a blob is its digest and size.
import { createHash } from 'crypto';
import type { RepoRec, State } from './model';
import { repoPath } from './model';

export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface StoredManifest {
  bytes: Buffer;
  mediaType: string;
}

/** Everything the registry holds, content-addressed (shared by all repositories, as GitLab's storage is). */
export interface RegistryContent {
  manifests: Map<string, StoredManifest>;
  blobs: Map<string, number>;
  /** repository path → manifest digests pushed there (tagged or not) until a GC removes them. */
  repoManifests: Map<string, Set<string>>;
  /** Digests of images a real registry holds (SeedTag.digest): never materialized here. */
  external: Set<string>;
}

export const BASE_LAYER_SIZES = [31_000_000, 7_000_000];
export const BRANCH_LAYER_SIZE = 4_000_000;

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export function contentOf(state: State): RegistryContent {
  const s = state as State & { registry?: RegistryContent };
  if (!s.registry) s.registry = { manifests: new Map(), blobs: new Map(), repoManifests: new Map(), external: new Set() };
  return s.registry;
}

const blobDigests = new Map<string, string>();

function blob(c: RegistryContent, seed: string, size: number, shared = false): { digest: string; size: number } {
  const key = `blob:${seed}:${size}`;
  // Base and branch layers recur in thousands of images: hash their names once.
  let digest = shared ? blobDigests.get(key) : undefined;
  if (!digest) {
    digest = sha256(key);
    if (shared) blobDigests.set(key, digest);
  }
  c.blobs.set(digest, size);
  return { digest, size };
}

function putManifest(c: RegistryContent, repository: string, body: object): { digest: string; size: number; mediaType: string } {
  const mediaType = (body as { mediaType: string }).mediaType;
  const bytes = Buffer.from(JSON.stringify(body));
  const digest = sha256(bytes);
  c.manifests.set(digest, { bytes, mediaType });
  let set = c.repoManifests.get(repository);
  if (!set) c.repoManifests.set(repository, (set = new Set()));
  set.add(digest);
  return { digest, size: bytes.length, mediaType };
}

/** A single-platform image of about `total` bytes; returns its manifest descriptor. */
/** `ids`: hex for the image's own layer and config (the tag's seeded digest and revision), so that a scenario
 * of 10,000 images hashes only its manifests. */
function image(c: RegistryContent, repository: string, project: string, key: string, total: number, oci: boolean, platform: string, ids?: { own: string; config: string }) {
  const branch = key.split(/[-.]/)[0];
  const layers = BASE_LAYER_SIZES.map((size, i) => blob(c, `base${i}:${project}:${platform}`, size, true));
  layers.push(blob(c, `branch:${repository}:${branch}:${platform}`, BRANCH_LAYER_SIZE, true));
  const fixed = layers.reduce((s, l) => s + l.size, 0);
  const ownSize = Math.max(1000, total - fixed - 1500);
  const own = ids ? { digest: `sha256:${ids.own}`, size: ownSize } : blob(c, `own:${repository}:${key}:${platform}`, ownSize);
  const config = ids ? { digest: `sha256:${ids.config}`, size: 1500 } : blob(c, `config:${repository}:${key}:${platform}`, 1500);
  c.blobs.set(own.digest, own.size);
  c.blobs.set(config.digest, config.size);
  layers.push(own);
  return putManifest(c, repository, {
    schemaVersion: 2,
    mediaType: oci ? MT.ociManifest : MT.dockerManifest,
    config: { mediaType: oci ? MT.ociConfig : MT.dockerConfig, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: oci ? MT.ociLayer : MT.dockerLayer, digest: l.digest, size: l.size })),
  });
}

/** Builds the image named `key` of a repository and returns its top-level manifest digest. */
export function buildImage(c: RegistryContent, repository: string, project: string, key: string, total: number, ids?: { own: string; config: string }): string {
  const multi = key.startsWith('v') || key === 'latest';
  if (!multi) return image(c, repository, project, key, total, key.includes('-'), 'amd64', ids).digest;
  const oci = key.startsWith('v');
  // Each platform has its own config and layer: the seeded ids are not used here.
  const platforms = ['amd64', 'arm64'].map((arch) => ({ arch, d: image(c, repository, project, key, Math.floor(total / 2), oci, arch) }));
  return putManifest(c, repository, {
    schemaVersion: 2,
    mediaType: oci ? MT.ociIndex : MT.dockerList,
    manifests: platforms.map(({ arch, d }) => ({ mediaType: d.mediaType, digest: d.digest, size: d.size, platform: { architecture: arch, os: 'linux' } })),
  }).digest;
}

/**
 * Gives every tag whose digest names no stored manifest a real image (tags sharing a digest share the image),
 * rewriting the tag's digest to the manifest's. Called after seeding; idempotent.
 */
export function materialize(state: State): void {
  const c = contentOf(state);
  for (const repo of state.repos.values()) materializeRepo(state, c, repo);
}

function materializeRepo(state: State, c: RegistryContent, repo: RepoRec): void {
  const project = state.projects.get(repo.projectId)?.fullPath.toLowerCase() ?? String(repo.projectId);
  const path = repoPath(state, repo);
  const rewritten = new Map<string, string>();
  for (const tag of repo.tags) {
    if (c.external.has(tag.digest)) continue;
    if (c.manifests.has(tag.digest) && !rewritten.has(tag.digest)) continue;
    let digest = rewritten.get(tag.digest);
    if (!digest) {
      const hex = /^sha256:([a-f0-9]{64})$/;
      const own = hex.exec(tag.digest)?.[1];
      const ids = own && /^[a-f0-9]{64}$/.test(tag.revision) && !c.blobs.has(`sha256:${own}`) ? { own, config: tag.revision } : undefined;
      digest = buildImage(c, path, project, tag.name, tag.total_size ?? 2_000_000, ids);
      rewritten.set(tag.digest, digest);
    }
    tag.digest = digest;
  }
}

/** Manifest digests a manifest references (index → platform manifests). */
export function childManifests(m: StoredManifest): string[] {
  const j = JSON.parse(m.bytes.toString('utf8')) as { manifests?: Array<{ digest: string }> };
  return (j.manifests ?? []).map((d) => d.digest);
}

/** Blob digests a manifest references (config and layers). */
export function blobsOf(m: StoredManifest): string[] {
  const j = JSON.parse(m.bytes.toString('utf8')) as { config?: { digest: string }; layers?: Array<{ digest: string }> };
  return [...(j.config ? [j.config.digest] : []), ...(j.layers ?? []).map((l) => l.digest)];
}

/**
 * `garbage-collect --delete-untagged` over the whole double: removes the manifests no tag reaches (directly or
 * through an index) and the blobs no remaining manifest references. Returns what it removed.
 */
export function garbageCollect(state: State): { manifests: number; blobs: number; bytes: number } {
  const c = contentOf(state);
  const live = new Set<string>();
  const liveByRepo = new Map<string, Set<string>>();
  const visit = (d: string, into: Set<string>) => {
    if (into.has(d)) return;
    const m = c.manifests.get(d);
    if (!m) return;
    into.add(d);
    live.add(d);
    for (const child of childManifests(m)) visit(child, into);
  };
  for (const repo of state.repos.values()) {
    const set = new Set<string>();
    for (const t of repo.tags) visit(t.digest, set);
    liveByRepo.set(repoPath(state, repo), set);
  }
  let bytes = 0;
  let manifests = 0;
  for (const [d, m] of c.manifests) {
    if (live.has(d)) continue;
    c.manifests.delete(d);
    bytes += m.bytes.length;
    manifests++;
  }
  for (const [path, set] of c.repoManifests) c.repoManifests.set(path, new Set([...set].filter((d) => liveByRepo.get(path)?.has(d))));
  const usedBlobs = new Set<string>();
  for (const m of c.manifests.values()) for (const b of blobsOf(m)) usedBlobs.add(b);
  let blobs = 0;
  for (const [d, size] of c.blobs) {
    if (usedBlobs.has(d)) continue;
    c.blobs.delete(d);
    bytes += size;
    blobs++;
  }
  return { manifests, blobs, bytes };
}

// What a manifest references, for the four media types (Docker v2 manifest and manifest list, OCI manifest and
// index): the platform manifests of an index, the config and layer blobs of an image manifest, with sizes.
import { stripControls } from '../text';

export interface Descriptor {
  digest: string;
  size: number;
  mediaType: string;
  /** "linux/arm64/v8" for an index entry that names its platform */
  platform?: string;
}

export interface ParsedManifest {
  digest: string;
  mediaType: string;
  /** Bytes of the manifest itself (a registry stores it as a blob too). */
  size: number;
  /** Index / manifest list entries. */
  manifests: Descriptor[];
  /** Config first, then layers. */
  blobs: Descriptor[];
}

const DIGEST = /^sha(256|512):[a-f0-9]+$/;

function descriptor(v: unknown): Descriptor | null {
  if (!v || typeof v !== 'object') return null;
  const d = v as Record<string, unknown>;
  if (typeof d.digest !== 'string' || !DIGEST.test(d.digest)) return null;
  const size = typeof d.size === 'number' && Number.isFinite(d.size) && d.size >= 0 ? d.size : 0;
  const p = d.platform as Record<string, unknown> | undefined;
  const platform = p && typeof p.os === 'string' && typeof p.architecture === 'string'
    ? stripControls([p.os, p.architecture, typeof p.variant === 'string' ? p.variant : ''].filter(Boolean).join('/'))
    : undefined;
  return { digest: d.digest, size, mediaType: typeof d.mediaType === 'string' ? stripControls(d.mediaType) : '', platform };
}

/** Parses manifest bytes whose digest the caller has verified. Throws on anything that is not a manifest. */
export function parseManifest(digest: string, bytes: Buffer): ParsedManifest {
  const j = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  if (!j || typeof j !== 'object') throw new Error('not a manifest');
  const list = (v: unknown) => (Array.isArray(v) ? v.map(descriptor).filter((d): d is Descriptor => d !== null) : []);
  const config = descriptor(j.config);
  return {
    digest,
    mediaType: typeof j.mediaType === 'string' ? stripControls(j.mediaType) : '',
    size: bytes.length,
    manifests: list(j.manifests),
    blobs: [...(config ? [config] : []), ...list(j.layers)],
  };
}

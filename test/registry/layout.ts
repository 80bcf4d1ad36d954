// An OCI image layout with many tagged images built in Node, for tests that need known layer sharing: a layer
// given to two images is one blob (same digest), as a base layer is. Layers are incompressible random bytes of
// a chosen size; every size the registry will store is known here, so a test can compute its expectations
// from this data alone (never from the code under test).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

export interface Desc {
  mediaType: string;
  digest: string;
  size: number;
}

export interface Image extends Desc {
  config: Desc;
  layers: Desc[];
}

export interface Index extends Desc {
  children: Image[];
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

const sha = (b: Buffer) => 'sha256:' + crypto.createHash('sha256').update(b).digest('hex');

export class LayoutBuilder {
  private readonly refs: Array<{ ref: string; desc: Desc }> = [];

  constructor(readonly dir: string) {
    fs.mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  }

  private blob(data: Buffer, mediaType: string): Desc {
    const digest = sha(data);
    fs.writeFileSync(path.join(this.dir, 'blobs', 'sha256', digest.slice(7)), data);
    return { mediaType, digest, size: data.length };
  }

  /** A gzip layer of about `bytes` bytes (random content, so gzip cannot shrink it). */
  layer(bytes: number): Desc {
    return this.blob(zlib.gzipSync(crypto.randomBytes(bytes), { level: 1 }), 'application/vnd.oci.image.layer.v1.tar+gzip');
  }

  /** An image manifest of `layers` with its own config (unique per call). */
  image(arch: string, layers: Desc[]): Image {
    const config = this.blob(Buffer.from(JSON.stringify({
      architecture: arch, os: 'linux', config: { Cmd: ['/app'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      history: [{ created_by: `glcr storage proof ${crypto.randomUUID()}` }],
    })), 'application/vnd.oci.image.config.v1+json');
    const m = this.blob(Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers,
    })), OCI_MANIFEST);
    return { ...m, config, layers };
  }

  /** An image index of amd64 and arm64 children. */
  index(amd64: Image, arm64: Image): Index {
    const entry = (i: Image, architecture: string) => ({ mediaType: i.mediaType, digest: i.digest, size: i.size, platform: { architecture, os: 'linux' } });
    const m = this.blob(Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry(amd64, 'amd64'), entry(arm64, 'arm64')],
    })), OCI_INDEX);
    return { ...m, children: [amd64, arm64] };
  }

  /** Names `desc` as `ref` in the layout's index.json (written at once). */
  ref(ref: string, desc: Desc): void {
    this.refs.push({ ref, desc });
    fs.writeFileSync(path.join(this.dir, 'index.json'), JSON.stringify({
      schemaVersion: 2,
      manifests: this.refs.map(({ ref: r, desc: d }) => ({
        mediaType: d.mediaType, digest: d.digest, size: d.size, annotations: { 'org.opencontainers.image.ref.name': r },
      })),
    }));
  }
}

/** Blob data files under a Distribution filesystem storage root: digest → bytes (manifests are blobs there too). */
export function blobFiles(storageDir: string): Map<string, number> {
  const root = path.join(storageDir, 'docker', 'registry', 'v2', 'blobs', 'sha256');
  const out = new Map<string, number>();
  if (!fs.existsSync(root)) return out;
  for (const prefix of fs.readdirSync(root)) {
    for (const hex of fs.readdirSync(path.join(root, prefix))) {
      const data = path.join(root, prefix, hex, 'data');
      if (fs.existsSync(data)) out.set(`sha256:${hex}`, fs.statSync(data).size);
    }
  }
  return out;
}

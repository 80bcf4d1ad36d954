import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeManifest } from '../../src/extension/manifestText';
import { parseManifest } from '../../src/core/registry/manifest';

const D = (c: string) => `sha256:${c.repeat(64)}`;

test('Inspect Manifest header: platforms of an index, config and layers with sizes', () => {
  const child = parseManifest(D('b'), Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D('c'), size: 1500 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: D('d'), size: 31_000_000 }],
  })));
  const index = parseManifest(D('a'), Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: D('b'), size: 400, platform: { os: 'linux', architecture: 'arm64', variant: 'v8\u001b[2J' } }],
  })));
  assert.equal(index.manifests[0].platform, 'linux/arm64/v8[2J');
  const lines = describeManifest({ ...index, size: 321 }, [{ platform: index.manifests[0].platform!, manifest: child }]);
  assert.deepEqual(lines, [
    `// application/vnd.oci.image.index.v1+json ${D('a')} (321 bytes)`,
    '// platforms: 1',
    `//   linux/arm64/v8[2J  ${D('b')}`,
    `//     config  1.50 kB  ${D('c')}`,
    `//     layer 1  31.0 MB  ${D('d')}`,
  ]);
});

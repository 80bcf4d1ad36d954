// The text of Inspect Manifest (no vscode import, so unit tests read it): a JSONC header of comments naming
// the platforms of an index and each image's config and layers with sizes, above the manifest JSON.
import type { ParsedManifest } from '../core/registry/manifest';
import { stripControls } from '../core/text';
import { formatSize } from './tree/format';

/** The summary above the JSON: platforms of an index, layers with sizes, as JSONC comments. */
export function describeManifest(top: ParsedManifest, platforms: Array<{ platform: string; manifest: ParsedManifest }>): string[] {
  const lines = [`// ${top.mediaType} ${top.digest} (${top.size} bytes)`];
  const layers = (m: ParsedManifest, indent: string) => m.blobs.map((b, i) =>
    `// ${indent}${i === 0 ? 'config' : `layer ${i}`}  ${formatSize(b.size) ?? '0 B'}  ${b.digest}`);
  if (platforms.length) {
    lines.push(`// platforms: ${platforms.length}`);
    for (const p of platforms) {
      lines.push(`//   ${p.platform}  ${p.manifest.digest}`);
      lines.push(...layers(p.manifest, '    '));
    }
  } else {
    lines.push(...layers(top, '  '));
  }
  return lines.map(stripControls);
}


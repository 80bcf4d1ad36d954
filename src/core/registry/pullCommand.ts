// What a user pastes or runs to fetch a tag: `docker pull <ref>` and `<location>@sha256:…`. The reference
// comes from GitLab, so it is parsed by Docker's grammar first (parseImageRef throws on anything else):
// nothing a server sent reaches a clipboard or a terminal unless it is a plain image reference.
import { formatImageRef, parseImageRef } from './imageRef';

/** The validated reference, e.g. registry.example.com/group/app:v1 (throws UsageError otherwise). */
export function checkedReference(reference: string): string {
  return formatImageRef(parseImageRef(reference));
}

/** `docker pull registry.example.com/group/app:v1`. */
export function pullCommand(reference: string): string {
  return `docker pull ${checkedReference(reference)}`;
}

/** `registry.example.com/group/app@sha256:…`: the tag's location with the manifest digest instead of the tag. */
export function digestReference(location: string, digest: string): string {
  const ref = parseImageRef(location);
  return checkedReference(formatImageRef({ registry: ref.registry, repository: ref.repository, digest }));
}

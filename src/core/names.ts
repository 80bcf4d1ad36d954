// Names that end up in a request path (tag names, project and group paths) are checked before the path is
// built. A dot segment ("." or "..", also percent-encoded as %2e) is what URL normalisation (WHATWG URL,
// proxies, Rails) folds into the parent: `…/tags/..` would become a request on the tag list itself, and a
// DELETE there is GitLab's bulk delete. Such names are refused, never sent.
import { UsageError } from './errors';
import { stripControls } from './text';

/** The OCI distribution tag grammar: 1 to 128 characters, not starting with "." or "-". */
export const TAG_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** True for a name in the OCI tag grammar (a tag typed by a person, in a reference, or in a registry's tag list). */
export function isTagName(name: string): boolean {
  return TAG_NAME.test(name);
}

/** Percent-decodes ASCII escapes (%2e, %2F …) a few times over, so %252e%252e is seen as ".." too. */
function decodeAsciiEscapes(text: string): string {
  let current = text;
  for (let round = 0; round < 4; round++) {
    const next = current.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === current) break;
    current = next;
  }
  return current;
}

/** True when a segment of `path` (split at "/" or "\", after percent-decoding) is "." or "..". */
export function hasDotSegment(path: string): boolean {
  return decodeAsciiEscapes(path).split(/[/\\]/).some((segment) => segment.trim() === '.' || segment.trim() === '..');
}

/** The name as it may be quoted in a message: one printable line, shortened. */
function quoted(name: string): string {
  const clean = stripControls(name);
  return `"${clean.length > 80 ? `${clean.slice(0, 77)}...` : clean}"`;
}

/** Refuses a project or group path with a dot segment ("..", "a/../b", "%2e%2e"); the path otherwise unchanged. */
export function assertNoDotSegments(path: string, what: string): string {
  if (hasDotSegment(path)) {
    throw new UsageError(`the ${what} ${quoted(path)} has a "." or ".." segment, which would name another resource; nothing was sent`);
  }
  return path;
}

/** A tag name typed by a person, checked against the OCI tag grammar (which also excludes "." and ".."). */
export function checkTagName(name: string): string {
  if (!isTagName(name)) {
    throw new UsageError(
      `invalid tag name ${quoted(name)}: a tag is 1 to 128 letters, digits, "_", "." and "-", not starting with "." or "-"; nothing was sent`,
    );
  }
  return name;
}

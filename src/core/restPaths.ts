// API paths below /api/v4 that the REST reads and writes share, with the checks that keep a value from
// addressing another resource (a bad id, a tag name with '/' or a dot segment).
import { UsageError } from './errors';
import { hasDotSegment } from './names';
import { stripControls } from './text';
import type { ProjectRef } from './types';
import { encodeProjectRef } from './url';

export function repoId(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`Invalid repository id: ${id}`);
  return id;
}

export function encodeTagName(name: string): string {
  // "." and ".." would be folded into the tag list's path (a DELETE there is the bulk delete).
  if (name === '' || name.includes('/') || hasDotSegment(name)) throw new UsageError(`Invalid tag name: "${stripControls(name)}"`);
  return encodeURIComponent(name);
}

/** /projects/:id/registry/repositories/:rid/tags */
export function tagsPath(project: ProjectRef, repositoryId: number): string {
  return `/projects/${encodeProjectRef(project)}/registry/repositories/${repoId(repositoryId)}/tags`;
}

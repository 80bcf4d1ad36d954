// Images of branches that are gone. CI pipelines commonly tag a branch's image with CI_COMMIT_REF_SLUG;
// once the branch is merged or closed and deleted, the image stays. A tag is a gone-branch image only when
// it is the slug of a branch named as the source of a merged or closed merge request that no longer exists
// as a branch: a positive identification. "Not the slug of a current branch" alone is never enough
// (`latest`, `v1.2.3`, `sha-…` are not branches at all).
import type { RegistryApi } from './registryApi';
import { compareCodePoints } from './text';
import type { ProjectRef } from './types';

/**
 * GitLab's CI_COMMIT_REF_SLUG (Gitlab::Utils.slugify): lower-cased, every character outside 0-9a-z
 * replaced by "-", cut to 63 characters (all ASCII by then, so 63 bytes), leading and trailing "-" removed.
 */
export function refSlug(ref: string): string {
  const replaced = Array.from(ref.toLowerCase(), (c) => (/^[0-9a-z]$/.test(c) ? c : '-')).join('');
  return replaced.slice(0, 63).replace(/^-+|-+$/g, '');
}

/** Slug → the gone branch it stands for (the first by code-point order when several share a slug). */
export type GoneBranches = ReadonlyMap<string, string>;

/**
 * The slugs of gone branches: source branches of merged or closed merge requests that are no longer
 * branches, minus every slug a current branch also has (that tag may be the live branch's image).
 */
export function goneBranchSlugs(currentBranches: readonly string[], mergeRequestSources: readonly string[]): GoneBranches {
  const current = new Set(currentBranches);
  const liveSlugs = new Set(currentBranches.map(refSlug));
  const gone = new Map<string, string>();
  for (const branch of [...new Set(mergeRequestSources)].sort(compareCodePoints)) {
    if (current.has(branch)) continue;
    const slug = refSlug(branch);
    if (slug === '' || liveSlugs.has(slug) || gone.has(slug)) continue;
    gone.set(slug, branch);
  }
  return gone;
}

/** Reads a project's branches and its merged and closed merge requests (three paged listings at once). */
export async function readGoneBranches(api: RegistryApi, project: ProjectRef, signal?: AbortSignal): Promise<GoneBranches> {
  const [branches, merged, closed] = await Promise.all([
    api.listBranchNames(project, { signal }),
    api.listMergeRequestSourceBranches(project, 'merged', { signal }),
    api.listMergeRequestSourceBranches(project, 'closed', { signal }),
  ]);
  return goneBranchSlugs(branches, [...merged, ...closed]);
}

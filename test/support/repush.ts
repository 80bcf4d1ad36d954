// "Someone pushed meanwhile": a tag of the GitLab double re-pushed (deleted through the API, then added
// again through the double's test-data control) or removed, between a preview and the deletion.
import type { GitLabDouble } from '../double/contract';

/** Deletes `name` through GitLab's API (as the owner) so that it is gone. */
export async function removeTag(d: GitLabDouble, projectId: number, repositoryId: number, name: string): Promise<void> {
  const res = await fetch(`${d.url}/api/v4/projects/${projectId}/registry/repositories/${repositoryId}/tags/${encodeURIComponent(name)}`, {
    method: 'DELETE', headers: { 'PRIVATE-TOKEN': d.tokens.owner },
  });
  if (res.status !== 200) throw new Error(`removeTag ${name}: ${res.status}`);
}

/** Re-pushes `name` as the image of `sameImageAs` (another digest and that tag's date). */
export async function repushTag(d: GitLabDouble, projectId: number, repositoryId: number, name: string, sameImageAs: string): Promise<void> {
  await removeTag(d, projectId, repositoryId, name);
  d.addTags(repositoryId, [{ name, sameImageAs }]);
}

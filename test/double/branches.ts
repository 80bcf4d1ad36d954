// Branches and merge requests, as GitLab's REST API lists them (GET /projects/:id/repository/branches,
// GET /projects/:id/merge_requests?state=opened|closed|locked|merged|all): enough for gone-branch images.
import type { SeedMergeRequest } from './contract';
import type { MergeRequestRec, ProjectRec, State } from './model';
import { compareNames } from './model';
import { stringParam } from './http';

export function branchEntities(p: ProjectRec): Array<Record<string, unknown>> {
  const names = [...new Set(p.branches ?? [p.defaultBranch])].sort(compareNames);
  return names.map((name) => ({
    name, merged: false, protected: name === p.defaultBranch, default: name === p.defaultBranch,
    developers_can_push: false, developers_can_merge: false, can_push: true,
    web_url: `https://gitlab.example/${p.fullPath}/-/tree/${encodeURIComponent(name)}`,
  }));
}

/** Newest first (GitLab's default order: created_at desc), filtered by `state` (default all). */
export function mergeRequestEntities(p: ProjectRec, input: Record<string, unknown>): Array<Record<string, unknown>> {
  const state = stringParam(input, 'state') ?? 'all';
  const list = (p.mergeRequests ?? []).filter((m) => state === 'all' || m.state === state);
  return [...list].sort((a, b) => b.iid - a.iid).map((m) => ({
    id: p.id * 1000 + m.iid, iid: m.iid, project_id: p.id, title: m.title, state: m.state,
    source_branch: m.source_branch, target_branch: m.target_branch, source_project_id: p.id, target_project_id: p.id,
  }));
}

export function setBranches(state: State, projectId: number, branches: string[], mergeRequests: SeedMergeRequest[]): void {
  const p = state.projects.get(projectId);
  if (!p) throw new Error(`no project ${projectId}`);
  p.branches = [...branches];
  p.mergeRequests = mergeRequests.map((m, i): MergeRequestRec => ({
    iid: i + 1, title: `Merge ${m.source_branch}`, state: m.state, source_branch: m.source_branch, target_branch: p.defaultBranch,
  }));
}

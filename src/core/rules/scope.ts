// A rule over many repositories: every repository of a group (with its subgroups) or of one project, each
// previewed exactly as the single-repository rule (previewRule + the same conditions), all listed at once
// under the client's one concurrency bound (the HttpClient holds it, so spreading the work over many
// repositories never sends more requests at a time).
import { readGoneBranches, type GoneBranches } from '../branches';
import { mapLimit } from '../concurrency';
import { GitLabError, cancelledError } from '../errors';
import type { RegistryApi } from '../registryApi';
import { guarded, oncePerProject, previewGuarded, type Guard } from './guarded';
import { collectAll } from '../pagination';
import { compareCodePoints } from '../text';
import type { GroupRef, ProjectRef, Repository } from '../types';
import { applyConditions, type ExtraConditions } from './conditions';
import type { CompiledRule } from './engine';
import type { RulePreview } from './preview';
import type { Re2Pattern } from './regex';

export type RuleScope = { kind: 'group'; group: GroupRef } | { kind: 'project'; project: ProjectRef };

export interface ScopedRepository {
  /** The project's full path (path_with_namespace). */
  project: string;
  projectId: number;
  repository: Repository;
}

export interface RepositoryPlan extends ScopedRepository {
  preview: RulePreview;
  /**
   * Bytes this plan frees, where the storage feature knows them (it fills this in); absent = unknown.
   * Kept here so every view of the plan (CLI text, extension preview) shows it without another shape.
   */
  reclaimableBytes?: number;
  /**
   * A repository protection rule forbids the caller to delete here ("protected: <rule> needs Owner"): every
   * tag the rule would delete is kept as 'protected' and nothing is sent for this repository.
   */
  protectedBy?: Guard;
}

export interface ScopePlan {
  /** Code-point order of project path, then repository path. */
  plans: RepositoryPlan[];
  deleteCount: number;
  keepCount: number;
}

export interface ScopePlanOptions {
  /** Only repositories whose path this RE2 pattern finds (unanchored). */
  repositories?: Re2Pattern;
  conditions?: Omit<ExtraConditions, 'goneBranches'> & { goneBranches?: boolean };
  signal?: AbortSignal;
  now?: number;
  /** Repositories previewed so far, of all. */
  onProgress?: (done: number, total: number) => void;
  /** Repositories previewed at once; the HttpClient bounds the requests themselves. Default 8. */
  concurrency?: number;
}

/** The scope's repositories with their project paths, in code-point order of project path then repository path. */
export async function listScopeRepositories(api: RegistryApi, scope: RuleScope, signal?: AbortSignal): Promise<ScopedRepository[]> {
  const host = api.baseUrl;
  if (scope.kind === 'project') {
    const [project, repos] = await Promise.all([
      // A CI job token cannot read the project itself: then the path as given stands for it.
      api.getProject(scope.project).catch((e: unknown) => {
        if (typeof scope.project === 'string' && !(e instanceof GitLabError && e.kind === 'cancelled')) return undefined;
        throw e;
      }),
      collectAll((cursor) => api.listProjectRepositories(scope.project, { cursor, perPage: 100 }), host, { signal }),
    ]);
    const path = project?.path_with_namespace ?? String(scope.project);
    return sortScoped(repos.map((repository) => ({ project: path, projectId: repository.project_id, repository })));
  }
  const [projects, repos] = await Promise.all([
    collectAll((cursor) => api.listGroupProjects(scope.group, {}, { cursor, perPage: 100 }), host, { signal }),
    collectAll((cursor) => api.listGroupRepositories(scope.group, { cursor, perPage: 100 }), host, { signal }),
  ]);
  const pathOf = new Map(projects.map((p) => [p.id, p.path_with_namespace]));
  return sortScoped(repos.map((repository) => ({
    // A project the listing did not return (shared in, or created meanwhile): its id stands in for the path.
    project: pathOf.get(repository.project_id) ?? String(repository.project_id),
    projectId: repository.project_id,
    repository,
  })));
}

function sortScoped<T extends ScopedRepository>(list: T[]): T[] {
  return list.sort((a, b) => compareCodePoints(a.project, b.project) || compareCodePoints(a.repository.path, b.repository.path));
}

/**
 * Previews the rule in every repository of the scope. Gone branches are read once per project. A
 * repository whose preview fails makes the whole plan fail (a partial plan would look complete).
 */
export async function planScope(api: RegistryApi, scope: RuleScope, rule: CompiledRule, opts: ScopePlanOptions = {}): Promise<ScopePlan> {
  const all = await listScopeRepositories(api, scope, opts.signal);
  const chosen = opts.repositories ? all.filter((s) => opts.repositories!.test(s.repository.path)) : all;
  const gone = new Map<number, Promise<GoneBranches>>();
  const goneOf = (s: ScopedRepository): Promise<GoneBranches> => {
    let p = gone.get(s.projectId);
    if (!p) gone.set(s.projectId, (p = readGoneBranches(api, s.projectId, opts.signal)));
    return p;
  };
  const protectionOf = oncePerProject(api);
  const now = opts.now ?? Date.now();
  const { goneBranches, ...signatures } = opts.conditions ?? {};
  const outcome = await mapLimit(chosen, opts.concurrency ?? 8, async (s): Promise<RepositoryPlan> => {
    const [{ raw, protectedBy }, slugs] = await Promise.all([
      previewGuarded(api, s.projectId, s.repository, rule, { signal: opts.signal, now, protection: protectionOf(s.projectId) }),
      goneBranches === true ? goneOf(s) : Promise.resolve(undefined),
    ]);
    const preview = guarded(applyConditions(raw, { ...signatures, goneBranches: slugs }), protectedBy);
    return protectedBy === undefined ? { ...s, preview } : { ...s, preview, protectedBy };
  }, { signal: opts.signal, onSettled: opts.onProgress });
  if (outcome.notStarted.length > 0) throw cancelledError();
  const plans = outcome.results.filter((p): p is RepositoryPlan => p !== undefined);
  return {
    plans,
    deleteCount: plans.reduce((n, p) => n + p.preview.delete.length, 0),
    keepCount: plans.reduce((n, p) => n + p.preview.keep.length, 0),
  };
}

/** True for the errors that end a whole run rather than one repository (cancellation). */
export function isCancellation(e: unknown): boolean {
  return e instanceof GitLabError && e.kind === 'cancelled';
}

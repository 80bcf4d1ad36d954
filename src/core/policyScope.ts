// One cleanup policy for many projects: every project of a group (subgroups included) gets the same
// attributes. Projects where the caller is not Maintainer are skipped, not failed (GitLab would answer 403);
// each project is one PUT, whose lost answer is settled by reading the policy back (restWrites.ts).
import { mapLimit } from './concurrency';
import { GitLabError, cancelledError } from './errors';
import { collectAll } from './pagination';
import type { RegistryApi } from './registryApi';
import type { PolicyPatch } from './rules/policy';
import { compareCodePoints } from './text';
import type { CleanupPolicy, GroupRef } from './types';

/** The attributes a person sets (next_run_at is GitLab's to compute). */
export type PolicyValues = Omit<CleanupPolicy, 'next_run_at'>;

export type ProjectPolicyStatus = 'changed' | 'unchanged' | 'skipped' | 'failed';

export interface ProjectPolicyChange {
  project: string;
  projectId: number;
  /** The policy now (null: the project has none, or it could not be read). */
  before: PolicyValues | null;
  /** What it becomes (dry run) or became (applied); equals `before` when skipped, unchanged or failed. */
  after: PolicyValues | null;
  status: ProjectPolicyStatus;
  error?: string;
}

const MAINTAINER = 40;
const FIELDS = ['cadence', 'enabled', 'keep_n', 'older_than', 'name_regex', 'name_regex_keep'] as const;

export function policyValues(p: CleanupPolicy | null): PolicyValues | null {
  if (p === null) return null;
  return { cadence: p.cadence, enabled: p.enabled, keep_n: p.keep_n, older_than: p.older_than, name_regex: p.name_regex, name_regex_keep: p.name_regex_keep };
}

function applyPatch(before: PolicyValues | null, patch: PolicyPatch): PolicyValues {
  const base: PolicyValues = before ?? { cadence: '1d', enabled: false, keep_n: 10, older_than: '90d', name_regex: '.*', name_regex_keep: null };
  const after = { ...base };
  for (const k of FIELDS) if (patch[k] !== undefined) (after as Record<string, unknown>)[k] = patch[k];
  return after;
}

function same(a: PolicyValues | null, b: PolicyValues | null): boolean {
  return a !== null && b !== null && FIELDS.every((k) => a[k] === b[k]);
}

export interface GroupPolicyOptions {
  apply: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  concurrency?: number;
}

/**
 * Plans (apply false) or applies the patch in every project of the group, code-point order of project path.
 * Who is Maintainer comes from one listing with min_access_level=40 (no per-project permission read).
 */
export async function setGroupPolicy(api: RegistryApi, group: GroupRef, patch: PolicyPatch, opts: GroupPolicyOptions): Promise<ProjectPolicyChange[]> {
  const host = api.baseUrl;
  const [all, maintained] = await Promise.all([
    collectAll((cursor) => api.listGroupProjects(group, {}, { cursor, perPage: 100 }), host, { signal: opts.signal }),
    collectAll((cursor) => api.listGroupProjects(group, { minAccessLevel: MAINTAINER }, { cursor, perPage: 100 }), host, { signal: opts.signal }),
  ]);
  const canChange = new Set(maintained.map((p) => p.id));
  const projects = [...all].sort((a, b) => compareCodePoints(a.path_with_namespace, b.path_with_namespace));
  const outcome = await mapLimit(projects, opts.concurrency ?? 8, async (p): Promise<ProjectPolicyChange> => {
    const row = { project: p.path_with_namespace, projectId: p.id };
    if (!canChange.has(p.id)) {
      const before = policyValues(p.container_expiration_policy ?? null);
      return { ...row, before, after: before, status: 'skipped', error: 'changing the cleanup policy needs the Maintainer role' };
    }
    let before: PolicyValues | null;
    try {
      before = policyValues(await api.getCleanupPolicy(p.id));
    } catch (e) {
      if (e instanceof GitLabError && e.kind === 'cancelled') throw e;
      return { ...row, before: null, after: null, status: 'failed', error: e instanceof Error ? e.message : String(e) };
    }
    const after = applyPatch(before, patch);
    if (same(before, after)) return { ...row, before, after: before, status: 'unchanged' };
    if (!opts.apply) return { ...row, before, after, status: 'changed' };
    try {
      return { ...row, before, after: policyValues(await api.updateCleanupPolicy(p.id, patch)), status: 'changed' };
    } catch (e) {
      if (e instanceof GitLabError && e.kind === 'cancelled') throw e;
      const message = e instanceof Error ? e.message : String(e);
      const unknown = e instanceof GitLabError && e.details.outcomeUnknown === true;
      return { ...row, before, after: before, status: 'failed', error: unknown ? `outcome unknown: ${message}` : message };
    }
  }, { signal: opts.signal, onSettled: opts.onProgress });
  if (outcome.notStarted.length > 0) throw cancelledError();
  return outcome.results.filter((r): r is ProjectPolicyChange => r !== undefined);
}

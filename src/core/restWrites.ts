// The REST writes: tags deleted one by one, a repository deletion, GitLab's bulk delete and the cleanup
// policy. Each is sent once (tag DELETEs are retried, being idempotent); an answer lost after sending is
// settled by reading back, never by sending again (docs/gitlab-api.md "Uncertain outcomes").
import { mapLimit } from './concurrency';
import { TagOutcome, assembleReport, failureOf, missingTag, unknownOutcome } from './deleteReport';
import { Json, isObject, toCleanupPolicy } from './entities';
import { GitLabError, UsageError } from './errors';
import type { HttpClient } from './http';
import { encodeTagName, repoId, tagsPath } from './restPaths';
import type {
  BulkDeleteParams, CleanupPolicy, DeleteReport, OperationOptions, ProjectRef, Repository, RepositoryDeletion, Tag, TagDetails,
} from './types';
import { encodeProjectRef } from './url';

/** The reads the writes settle with: the REST client's own (RestRegistryApi implements this). */
export interface RestReads {
  readonly http: HttpClient;
  readonly concurrency: number;
  readonly isJobToken: boolean;
  listAllTags(project: ProjectRef, repositoryId: number, opts?: OperationOptions): Promise<Tag[]>;
  readTag(project: ProjectRef, repositoryId: number, name: string, signal?: AbortSignal): Promise<TagDetails>;
  /** GET /registry/repositories/:id, checked to be a repository. */
  readRepository(id: number): Promise<Repository>;
  listAllProjectRepositories(project: ProjectRef): Promise<Repository[]>;
  getCleanupPolicy(project: ProjectRef): Promise<CleanupPolicy | null>;
}

/**
 * Deletes exactly the named tags, one DELETE each with idempotent retries, after one listing (missing
 * names are failed 404 without a request). A delete whose answer was lost is looked at again.
 */
export async function deleteTagsOneByOne(reads: RestReads, project: ProjectRef, repositoryId: number, names: string[], opts: OperationOptions = {}): Promise<DeleteReport> {
  const requested = [...new Set(names)];
  const total = requested.length;
  if (total === 0) return { deleted: [], failed: [] };
  let existing: Set<string>;
  try {
    existing = new Set((await reads.listAllTags(project, repositoryId, { signal: opts.signal })).map((t) => t.name));
  } catch (e) {
    if (e instanceof GitLabError && e.kind === 'cancelled') return { deleted: [], failed: [], notAttempted: requested };
    throw e;
  }

  const outcomes = new Map<string, TagOutcome>();
  for (const name of requested) if (!existing.has(name)) outcomes.set(name, missingTag(name));
  let done = outcomes.size;
  if (done > 0) opts.onProgress?.(done, total);
  const present = requested.filter((n) => existing.has(n));

  const path = tagsPath(project, repositoryId);
  /** Failed after an attempt that may have reached GitLab: the tag may be gone although the last answer was an error. */
  const lost = new Map<string, GitLabError>();
  const outcome = await mapLimit(present, reads.concurrency, async (name) => {
    try {
      // No caller signal here: a delete that has started is allowed to finish so the report stays true.
      await reads.http.request({ method: 'DELETE', path: `${path}/${encodeTagName(name)}`, idempotent: true, expectJson: false });
      outcomes.set(name, { deleted: true });
    } catch (e) {
      if (e instanceof GitLabError && e.kind === 'not_found' && e.details.afterUncertainAttempt) {
        // The earlier attempt reached GitLab and deleted the tag; the retry found it gone.
        outcomes.set(name, { deleted: true });
      } else if (e instanceof GitLabError && e.details.afterUncertainAttempt) {
        lost.set(name, e);
      } else {
        outcomes.set(name, { failure: failureOf(name, e) });
      }
    }
    opts.onProgress?.(++done, total);
  }, { signal: opts.signal });

  // A reset/timeout/502 may hide a delete that happened: look at each such tag before calling it failed.
  await mapLimit([...lost.keys()], reads.concurrency, async (name) => {
    outcomes.set(name, await settleLostDelete(reads, project, repositoryId, name, lost.get(name)!));
  });
  return assembleReport(requested, outcomes, outcome.notStarted);
}

/** One tag whose delete answer was lost: gone → deleted, still there → failed, cannot tell → unknown. */
async function settleLostDelete(reads: RestReads, project: ProjectRef, repositoryId: number, name: string, error: GitLabError): Promise<TagOutcome> {
  try {
    await reads.readTag(project, repositoryId, name);
    return { failure: failureOf(name, error) };
  } catch (e) {
    if (e instanceof GitLabError && e.kind === 'not_found' && !/project/i.test(e.gitlabMessage)) return { deleted: true };
    return { failure: unknownOutcome(name, error, 'the answer was lost and the check that followed failed') };
  }
}

/**
 * DELETE of the repository (202: GitLab schedules it), then its status read back. Never sent twice: an
 * answer lost after sending (reset, timeout, 5xx) is settled by reading the repository back —
 * delete_scheduled/ongoing or gone means GitLab took it; still there without that status means it did
 * not. When even that read fails, a GitLabError with details.outcomeUnknown says it may have been scheduled.
 */
export async function deleteRepositoryOnce(reads: RestReads, project: ProjectRef, repositoryId: number): Promise<RepositoryDeletion> {
  const id = repoId(repositoryId);
  try {
    await reads.http.request({
      method: 'DELETE', path: `/projects/${encodeProjectRef(project)}/registry/repositories/${id}`, expectJson: false,
    });
  } catch (e) {
    if (!(e instanceof GitLabError && e.details.afterUncertainAttempt)) throw e;
    let status: string | undefined;
    try {
      status = await repositoryStatus(reads, project, id);
    } catch (readError) {
      throw uncertainWrite(e, 'the repository may have been scheduled for deletion', readError);
    }
    if (status === 'deleted' || status === 'delete_scheduled' || status === 'delete_ongoing') return { id, status };
    throw e; // read back untouched: GitLab did not take it
  }
  try {
    const status = await repositoryStatus(reads, project, id);
    return { id, status: status === 'present' ? 'delete_scheduled' : status };
  } catch (e) {
    // The 202 stands: GitLab accepted the deletion even if we cannot read the repository back.
    if (e instanceof GitLabError) return { id, status: 'delete_scheduled' };
    throw e;
  }
}

/** The repository's deletion status now: its `status`, 'deleted' when gone, 'present' when it has none. */
async function repositoryStatus(reads: RestReads, project: ProjectRef, id: number): Promise<string> {
  try {
    if (reads.isJobToken) {
      // Job tokens only open the project's registry routes: find the repository in the project's list.
      const repo = (await reads.listAllProjectRepositories(project)).find((r) => r.id === id);
      return repo ? repo.status ?? 'present' : 'deleted';
    }
    const repo = await reads.readRepository(id);
    return repo.status ?? 'present';
  } catch (e) {
    if (e instanceof GitLabError && e.kind === 'not_found') return 'deleted';
    throw e;
  }
}

export async function scheduleBulkDeleteOnce(reads: RestReads, project: ProjectRef, repositoryId: number, params: BulkDeleteParams): Promise<void> {
  if (typeof params.name_regex_delete !== 'string' || params.name_regex_delete === '') {
    throw new UsageError('Bulk delete needs name_regex_delete (use ".*" for every tag).');
  }
  if (params.keep_n !== undefined && (!Number.isInteger(params.keep_n) || params.keep_n < 0)) {
    throw new UsageError('keep_n must be a whole number ≥ 0.');
  }
  const body: Record<string, string | number> = { name_regex_delete: params.name_regex_delete };
  if (params.name_regex_keep !== undefined) body.name_regex_keep = params.name_regex_keep;
  if (params.keep_n !== undefined) body.keep_n = params.keep_n;
  if (params.older_than !== undefined) body.older_than = params.older_than;
  try {
    await reads.http.request({ method: 'DELETE', path: tagsPath(project, repositoryId), body, expectJson: false });
  } catch (e) {
    // Never sent twice (a second call within the hour is refused, and a lost answer may hide an accepted
    // one); GitLab's API shows no trace of a scheduled bulk delete to read back.
    if (e instanceof GitLabError && e.details.afterUncertainAttempt) throw uncertainWrite(e, 'the bulk delete may have been scheduled');
    throw e;
  }
}

/** PUT of the policy attributes; a lost answer is settled by reading the policy back. */
export async function updatePolicyOnce(reads: RestReads, project: ProjectRef, patch: Partial<Omit<CleanupPolicy, 'next_run_at'>>): Promise<CleanupPolicy> {
  const attributes: Record<string, unknown> = {};
  for (const key of ['cadence', 'enabled', 'keep_n', 'older_than', 'name_regex', 'name_regex_keep'] as const) {
    if (patch[key] !== undefined) attributes[key] = patch[key];
  }
  let res;
  try {
    res = await reads.http.request<Json>({
      method: 'PUT', path: `/projects/${encodeProjectRef(project)}`, body: { container_expiration_policy_attributes: attributes },
    });
  } catch (e) {
    if (!(e instanceof GitLabError && e.details.afterUncertainAttempt)) throw e;
    return settleLostPolicyUpdate(reads, project, attributes, e);
  }
  const policy = toCleanupPolicy(isObject(res.data) ? res.data.container_expiration_policy : undefined);
  if (!policy) {
    throw new GitLabError('bad_response', res.status, `${reads.http.host} did not return the project's cleanup policy after the update.`, { instance: reads.http.host });
  }
  return policy;
}

/**
 * A policy update whose answer was lost: GitLab saves the attributes together or not at all, so the
 * policy read back either shows every one (applied) or not (the original error). Not sent again.
 */
async function settleLostPolicyUpdate(reads: RestReads, project: ProjectRef, attributes: Record<string, unknown>, error: GitLabError): Promise<CleanupPolicy> {
  let now: CleanupPolicy | null;
  try {
    now = await reads.getCleanupPolicy(project);
  } catch (readError) {
    throw uncertainWrite(error, 'the policy change may have been applied', readError);
  }
  const applied = now !== null && Object.entries(attributes).every(([k, v]) => now![k as keyof CleanupPolicy] === v);
  if (applied) return now!;
  throw error;
}

/**
 * A write whose answer was lost and whose effect could not be read back: the same kind of error, saying so
 * in words, with details.outcomeUnknown for callers that report it (the CLI exits 1 and says "may have").
 */
function uncertainWrite(e: GitLabError, what: string, readError?: unknown): GitLabError {
  const why = readError === undefined ? '' : `; reading it back failed too (${readError instanceof Error ? readError.message : String(readError)})`;
  return new GitLabError(e.kind, e.status, `${e.gitlabMessage}: the answer was lost after sending, so ${what}${why}; not sent again`,
    { ...e.details, outcomeUnknown: true });
}

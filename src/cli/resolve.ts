// Turning what the user typed into ids: `<project>` (numeric id or full path) and `<repo>` (numeric id,
// the repository name, `.` for the root image, or its full path). Names and paths are looked up in the
// project's repository list, which a CI job token may read (it cannot read /registry/repositories/:id).
import { GitLabError, UsageError } from '../core/errors';
import { assertNoDotSegments, checkTagName } from '../core/names';
import type { RegistryApi } from '../core/registryApi';
import type { Page, PageRequest, ProjectRef, Repository } from '../core/types';
import { printable } from './args';
import type { CliContext } from './command';

/** A page loop with a hard bound: stops on the last page, on a repeated cursor, or after `maxPages`. */
export async function collectPages<T>(
  fetchPage: (page: PageRequest) => Promise<Page<T>>,
  signal?: AbortSignal,
  maxPages = 100_000,
): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let n = 0; n < maxPages; n++) {
    if (signal?.aborted) throw new GitLabError('cancelled', undefined, 'interrupted');
    const page = await fetchPage(cursor === undefined ? { perPage: 100 } : { cursor, perPage: 100 });
    for (const item of page.items) all.push(item); // not push(...items): a huge page would overflow the stack
    if (page.next === undefined || page.next === '' || seen.has(page.next)) return all;
    seen.add(page.next);
    cursor = page.next;
  }
  throw new GitLabError('bad_response', undefined, `gave up after ${maxPages} pages: the listing never ended`);
}

/** Tag names from the command line, duplicates dropped; each must follow the OCI tag grammar (exit 2 otherwise). */
export function parseTagNames(args: readonly string[]): string[] {
  return [...new Set(args)].map(checkTagName);
}

/** `123` → 123 (an id); anything else is a full path (`group/sub/project`), never one with a `.`/`..` segment. */
export function parseProjectRef(text: string, what = 'project'): ProjectRef {
  const t = text.trim().replace(/^\/+|\/+$/g, '');
  if (t === '') throw new UsageError(`the ${what} is empty: give its numeric id or its full path (group/project)`);
  assertNoDotSegments(t, `${what} path`);
  if (/^\d+$/.test(t)) {
    const id = Number(t);
    if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`invalid ${what} id "${printable(t)}"`);
    return id;
  }
  return t;
}

export interface ResolvedRepository {
  id: number;
  /** Full path when known (it is not looked up for a numeric id). */
  path?: string;
  repository?: Repository;
}

/**
 * All digits → that id, without a request. Otherwise the project's repositories are listed and matched
 * by name (`.` = the root image, whose name is ""), then by full path; both case-insensitively because
 * GitLab stores image paths in lower case.
 */
export async function resolveRepository(
  api: RegistryApi,
  project: ProjectRef,
  text: string,
  signal?: AbortSignal,
): Promise<ResolvedRepository> {
  const t = text.trim();
  if (t === '') throw new UsageError('the repository is empty: give its id, its name, "." for the root image, or its full path');
  if (t !== '.') assertNoDotSegments(t, 'repository');
  if (/^\d+$/.test(t)) {
    const id = Number(t);
    if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`invalid repository id "${printable(t)}"`);
    return { id };
  }
  const repos = await collectPages((page) => api.listProjectRepositories(project, page), signal);
  const wanted = t === '.' ? '' : t.toLowerCase().replace(/\/+$/, '');
  const match =
    repos.find((r) => r.name.toLowerCase() === wanted) ??
    (wanted === '' ? undefined : repos.find((r) => r.path.toLowerCase() === wanted));
  if (!match) throw repositoryNotFound(project, t);
  return { id: match.id, path: match.path, repository: match };
}

/** A command's `<project> <repo>` arguments (the first two), resolved through its API. */
export async function resolveArgs(ctx: CliContext): Promise<{ api: RegistryApi; project: ProjectRef; repo: ResolvedRepository }> {
  const api = ctx.api();
  const project = parseProjectRef(ctx.args[0]);
  return { api, project, repo: await resolveRepository(api, project, ctx.args[1], ctx.signal) };
}

/** The resolved repository in full (one GitLab request only when it was given by id). */
export async function repositoryOf(api: RegistryApi, repo: ResolvedRepository): Promise<Repository> {
  return repo.repository ?? (await api.getRepository(repo.id));
}

/** The repository's registry location (one GitLab request only when it was given by id). */
export async function repositoryLocation(api: RegistryApi, repo: ResolvedRepository): Promise<string> {
  return (await repositoryOf(api, repo)).location;
}

/** The error for an unknown repository name/path; worded like GitLab's own 404 messages. */
export function repositoryNotFound(project: ProjectRef, text: string): GitLabError {
  const what = text === '.' ? 'no root image' : `no repository "${printable(text)}"`;
  return new GitLabError('not_found', 404, `404 Repository Not Found - ${what} in project ${printable(String(project))}`);
}

import type {
  BulkDeleteParams, CleanupPolicy, DeleteReport, Group, GroupRef, OperationOptions, Page, PageRequest,
  Project, ProjectRef, Repository, RepositoryDeletion, Tag, TagDetails, TagProtectionLevels, TagProtectionRule, TokenCheck, TokenInfo, User,
} from './types';

/**
 * What callers (the extension tree, the CLI) need from a GitLab instance, independent of transport.
 * createRegistryApi (client.ts) returns the GraphQL fast path over the REST client; both implement it.
 * All listing methods return data normalised as the CLI prints it
 * (timestamps ISO 8601 UTC with milliseconds, sizes as numbers).
 */
export interface RegistryApi {
  /** The instance's normalised base URL (no trailing slash), e.g. https://gitlab.example.com/gitlab */
  readonly baseUrl: string;

  // --- identity ---------------------------------------------------------------------------------
  /** /personal_access_tokens/self (when available) and /user: who the token belongs to and its scopes. */
  checkToken(): Promise<TokenCheck>;
  tokenInfo(): Promise<TokenInfo>;
  currentUser(): Promise<User>;

  // --- navigation (paged for the tree, `all*` helpers for the CLI) ------------------------------------
  /** Member projects with at least Reporter (min_access_level=20), optionally filtered by search. */
  listProjects(query: { search?: string }, page?: PageRequest): Promise<Page<Project>>;
  /** Member groups; `topLevelOnly` for the tree's first level. */
  listGroups(query: { search?: string; topLevelOnly?: boolean }, page?: PageRequest): Promise<Page<Group>>;
  /** A group's projects including subgroups. */
  /** A group's projects: with its subgroups' unless `directOnly` (the tree nests subgroups itself). */
  listGroupProjects(group: GroupRef, query: { search?: string; minAccessLevel?: number; directOnly?: boolean }, page?: PageRequest): Promise<Page<Project>>;
  /** The direct subgroups of a group the caller may see, by path (GET /groups/:id/subgroups). */
  listSubgroups(group: GroupRef, page?: PageRequest): Promise<Page<Group>>;
  getProject(project: ProjectRef): Promise<Project>;

  listProjectRepositories(project: ProjectRef, page?: PageRequest): Promise<Page<Repository>>;
  /** Repositories of a group's projects and subgroups: one paged request, not one per project. */
  listGroupRepositories(group: GroupRef, page?: PageRequest): Promise<Page<Repository>>;
  getRepository(repositoryId: number, opts?: { tagsCount?: boolean; size?: boolean; signal?: AbortSignal }): Promise<Repository>;

  /** One page of tag names (keyset where the server offers it, offset otherwise). */
  listTags(project: ProjectRef, repositoryId: number, page?: PageRequest): Promise<Page<Tag>>;
  /** Every tag name, all pages, sorted by name in code-point order. */
  listAllTags(project: ProjectRef, repositoryId: number, opts?: OperationOptions): Promise<Tag[]>;
  getTagDetails(project: ProjectRef, repositoryId: number, tagName: string): Promise<TagDetails>;
  /** Details for the given tags (or all tags) with bounded concurrency, sorted by name. */
  listTagDetails(project: ProjectRef, repositoryId: number, names?: string[], opts?: OperationOptions): Promise<TagDetails[]>;

  // --- deletion -------------------------------------------------------------------------------------
  /**
   * Deletes exactly the named tags (never a sibling sharing the digest). Checks the names exist first:
   * missing ones are reported as failed "404 Tag Not Found" and no request is sent for them.
   * Bounded concurrency; stops sending on abort and reports what was not attempted. A delete whose answer
   * was lost is looked at again; when that fails too the tag is failed with `outcome: 'unknown'`.
   */
  deleteTags(project: ProjectRef, repositoryId: number, names: string[], opts?: OperationOptions): Promise<DeleteReport>;
  /**
   * Schedules deletion (202); returns the status GitLab reports afterwards ('deleted' if already gone).
   * Never re-sent: a lost answer is settled by reading the repository back, or thrown with
   * details.outcomeUnknown ("may have been scheduled").
   */
  deleteRepository(project: ProjectRef, repositoryId: number): Promise<RepositoryDeletion>;
  /**
   * GitLab's asynchronous server-side bulk delete (Maintainer, once an hour per repository). Never re-sent:
   * a lost answer (502, reset, timeout) is thrown with details.outcomeUnknown ("may have been scheduled").
   */
  scheduleBulkDelete(project: ProjectRef, repositoryId: number, params: BulkDeleteParams): Promise<void>;

  // --- policy and protection --------------------------------------------------------------------------
  getCleanupPolicy(project: ProjectRef): Promise<CleanupPolicy | null>;
  updateCleanupPolicy(project: ProjectRef, patch: Partial<Omit<CleanupPolicy, 'next_run_at'>>): Promise<CleanupPolicy>;
  listTagProtectionRules(project: ProjectRef): Promise<TagProtectionRule[]>;
  /**
   * For previews of deletions: the tag protection rules and the caller's access level on the project.
   * Unlike listTagProtectionRules, rules the caller cannot read are `null` with the reason (404 before
   * GitLab 18.7 / without the metadata database, 403 below Maintainer, a job token), never `[]`.
   * Wrappers delegate it to REST. (core/rules/preview.ts still copes with an object lacking it at run
   * time, falling back to listTagProtectionRules, where a 404 cannot be told from "no rules".)
   */
  getTagProtectionAccess(project: ProjectRef): Promise<TagProtectionAccess>;
  /**
   * Tag and repository protection rules and the caller's level, for core/protection.ts decisions. Rules
   * the caller may not read (below Maintainer, job token, route missing) are null; other errors throw.
   */
  getProjectProtection(project: ProjectRef): Promise<ProjectProtection>;
  /**
   * One page of a repository's tags newest first, sorted by the registry (GraphQL PUBLISHED_AT_DESC, only
   * on registries with the metadata database). Undefined where the server cannot sort by date (REST, a
   * legacy registry, GraphQL not usable): the caller then sorts itself.
   */
  listTagsNewestFirst(
    project: ProjectRef, repositoryId: number, page: { first: number; after?: string }, opts?: { signal?: AbortSignal },
  ): Promise<NewestTagsPage | undefined>;
  /**
   * Each tag's GraphQL `protection` levels (name → levels; null: no rule matches), for callers who may not
   * read the rules. Undefined where there is no such answer: REST, GraphQL not usable, or a schema without
   * the field (before GitLab 17.9). Never throws a GitLab error other than cancellation.
   */
  listTagProtectionLevels(project: ProjectRef, repositoryId: number, opts?: { signal?: AbortSignal }): Promise<Map<string, TagProtectionLevels | null> | undefined>;

  // --- branches (gone-branch images, core/branches.ts) ---------------------------------------------
  /** Every branch name of the project (GET /projects/:id/repository/branches, all pages). */
  listBranchNames(project: ProjectRef, opts?: { signal?: AbortSignal }): Promise<string[]>;
  /** Source branches of the project's merge requests in `state` (GET /projects/:id/merge_requests?state=…, all pages). */
  listMergeRequestSourceBranches(project: ProjectRef, state: 'merged' | 'closed', opts?: { signal?: AbortSignal }): Promise<string[]>;
}

import type { ProjectProtection } from './protection';

export interface TagProtectionAccess {
  /** The rules, or null when they could not be read (see `rulesError`). */
  rules: TagProtectionRule[] | null;
  /** Why the rules could not be read: "<status> <GitLab's message>" or a sentence. */
  rulesError?: string;
  /**
   * The caller's access level (10 guest … 50 owner) from GET /projects/:id `permissions`: the higher of
   * project_access and group_access. Null when GitLab does not say (access through a group share, an
   * administrator who is not a member) or for a job token (no request sent).
   */
  accessLevel: number | null;
}

/** A page of tags newest first (listTagsNewestFirst). */
export interface NewestTagsPage {
  tags: TagDetails[];
  /** Cursor of the next page; undefined after the last. */
  next?: string;
  /** The repository's tag count. */
  total: number;
}

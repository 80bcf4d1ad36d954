// A RegistryApi that uses GitLab's GraphQL API where it saves requests and delegates everything else, and
// every case GraphQL cannot answer exactly, to the REST client it wraps. createRegistryApi (client.ts)
// builds both over one HttpClient, so a 429 pause learned by either slows both.
//
// Where GraphQL is used, and what it saves:
// * listProjectRepositories / listGroupRepositories: one request per page with tags_count and status
//   (REST's group listing has no tags_count). Order: CREATED_ASC, each page sorted by id (REST: by id).
// * listTagDetails: pages of 20 tags with digest, size and created_at: ceil(T/20) requests (REST: one per
//   tag plus the listing).
// * deleteTags (deleteTags.ts): one existence check plus one mutation per 20 names, `concurrency` in flight
//   (REST: listing plus one DELETE per tag).
// * deleteRepository, cleanup policy read/update, tag protection rules: same request count as REST.
// Precision: GraphQL's Time has whole seconds, so created_at / next_run_at read through GraphQL end in
// ".000Z" where REST gives milliseconds. Everything else is identical to REST.
//
// Fallback: a capability is switched off for this client (CapabilityMemory) when /api/graphql answers
// 404/405 or non-GraphQL content, or when the schema lacks a field or argument used (older GitLab).
// Permission failures and nulls (missing or unreadable objects) are not remembered: that one call is
// repeated over REST so that the caller gets REST's exact error. See docs/gitlab-api.md "GraphQL".
import { GitLabError, cancelledError } from '../errors';
import type { HttpClient } from '../http';
import type { NewestTagsPage, RegistryApi, TagProtectionAccess } from '../registryApi';
import type { ProjectProtection } from '../protection';
import type { RestClientOptions, RestRegistryApi } from '../restClient';
import { compareCodePoints } from '../text';
import type {
  BulkDeleteParams, CleanupPolicy, ClientOptions, DeleteReport, Group, GroupRef, OperationOptions, Page,
  PageRequest, Project, ProjectRef, Repository, RepositoryDeletion, Tag, TagDetails, TagProtectionLevels, TagProtectionRule,
  TokenCheck, TokenInfo, User,
} from '../types';
import { projectPathOf } from '../url';
import { Capability, CapabilityMemory, UseRest } from './capabilities';
import { deleteTagsViaGraphql } from './deleteTags';
import {
  CLEANUP_POLICY, GROUP_REPOSITORIES, GqlPolicy, GqlProjectRef, GqlRepositoryConnection, GqlTagPage, GqlTagRule,
  MAX_PAGE_SIZE, PROJECT_REPOSITORIES, PageInfo, TAGS_PAGE_SIZE, tagDetailsPage, tagDetailsPageDesc, tagsNewestPage,
  TAG_PROTECTION_RULES, PROTECTION_RULES, GqlRepositoryRule, repositoryRuleFromGraphql, isUsableRepositoryNode, isUsableTagNode, policyFromGraphql, repositoryFromGraphql,
  tagDetailsFromGraphql, tagRuleFromGraphql,
} from './queries';
import {
  GraphqlResult, GraphqlSchemaMismatch, GraphqlTransport, graphqlError, idFromGid, isNotPermitted, repositoryGid,
} from './transport';

export interface FastPathOptions extends Partial<RestClientOptions> {
  /** false: never use GraphQL (createFastPathApi returns the REST client). Default true. */
  graphql?: boolean;
}

/** The fast path over `rest`, sharing its HttpClient; the REST client itself for job tokens (GraphQL refuses them) or graphql: false. */
export function createFastPathApi(rest: RestRegistryApi, options: ClientOptions & FastPathOptions): RegistryApi {
  if (options.graphql === false || options.credential?.kind === 'job') return rest;
  return new FastPathApi(rest, options, new CapabilityMemory());
}



export class FastPathApi implements RegistryApi {
  readonly baseUrl: string;
  private readonly gql: GraphqlTransport;
  private readonly http: HttpClient;
  private readonly concurrency: number;
  private readonly maxPages: number;
  /** Project and group full paths learned from listings, so numeric refs can be looked up by path. */
  private readonly projectPaths = new Map<number, string>();
  private readonly groupPaths = new Map<number, string>();
  private readonly log: ClientOptions['log'];

  constructor(private readonly rest: RestRegistryApi, options: ClientOptions & FastPathOptions, private readonly memory: CapabilityMemory) {
    this.http = rest.http;
    this.baseUrl = this.http.baseUrl;
    this.gql = new GraphqlTransport(this.http);
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.maxPages = options.maxPages ?? 10_000;
    this.log = options.log;
  }

  // --- delegated as is ---------------------------------------------------------------------------------

  checkToken(): Promise<TokenCheck> {
    return this.rest.checkToken();
  }

  tokenInfo(): Promise<TokenInfo> {
    return this.rest.tokenInfo();
  }

  currentUser(): Promise<User> {
    return this.rest.currentUser();
  }

  async listProjects(query: { search?: string }, page?: PageRequest): Promise<Page<Project>> {
    return this.learnProjects(await this.rest.listProjects(query, page));
  }

  async listGroups(query: { search?: string; topLevelOnly?: boolean }, page?: PageRequest): Promise<Page<Group>> {
    const result = await this.rest.listGroups(query, page);
    for (const g of result.items) if (g.full_path) this.groupPaths.set(g.id, g.full_path);
    return result;
  }

  async listGroupProjects(
    group: GroupRef, query: { search?: string; minAccessLevel?: number; directOnly?: boolean }, page?: PageRequest,
  ): Promise<Page<Project>> {
    return this.learnProjects(await this.rest.listGroupProjects(group, query, page));
  }

  listSubgroups(group: GroupRef, page?: PageRequest): Promise<Page<Group>> {
    return this.rest.listSubgroups(group, page);
  }

  async getProject(project: ProjectRef): Promise<Project> {
    const p = await this.rest.getProject(project);
    if (p.path_with_namespace) this.projectPaths.set(p.id, p.path_with_namespace);
    return p;
  }

  getRepository(repositoryId: number, opts?: { tagsCount?: boolean; size?: boolean; signal?: AbortSignal }): Promise<Repository> {
    return this.rest.getRepository(repositoryId, opts);
  }

  /** Names only: REST pages of 100 beat GraphQL pages of 20. */
  listTags(project: ProjectRef, repositoryId: number, page?: PageRequest): Promise<Page<Tag>> {
    return this.rest.listTags(project, repositoryId, page);
  }

  listAllTags(project: ProjectRef, repositoryId: number, opts?: OperationOptions): Promise<Tag[]> {
    return this.rest.listAllTags(project, repositoryId, opts);
  }

  getTagDetails(project: ProjectRef, repositoryId: number, tagName: string): Promise<TagDetails> {
    return this.rest.getTagDetails(project, repositoryId, tagName);
  }

  scheduleBulkDelete(project: ProjectRef, repositoryId: number, params: BulkDeleteParams): Promise<void> {
    return this.rest.scheduleBulkDelete(project, repositoryId, params);
  }

  // --- repositories ---------------------------------------------------------------------------------------

  listProjectRepositories(project: ProjectRef, page?: PageRequest): Promise<Page<Repository>> {
    const path = this.projectPath(project);
    return this.withFallback('repositories', page?.cursor !== undefined && !isGraphqlCursor(page.cursor) ? undefined : path,
      (fullPath) => this.repositoryPage(PROJECT_REPOSITORIES, 'project', fullPath, page),
      () => this.rest.listProjectRepositories(project, page));
  }

  listGroupRepositories(group: GroupRef, page?: PageRequest): Promise<Page<Repository>> {
    const path = typeof group === 'string' ? projectPathOf(group) : this.groupPaths.get(group);
    return this.withFallback('repositories', page?.cursor !== undefined && !isGraphqlCursor(page.cursor) ? undefined : path,
      (fullPath) => this.repositoryPage(GROUP_REPOSITORIES, 'group', fullPath, page),
      () => this.rest.listGroupRepositories(group, page));
  }

  private async repositoryPage(query: string, root: 'project' | 'group', fullPath: string, page?: PageRequest): Promise<Page<Repository>> {
    const first = Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(page?.perPage ?? MAX_PAGE_SIZE)));
    const after = page?.cursor !== undefined ? fromGraphqlCursor(page.cursor) : null;
    const res = await this.gql.query<Record<string, GqlRepositoryConnection | null>>(query, { fullPath, first, after });
    const owner = this.dataOrRest(res)[root];
    // null: not found, not visible, or no read_container_image — REST says which.
    if (!owner || !owner.containerRepositories) throw new UseRest(`${root} or its registry not readable through GraphQL`);
    const conn = owner.containerRepositories;
    const items = conn.nodes.filter(isUsableRepositoryNode).map(repositoryFromGraphql).sort((a, b) => a.id - b.id);
    for (const node of conn.nodes.filter(isUsableRepositoryNode)) if (node.project) this.learnProjectRef(node.project);
    const next = nextCursor(conn.pageInfo);
    const total = owner.containerRepositoriesCount;
    return { items, ...(next !== undefined ? { next } : {}), ...(typeof total === 'number' ? { total } : {}) };
  }

  // --- tag details ----------------------------------------------------------------------------------------------

  listTagDetails(project: ProjectRef, repositoryId: number, names?: string[], opts: OperationOptions = {}): Promise<TagDetails[]> {
    return this.withFallback('tagDetails', '',
      () => this.withTagLevelsIfKnown((levels) => this.tagDetailsViaGraphql(project, repositoryId, names, opts, levels)),
      () => this.rest.listTagDetails(project, repositoryId, names, opts));
  }

  /**
   * Runs a tag-page walk asking for each tag's `protection` while the schema is known to have it; an
   * instance whose schema lacks the field (before 17.9) is remembered and asked again without it.
   */
  private async withTagLevelsIfKnown<T>(walk: (withLevels: boolean) => Promise<T>): Promise<T> {
    if (this.memory.disabledReason('tagLevels') !== undefined) return walk(false);
    try {
      return await walk(true);
    } catch (e) {
      // Only a complaint about this field: any other mismatch is the whole capability's (withFallback).
      if (!lacksTagLevels(e)) throw e;
      this.disable('tagLevels', `schema: ${e.gitlabMessage}`);
      return walk(false);
    }
  }

  /**
   * All tags (or the named ones) in pages of 20 along one cursor chain. With names, stops once all are
   * found, and switches to REST's per-tag reads when fewer names remain than pages would.
   */
  private async tagDetailsViaGraphql(
    project: ProjectRef, repositoryId: number, names: string[] | undefined, opts: OperationOptions, withLevels: boolean,
  ): Promise<TagDetails[]> {
    const wanted = names === undefined ? undefined : new Set(names);
    if (wanted !== undefined && wanted.size === 0) return [];
    const found = new Map<string, TagDetails>();
    let after: string | null = null;
    let total = 0;
    const seen = new Set<string>();
    for (let pageNo = 0; pageNo < this.maxPages; pageNo++) {
      if (opts.signal?.aborted) throw cancelledError();
      const first: boolean = pageNo === 0;
      const res: GraphqlResult<GqlTagPage> = await this.gql.query<GqlTagPage>(tagDetailsPage(withLevels), {
        id: repositoryGid(checkedRepositoryId(repositoryId)), first: TAGS_PAGE_SIZE, after, withRepository: first,
      }, opts.signal);
      const repo = this.dataOrRest(res).containerRepository;
      if (!repo || !repo.tags) throw new UseRest('repository not readable through GraphQL');
      if (first) {
        if (!repo.project || !this.belongsTo(repo.project, project)) throw new UseRest('repository is not in this project');
        total = typeof repo.tagsCount === 'number' ? repo.tagsCount : 0;
      }
      for (const node of repo.tags.nodes) {
        if (!isUsableTagNode(node)) continue;
        if (wanted === undefined || wanted.has(node.name)) found.set(node.name, tagDetailsFromGraphql(node));
      }
      opts.onProgress?.(wanted === undefined ? found.size : [...wanted].filter((n) => found.has(n)).length, wanted?.size ?? Math.max(total, found.size));
      const next = repo.tags.pageInfo.hasNextPage ? repo.tags.pageInfo.endCursor : null;
      if (next === null) break;
      if (first && wanted === undefined && this.concurrency >= 2 && total > 2 * TAGS_PAGE_SIZE) {
        await this.restOfTagsBothWays(repositoryId, next, total, found, opts, withLevels);
        break;
      }
      if (seen.has(next)) throw new GitLabError('bad_response', undefined, `${this.gql.host} returned the same tag cursor twice; stopped paging.`, { instance: this.gql.host });
      seen.add(next);
      if (wanted !== undefined) {
        const missing = [...wanted].filter((n) => !found.has(n));
        if (missing.length === 0) break;
        const pagesLeft = Math.ceil(Math.max(0, total - (pageNo + 1) * TAGS_PAGE_SIZE) / TAGS_PAGE_SIZE);
        if (missing.length <= pagesLeft) break; // cheaper one by one (REST)
      }
      after = next;
    }
    if (wanted !== undefined) {
      // Named tags GraphQL did not deliver: REST reads them (and answers 404 Tag Not Found for missing ones).
      const missing = [...wanted].filter((n) => !found.has(n));
      if (missing.length > 0) {
        for (const d of await this.rest.listTagDetails(project, repositoryId, missing, { signal: opts.signal })) found.set(d.name, d);
      }
    }
    return [...found.values()].sort((a, b) => compareCodePoints(a.name, b.name));
  }

  /**
   * The rest of a full listing along two cursor chains at once: forwards from `ascCursor` (NAME_ASC) and
   * backwards from the last name (NAME_DESC). Pages are cursor-linked, so one chain cannot be split; two
   * chains from both ends halve the sequential round trips for large repositories. With tagsCount known,
   * the forward chain takes ⌈P/2⌉ pages and the backward one ⌊P/2⌋ (P = ⌈tagsCount/20⌉, the first page
   * included), so the request count stays P. Both orders exist on GitLab-API and legacy registries
   * (docs/gitlab-api.md "GraphQL"). Safety: when that leaves names missing (a registry that ignores the sort, tags pushed meanwhile)
   * or the backward chain failed, the forward chain goes on to its end, as a single chain would have.
   */
  private async restOfTagsBothWays(
    repositoryId: number, ascCursor: string, total: number, found: Map<string, TagDetails>, opts: OperationOptions, withLevels: boolean,
  ): Promise<void> {
    const id = repositoryGid(checkedRepositoryId(repositoryId));
    const pages = Math.ceil(total / TAGS_PAGE_SIZE);
    let ascAt: string | null = ascCursor;
    const walk = async (forwards: boolean, start: string | null, budget: number): Promise<void> => {
      let after = start;
      const seen = new Set<string>();
      for (let i = 0; i < Math.min(budget, this.maxPages); i++) {
        if (opts.signal?.aborted) throw cancelledError();
        const res: GraphqlResult<GqlTagPage> = forwards
          ? await this.gql.query<GqlTagPage>(tagDetailsPage(withLevels), { id, first: TAGS_PAGE_SIZE, after, withRepository: false }, opts.signal)
          : await this.gql.query<GqlTagPage>(tagDetailsPageDesc(withLevels), { id, first: TAGS_PAGE_SIZE, after }, opts.signal);
        const repo = this.dataOrRest(res).containerRepository;
        if (!repo || !repo.tags) throw new UseRest('repository not readable through GraphQL');
        for (const node of repo.tags.nodes) if (isUsableTagNode(node)) found.set(node.name, tagDetailsFromGraphql(node));
        opts.onProgress?.(found.size, Math.max(total, found.size));
        const next = repo.tags.pageInfo.hasNextPage ? repo.tags.pageInfo.endCursor : null;
        if (next !== null && seen.has(next)) throw new GitLabError('bad_response', undefined, `${this.gql.host} returned the same tag cursor twice; stopped paging.`, { instance: this.gql.host });
        if (next !== null) seen.add(next);
        if (forwards) ascAt = next;
        if (next === null) return;
        after = next;
      }
    };
    const backwards = walk(false, null, Math.floor(pages / 2)).catch((e: unknown) => {
      if (e instanceof GitLabError && e.kind === 'cancelled') throw e;
      // Not worth failing the listing for: the forward chain covers everything by itself.
      this.log?.debug(`GraphQL tags NAME_DESC chain stopped (${e instanceof Error ? e.message : String(e)}); forward chain only`);
    });
    try {
      await walk(true, ascCursor, Math.ceil(pages / 2) - 1);
    } finally {
      await backwards.catch(() => undefined);
    }
    await backwards;
    if (ascAt !== null && found.size < total) await walk(true, ascAt, this.maxPages);
  }

  // --- deletion ------------------------------------------------------------------------------------------------------

  deleteTags(project: ProjectRef, repositoryId: number, names: string[], opts: OperationOptions = {}): Promise<DeleteReport> {
    const deps = { gql: this.gql, rest: this.rest, concurrency: this.concurrency, log: this.log, disable: (c: Capability, r: string) => this.disable(c, r) };
    return this.withFallback('deleteTags', '',
      () => deleteTagsViaGraphql(deps, project, repositoryId, names, opts),
      () => this.rest.deleteTags(project, repositoryId, names, opts));
  }

  /** Why GraphQL is not used for this capability on this client, or undefined when it is. */
  disabledReason(capability: Capability): string | undefined {
    return this.memory.disabledReason(capability);
  }

  /** REST on purpose: GraphQL's destroyContainerRepository lets a Developer delete, REST follows the
   *  documented Maintainer rule, and it costs the same two requests. */
  deleteRepository(project: ProjectRef, repositoryId: number): Promise<RepositoryDeletion> {
    return this.rest.deleteRepository(project, repositoryId);
  }

  // --- policy and protection ------------------------------------------------------------------------------------------

  getCleanupPolicy(project: ProjectRef): Promise<CleanupPolicy | null> {
    return this.withFallback('cleanupPolicy', this.projectPath(project), async (fullPath) => {
      const res = await this.gql.query<{ project: { containerTagsExpirationPolicy: GqlPolicy | null } | null }>(CLEANUP_POLICY, { fullPath });
      const raw = this.dataOrRest(res).project?.containerTagsExpirationPolicy;
      const policy = raw ? policyFromGraphql(raw) : undefined;
      if (!policy) throw new UseRest('policy details not visible through GraphQL');
      return policy;
    }, () => this.rest.getCleanupPolicy(project));
  }

  /** REST on purpose: writes to the policy follow REST's documented role rules (Maintainer) and validation. */
  updateCleanupPolicy(project: ProjectRef, patch: Partial<Omit<CleanupPolicy, 'next_run_at'>>): Promise<CleanupPolicy> {
    return this.rest.updateCleanupPolicy(project, patch);
  }

  getTagProtectionAccess(project: ProjectRef): Promise<TagProtectionAccess> {
    return this.rest.getTagProtectionAccess(project);
  }

  /**
   * REST first (it also gives the caller's role); rules REST could not give (its tag-rule list exists only
   * from GitLab 18.7, GraphQL's since 17.8) are asked of GraphQL once. Null connections stay unknown.
   */
  async getProjectProtection(project: ProjectRef): Promise<ProjectProtection> {
    const rest = await this.rest.getProjectProtection(project);
    const fullPath = this.projectPath(project);
    if ((rest.tagRules !== null && rest.repositoryRules !== null) || fullPath === undefined || rest.accessLevel === null) return rest;
    type Conn<T> = { nodes: Array<T | null> } | null;
    let p: { id: string; containerProtectionTagRules: Conn<GqlTagRule>; containerProtectionRepositoryRules: Conn<GqlRepositoryRule> } | null;
    try {
      const res: GraphqlResult<{ project: typeof p }> = await this.gql.query(PROTECTION_RULES, { fullPath });
      p = res.errors.length === 0 ? res.data?.project ?? null : null;
    } catch (e) {
      if (e instanceof GitLabError && e.kind === 'cancelled') throw e;
      return rest; // an older schema without these fields, or GraphQL unavailable: what REST knew stands
    }
    if (!p) return rest;
    const projectId = idFromGid(p.id);
    const tags = p.containerProtectionTagRules?.nodes.filter((n): n is GqlTagRule => n !== null).map((n) => tagRuleFromGraphql(n, projectId));
    const repos = p.containerProtectionRepositoryRules?.nodes.filter((n): n is GqlRepositoryRule => n !== null)
      .map((n) => repositoryRuleFromGraphql(n, projectId));
    return { ...rest, tagRules: rest.tagRules ?? tags ?? null, repositoryRules: rest.repositoryRules ?? repos ?? null };
  }

  async listTagsNewestFirst(
    project: ProjectRef, repositoryId: number, page: { first: number; after?: string }, opts: { signal?: AbortSignal } = {},
  ): Promise<NewestTagsPage | undefined> {
    if (this.memory.disabledReason('newestFirst') !== undefined || this.memory.disabledReason('tagDetails') !== undefined) return undefined;
    try {
      return await this.withTagLevelsIfKnown(async (withLevels) => {
        const res: GraphqlResult<GqlTagPage> = await this.gql.query<GqlTagPage>(tagsNewestPage(withLevels), {
          id: repositoryGid(checkedRepositoryId(repositoryId)), first: Math.min(TAGS_PAGE_SIZE, Math.max(1, page.first)), after: page.after ?? null,
        }, opts.signal);
        const repo = this.dataOrRest(res).containerRepository;
        if (!repo || !repo.tags || !this.belongsTo(repo.project, project)) throw new UseRest('repository not readable through GraphQL');
        const nodes = repo.tags.nodes.filter(isUsableTagNode);
        // A legacy registry (no size, no publishedAt) accepts the sort but has no real order. Remembered per
        // instance. (With the metadata database a tag without a date can still come: PostgreSQL puts NULLs
        // first in a descending sort, and so do these pages.)
        if (repo.size === null && nodes.length > 0 && nodes.every((n) => !n.publishedAt)) {
          this.disable('newestFirst', 'the registry gives no publishedAt (no metadata database)');
          return undefined;
        }
        const next = repo.tags.pageInfo.hasNextPage && repo.tags.pageInfo.endCursor ? repo.tags.pageInfo.endCursor : undefined;
        return { tags: nodes.map(tagDetailsFromGraphql), ...(next !== undefined ? { next } : {}), total: typeof repo.tagsCount === 'number' ? repo.tagsCount : nodes.length };
      });
    } catch (e) {
      if (e instanceof GitLabError && e.kind === 'cancelled') throw e;
      if (e instanceof GraphqlSchemaMismatch) this.disable('newestFirst', `schema: ${e.gitlabMessage}`);
      else this.log?.debug(`GraphQL newest-first tags not read (${e instanceof Error ? e.message : String(e)})`);
      return undefined;
    }
  }

  async listTagProtectionLevels(
    project: ProjectRef, repositoryId: number, opts: { signal?: AbortSignal } = {},
  ): Promise<Map<string, TagProtectionLevels | null> | undefined> {
    if (this.memory.disabledReason('tagDetails') !== undefined || this.memory.disabledReason('tagLevels') !== undefined) return undefined;
    try {
      const tags = await this.tagDetailsViaGraphql(project, repositoryId, undefined, opts, true);
      if (tags.some((t) => t.protection === undefined)) return undefined;
      return new Map(tags.map((t) => [t.name, t.protection ?? null]));
    } catch (e) {
      if (e instanceof GitLabError && e.kind === 'cancelled') throw e;
      if (lacksTagLevels(e)) this.disable('tagLevels', `schema: ${e.gitlabMessage}`);
      else this.log?.debug(`GraphQL tag protection levels not read (${e instanceof Error ? e.message : String(e)})`);
      return undefined;
    }
  }

  listBranchNames(project: ProjectRef, opts?: { signal?: AbortSignal }): Promise<string[]> {
    return this.rest.listBranchNames(project, opts);
  }

  listMergeRequestSourceBranches(project: ProjectRef, state: 'merged' | 'closed', opts?: { signal?: AbortSignal }): Promise<string[]> {
    return this.rest.listMergeRequestSourceBranches(project, state, opts);
  }

  listTagProtectionRules(project: ProjectRef): Promise<TagProtectionRule[]> {
    return this.withFallback('tagProtection', this.projectPath(project), async (fullPath) => {
      const rules: TagProtectionRule[] = [];
      let after: string | null = null;
      for (let i = 0; i < this.maxPages; i++) {
        const res: GraphqlResult<{ project: { id: string; containerProtectionTagRules: { nodes: Array<GqlTagRule | null>; pageInfo: PageInfo } | null } | null }> =
          await this.gql.query(TAG_PROTECTION_RULES, { fullPath, after });
        const p = this.dataOrRest(res).project;
        // null connection: not a Maintainer (REST answers 403) — let REST say so.
        if (!p || !p.containerProtectionTagRules) throw new UseRest('rules not readable through GraphQL');
        for (const node of p.containerProtectionTagRules.nodes) if (node) rules.push(tagRuleFromGraphql(node, idFromGid(p.id)));
        const info = p.containerProtectionTagRules.pageInfo;
        if (!info.hasNextPage || !info.endCursor || info.endCursor === after) return rules;
        after = info.endCursor;
      }
      return rules;
    }, () => this.rest.listTagProtectionRules(project));
  }

  // --- fallback machinery ------------------------------------------------------------------------------------------

  /**
   * Runs `viaGraphql` unless the capability is off or `path` is undefined (no full path known for a numeric
   * ref); answers through REST when it signals UseRest, and switches the capability (or the whole
   * endpoint) off for this instance when GitLab shows it does not have it.
   */
  private async withFallback<T>(
    capability: Capability, path: string | undefined, viaGraphql: (path: string) => Promise<T>, viaRest: () => Promise<T>,
  ): Promise<T> {
    if (path === undefined || this.memory.disabledReason(capability) !== undefined) return viaRest();
    try {
      return await viaGraphql(path);
    } catch (e) {
      if (e instanceof UseRest) {
        this.log?.debug(`GraphQL ${capability}: ${e.reason}; using REST for this call`);
        return viaRest();
      }
      if (e instanceof GraphqlSchemaMismatch) {
        this.disable(capability, `schema: ${e.gitlabMessage}`);
        return viaRest();
      }
      if (e instanceof GitLabError && endpointUnusable(e)) {
        this.disable('*', `${e.status ?? ''} ${e.kind}`.trim());
        return viaRest();
      }
      if (e instanceof GitLabError && (e.kind === 'unauthorized' || e.kind === 'forbidden' || e.kind === 'insufficient_scope' || e.kind === 'bad_request')) {
        // The token may still work for REST (or REST gives the error in the words the caller expects).
        return viaRest();
      }
      if (e instanceof GitLabError && (e.kind === 'server_error' || e.kind === 'registry_unavailable' || e.kind === 'network' || e.kind === 'timeout')) {
        // GraphQL kept failing after its retries; REST may still serve (not remembered: it may be passing).
        this.log?.warn(`GraphQL ${capability} failed (${e.message}); using REST for this call`);
        return viaRest();
      }
      throw e;
    }
  }

  private disable(capability: Capability | '*', reason: string): void {
    this.memory.disable(capability, reason);
    this.log?.info(`GraphQL ${capability === '*' ? 'endpoint' : capability} not used for ${this.http.host} (${reason}); using REST.`);
  }

  /** The data of a query, or UseRest when GraphQL refused in a way REST can word better. */
  private dataOrRest<T>(res: GraphqlResult<T>): T {
    if (res.data === undefined || res.data === null) {
      if (isNotPermitted(res.errors)) throw new UseRest('not permitted');
      throw graphqlError(res, this.gql.host);
    }
    if (res.errors.length > 0) {
      // Partial data with field errors (for example the registry unreachable): REST reports it exactly.
      throw new UseRest(`field errors: ${res.errors.map((e) => e.message).join('; ')}`);
    }
    return res.data;
  }

  private projectPath(project: ProjectRef): string | undefined {
    return typeof project === 'string' ? projectPathOf(project) : this.projectPaths.get(project);
  }

  private belongsTo(owner: GqlProjectRef | undefined, project: ProjectRef): boolean {
    if (!owner) return false;
    this.learnProjectRef(owner);
    return typeof project === 'number' ? idFromGid(owner.id) === project : owner.fullPath.toLowerCase() === projectPathOf(project).toLowerCase();
  }

  private learnProjectRef(ref: GqlProjectRef): void {
    const id = idFromGid(ref.id);
    if (Number.isFinite(id) && ref.fullPath) this.projectPaths.set(id, ref.fullPath);
  }

  private learnProjects(page: Page<Project>): Page<Project> {
    for (const p of page.items) if (p.path_with_namespace) this.projectPaths.set(p.id, p.path_with_namespace);
    return page;
  }
}

// --- helpers ---------------------------------------------------------------------------------------------------------

const CURSOR_PREFIX = 'graphql:';

function isGraphqlCursor(cursor: string): boolean {
  return cursor.startsWith(CURSOR_PREFIX);
}

function fromGraphqlCursor(cursor: string): string {
  if (!isGraphqlCursor(cursor)) throw new GitLabError('bad_request', undefined, 'Invalid page cursor.');
  return cursor.slice(CURSOR_PREFIX.length);
}

function nextCursor(info: PageInfo): string | undefined {
  return info.hasNextPage && info.endCursor ? CURSOR_PREFIX + info.endCursor : undefined;
}

/** 404/405 from /api/graphql (no such route, GraphQL disabled) or something that is not GraphQL at all. */
function endpointUnusable(e: GitLabError): boolean {
  return e.kind === 'not_found' || e.kind === 'method_not_allowed' || e.kind === 'bad_response';
}


function checkedRepositoryId(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw new UseRest(`invalid repository id ${id}`);
  return id;
}

/** The schema has no ContainerRepositoryTag.protection (GitLab before 17.9): the error names that field. */
function lacksTagLevels(e: unknown): e is GraphqlSchemaMismatch {
  return e instanceof GraphqlSchemaMismatch && /["']protection["']/.test(e.gitlabMessage);
}

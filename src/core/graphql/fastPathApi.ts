// A RegistryApi that uses GitLab's GraphQL API where it saves requests and delegates everything else, and
// every case GraphQL cannot answer exactly, to the REST RegistryApi it wraps.
//
// HOW createRegistryApi (src/core/client.ts) SHOULD USE IT:
//
//   import { createFastPathApi } from './graphql';
//   export function createRegistryApi(options: ClientOptions | RestClientOptions): RegistryApi {
//     return createFastPathApi(new RestRegistryApi(options), options);
//   }
//
// (createFastPathApi returns the REST client itself for CI job tokens, which GraphQL refuses, and when
// options.graphql === false.)
//
// Where GraphQL is used, and what it saves:
// * listProjectRepositories / listGroupRepositories: one request per page with tags_count and status
//   (REST's group listing has no tags_count). Order: CREATED_ASC, each page sorted by id (REST: by id).
// * listTagDetails: pages of 20 tags with digest, size and created_at: ceil(T/20) requests (REST: one per
//   tag plus the listing).
// * deleteTags: one existence check (GET /registry/repositories/:id?tags=true) plus one mutation per 20
//   names, `concurrency` in flight (REST: listing plus one DELETE per tag).
// * deleteRepository, cleanup policy read/update, tag protection rules: same request count as REST.
// Precision: GraphQL's Time has whole seconds, so created_at / next_run_at read through GraphQL end in
// ".000Z" where REST gives milliseconds. Everything else is identical to REST.
//
// Fallback: a capability is switched off for the instance (module-level memory keyed by base URL) when
// /api/graphql answers 404/405 or non-GraphQL content, or when the schema lacks a field or argument used
// (older GitLab). Permission failures and nulls (missing or unreadable objects) are not remembered: that
// one call is repeated over REST so that the caller gets REST's exact error.
import { mapLimit } from '../concurrency';
import { GitLabError } from '../errors';
import { HttpClient, createHttpClient } from '../http';
import type { RegistryApi, TagProtectionAccess } from '../registryApi';
import type { RestClientOptions } from '../restClient';
import { compareCodePoints } from '../restClient';
import type {
  BulkDeleteParams, CleanupPolicy, ClientOptions, DeleteReport, Group, GroupRef, OperationOptions, Page,
  PageRequest, Project, ProjectRef, Repository, Tag, TagDetails, TagFailure, TagProtectionRule, TokenCheck,
  TokenInfo, User,
} from '../types';
import { normalizeInstanceUrl } from '../url';
import {
  CLEANUP_POLICY, DESTROY_TAGS, DESTROY_TAGS_LIMIT, GROUP_REPOSITORIES, GqlPolicy, MAX_MUTATIONS_PER_REQUEST, packedDestroyTags,
  GqlProjectRef, GqlRepository, GqlRepositoryConnection, GqlTagPage, GqlTagRule, MAX_PAGE_SIZE, PROJECT_REPOSITORIES,
  PageInfo, TAGS_PAGE_SIZE, TAG_DETAILS_PAGE, TAG_DETAILS_PAGE_DESC, TAG_PROTECTION_RULES,
  policyFromGraphql, repositoryFromGraphql, tagDetailsFromGraphql, tagRuleFromGraphql,
} from './queries';
import {
  GraphqlResult, GraphqlSchemaMismatch, GraphqlTransport, idFromGid, isNotPermitted, repositoryGid,
} from './transport';

/** What can be switched off independently when an instance's schema lacks it. */
export type Capability = 'repositories' | 'tagDetails' | 'deleteTags' | 'deleteRepository' | 'cleanupPolicy' | 'tagProtection';

export interface FastPathOptions extends Partial<RestClientOptions> {
  /** false: never use GraphQL (createFastPathApi returns the REST client). Default true. */
  graphql?: boolean;
}

/** Instance-wide decisions: `<baseUrl>|*` (endpoint unusable) and `<baseUrl>|<capability>`. */
const unsupported = new Map<string, string>();

/** Why GraphQL is off for this instance/capability, or undefined when it is used. */
export function fastPathDisabledReason(baseUrl: string, capability: Capability): string | undefined {
  const base = normalizeInstanceUrl(baseUrl);
  return unsupported.get(`${base}|*`) ?? unsupported.get(`${base}|${capability}`);
}

/** Forget every remembered decision (tests; or after the user changed the instance). */
export function resetFastPathMemory(): void {
  unsupported.clear();
}

export function createFastPathApi(rest: RegistryApi, options: ClientOptions & FastPathOptions): RegistryApi {
  if (options.graphql === false || options.credential?.kind === 'job') return rest;
  return new FastPathApi(rest, options);
}

/** GitLab ran the mutation and refused in its payload (`errors`): final, never repeated over REST. */
class GraphqlPayloadError extends GitLabError {}

/** Signals "answer this call over REST" inside the fast path; never escapes it. */
class UseRest extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

type Json = Record<string, unknown>;

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

  constructor(private readonly rest: RegistryApi, options: ClientOptions & FastPathOptions) {
    this.http = createHttpClient(options);
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

  async listGroupProjects(group: GroupRef, query: { search?: string }, page?: PageRequest): Promise<Page<Project>> {
    return this.learnProjects(await this.rest.listGroupProjects(group, query, page));
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
    const path = typeof group === 'string' ? trimPath(group) : this.groupPaths.get(group);
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
    const items = conn.nodes.filter((n): n is GqlRepository => n !== null).map(repositoryFromGraphql).sort((a, b) => a.id - b.id);
    for (const node of conn.nodes) if (node?.project) this.learnProjectRef(node.project);
    const next = nextCursor(conn.pageInfo);
    const total = owner.containerRepositoriesCount;
    return { items, ...(next !== undefined ? { next } : {}), ...(typeof total === 'number' ? { total } : {}) };
  }

  // --- tag details ----------------------------------------------------------------------------------------------

  listTagDetails(project: ProjectRef, repositoryId: number, names?: string[], opts: OperationOptions = {}): Promise<TagDetails[]> {
    return this.withFallback('tagDetails', '',
      () => this.tagDetailsViaGraphql(project, repositoryId, names, opts),
      () => this.rest.listTagDetails(project, repositoryId, names, opts));
  }

  /**
   * All tags (or the named ones) in pages of 20 along one cursor chain. With names, stops once all are
   * found, and switches to REST's per-tag reads when fewer names remain than pages would.
   */
  private async tagDetailsViaGraphql(project: ProjectRef, repositoryId: number, names: string[] | undefined, opts: OperationOptions): Promise<TagDetails[]> {
    const wanted = names === undefined ? undefined : new Set(names);
    if (wanted !== undefined && wanted.size === 0) return [];
    const found = new Map<string, TagDetails>();
    let after: string | null = null;
    let total = 0;
    const seen = new Set<string>();
    for (let pageNo = 0; pageNo < this.maxPages; pageNo++) {
      if (opts.signal?.aborted) throw cancelled();
      const first: boolean = pageNo === 0;
      const res: GraphqlResult<GqlTagPage> = await this.gql.query<GqlTagPage>(TAG_DETAILS_PAGE, {
        id: repositoryGid(checkedRepositoryId(repositoryId)), first: TAGS_PAGE_SIZE, after, withRepository: first,
      }, opts.signal);
      const repo = this.dataOrRest(res).containerRepository;
      if (!repo || !repo.tags) throw new UseRest('repository not readable through GraphQL');
      if (first) {
        if (!repo.project || !this.belongsTo(repo.project, project)) throw new UseRest('repository is not in this project');
        total = typeof repo.tagsCount === 'number' ? repo.tagsCount : 0;
      }
      for (const node of repo.tags.nodes) {
        if (!node) continue;
        if (wanted === undefined || wanted.has(node.name)) found.set(node.name, tagDetailsFromGraphql(node));
      }
      opts.onProgress?.(wanted === undefined ? found.size : [...wanted].filter((n) => found.has(n)).length, wanted?.size ?? Math.max(total, found.size));
      const next = repo.tags.pageInfo.hasNextPage ? repo.tags.pageInfo.endCursor : null;
      if (next === null) break;
      if (first && wanted === undefined && this.concurrency >= 2 && total > 2 * TAGS_PAGE_SIZE) {
        await this.restOfTagsBothWays(repositoryId, next, total, found, opts);
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
   * included), so the request count stays P. Both orders exist on GitLab-API and legacy registries (§4.1,
   * §4.2). Safety: when that leaves names missing (a registry that ignores the sort, tags pushed meanwhile)
   * or the backward chain failed, the forward chain goes on to its end, as a single chain would have.
   */
  private async restOfTagsBothWays(
    repositoryId: number, ascCursor: string, total: number, found: Map<string, TagDetails>, opts: OperationOptions,
  ): Promise<void> {
    const id = repositoryGid(checkedRepositoryId(repositoryId));
    const pages = Math.ceil(total / TAGS_PAGE_SIZE);
    let ascAt: string | null = ascCursor;
    const walk = async (forwards: boolean, start: string | null, budget: number): Promise<void> => {
      let after = start;
      const seen = new Set<string>();
      for (let i = 0; i < Math.min(budget, this.maxPages); i++) {
        if (opts.signal?.aborted) throw cancelled();
        const res: GraphqlResult<GqlTagPage> = forwards
          ? await this.gql.query<GqlTagPage>(TAG_DETAILS_PAGE, { id, first: TAGS_PAGE_SIZE, after, withRepository: false }, opts.signal)
          : await this.gql.query<GqlTagPage>(TAG_DETAILS_PAGE_DESC, { id, first: TAGS_PAGE_SIZE, after }, opts.signal);
        const repo = this.dataOrRest(res).containerRepository;
        if (!repo || !repo.tags) throw new UseRest('repository not readable through GraphQL');
        for (const node of repo.tags.nodes) if (node) found.set(node.name, tagDetailsFromGraphql(node));
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
    return this.withFallback('deleteTags', '',
      () => this.deleteTagsViaGraphql(project, repositoryId, names, opts),
      () => this.rest.deleteTags(project, repositoryId, names, opts));
  }

  /** GET /registry/repositories/:id?tags=true: every tag name of the repository in one request. */
  private async existingTags(project: ProjectRef, repositoryId: number, signal?: AbortSignal, budget?: { remaining?: number }): Promise<Set<string>> {
    let raw: Json;
    try {
      const res = await this.http.request<unknown>({ path: `/registry/repositories/${repositoryId}`, query: { tags: true }, signal });
      if (budget) budget.remaining = rateLimitRemaining(res.headers);
      if (!isObject(res.data)) throw new UseRest('unexpected repository answer');
      raw = res.data;
    } catch (e) {
      if (e instanceof GitLabError && e.kind === 'cancelled') throw e;
      throw new UseRest(`existence check failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const belongs = typeof project === 'number'
      ? Number(raw.project_id) === project
      : typeof raw.path === 'string' && expectedRepositoryPath(project, raw.name) === raw.path.toLowerCase();
    if (!belongs) throw new UseRest('repository is not in this project');
    if (!Array.isArray(raw.tags)) throw new UseRest('repository answer has no tags list');
    return new Set(raw.tags.map((t) => String((t as Json).name)));
  }

  private async deleteTagsViaGraphql(project: ProjectRef, repositoryId: number, names: string[], opts: OperationOptions): Promise<DeleteReport> {
    const requested = [...new Set(names)];
    const total = requested.length;
    if (total === 0) return { deleted: [], failed: [] };
    const id = repositoryGid(checkedRepositoryId(repositoryId));
    let existing: Set<string>;
    const budget: { remaining?: number } = {};
    try {
      existing = await this.existingTags(project, repositoryId, opts.signal, budget);
    } catch (e) {
      if (e instanceof GitLabError && e.kind === 'cancelled') return { deleted: [], failed: [], notAttempted: requested };
      throw e;
    }

    const outcome = new Map<string, { deleted: true } | { failure: TagFailure }>();
    // GraphQL reports names that do not exist as deleted (§5.2), so they are never sent.
    for (const name of requested) {
      if (!existing.has(name)) outcome.set(name, { failure: { tag: name, error: '404 Tag Not Found', status: 404 } });
    }
    let done = outcome.size;
    if (done > 0) opts.onProgress?.(done, total);
    const present = requested.filter((n) => existing.has(n));
    const chunks: string[][] = [];
    for (let i = 0; i < present.length; i += DESTROY_TAGS_LIMIT) chunks.push(present.slice(i, i + DESTROY_TAGS_LIMIT));

    // One mutation per request, unless the rate-limit window cannot take that many requests now (§7 of the
    // REST doc: RateLimit-Remaining): then just enough mutations per request to fit, so that the deletion
    // does not wait for the window to roll over (a nearly spent window would otherwise cost a minute).
    const perRequest = mutationsPerRequest(chunks.length, budget.remaining);
    const groups: string[][][] = [];
    for (let i = 0; i < chunks.length; i += perRequest) groups.push(chunks.slice(i, i + perRequest));
    if (perRequest > 1) this.log?.info(`GitLab's rate limit leaves ${budget.remaining} requests: ${perRequest} mutations of ${DESTROY_TAGS_LIMIT} per request.`);

    type DestroyPayload = { deletedTagNames: string[]; errors: string[] } | null | undefined;
    const viaRest: string[] = [];
    const uncertain = new Map<string, GitLabError>();
    const result = await mapLimit(groups, this.concurrency, async (group) => {
      try {
        // No caller signal: a mutation that has started finishes, so the report stays true.
        let answers: Array<{ chunk: string[]; payload: DestroyPayload; res: GraphqlResult<unknown> }>;
        if (group.length === 1) {
          const res = await this.gql.mutate<{ destroyContainerRepositoryTags: DestroyPayload }>(DESTROY_TAGS, { id, tagNames: group[0] });
          answers = [{ chunk: group[0], payload: res.data?.destroyContainerRepositoryTags, res }];
        } else {
          const variables: Record<string, unknown> = { id };
          group.forEach((chunk, j) => { variables[`t${j}`] = chunk; });
          const res = await this.gql.mutate<Record<string, DestroyPayload>>(packedDestroyTags(group.length), variables);
          answers = group.map((chunk, j) => {
            const alias = `m${j}`;
            const errors = res.errors.filter((e) => !e.path || e.path.length === 0 || e.path[0] === alias);
            return { chunk, payload: res.data?.[alias], res: { data: res.data, errors } };
          });
        }
        for (const { chunk, payload, res } of answers) {
          if (!payload) {
            if (isNotPermitted(res.errors)) viaRest.push(...chunk); // nothing done; REST gives the exact status per tag
            else for (const name of chunk) uncertain.set(name, graphqlError(res, this.gql.host));
          } else {
            const deleted = new Set(payload.deletedTagNames ?? []);
            const errors = payload.errors ?? [];
            // Names sent but not deleted: with no error, or "cannot delete protected tag(s)", GitLab skipped them as protected.
            const protectedSkip = errors.length === 0 || errors.every((m) => /protected/i.test(m));
            for (const name of chunk) {
              if (deleted.has(name)) outcome.set(name, { deleted: true });
              else if (protectedSkip) outcome.set(name, { failure: { tag: name, error: '403 Forbidden - cannot delete protected tag(s)', status: 403 } });
              else outcome.set(name, { failure: { tag: name, error: errors.join('; ') } });
            }
          }
        }
      } catch (e) {
        const chunk = group.flat();
        if (e instanceof GraphqlSchemaMismatch) {
          // Nothing ran (validation failed): this chunk, and the capability from now on, go to REST.
          this.disable('deleteTags', `schema: ${e.gitlabMessage}`);
          viaRest.push(...chunk);
          done += chunk.length;
          return;
        }
        const err = e instanceof GitLabError ? e : new GitLabError('network', undefined, e instanceof Error ? e.message : String(e));
        for (const name of chunk) uncertain.set(name, err);
      }
      done += group.reduce((n, chunk) => n + chunk.length, 0);
      opts.onProgress?.(Math.min(done, total), total);
    }, { signal: opts.signal });

    if (uncertain.size > 0) {
      // The mutation failed in transit (5xx, reset, timeout, 429 after retries) and may or may not have run.
      // Unless cancelled, hand those names to REST, which re-reads the tag list and deletes tag by tag with
      // idempotent retries; a name that existed before the mutation and is gone now was deleted by it.
      let unresolved = [...uncertain.keys()];
      if (!opts.signal?.aborted) {
        const retried = await this.rest.deleteTags(project, repositoryId, unresolved, { signal: opts.signal });
        for (const name of retried.deleted) outcome.set(name, { deleted: true });
        for (const f of retried.failed) outcome.set(f.tag, f.status === 404 ? { deleted: true } : { failure: f });
        unresolved = retried.notAttempted ?? [];
      }
      if (unresolved.length > 0) {
        // Cancelled: send no more deletes; one read tells which of these the failed mutations removed.
        let still: Set<string> | undefined;
        try {
          still = await this.existingTags(project, repositoryId);
        } catch {
          still = undefined;
        }
        for (const name of unresolved) {
          if (still !== undefined && !still.has(name)) outcome.set(name, { deleted: true });
          else outcome.set(name, { failure: failureOf(name, uncertain.get(name)!) });
        }
      }
    }
    if (viaRest.length > 0) {
      const report = await this.rest.deleteTags(project, repositoryId, viaRest);
      for (const name of report.deleted) outcome.set(name, { deleted: true });
      for (const f of report.failed) outcome.set(f.tag, { failure: f });
    }

    const report: DeleteReport = { deleted: [], failed: [] };
    for (const name of requested) {
      const r = outcome.get(name);
      if (!r) continue;
      if ('deleted' in r) report.deleted.push(name);
      else report.failed.push(r.failure);
    }
    if (result.notStarted.length > 0) report.notAttempted = result.notStarted.flat(2);
    return report;
  }

  /** REST on purpose: GraphQL's destroyContainerRepository lets a Developer delete, REST follows the
   *  documented Maintainer rule, and it costs the same two requests. */
  deleteRepository(project: ProjectRef, repositoryId: number): Promise<{ id: number; status: string }> {
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
    if (path === undefined || fastPathDisabledReason(this.baseUrl, capability) !== undefined) return viaRest();
    try {
      return await viaGraphql(path);
    } catch (e) {
      if (e instanceof GraphqlPayloadError) throw e;
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
    unsupported.set(`${this.baseUrl}|${capability}`, reason);
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
    return typeof project === 'string' ? trimPath(project) : this.projectPaths.get(project);
  }

  private belongsTo(owner: GqlProjectRef | undefined, project: ProjectRef): boolean {
    if (!owner) return false;
    this.learnProjectRef(owner);
    return typeof project === 'number' ? idFromGid(owner.id) === project : owner.fullPath.toLowerCase() === trimPath(project).toLowerCase();
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

/** RateLimit-Remaining of an answer (GitLab sends the RateLimit-* headers while throttling applies), if any. */
function rateLimitRemaining(headers: { get(name: string): string | null }): number | undefined {
  const raw = headers.get('ratelimit-remaining');
  const n = raw === null ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Mutations per request: 1 while the window has room for one request per mutation (plus one in reserve);
 * otherwise just enough per request to fit into what is left, at most MAX_MUTATIONS_PER_REQUEST (100 names,
 * so one request stays bounded in server time); with nothing left the window must roll over anyway.
 */
function mutationsPerRequest(mutations: number, remaining: number | undefined): number {
  if (remaining === undefined || mutations <= remaining - 1) return 1;
  if (remaining <= 1) return 1;
  return Math.min(MAX_MUTATIONS_PER_REQUEST, Math.ceil(mutations / (remaining - 1)));
}

function graphqlError(res: GraphqlResult<unknown>, host: string): GitLabError {
  const message = res.errors.map((e) => e.message).join('; ') || 'GraphQL answered without data';
  return new GitLabError('bad_request', 200, message, { instance: host });
}

function failureOf(tag: string, error: GitLabError): TagFailure {
  return error.status !== undefined && error.status !== 200
    ? { tag, error: GitLabError.summarize(error.status, error.gitlabMessage), status: error.status }
    : { tag, error: error.gitlabMessage };
}

function cancelled(): GitLabError {
  return new GitLabError('cancelled', undefined, 'Cancelled.');
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkedRepositoryId(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw new UseRest(`invalid repository id ${id}`);
  return id;
}

/** `<project path>[/<name>]`, lower-cased, as GitLab writes a repository's `path`. */
function expectedRepositoryPath(project: string, name: unknown): string {
  const base = trimPath(project).toLowerCase();
  return typeof name === 'string' && name !== '' ? `${base}/${name.toLowerCase()}` : base;
}

/** A project or group path as REST's encodeProjectRef reads it (surrounding slashes and blanks dropped). */
function trimPath(ref: string): string {
  return ref.trim().replace(/^\/+|\/+$/g, '');
}

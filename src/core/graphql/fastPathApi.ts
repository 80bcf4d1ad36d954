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
import { HttpClient } from '../http';
import type { RegistryApi, TagProtectionAccess } from '../registryApi';
import type { RestClientOptions } from '../restClient';
import { compareCodePoints } from '../restClient';
import type {
  BulkDeleteParams, CleanupPolicy, ClientOptions, DeleteReport, Group, GroupRef, OperationOptions, Page,
  PageRequest, Project, ProjectRef, Repository, Tag, TagDetails, TagFailure, TagProtectionRule, TokenCheck,
  TokenInfo, User,
} from '../types';
import { assertSafeTransport, normalizeInstanceUrl } from '../url';
import {
  CLEANUP_POLICY, DESTROY_TAGS, DESTROY_TAGS_LIMIT, GROUP_REPOSITORIES, GqlPolicy,
  GqlProjectRef, GqlRepository, GqlRepositoryConnection, GqlTagPage, GqlTagRule, MAX_PAGE_SIZE, PROJECT_REPOSITORIES,
  PageInfo, TAGS_PAGE_SIZE, TAG_DETAILS_PAGE, TAG_PROTECTION_RULES,
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
    this.baseUrl = normalizeInstanceUrl(options.baseUrl);
    assertSafeTransport(this.baseUrl, options.allowHttp === true);
    this.http = new HttpClient({
      baseUrl: this.baseUrl,
      credential: options.credential,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      log: options.log,
      userAgent: options.userAgent,
      fetch: options.fetch,
      retryBaseMs: options.retryBaseMs,
      retryMaxDelayMs: options.retryMaxDelayMs,
      maxRetryAfterSeconds: options.maxRetryAfterSeconds,
      maxResponseBytes: options.maxResponseBytes,
    });
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

  getRepository(repositoryId: number, opts?: { tagsCount?: boolean; size?: boolean }): Promise<Repository> {
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

  // --- deletion ------------------------------------------------------------------------------------------------------

  deleteTags(project: ProjectRef, repositoryId: number, names: string[], opts: OperationOptions = {}): Promise<DeleteReport> {
    return this.withFallback('deleteTags', '',
      () => this.deleteTagsViaGraphql(project, repositoryId, names, opts),
      () => this.rest.deleteTags(project, repositoryId, names, opts));
  }

  /** GET /registry/repositories/:id?tags=true: every tag name of the repository in one request. */
  private async existingTags(project: ProjectRef, repositoryId: number, signal?: AbortSignal): Promise<Set<string>> {
    let raw: Json;
    try {
      const res = await this.http.request<unknown>({ path: `/registry/repositories/${repositoryId}`, query: { tags: true }, signal });
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
    try {
      existing = await this.existingTags(project, repositoryId, opts.signal);
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

    const viaRest: string[] = [];
    const uncertain = new Map<string, GitLabError>();
    const result = await mapLimit(chunks, this.concurrency, async (chunk) => {
      try {
        // No caller signal: a mutation that has started finishes, so the report stays true.
        const res = await this.gql.mutate<{ destroyContainerRepositoryTags: { deletedTagNames: string[]; errors: string[] } | null }>(
          DESTROY_TAGS, { id, tagNames: chunk });
        const payload = res.data?.destroyContainerRepositoryTags;
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
      } catch (e) {
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
      done += chunk.length;
      opts.onProgress?.(Math.min(done, total), total);
    }, { signal: opts.signal });

    if (uncertain.size > 0) {
      // The mutation failed in transit (5xx, reset, timeout, 429 after retries) and may or may not have run.
      // Hand those names to REST, which re-reads the tag list and deletes tag by tag with idempotent retries;
      // a name that existed before the mutation and is gone now was deleted by it.
      const retried = await this.rest.deleteTags(project, repositoryId, [...uncertain.keys()]);
      for (const name of retried.deleted) outcome.set(name, { deleted: true });
      for (const f of retried.failed) {
        outcome.set(f.tag, f.status === 404 ? { deleted: true } : { failure: f });
      }
      for (const name of retried.notAttempted ?? []) outcome.set(name, { failure: failureOf(name, uncertain.get(name)!) });
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
    if (result.notStarted.length > 0) report.notAttempted = result.notStarted.flat();
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

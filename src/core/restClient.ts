// RegistryApi over GitLab's REST API v4 (docs/gitlab-api.md). Every request goes through HttpClient;
// every fan-out through mapLimit; every page loop through collectAll (bounded). Only the factory
// (client.ts) and tests import this file; the JSON conversions live in entities.ts, the writes in restWrites.ts.
import { mapLimit } from './concurrency';
import {
  ITEM_RULES, ItemKind, Json, accessLevelOf, isObject, taintedIdentifier, toCleanupPolicy, toGroup, toProject, toRepository, toTag,
  toTagDetails, toTagProtectionRule, toRepositoryProtectionRule, toTokenInfo, toUser,
} from './entities';
import { GitLabError, UsageError, cancelledError } from './errors';
import { FetchFn, HttpClient, createHttpClient } from './http';
import {
  assertCursor, collectAll, expectArray, fetchOffsetPage, nextKeysetCursor, nextOffsetCursor, relativePath,
  totalFromHeaders,
} from './pagination';
import type { RegistryApi, TagProtectionAccess } from './registryApi';
import type { ProjectProtection } from './protection';
import { compareCodePoints } from './text';
import type {
  BulkDeleteParams, CleanupPolicy, ClientOptions, DeleteReport, Group, GroupRef, OperationOptions, Page,
  PageRequest, Project, ProjectRef, Repository, RepositoryDeletion, RepositoryProtectionRule, Tag, TagDetails, TagProtectionRule,
  TokenCheck, TokenInfo, User,
} from './types';
import { encodeTagName, repoId, tagsPath } from './restPaths';
import { deleteRepositoryOnce, deleteTagsOneByOne, scheduleBulkDeleteOnce, updatePolicyOnce } from './restWrites';
import { encodeProjectRef, projectPathOf } from './url';

/** ClientOptions plus knobs for tests and benchmarks. */
export interface RestClientOptions extends ClientOptions {
  /** Page size for listings. Default 100 (GitLab's documented maximum). */
  perPage?: number;
  /** Upper bound on pages followed by the list-everything helpers. Default 10 000. */
  maxPages?: number;
  fetch?: FetchFn;
  retryBaseMs?: number;
  retryMaxDelayMs?: number;
  maxRetryAfterSeconds?: number;
  maxResponseBytes?: number;
}

export class RestRegistryApi implements RegistryApi {
  readonly baseUrl: string;
  /** The account's transport; the GraphQL fast path sends through the same one. */
  readonly http: HttpClient;
  readonly concurrency: number;
  private readonly perPage: number;
  private readonly maxPages: number;
  readonly isJobToken: boolean;
  private readonly log?: RestClientOptions['log'];
  /** Learned from a 405: this instance's registry has no keyset tag pagination (no metadata database). */
  private keysetTagsUnsupported = false;

  /** `http`: the account's one HttpClient, shared with the GraphQL fast path (one 429 pause for both). */
  constructor(options: RestClientOptions, http: HttpClient = createHttpClient(options)) {
    this.http = http;
    this.baseUrl = this.http.baseUrl;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.perPage = Math.min(100, Math.max(1, Math.floor(options.perPage ?? 100)));
    this.maxPages = options.maxPages ?? 10_000;
    this.isJobToken = options.credential?.kind === 'job';
    this.log = options.log;
  }

  // --- identity ---------------------------------------------------------------------------------

  async checkToken(): Promise<TokenCheck> {
    this.refuseJobToken('checking the token');
    const [self, user] = await Promise.allSettled([this.tokenInfo(), this.currentUser()]);
    let token: TokenInfo | null = null;
    if (self.status === 'fulfilled') {
      token = self.value;
    } else {
      const e = self.reason;
      // Old GitLab (<15.5) → 404, OAuth token → 400, unknown-to-this-endpoint → 401: scopes unknown.
      const tolerated = e instanceof GitLabError && (e.kind === 'not_found' || e.kind === 'bad_request' || e.kind === 'unauthorized');
      if (!tolerated) throw e;
    }
    if (user.status === 'rejected') throw user.reason;
    const scopes = token ? token.scopes : null;
    return { user: user.value, token, scopes, readOnly: scopes !== null && !scopes.includes('api') };
  }

  async tokenInfo(): Promise<TokenInfo> {
    this.refuseJobToken('reading the token');
    return toTokenInfo(await this.getObject('/personal_access_tokens/self'));
  }

  async currentUser(): Promise<User> {
    this.refuseJobToken('reading the user');
    return toUser(await this.getObject('/user'));
  }

  // --- navigation -----------------------------------------------------------------------------------

  async listProjects(query: { search?: string }, page?: PageRequest): Promise<Page<Project>> {
    return this.mapPage(await this.offsetPage<Json>('/projects', {
      membership: true, min_access_level: 20, simple: true, order_by: 'path', sort: 'asc', search: nonEmpty(query.search),
    }, page), toProject, 'project');
  }

  async listGroups(query: { search?: string; topLevelOnly?: boolean }, page?: PageRequest): Promise<Page<Group>> {
    return this.mapPage(await this.offsetPage<Json>('/groups', {
      min_access_level: 20, top_level_only: query.topLevelOnly ? true : undefined, search: nonEmpty(query.search),
      order_by: 'path', sort: 'asc',
    }, page), toGroup, 'group');
  }

  async listSubgroups(group: GroupRef, page?: PageRequest): Promise<Page<Group>> {
    return this.mapPage(await this.offsetPage<Json>(`/groups/${encodeProjectRef(group)}/subgroups`, {
      order_by: 'path', sort: 'asc',
    }, page), toGroup, 'group');
  }

  async listGroupProjects(
    group: GroupRef, query: { search?: string; minAccessLevel?: number; directOnly?: boolean }, page?: PageRequest,
  ): Promise<Page<Project>> {
    return this.mapPage(await this.offsetPage<Json>(`/groups/${encodeProjectRef(group)}/projects`, {
      include_subgroups: query.directOnly ? undefined : true, simple: true, order_by: 'path', sort: 'asc', search: nonEmpty(query.search),
      min_access_level: query.minAccessLevel,
    }, page), toProject, 'project');
  }

  async getProject(project: ProjectRef): Promise<Project> {
    return toProject(this.expectItem(await this.getObject(`/projects/${encodeProjectRef(project)}`), 'project'));
  }

  async listProjectRepositories(project: ProjectRef, page?: PageRequest): Promise<Page<Repository>> {
    return this.mapPage(await this.offsetPage<Json>(
      `/projects/${encodeProjectRef(project)}/registry/repositories`, { tags_count: true }, page), toRepository, 'repository');
  }

  async listGroupRepositories(group: GroupRef, page?: PageRequest): Promise<Page<Repository>> {
    return this.mapPage(await this.offsetPage<Json>(
      `/groups/${encodeProjectRef(group)}/registry/repositories`, {}, page), toRepository, 'repository');
  }

  async getRepository(repositoryId: number, opts: { tagsCount?: boolean; size?: boolean; signal?: AbortSignal } = {}): Promise<Repository> {
    if (this.isJobToken) {
      throw new UsageError('A CI job token cannot read /registry/repositories/:id; list the project\'s repositories instead.');
    }
    return toRepository(this.expectItem(await this.getObject(`/registry/repositories/${repoId(repositoryId)}`, {
      tags_count: opts.tagsCount ? true : undefined, size: opts.size ? true : undefined,
    }, opts.signal), 'repository'));
  }

  // --- tags -----------------------------------------------------------------------------------------

  async listTags(project: ProjectRef, repositoryId: number, page: PageRequest = {}): Promise<Page<Tag>> {
    const base = tagsPath(project, repositoryId);
    const perPage = this.pageSize(page);
    if (page.cursor !== undefined) {
      return this.tagPageAt(assertCursor(page.cursor), perPage);
    }
    if (!this.keysetTagsUnsupported) {
      try {
        return await this.tagPageAt(relativePath(this.http, base, { pagination: 'keyset', per_page: perPage, sort: 'asc' }), perPage);
      } catch (e) {
        if (!(e instanceof GitLabError && e.kind === 'method_not_allowed')) throw e;
        this.keysetTagsUnsupported = true;
      }
    }
    return this.tagPageAt(relativePath(this.http, base, { per_page: perPage, page: 1 }), perPage);
  }

  async listAllTags(project: ProjectRef, repositoryId: number, opts: OperationOptions = {}): Promise<Tag[]> {
    const tags = await collectAll<Tag>(
      (cursor) => this.listTags(project, repositoryId, { cursor, perPage: this.perPage }),
      this.http.host,
      { signal: opts.signal, maxPages: this.maxPages },
    );
    return tags.sort((a, b) => compareCodePoints(a.name, b.name));
  }

  async getTagDetails(project: ProjectRef, repositoryId: number, tagName: string): Promise<TagDetails> {
    return this.readTag(project, repositoryId, tagName);
  }

  async listTagDetails(
    project: ProjectRef, repositoryId: number, names?: string[], opts: OperationOptions = {},
  ): Promise<TagDetails[]> {
    const explicit = names !== undefined;
    const wanted = explicit
      ? [...new Set(names)]
      : (await this.listAllTags(project, repositoryId, { signal: opts.signal })).map((t) => t.name);
    const outcome = await mapLimit(wanted, this.concurrency, async (name) => {
      try {
        return await this.readTag(project, repositoryId, name, opts.signal);
      } catch (e) {
        // A tag deleted between listing and reading it is simply gone; a named tag that is missing is an error.
        if (!explicit && e instanceof GitLabError && e.kind === 'not_found') return undefined;
        throw e;
      }
    }, { signal: opts.signal, onSettled: opts.onProgress });
    if (outcome.notStarted.length > 0) throw cancelledError();
    return outcome.results
      .filter((d): d is TagDetails => d !== undefined)
      .sort((a, b) => compareCodePoints(a.name, b.name));
  }

  /**
   * Every tag name of a repository in one request (GET /registry/repositories/:id?tags=true), checked to
   * belong to `project`, with the answer's RateLimit-Remaining. The fast path's existence check before its
   * mutations; CI job tokens cannot use this route.
   */
  async existingTagNames(project: ProjectRef, repositoryId: number, signal?: AbortSignal): Promise<{ names: Set<string>; rateLimitRemaining?: number }> {
    const res = await this.http.request<unknown>({ path: `/registry/repositories/${repoId(repositoryId)}`, query: { tags: true }, signal });
    const repo = this.expectItem(isObject(res.data) ? res.data : {}, 'repository');
    const belongs = typeof project === 'number'
      ? Number(repo.project_id) === project
      : typeof repo.path === 'string' && expectedRepositoryPath(project, repo.name) === repo.path.toLowerCase();
    if (!belongs) throw new GitLabError('not_found', 404, '404 Repository Not Found', { instance: this.http.host });
    if (!Array.isArray(repo.tags)) {
      throw new GitLabError('bad_response', res.status, `${this.http.host} sent a repository without its tags list.`, { instance: this.http.host });
    }
    // A name outside the grammar is left out: it counts as missing, so no delete is ever sent for it.
    const names = new Set(this.keepValid(repo.tags, 'tag').map((t) => t.name as string));
    const remaining = rateLimitRemaining(res.headers);
    return { names, ...(remaining !== undefined ? { rateLimitRemaining: remaining } : {}) };
  }

  // --- writes (restWrites.ts) ---------------------------------------------------------------------------

  deleteTags(project: ProjectRef, repositoryId: number, names: string[], opts: OperationOptions = {}): Promise<DeleteReport> {
    return deleteTagsOneByOne(this, project, repositoryId, names, opts);
  }

  deleteRepository(project: ProjectRef, repositoryId: number): Promise<RepositoryDeletion> {
    return deleteRepositoryOnce(this, project, repositoryId);
  }

  scheduleBulkDelete(project: ProjectRef, repositoryId: number, params: BulkDeleteParams): Promise<void> {
    return scheduleBulkDeleteOnce(this, project, repositoryId, params);
  }

  updateCleanupPolicy(project: ProjectRef, patch: Partial<Omit<CleanupPolicy, 'next_run_at'>>): Promise<CleanupPolicy> {
    return updatePolicyOnce(this, project, patch);
  }

  // --- policy and protection ------------------------------------------------------------------------

  async getCleanupPolicy(project: ProjectRef): Promise<CleanupPolicy | null> {
    const raw = await this.getObject(`/projects/${encodeProjectRef(project)}`);
    return toCleanupPolicy(raw.container_expiration_policy);
  }

  async listTagProtectionRules(project: ProjectRef): Promise<TagProtectionRule[]> {
    try {
      return await this.fetchTagProtectionRules(project);
    } catch (e) {
      // Before GitLab 18.7 (or without the metadata database) the route does not exist: no rules to show.
      if (e instanceof GitLabError && e.kind === 'not_found' && !/project/i.test(e.gitlabMessage)) return [];
      throw e;
    }
  }

  async getTagProtectionAccess(project: ProjectRef): Promise<TagProtectionAccess> {
    const [rules, level] = await Promise.allSettled([
      this.fetchTagProtectionRules(project),
      // Job tokens cannot read /projects/:id; GitLab's permissions block is the only place the role shows.
      this.isJobToken ? Promise.resolve(null) : this.getObject(`/projects/${encodeProjectRef(project)}`).then(accessLevelOf),
    ]);
    const accessLevel = level.status === 'fulfilled' ? level.value : null;
    if (rules.status === 'fulfilled') return { rules: rules.value, accessLevel };
    const e = rules.reason;
    if (e instanceof GitLabError) {
      const routeMissing = e.kind === 'not_found' && !/project/i.test(e.gitlabMessage);
      const jobToken = this.isJobToken && (e.kind === 'unauthorized' || e.kind === 'forbidden');
      if (routeMissing || e.kind === 'forbidden' || jobToken) {
        return { rules: null, rulesError: jobToken ? 'a CI job token cannot read tag protection rules' : e.message, accessLevel };
      }
    }
    throw e;
  }

  /** REST sorts tags by name only. */
  async listTagsNewestFirst(): Promise<undefined> {
    return undefined;
  }

  /** REST has no per-tag protection answer. */
  async listTagProtectionLevels(): Promise<undefined> {
    return undefined;
  }

  async getProjectProtection(project: ProjectRef): Promise<ProjectProtection> {
    const [tags, repos] = await Promise.all([
      this.getTagProtectionAccess(project),
      this.fetchRepositoryProtectionRules(project).catch((e: unknown) => {
        if (e instanceof GitLabError && (e.kind === 'forbidden' || e.kind === 'unauthorized' ||
          (e.kind === 'not_found' && !/project/i.test(e.gitlabMessage)))) return e;
        throw e;
      }),
    ]);
    const repositoryRules = repos instanceof GitLabError ? null : repos;
    const notes = [tags.rulesError, repos instanceof GitLabError ? repos.message : undefined].filter((n): n is string => !!n);
    return { tagRules: tags.rules, repositoryRules, accessLevel: tags.accessLevel, ...(notes.length ? { note: notes[0] } : {}) };
  }

  private async fetchRepositoryProtectionRules(project: ProjectRef): Promise<RepositoryProtectionRule[]> {
    if (this.isJobToken) throw new GitLabError('forbidden', 403, 'a CI job token cannot read repository protection rules');
    const path = `/projects/${encodeProjectRef(project)}/registry/protection/repository/rules`;
    const rules = await collectAll<Json>(
      (cursor) => fetchOffsetPage<Json>(this.http, { path, perPage: this.perPage, cursor }),
      this.http.host, { maxPages: this.maxPages },
    );
    return this.keepValid(rules, 'rule').map(toRepositoryProtectionRule);
  }

  private async fetchTagProtectionRules(project: ProjectRef): Promise<TagProtectionRule[]> {
    const path = `/projects/${encodeProjectRef(project)}/registry/protection/tag/rules`;
    const rules = await collectAll<Json>(
      (cursor) => fetchOffsetPage<Json>(this.http, { path, perPage: this.perPage, cursor }),
      this.http.host, { maxPages: this.maxPages },
    );
    return this.keepValid(rules, 'rule').map(toTagProtectionRule);
  }

  // --- branches -------------------------------------------------------------------------------------

  listBranchNames(project: ProjectRef, opts: { signal?: AbortSignal } = {}): Promise<string[]> {
    return this.allStrings(`/projects/${encodeProjectRef(project)}/repository/branches`, {}, 'name', opts.signal);
  }

  listMergeRequestSourceBranches(project: ProjectRef, state: 'merged' | 'closed', opts: { signal?: AbortSignal } = {}): Promise<string[]> {
    return this.allStrings(`/projects/${encodeProjectRef(project)}/merge_requests`, { state, scope: 'all' }, 'source_branch', opts.signal);
  }

  /** One string field of every item of an offset-paged list (items without it are skipped). */
  private async allStrings(path: string, query: Record<string, string>, field: string, signal?: AbortSignal): Promise<string[]> {
    const items = await collectAll<unknown>(
      (cursor) => fetchOffsetPage<unknown>(this.http, { path, query, perPage: this.perPage, cursor, signal }),
      this.http.host, { signal, maxPages: this.maxPages },
    );
    return items.flatMap((v) => (isObject(v) && typeof v[field] === 'string' ? [v[field] as string] : []));
  }

  // --- helpers --------------------------------------------------------------------------------------

  private refuseJobToken(what: string): void {
    if (this.isJobToken) throw new UsageError(`A CI job token cannot be used for ${what}; it only opens the project's registry endpoints.`);
  }

  private pageSize(page?: PageRequest): number {
    return Math.min(100, Math.max(1, Math.floor(page?.perPage ?? this.perPage)));
  }

  private async getObject(path: string, query?: Record<string, string | number | boolean | undefined>, signal?: AbortSignal): Promise<Json> {
    const res = await this.http.request<unknown>({ path, query, signal });
    if (!isObject(res.data)) {
      throw new GitLabError('bad_response', res.status, `${this.http.host} sent something other than a JSON object.`, { instance: this.http.host });
    }
    return res.data;
  }

  /** One tag's details (the caller's signal passed on); used by the writes to look again. */
  readTag(project: ProjectRef, repositoryId: number, name: string, signal?: AbortSignal): Promise<TagDetails> {
    return this.getObject(`${tagsPath(project, repositoryId)}/${encodeTagName(name)}`, undefined, signal)
      .then((raw) => toTagDetails(this.expectItem(raw, 'tag')));
  }

  private offsetPage<T>(path: string, query: Record<string, string | number | boolean | undefined>, page?: PageRequest): Promise<Page<T>> {
    return fetchOffsetPage<T>(this.http, { path, query, perPage: this.pageSize(page), cursor: page?.cursor });
  }

  private mapPage<B>(page: Page<unknown>, fn: (a: Json) => B, kind: ItemKind): Page<B> {
    return { ...page, items: this.keepValid(page.items, kind).map(fn) };
  }

  /**
   * List items GitLab would never send (null, a string, a repository without id, a tag without name) are
   * skipped with a warning rather than turned into a TypeError or an entry with a NaN id: the rest of the
   * list stays usable, and nothing can be deleted through an item that cannot be named.
   */
  private keepValid(items: readonly unknown[], kind: ItemKind): Json[] {
    const rule = ITEM_RULES[kind];
    const identified = items.filter(rule.valid) as Json[];
    const kept = identified.filter((v) => taintedIdentifier(v, kind) === undefined);
    const entries = (n: number): string => `${n} ${kind} entr${n === 1 ? 'y' : 'ies'}`;
    if (identified.length < items.length) {
      this.log?.warn(`${this.http.host} sent ${entries(items.length - identified.length)} without ${rule.lacks}; skipped.`);
    }
    if (kept.length < identified.length) {
      this.log?.warn(`${this.http.host} sent ${entries(identified.length - kept.length)} with a control character in an identifier; skipped.`);
    }
    return kept;
  }

  /** A single entity without what identifies it is not GitLab's answer: bad_response naming the instance. */
  private expectItem(raw: Json, kind: ItemKind): Json {
    const problem = !ITEM_RULES[kind].valid(raw) ? `without ${ITEM_RULES[kind].lacks}`
      : taintedIdentifier(raw, kind) !== undefined ? `with a control character in its ${taintedIdentifier(raw, kind)}` : undefined;
    if (problem === undefined) return raw;
    throw new GitLabError('bad_response', undefined,
      `${this.http.host} sent a ${kind} ${problem}; this does not look like GitLab's API.`,
      { instance: this.http.host });
  }

  /** One tag page at an API-relative path; keyset or offset is read from the answer's headers. */
  private async tagPageAt(path: string, perPage: number): Promise<Page<Tag>> {
    const res = await this.http.request<unknown>({ path });
    const items = this.keepValid(expectArray<unknown>(res.data, this.http.host), 'tag').map(toTag);
    // GitLab before 16.10 ignores pagination=keyset and answers with offset headers: follow those.
    const offsetHeaders = res.headers.get('x-next-page') !== null || res.headers.get('x-page') !== null;
    const keyset = /[?&]pagination=keyset(&|$)/.test(path) && !offsetHeaders;
    const next = keyset
      ? nextKeysetCursor(res.headers, this.baseUrl)
      : nextOffsetCursor(res.headers, path, items.length, perPage, this.baseUrl);
    const total = totalFromHeaders(res.headers);
    return { items, ...(next !== undefined ? { next } : {}), ...(total !== undefined ? { total } : {}) };
  }

  /** GET /registry/repositories/:id, checked to be a repository. */
  async readRepository(id: number): Promise<Repository> {
    return toRepository(this.expectItem(await this.getObject(`/registry/repositories/${repoId(id)}`), 'repository'));
  }

  listAllProjectRepositories(project: ProjectRef): Promise<Repository[]> {
    return collectAll<Repository>(
      (cursor) => this.listProjectRepositories(project, { cursor, perPage: this.perPage }),
      this.http.host, { maxPages: this.maxPages },
    );
  }
}

/** RateLimit-Remaining of an answer (GitLab sends the RateLimit-* headers while throttling applies), if any. */
function rateLimitRemaining(headers: { get(name: string): string | null }): number | undefined {
  const value = headers.get('ratelimit-remaining');
  const n = value === null ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** `<project path>[/<name>]`, lower-cased, as GitLab writes a repository's `path`. */
function expectedRepositoryPath(project: string, name: unknown): string {
  const base = projectPathOf(project).toLowerCase();
  return typeof name === 'string' && name !== '' ? `${base}/${name.toLowerCase()}` : base;
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}

// RegistryApi over GitLab's REST API v4 (docs/gitlab-registry-api.md). Every request goes through
// HttpClient; every fan-out through mapLimit; every page loop through collectAll (bounded).
import { mapLimit } from './concurrency';
import { GitLabError, UsageError } from './errors';
import { FetchFn, HttpClient, createHttpClient } from './http';
import {
  assertCursor, collectAll, expectArray, fetchOffsetPage, nextKeysetCursor, nextOffsetCursor, relativePath,
  totalFromHeaders,
} from './pagination';
import type { RegistryApi, TagProtectionAccess } from './registryApi';
import type {
  BulkDeleteParams, CleanupPolicy, ClientOptions, DeleteReport, Group, GroupRef, OperationOptions, Page,
  PageRequest, Project, ProjectRef, Repository, RepositoryStatus, Tag, TagDetails, TagFailure,
  TagProtectionRule, TokenCheck, TokenInfo, User,
} from './types';
import { hasDotSegment } from './names';
import { stripControls } from './text';
import { encodeProjectRef } from './url';

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

type Json = Record<string, unknown>;

/** Compares strings by Unicode code point (not UTF-16 unit), the order the CLI promises. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** ISO 8601 UTC with milliseconds, or null for missing/unparseable values. */
export function normalizeTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

function toNumberOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? fallback : String(value);
}

function strOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A positive whole-number id (GitLab sends numbers; numeric strings are tolerated). */
function hasId(v: unknown): v is Json {
  if (!isObject(v)) return false;
  const id = typeof v.id === 'number' ? v.id : typeof v.id === 'string' && /^\d+$/.test(v.id) ? Number(v.id) : NaN;
  return Number.isSafeInteger(id) && id > 0;
}

/** A tag entity needs a non-empty name without '/' (everything else about a tag hangs off its name). */
function hasTagName(v: unknown): v is Json {
  return isObject(v) && typeof v.name === 'string' && v.name !== '' && !v.name.includes('/');
}

/** What identifies each kind of list item; items without it are skipped (see keepValid). */
const ITEM_RULES = {
  project: { valid: hasId, lacks: 'a numeric id' },
  group: { valid: hasId, lacks: 'a numeric id' },
  repository: { valid: hasId, lacks: 'a numeric id' },
  tag: { valid: hasTagName, lacks: 'a name' },
  rule: { valid: hasId, lacks: 'a numeric id' },
} as const;
type ItemKind = keyof typeof ITEM_RULES;

const STATUSES: ReadonlyArray<RepositoryStatus> = ['delete_scheduled', 'delete_ongoing', 'delete_failed'];

export function toRepository(raw: Json): Repository {
  const status = STATUSES.includes(raw.status as RepositoryStatus) ? (raw.status as RepositoryStatus) : null;
  const repo: Repository = {
    id: Number(raw.id),
    name: str(raw.name),
    path: str(raw.path),
    project_id: Number(raw.project_id),
    location: str(raw.location),
    created_at: normalizeTimestamp(raw.created_at),
    cleanup_policy_started_at: normalizeTimestamp(raw.cleanup_policy_started_at),
    status,
  };
  if (raw.tags_count !== undefined) repo.tags_count = toNumberOrNull(raw.tags_count) ?? 0;
  if (raw.size !== undefined) repo.size = toNumberOrNull(raw.size);
  return repo;
}

export function toTag(raw: Json): Tag {
  return { name: str(raw.name), path: str(raw.path), location: str(raw.location) };
}

export function toTagDetails(raw: Json): TagDetails {
  return {
    ...toTag(raw),
    digest: strOrNull(raw.digest),
    revision: strOrNull(raw.revision),
    short_revision: strOrNull(raw.short_revision),
    created_at: normalizeTimestamp(raw.created_at),
    total_size: toNumberOrNull(raw.total_size),
  };
}

export function toCleanupPolicy(raw: unknown): CleanupPolicy | null {
  if (!raw || typeof raw !== 'object') return null;
  const p = raw as Json;
  return {
    cadence: str(p.cadence),
    enabled: p.enabled === true,
    keep_n: toNumberOrNull(p.keep_n),
    older_than: strOrNull(p.older_than),
    name_regex: strOrNull(p.name_regex),
    name_regex_keep: strOrNull(p.name_regex_keep),
    next_run_at: normalizeTimestamp(p.next_run_at),
  };
}

export function toProject(raw: Json): Project {
  const project: Project = {
    id: Number(raw.id),
    path_with_namespace: str(raw.path_with_namespace),
    name: str(raw.name),
    web_url: str(raw.web_url),
  };
  if (typeof raw.container_registry_image_prefix === 'string') project.container_registry_image_prefix = raw.container_registry_image_prefix;
  if ('container_expiration_policy' in raw) project.container_expiration_policy = toCleanupPolicy(raw.container_expiration_policy);
  return project;
}

export function toGroup(raw: Json): Group {
  return {
    id: Number(raw.id),
    name: str(raw.name),
    full_path: str(raw.full_path),
    parent_id: raw.parent_id === null || raw.parent_id === undefined ? null : Number(raw.parent_id),
    web_url: str(raw.web_url),
  };
}

function toUser(raw: Json): User {
  const user: User = { id: Number(raw.id), username: str(raw.username), name: str(raw.name) };
  if (typeof raw.bot === 'boolean') user.bot = raw.bot;
  return user;
}

function toTokenInfo(raw: Json): TokenInfo {
  return {
    id: Number(raw.id),
    name: str(raw.name),
    scopes: Array.isArray(raw.scopes) ? raw.scopes.map(String) : [],
    active: raw.active !== false,
    revoked: raw.revoked === true,
    expires_at: strOrNull(raw.expires_at),
    user_id: Number(raw.user_id),
  };
}

function cancelledError(): GitLabError {
  return new GitLabError('cancelled', undefined, 'Cancelled.');
}

/** "<status> <GitLab's message>" for a failed tag, or the transport failure's text. */
function failureOf(tag: string, error: unknown): TagFailure {
  if (error instanceof GitLabError) {
    return error.status !== undefined
      ? { tag, error: GitLabError.summarize(error.status, error.gitlabMessage), status: error.status }
      : { tag, error: error.gitlabMessage };
  }
  return { tag, error: error instanceof Error ? error.message : String(error) };
}

export class RestRegistryApi implements RegistryApi {
  readonly baseUrl: string;
  private readonly http: HttpClient;
  private readonly concurrency: number;
  private readonly perPage: number;
  private readonly maxPages: number;
  private readonly isJobToken: boolean;
  private readonly log?: RestClientOptions['log'];
  /** Learned from a 405: this instance's registry has no keyset tag pagination (no metadata database). */
  private keysetTagsUnsupported = false;

  constructor(options: RestClientOptions) {
    this.http = createHttpClient(options);
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
    }, page), toGroup, 'group');
  }

  async listGroupProjects(group: GroupRef, query: { search?: string }, page?: PageRequest): Promise<Page<Project>> {
    return this.mapPage(await this.offsetPage<Json>(`/groups/${encodeProjectRef(group)}/projects`, {
      include_subgroups: true, simple: true, order_by: 'path', sort: 'asc', search: nonEmpty(query.search),
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
    const base = this.tagsPath(project, repositoryId);
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
    return this.getTagDetailsWithSignal(project, repositoryId, tagName);
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
        return await this.getTagDetailsWithSignal(project, repositoryId, name, opts.signal);
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

  // --- deletion -------------------------------------------------------------------------------------

  async deleteTags(project: ProjectRef, repositoryId: number, names: string[], opts: OperationOptions = {}): Promise<DeleteReport> {
    const requested = [...new Set(names)];
    const total = requested.length;
    if (total === 0) return { deleted: [], failed: [] };
    let existing: Set<string>;
    try {
      existing = new Set((await this.listAllTags(project, repositoryId, { signal: opts.signal })).map((t) => t.name));
    } catch (e) {
      if (e instanceof GitLabError && e.kind === 'cancelled') return { deleted: [], failed: [], notAttempted: requested };
      throw e;
    }

    const missing = requested.filter((n) => !existing.has(n));
    const present = requested.filter((n) => existing.has(n));
    const results = new Map<string, { deleted: true } | { failure: TagFailure }>();
    for (const name of missing) results.set(name, { failure: { tag: name, error: '404 Tag Not Found', status: 404 } });
    let done = missing.length;
    if (done > 0) opts.onProgress?.(done, total);

    const path = this.tagsPath(project, repositoryId);
    /** Failed after an attempt that may have reached GitLab: the tag may be gone although the last answer was an error. */
    const uncertain: string[] = [];
    const outcome = await mapLimit(present, this.concurrency, async (name) => {
      try {
        // No caller signal here: a delete that has started is allowed to finish so the report stays true.
        await this.http.request({ method: 'DELETE', path: `${path}/${encodeTagName(name)}`, idempotent: true, expectJson: false });
        results.set(name, { deleted: true });
      } catch (e) {
        if (e instanceof GitLabError && e.kind === 'not_found' && e.details.afterUncertainAttempt) {
          // The earlier attempt reached GitLab and deleted the tag; the retry found it gone.
          results.set(name, { deleted: true });
        } else {
          results.set(name, { failure: failureOf(name, e) });
          if (e instanceof GitLabError && e.details.afterUncertainAttempt) uncertain.push(name);
        }
      }
      opts.onProgress?.(++done, total);
    }, { signal: opts.signal });

    // A reset/timeout/502 may hide a delete that happened: look before calling such a tag "failed".
    if (uncertain.length > 0) {
      await mapLimit(uncertain, this.concurrency, async (name) => {
        const failed = results.get(name) as { failure: TagFailure };
        try {
          await this.getTagDetailsWithSignal(project, repositoryId, name);
          // Still there: the failure stands.
        } catch (e) {
          if (e instanceof GitLabError && e.kind === 'not_found' && !/project/i.test(e.gitlabMessage)) {
            results.set(name, { deleted: true });
          } else {
            failed.failure = {
              ...failed.failure,
              error: `${failed.failure.error} (an earlier attempt may have reached GitLab: the tag may be deleted; list the tags to check)`,
            };
          }
        }
      });
    }

    const report: DeleteReport = { deleted: [], failed: [] };
    for (const name of requested) {
      const r = results.get(name);
      if (!r) continue;
      if ('deleted' in r) report.deleted.push(name);
      else report.failed.push(r.failure);
    }
    if (outcome.notStarted.length > 0) report.notAttempted = [...outcome.notStarted];
    return report;
  }

  async deleteRepository(project: ProjectRef, repositoryId: number): Promise<{ id: number; status: string }> {
    const id = repoId(repositoryId);
    await this.http.request({
      method: 'DELETE', path: `/projects/${encodeProjectRef(project)}/registry/repositories/${id}`, expectJson: false,
    });
    try {
      if (this.isJobToken) {
        // Job tokens only open the project's registry routes: find the repository in the project's list.
        const repos = await this.listAllProjectRepositories(project);
        const repo = repos.find((r) => r.id === id);
        return { id, status: repo ? repo.status ?? 'delete_scheduled' : 'deleted' };
      }
      const repo = toRepository(this.expectItem(await this.getObject(`/registry/repositories/${id}`), 'repository'));
      return { id, status: repo.status ?? 'delete_scheduled' };
    } catch (e) {
      if (e instanceof GitLabError && e.kind === 'not_found') return { id, status: 'deleted' };
      // The 202 stands: GitLab accepted the deletion even if we cannot read the repository back.
      if (e instanceof GitLabError) return { id, status: 'delete_scheduled' };
      throw e;
    }
  }

  async scheduleBulkDelete(project: ProjectRef, repositoryId: number, params: BulkDeleteParams): Promise<void> {
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
    await this.http.request({ method: 'DELETE', path: this.tagsPath(project, repositoryId), body, expectJson: false });
  }

  // --- policy and protection ------------------------------------------------------------------------

  async getCleanupPolicy(project: ProjectRef): Promise<CleanupPolicy | null> {
    const raw = await this.getObject(`/projects/${encodeProjectRef(project)}`);
    return toCleanupPolicy(raw.container_expiration_policy);
  }

  async updateCleanupPolicy(project: ProjectRef, patch: Partial<Omit<CleanupPolicy, 'next_run_at'>>): Promise<CleanupPolicy> {
    const attributes: Record<string, unknown> = {};
    for (const key of ['cadence', 'enabled', 'keep_n', 'older_than', 'name_regex', 'name_regex_keep'] as const) {
      if (patch[key] !== undefined) attributes[key] = patch[key];
    }
    const res = await this.http.request<Json>({
      method: 'PUT', path: `/projects/${encodeProjectRef(project)}`, body: { container_expiration_policy_attributes: attributes },
    });
    const policy = toCleanupPolicy(isObject(res.data) ? res.data.container_expiration_policy : undefined);
    if (!policy) {
      throw new GitLabError('bad_response', res.status, `${this.http.host} did not return the project's cleanup policy after the update.`, { instance: this.http.host });
    }
    return policy;
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

  private async fetchTagProtectionRules(project: ProjectRef): Promise<TagProtectionRule[]> {
    const path = `/projects/${encodeProjectRef(project)}/registry/protection/tag/rules`;
    const rules = await collectAll<Json>(
      (cursor) => fetchOffsetPage<Json>(this.http, { path, perPage: this.perPage, cursor }),
      this.http.host, { maxPages: this.maxPages },
    );
    return this.keepValid(rules, 'rule').map((r) => ({
      id: Number(r.id),
      project_id: Number(r.project_id),
      tag_name_pattern: str(r.tag_name_pattern),
      minimum_access_level_for_push: (strOrNull(r.minimum_access_level_for_push) as TagProtectionRule['minimum_access_level_for_push']),
      minimum_access_level_for_delete: (strOrNull(r.minimum_access_level_for_delete) as TagProtectionRule['minimum_access_level_for_delete']),
    }));
  }

  // --- helpers --------------------------------------------------------------------------------------

  private refuseJobToken(what: string): void {
    if (this.isJobToken) throw new UsageError(`A CI job token cannot be used for ${what}; it only opens the project's registry endpoints.`);
  }

  private tagsPath(project: ProjectRef, repositoryId: number): string {
    return `/projects/${encodeProjectRef(project)}/registry/repositories/${repoId(repositoryId)}/tags`;
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

  private getTagDetailsWithSignal(project: ProjectRef, repositoryId: number, name: string, signal?: AbortSignal): Promise<TagDetails> {
    return this.getObject(`${this.tagsPath(project, repositoryId)}/${encodeTagName(name)}`, undefined, signal)
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
    const kept = items.filter(rule.valid) as Json[];
    const dropped = items.length - kept.length;
    if (dropped > 0) {
      this.log?.warn(`${this.http.host} sent ${dropped} ${kind} entr${dropped === 1 ? 'y' : 'ies'} without ${rule.lacks}; skipped.`);
    }
    return kept;
  }

  /** A single entity without what identifies it is not GitLab's answer: bad_response naming the instance. */
  private expectItem(raw: Json, kind: ItemKind): Json {
    if (ITEM_RULES[kind].valid(raw)) return raw;
    throw new GitLabError('bad_response', undefined,
      `${this.http.host} sent a ${kind} without ${ITEM_RULES[kind].lacks}; this does not look like GitLab's API.`,
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

  private listAllProjectRepositories(project: ProjectRef): Promise<Repository[]> {
    return collectAll<Repository>(
      (cursor) => this.listProjectRepositories(project, { cursor, perPage: this.perPage }),
      this.http.host, { maxPages: this.maxPages },
    );
  }
}

/** The higher of `permissions.project_access` / `group_access` in a GET /projects/:id answer; null if neither. */
function accessLevelOf(raw: Json): number | null {
  const perms = isObject(raw.permissions) ? raw.permissions : undefined;
  let best: number | null = null;
  for (const key of ['project_access', 'group_access']) {
    const entry = perms?.[key];
    const level = isObject(entry) ? toNumberOrNull(entry.access_level) : null;
    if (level !== null && (best === null || level > best)) best = level;
  }
  return best;
}

function nonEmpty(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t ? t : undefined;
}

function repoId(id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`Invalid repository id: ${id}`);
  return id;
}

function encodeTagName(name: string): string {
  // "." and ".." would be folded into the tag list's path (a DELETE there is the bulk delete).
  if (name === '' || name.includes('/') || hasDotSegment(name)) throw new UsageError(`Invalid tag name: "${stripControls(name)}"`);
  return encodeURIComponent(name);
}

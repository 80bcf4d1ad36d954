// The REST API of the double: authentication (docs/gitlab-api.md "Authentication"), the route table and one small handler per
// endpoint, plus the background work GitLab does later (repository deletion, bulk tag cleanup).

import type { IncomingHttpHeaders } from 'node:http';
import type { DoubleRepository } from './contract';
import { BulkParams, compileRe2, isValidRe2, parseDuration, selectTagsForBulkDelete } from './bulk';
import {
  EntityContext, groupEntity, projectEntity, repositoryEntity, tagDetailsEntity, tagEntity, tagRuleEntity, repoRuleEntity, tokenEntity,
  userEntity,
} from './entities';
import { ApiError, Reply, boolParam, mergeParams, message, stringParam } from './http';
import {
  ACCESS, GroupRec, ProjectRec, RepoRec, State, TokenRec, UserRec, findGroupByRef, findProjectByRef, findTagIndex,
  groupAccess, isInSubtree, isoTimestamp, projectAccess, protectionLevelValue, repoPath, repositoryDeleteRefusal, repositoryRuleGuards, seededRandom,
} from './model';
import { intParam, keysetNextLink, offsetPage, perPageParam } from './pagination';
import { ScenarioName, buildScenario } from './scenarios';
import { branchEntities, mergeRequestEntities } from './branches';

export interface ApiRequest {
  method: string;
  /** Path as received, still percent-encoded, without the query. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** Origin for URLs in responses (linkOrigin option, else the request's own). */
  origin: string;
}

export interface Caller {
  kind: 'anonymous' | 'user' | 'job';
  user?: UserRec;
  token?: TokenRec;
}

export interface ApiSettings {
  scenario: ScenarioName;
  legacyRegistry: boolean;
  registryHost: string;
  now: () => number;
  /** Delay before queued bulk jobs run by themselves; 0 = only runBulkJobs(). */
  bulkJobDelayMs: number;
  /** Time per repository deletion step; 0 = only advanceRepositoryDeletions(). */
  repositoryDeletionStepMs: number;
  /** Seed of the PRNG used by legacy bulk-delete sampling. */
  seed: number;
}

export interface BulkJobRecord {
  id: number;
  repositoryId: number;
  projectId: number;
  params: BulkParams;
  /** Access level of the user who asked (tag protection is judged with it). */
  callerAccess: number;
  status: 'queued' | 'done' | 'failed';
  deleted: string[];
  /** Legacy mode: candidates were sampled (run incomplete). */
  sampled: boolean;
  error?: string;
}

interface Ctx {
  req: ApiRequest;
  /** Route parameters, percent-decoded. */
  params: Record<string, string>;
  /** Query string and body merged, as Grape sees them. */
  input: Record<string, unknown>;
  caller: Caller;
  entities: EntityContext;
}

interface Route {
  method: 'GET' | 'PUT' | 'DELETE';
  segments: string[];
  /** 'required': anonymous → 401. */
  auth: 'required' | 'optional';
  /** Scopes the route accepts; default api, plus read_api for GET. */
  scopes?: string[] | 'any';
  /** CI job tokens are accepted (only for the job's own project). */
  jobToken?: boolean;
  handler: (ctx: Ctx) => Reply;
}

const HOUR_MS = 3_600_000;
const CADENCES = ['1d', '7d', '14d', '1month', '3month'];
const KEEP_NS = [1, 5, 10, 25, 50, 100];
const OLDER_THANS = ['7d', '14d', '30d', '60d', '90d'];
const REGISTRY_VERSION = { version: '18.1.1-ee', revision: 'ceb07b24cb0' };

const unauthorized = () => message(401);
const projectNotFound = () => message(404, 'Project Not Found');
const groupNotFound = () => message(404, 'Group Not Found');
const recordNotFound = () => message(404, 'Not found');
const tagNotFound = () => message(404, 'Tag Not Found');
const forbidden = (reason?: string) => message(403, reason ? `Forbidden - ${reason}` : 'Forbidden');

function invalidToken(description: string): ApiError {
  return new ApiError(401, { error: 'invalid_token', error_description: description }, {
    'WWW-Authenticate': `Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="${description}"`,
  });
}

export class GitLabApi {
  state: State;
  readonly bulkJobs: BulkJobRecord[] = [];
  private leases = new Map<number, number>();
  private timers = new Set<NodeJS.Timeout>();
  private random: () => number;
  private readonly routes: Route[];

  constructor(readonly settings: ApiSettings) {
    this.state = buildScenario(settings.scenario, settings.now());
    this.random = seededRandom(settings.seed);
    const r = (method: Route['method'], path: string, handler: Route['handler'], extra: Partial<Route> = {}): Route =>
      ({ method, segments: path.split('/').filter(Boolean), auth: 'optional', handler, ...extra });
    const registry = { jobToken: true };
    const authed = { auth: 'required' as const };
    this.routes = [
      r('GET', 'personal_access_tokens/self', (c) => this.tokenSelf(c), { ...authed, scopes: 'any' }),
      r('GET', 'user', (c) => ({ status: 200, body: userEntity(c.caller.user!, c.entities) }),
        { ...authed, scopes: ['api', 'read_api', 'read_user'] }),
      r('GET', 'version', () => ({ status: 200, body: REGISTRY_VERSION }), authed),
      r('GET', 'metadata', () => ({ status: 200, body: this.metadata() }), authed),
      r('GET', 'projects', (c) => this.listProjects(c)),
      r('GET', 'projects/:id', (c) => this.getProject(c)),
      r('PUT', 'projects/:id', (c) => this.updateProject(c), authed),
      r('GET', 'groups', (c) => this.listGroups(c)),
      r('GET', 'groups/:id', (c) => ({ status: 200, body: groupEntity(this.visibleGroup(c), c.entities) })),
      r('GET', 'groups/:id/projects', (c) => this.listGroupProjects(c)),
      r('GET', 'groups/:id/subgroups', (c) => this.listGroups(c, this.visibleGroup(c).id)),
      r('GET', 'groups/:id/registry/repositories', (c) => this.listGroupRepositories(c)),
      r('GET', 'registry/repositories/:rid', (c) => this.getRepository(c), authed),
      r('GET', 'projects/:id/registry/repositories', (c) => this.listProjectRepositories(c), registry),
      r('DELETE', 'projects/:id/registry/repositories/:rid', (c) => this.deleteRepository(c), { ...registry, ...authed }),
      r('GET', 'projects/:id/registry/repositories/:rid/tags', (c) => this.listTags(c), registry),
      r('DELETE', 'projects/:id/registry/repositories/:rid/tags', (c) => this.bulkDelete(c), { ...registry, ...authed }),
      r('GET', 'projects/:id/registry/repositories/:rid/tags/:tag', (c) => this.tagDetails(c), registry),
      r('DELETE', 'projects/:id/registry/repositories/:rid/tags/:tag', (c) => this.deleteTag(c), { ...registry, ...authed }),
      r('GET', 'projects/:id/registry/protection/tag/rules', (c) => this.tagRules(c), { ...registry, ...authed }),
      r('GET', 'projects/:id/registry/protection/repository/rules', (c) => this.repoRules(c), { ...registry, ...authed }),
      r('GET', 'projects/:id/repository/branches', (c) => this.codeList(c, branchEntities)),
      r('GET', 'projects/:id/merge_requests', (c) => this.codeList(c, mergeRequestEntities)),
    ];
  }

  // --- dispatch ---------------------------------------------------------------------------------------

  handle(req: ApiRequest): Reply {
    try {
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      const rest = req.rawPath.replace(/^\/api\/v4\/?/, '');
      const parts = rest.split('/').filter(Boolean);
      for (const route of this.routes) {
        if (route.method !== method) continue;
        const params = matchRoute(route.segments, parts);
        if (!params) continue;
        const caller = this.authenticate(req, route, params);
        const input = mergeParams(req.query, req.headers['content-type'], req.body);
        const entities: EntityContext = { state: this.state, origin: req.origin, registryHost: this.settings.registryHost };
        return route.handler({ req, params, input, caller, entities });
      }
      return { status: 404, body: { error: '404 Not Found' } };
    } catch (e) {
      if (e instanceof ApiError) return { status: e.status, body: e.body, headers: e.headers };
      return { status: 500, body: { message: '500 Internal Server Error' } };
    }
  }

  // --- authentication --------------------------------------------------------------------------------

  private authenticate(req: ApiRequest, route: Route, params: Record<string, string>): Caller {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const jobValue = header('job-token') ?? req.query.get('job_token') ?? undefined;
    if (jobValue !== undefined) {
      const job = this.state.jobTokens.find((j) => j.value === jobValue);
      const project = params.id === undefined ? undefined : findProjectByRef(this.state, params.id);
      if (!job || !route.jobToken || !project || project.id !== job.projectId) throw unauthorized();
      return { kind: 'job', user: this.state.users.get(job.userId) };
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header('authorization') ?? '')?.[1];
    const value = header('private-token') ?? req.query.get('private_token') ?? bearer ?? req.query.get('access_token') ?? undefined;
    if (value === undefined) {
      if (route.auth === 'required') throw unauthorized();
      return { kind: 'anonymous' };
    }
    const token = this.state.tokens.find((t) => t.value === value);
    if (!token) throw unauthorized();
    if (this.isExpired(token)) throw invalidToken('Token is expired. You can either do re-authorization or token refresh.');
    if (token.revoked) throw invalidToken('Token was revoked. You have to re-authorize from the user.');
    const accepted = route.scopes ?? (route.method === 'GET' ? ['api', 'read_api'] : ['api']);
    if (accepted !== 'any' && !token.scopes.some((s) => accepted.includes(s))) {
      throw new ApiError(403, {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: accepted.join(' '),
      });
    }
    return { kind: 'user', user: this.state.users.get(token.userId), token };
  }

  private isExpired(token: TokenRec): boolean {
    return token.expiresAt !== null && this.settings.now() >= Date.parse(`${token.expiresAt}T00:00:00Z`);
  }

  // --- permissions ----------------------------------------------------------------------------------------

  private access(caller: Caller, project: ProjectRec): number {
    return projectAccess(this.state, caller.user?.id, project.id);
  }

  private canSeeProject(caller: Caller, p: ProjectRec): boolean {
    if (p.visibility === 'public') return true;
    if (p.visibility === 'internal') return caller.kind !== 'anonymous';
    return this.access(caller, p) >= ACCESS.guest;
  }

  /** read_container_image: Reporter+, or anyone who sees a public/internal project whose registry is 'enabled'. */
  private canReadRegistry(caller: Caller, p: ProjectRec): boolean {
    if (p.registryAccessLevel === 'disabled') return false;
    if (this.access(caller, p) >= ACCESS.reporter) return true;
    if (p.registryAccessLevel !== 'enabled') return false;
    return p.visibility === 'public' || (p.visibility === 'internal' && caller.kind !== 'anonymous');
  }

  private canSeeGroup(caller: Caller, g: GroupRec): boolean {
    if (g.visibility === 'public') return true;
    if (g.visibility === 'internal') return caller.kind !== 'anonymous';
    return groupAccess(this.state, caller.user?.id, g.id) >= ACCESS.guest;
  }

  /** Tag protection (metadata DB only): a rule matches (RE2, unanchored) and asks more than `access`. */
  isTagProtected(project: ProjectRec, tagName: string, access: number): boolean {
    if (this.settings.legacyRegistry) return false;
    return project.tagRules.some((rule) => {
      const immutable = rule.minimum_access_level_for_delete === null && rule.minimum_access_level_for_push === null;
      const above = immutable || protectionLevelValue(rule.minimum_access_level_for_delete) > access;
      return above && (compileRe2(rule.tag_name_pattern)?.test(tagName) ?? false);
    });
  }

  private visibleProject(c: Ctx): ProjectRec {
    const p = findProjectByRef(this.state, c.params.id);
    if (!p || !this.canSeeProject(c.caller, p)) throw projectNotFound();
    return p;
  }

  /** Branches and merge requests: the code is readable from Reporter up, or by anyone who sees a public project. */
  private codeList(c: Ctx, list: (p: ProjectRec, input: Record<string, unknown>) => Array<Record<string, unknown>>): Reply {
    const p = this.visibleProject(c);
    if (p.visibility !== 'public' && this.access(c.caller, p) < ACCESS.reporter) throw forbidden();
    const page = offsetPage(list(p, c.input), c.req.query, c.req.origin + c.req.rawPath);
    return { status: 200, body: page.items, headers: page.headers };
  }

  private registryProject(c: Ctx): ProjectRec {
    const p = this.visibleProject(c);
    if (!this.canReadRegistry(c.caller, p)) throw forbidden();
    return p;
  }

  private projectRepository(c: Ctx, p: ProjectRec): RepoRec {
    const repo = /^\d+$/.test(c.params.rid) ? this.state.repos.get(Number(c.params.rid)) : undefined;
    if (!repo || repo.projectId !== p.id) throw recordNotFound();
    return repo;
  }

  private visibleGroup(c: Ctx): GroupRec {
    const g = findGroupByRef(this.state, c.params.id);
    if (!g || !this.canSeeGroup(c.caller, g)) throw groupNotFound();
    return g;
  }

  private requireAccess(c: Ctx, p: ProjectRec, level: number): void {
    if (this.access(c.caller, p) < level) throw forbidden();
  }

  // --- identity -------------------------------------------------------------------------------------------

  private tokenSelf(c: Ctx): Reply {
    if (!c.caller.token) throw unauthorized();
    return { status: 200, body: tokenEntity(c.caller.token, this.isExpired(c.caller.token)) };
  }

  private metadata(): Record<string, unknown> {
    return {
      ...REGISTRY_VERSION,
      kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null },
      enterprise: true,
    };
  }

  // --- projects and groups ------------------------------------------------------------------

  private filterAndSortProjects(c: Ctx, projects: ProjectRec[]): ProjectRec[] {
    const q = c.req.query;
    const minAccess = intParam(q, 'min_access_level', 0);
    let list = projects.filter((p) => this.canSeeProject(c.caller, p));
    if (boolParam(c.input, 'membership') || minAccess > 0) {
      list = list.filter((p) => this.access(c.caller, p) >= Math.max(minAccess, ACCESS.guest));
    }
    if (boolParam(c.input, 'owned')) list = list.filter((p) => this.access(c.caller, p) >= ACCESS.owner);
    const visibility = stringParam(c.input, 'visibility');
    if (visibility) list = list.filter((p) => p.visibility === visibility);
    if (q.has('archived')) {
      const archived = boolParam(c.input, 'archived');
      list = list.filter((p) => p.archived === archived);
    }
    const search = stringParam(c.input, 'search')?.toLowerCase();
    if (search) {
      const inNamespaces = boolParam(c.input, 'search_namespaces');
      list = list.filter((p) => p.name.toLowerCase().includes(search) || p.path.toLowerCase().includes(search)
        || (inNamespaces && p.fullPath.toLowerCase().includes(search)));
    }
    const orderBy = stringParam(c.input, 'order_by') ?? 'created_at';
    const keys: Record<string, (p: ProjectRec) => string | number> = {
      id: (p) => p.id, name: (p) => p.name.toLowerCase(), path: (p) => p.path.toLowerCase(),
      created_at: (p) => p.createdAt, updated_at: (p) => p.lastActivityAt, last_activity_at: (p) => p.lastActivityAt,
    };
    const key = keys[orderBy];
    if (!key) throw new ApiError(400, { error: 'order_by does not have a valid value' });
    return sortBy(list, key, this.sortDirection(c, 'desc'));
  }

  private sortDirection(c: Ctx, fallback: 'asc' | 'desc'): 'asc' | 'desc' {
    const sort = stringParam(c.input, 'sort') ?? fallback;
    if (sort !== 'asc' && sort !== 'desc') throw new ApiError(400, { error: 'sort does not have a valid value' });
    return sort;
  }

  private presentProjects(c: Ctx, list: ProjectRec[]): Reply {
    const page = offsetPage(list, c.req.query, c.req.origin + c.req.rawPath);
    const simple = boolParam(c.input, 'simple');
    return { status: 200, body: page.items.map((p) => projectEntity(p, c.entities, { simple })), headers: page.headers };
  }

  private listProjects(c: Ctx): Reply {
    return this.presentProjects(c, this.filterAndSortProjects(c, [...this.state.projects.values()]));
  }

  private getProject(c: Ctx): Reply {
    const p = this.visibleProject(c);
    return { status: 200, body: this.fullProject(c, p) };
  }

  private fullProject(c: Ctx, p: ProjectRec): Record<string, unknown> {
    const userId = c.caller.user?.id;
    const direct = userId === undefined ? 0 : this.state.projectMembers.get(p.id)?.get(userId) ?? 0;
    return projectEntity(p, c.entities, {
      simple: false,
      permissions: { project: direct, group: groupAccess(this.state, userId, p.groupId) },
    });
  }

  /** PUT /projects/:id — only container_expiration_policy_attributes is modelled. */
  private updateProject(c: Ctx): Reply {
    const p = this.visibleProject(c);
    this.requireAccess(c, p, ACCESS.maintainer);
    const attrs = c.input.container_expiration_policy_attributes;
    if (attrs !== undefined) {
      if (typeof attrs !== 'object' || attrs === null) {
        throw new ApiError(400, { error: 'container_expiration_policy_attributes is invalid' });
      }
      this.updatePolicy(p, attrs as Record<string, unknown>);
    }
    return { status: 200, body: this.fullProject(c, p) };
  }

  private updatePolicy(p: ProjectRec, attrs: Record<string, unknown>): void {
    const field = (name: string) => `container_expiration_policy_attributes[${name}]`;
    const next = { ...p.policy };
    const str = (name: 'cadence' | 'older_than' | 'name_regex' | 'name_regex_keep') => {
      if (!(name in attrs)) return;
      const v = attrs[name];
      if (v !== null && typeof v !== 'string' && typeof v !== 'number') throw new ApiError(400, { error: `${field(name)} is invalid` });
      (next as Record<string, unknown>)[name] = v === null || v === '' ? null : String(v);
    };
    str('cadence');
    str('older_than');
    str('name_regex');
    str('name_regex_keep');
    if ('keep_n' in attrs) {
      const v = attrs.keep_n;
      if (v === null || v === '') next.keep_n = null;
      else if (typeof v === 'number' && Number.isInteger(v)) next.keep_n = v;
      else if (typeof v === 'string' && /^-?\d+$/.test(v)) next.keep_n = Number(v);
      else throw new ApiError(400, { error: `${field('keep_n')} is invalid` });
    }
    if ('enabled' in attrs) {
      try {
        next.enabled = boolParam(attrs, 'enabled');
      } catch {
        throw new ApiError(400, { error: `${field('enabled')} is invalid` });
      }
    }

    const errors: Record<string, string[]> = {};
    const add = (attr: string, text: string) => (errors[`container_expiration_policy.${attr}`] ??= []).push(text);
    if (next.cadence === null || next.cadence === '') add('cadence', "can't be blank");
    else if (!CADENCES.includes(next.cadence)) add('cadence', 'is not included in the list');
    if (next.keep_n !== null && !KEEP_NS.includes(next.keep_n)) add('keep_n', 'is not included in the list');
    if (next.older_than !== null && !OLDER_THANS.includes(next.older_than)) add('older_than', 'is not included in the list');
    if (next.enabled) {
      for (const name of ['name_regex', 'name_regex_keep'] as const) {
        const pattern = next[name];
        if (pattern !== null && !isValidRe2(pattern)) add(name, 'not valid RE2 syntax');
      }
    }
    if (Object.keys(errors).length > 0) throw new ApiError(400, { message: errors });
    next.next_run_at = isoTimestamp(this.settings.now() + (parseDuration(next.cadence) ?? 86400) * 1000);
    p.policy = next;
  }

  /** GET /groups, or with `parentId` GET /groups/:id/subgroups (the direct subgroups the caller may see). */
  private listGroups(c: Ctx, parentId?: number): Reply {
    const userId = c.caller.user?.id;
    const minAccess = intParam(c.req.query, 'min_access_level', 0);
    const allAvailable = boolParam(c.input, 'all_available');
    let list = [...this.state.groups.values()].filter((g) => {
      const level = groupAccess(this.state, userId, g.id);
      if (c.caller.kind === 'anonymous') return g.visibility === 'public';
      return level >= ACCESS.guest || (allAvailable && g.visibility !== 'private');
    });
    if (minAccess > 0) list = list.filter((g) => groupAccess(this.state, userId, g.id) >= minAccess);
    if (boolParam(c.input, 'owned')) list = list.filter((g) => groupAccess(this.state, userId, g.id) >= ACCESS.owner);
    if (boolParam(c.input, 'top_level_only')) list = list.filter((g) => g.parentId === null);
    if (parentId !== undefined) list = list.filter((g) => g.parentId === parentId);
    const search = stringParam(c.input, 'search')?.toLowerCase();
    if (search) list = list.filter((g) => g.name.toLowerCase().includes(search) || g.path.toLowerCase().includes(search));
    const orderBy = stringParam(c.input, 'order_by') ?? 'name';
    const keys: Record<string, (g: GroupRec) => string | number> = {
      id: (g) => g.id, name: (g) => g.name.toLowerCase(), path: (g) => g.path.toLowerCase(),
    };
    const key = keys[orderBy];
    if (!key) throw new ApiError(400, { error: 'order_by does not have a valid value' });
    list = sortBy(list, key, this.sortDirection(c, 'asc'));
    const page = offsetPage(list, c.req.query, c.req.origin + c.req.rawPath);
    return { status: 200, body: page.items.map((g) => groupEntity(g, c.entities)), headers: page.headers };
  }

  private listGroupProjects(c: Ctx): Reply {
    const g = this.visibleGroup(c);
    const subgroups = boolParam(c.input, 'include_subgroups');
    const inGroup = [...this.state.projects.values()].filter((p) =>
      subgroups ? isInSubtree(this.state, p.groupId, g.id) : p.groupId === g.id);
    return this.presentProjects(c, this.filterAndSortProjects(c, inGroup));
  }

  // --- registry repositories --------------------------------------------------------------------------

  private listProjectRepositories(c: Ctx): Reply {
    const p = this.registryProject(c);
    const repos = [...this.state.repos.values()].filter((r) => r.projectId === p.id).sort((a, b) => a.id - b.id);
    const page = offsetPage(repos, c.req.query, c.req.origin + c.req.rawPath);
    const opts = { tags: boolParam(c.input, 'tags'), tagsCount: boolParam(c.input, 'tags_count') };
    return { status: 200, body: page.items.map((r) => repositoryEntity(r, c.entities, opts)), headers: page.headers };
  }

  /** Repositories of every project in the group and its subgroups that the caller may read. */
  private listGroupRepositories(c: Ctx): Reply {
    const g = this.visibleGroup(c);
    const level = groupAccess(this.state, c.caller.user?.id, g.id);
    if (level < ACCESS.reporter && g.visibility !== 'public') throw forbidden();
    const repos = [...this.state.repos.values()]
      .filter((r) => {
        const p = this.state.projects.get(r.projectId)!;
        return isInSubtree(this.state, p.groupId, g.id) && this.canReadRegistry(c.caller, p);
      })
      .sort((a, b) => a.id - b.id);
    const page = offsetPage(repos, c.req.query, c.req.origin + c.req.rawPath);
    return { status: 200, body: page.items.map((r) => repositoryEntity(r, c.entities)), headers: page.headers };
  }

  private getRepository(c: Ctx): Reply {
    const repo = /^\d+$/.test(c.params.rid) ? this.state.repos.get(Number(c.params.rid)) : undefined;
    if (!repo) throw recordNotFound();
    const p = this.state.projects.get(repo.projectId)!;
    if (!this.canReadRegistry(c.caller, p)) throw forbidden();
    return {
      status: 200,
      body: repositoryEntity(repo, c.entities, {
        tags: boolParam(c.input, 'tags'),
        tagsCount: boolParam(c.input, 'tags_count'),
        deleteApiPath: this.access(c.caller, p) >= ACCESS.maintainer,
        size: boolParam(c.input, 'size') ? (this.settings.legacyRegistry ? null : repo.sizeBytes) : undefined,
      }),
    };
  }

  /** 202; the deletion then moves on by timer or advanceRepositoryDeletions(). */
  private deleteRepository(c: Ctx): Reply {
    const p = this.registryProject(c);
    const repo = this.projectRepository(c, p);
    const access = this.access(c.caller, p);
    if (access < ACCESS.maintainer) throw forbidden();
    if (repositoryDeleteRefusal(this.state, p, repo, access, this.settings.legacyRegistry) !== null) {
      throw forbidden('Deleting protected container repository forbidden.');
    }
    repo.status = 'delete_scheduled';
    this.scheduleDeletionStep(repo.id);
    return { status: 202 };
  }

  // --- tags ---------------------------------------------------------------------------------

  private listTags(c: Ctx): Reply {
    const p = this.registryProject(c);
    const repo = this.projectRepository(c, p);
    const base = c.req.origin + c.req.rawPath;
    if (stringParam(c.input, 'pagination') !== 'keyset') {
      const page = offsetPage(repo.tags, c.req.query, base);
      return { status: 200, body: page.items.map((t) => tagEntity(repoPath(this.state, repo), t, c.entities)), headers: page.headers };
    }
    if (this.settings.legacyRegistry) throw message(405, 'Method Not Allowed');
    const sort = this.sortDirection(c, 'asc');
    const perPage = perPageParam(c.req.query, 1000);
    const last = stringParam(c.input, 'last');
    const tags = repo.tags;
    const items = [];
    let hasMore: boolean;
    if (sort === 'asc') {
      let i = 0;
      if (last !== undefined) {
        const at = findTagIndex(tags, last);
        i = at >= 0 ? at + 1 : -at - 1;
      }
      for (; i < tags.length && items.length < perPage; i++) items.push(tags[i]);
      hasMore = i < tags.length;
    } else {
      let i = tags.length - 1;
      if (last !== undefined) {
        const at = findTagIndex(tags, last);
        i = at >= 0 ? at - 1 : -at - 2;
      }
      for (; i >= 0 && items.length < perPage; i--) items.push(tags[i]);
      hasMore = i >= 0;
    }
    const headers: Record<string, string> = {};
    if (hasMore && items.length > 0) {
      headers.Link = keysetNextLink(base, c.req.query, { last: items[items.length - 1].name, per_page: perPage, sort });
    }
    return { status: 200, body: items.map((t) => tagEntity(repoPath(this.state, repo), t, c.entities)), headers };
  }

  private tagDetails(c: Ctx): Reply {
    const p = this.registryProject(c);
    const repo = this.projectRepository(c, p);
    const at = findTagIndex(repo.tags, c.params.tag);
    if (at < 0) throw tagNotFound();
    return { status: 200, body: tagDetailsEntity(repoPath(this.state, repo), repo.tags[at], c.entities) };
  }

  /** Removes only this tag; other tags on the same digest stay. A missing tag is 404 Tag Not Found. */
  private deleteTag(c: Ctx): Reply {
    const p = this.registryProject(c);
    const repo = this.projectRepository(c, p);
    const access = this.access(c.caller, p);
    if (access < ACCESS.developer) throw forbidden();
    const at = findTagIndex(repo.tags, c.params.tag);
    if (at < 0) throw tagNotFound();
    // A repository rule above the caller: the image may not be deleted (policy check, GitLab's plain 403).
    if (repositoryRuleGuards(this.state, p, repo, access)) throw forbidden();
    if (this.isTagProtected(p, c.params.tag, access)) throw forbidden('cannot delete protected tag(s)');
    repo.tags.splice(at, 1);
    return { status: 200 };
  }

  // --- bulk delete -------------------------------------------------------------------------------------------

  private bulkDelete(c: Ctx): Reply {
    const p = this.registryProject(c);
    const params = this.validateBulkParams(c.input);
    const repo = this.projectRepository(c, p);
    const access = this.access(c.caller, p);
    if (access < ACCESS.maintainer) throw forbidden();
    const now = this.settings.now();
    const lease = this.leases.get(repo.id);
    if (lease !== undefined && lease > now) {
      throw new ApiError(400, {
        message: 'This request has already been made. You can run this at most once an hour for a given container repository',
      });
    }
    this.leases.set(repo.id, now + HOUR_MS);
    this.bulkJobs.push({
      id: this.bulkJobs.length + 1, repositoryId: repo.id, projectId: p.id, params, callerAccess: access,
      status: 'queued', deleted: [], sampled: false,
    });
    if (this.settings.bulkJobDelayMs > 0) this.later(this.settings.bulkJobDelayMs, () => this.runBulkJobs());
    return { status: 202 };
  }

  /** Grape's declared params: at_least_one_of regexes, untrusted_regexp validation, keep_n Integer. */
  private validateBulkParams(input: Record<string, unknown>): BulkParams {
    const regexDelete = stringParam(input, 'name_regex_delete');
    const regex = stringParam(input, 'name_regex');
    if (regexDelete === undefined && regex === undefined) {
      throw new ApiError(400, { error: 'name_regex_delete, name_regex are missing, at least one parameter must be provided' });
    }
    const errors: string[] = [];
    const keepN = stringParam(input, 'keep_n');
    if (keepN !== undefined && !/^-?\d+$/.test(keepN)) errors.push('keep_n is invalid');
    for (const name of ['name_regex_delete', 'name_regex', 'name_regex_keep']) {
      const v = stringParam(input, name);
      if (v !== undefined && !isValidRe2(v)) errors.push(`${name} is an invalid regexp`);
    }
    if (errors.length > 0) throw new ApiError(400, { error: errors.join(', ') });
    return {
      nameRegexDelete: (regexDelete ?? regex)!,
      nameRegexKeep: stringParam(input, 'name_regex_keep') ?? null,
      keepN: keepN === undefined ? null : Number(keepN),
      olderThan: stringParam(input, 'older_than') ?? null,
    };
  }

  /** Runs every queued bulk job now (what CleanupContainerRepositoryWorker does later in GitLab). */
  runBulkJobs(): void {
    for (const job of this.bulkJobs) {
      if (job.status !== 'queued') continue;
      const repo = this.state.repos.get(job.repositoryId);
      const project = this.state.projects.get(job.projectId);
      if (!repo || !project) {
        job.status = 'failed';
        job.error = 'repository not found';
        continue;
      }
      try {
        const selection = selectTagsForBulkDelete(repo.tags, job.params, {
          now: this.settings.now(),
          legacy: this.settings.legacyRegistry,
          random: this.random,
          isProtected: (name) => this.isTagProtected(project, name, job.callerAccess),
        });
        const doomed = new Set(selection.toDelete);
        repo.tags = repo.tags.filter((t) => !doomed.has(t.name));
        job.deleted = selection.toDelete;
        job.sampled = selection.sampled;
        job.status = 'done';
      } catch (e) {
        job.status = 'failed';
        job.error = (e as Error).message;
      }
    }
  }

  // --- protection rules ---------------------------------------------------------------------------------

  private tagRules(c: Ctx): Reply {
    const p = this.visibleProject(c);
    if (this.settings.legacyRegistry) throw message(404, 'Not Found');
    this.requireAccess(c, p, ACCESS.maintainer);
    return { status: 200, body: p.tagRules.map((rule) => tagRuleEntity(rule, p.id)) };
  }

  private repoRules(c: Ctx): Reply {
    const p = this.visibleProject(c);
    this.requireAccess(c, p, ACCESS.maintainer);
    return { status: 200, body: p.repoRules.map((rule) => repoRuleEntity(rule, p.id)) };
  }

  // --- repository deletion worker --------------------------------------------------------------------------

  scheduleDeletionStep(repoId: number): void {
    const step = this.settings.repositoryDeletionStepMs;
    if (step <= 0) return;
    this.later(step, () => {
      if (this.advanceDeletion(repoId)) this.scheduleDeletionStep(repoId);
    });
  }

  /** One step for one repository; true while further steps remain. */
  private advanceDeletion(repoId: number): boolean {
    const repo = this.state.repos.get(repoId);
    if (!repo) return false;
    if (repo.status === 'delete_scheduled') {
      repo.status = 'delete_ongoing';
      return true;
    }
    if (repo.status === 'delete_ongoing') {
      if (repo.failDeletion) repo.status = 'delete_failed';
      else this.state.repos.delete(repoId);
    }
    return false;
  }

  advanceRepositoryDeletions(): void {
    for (const id of [...this.state.repos.keys()]) this.advanceDeletion(id);
  }

  failRepositoryDeletion(id: number, fail: boolean): void {
    const repo = this.state.repos.get(id);
    if (repo) repo.failDeletion = fail;
  }

  // --- state access for the control API ------------------------------------------------------------------------

  repository(id: number): DoubleRepository | undefined {
    const repo = this.state.repos.get(id);
    if (!repo) return undefined;
    return {
      id: repo.id, project_id: repo.projectId, name: repo.name, path: repoPath(this.state, repo), created_at: repo.createdAt,
      cleanup_policy_started_at: repo.cleanupPolicyStartedAt, status: repo.status, tags: repo.tags.map((t) => ({ ...t })),
    };
  }

  repositoryByPath(path: string): DoubleRepository | undefined {
    const wanted = path.toLowerCase();
    for (const repo of this.state.repos.values()) if (repoPath(this.state, repo) === wanted) return this.repository(repo.id);
    return undefined;
  }

  /** Back to the seeded state: data, leases, bulk jobs and pending timers. */
  reset(): void {
    this.clearTimers();
    this.state = buildScenario(this.settings.scenario, this.settings.now());
    this.leases.clear();
    this.bulkJobs.length = 0;
    this.random = seededRandom(this.settings.seed);
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }
}

function matchRoute(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) {
      try {
        params[pattern[i].slice(1)] = decodeURIComponent(parts[i]);
      } catch {
        return null;
      }
    } else if (pattern[i] !== parts[i]) {
      return null;
    }
  }
  return params;
}

/** Sorted by key, ties by id (GitLab adds an id tie-breaker in the same direction). */
function sortBy<T extends { id: number }>(list: T[], key: (item: T) => string | number, dir: 'asc' | 'desc'): T[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return sign * (ka < kb ? -1 : ka > kb ? 1 : a.id - b.id);
  });
}


// JSON renderings of the records, field for field as GitLab's Grape entities (docs/gitlab-api.md).

import {
  ACCESS, GroupRec, PolicyRec, ProjectRec, RepoRec, RepoRuleRec, State, TagRec, TagRuleRec, TokenRec, UserRec, repoPath,
} from './model';

export interface EntityContext {
  state: State;
  /** Origin written into URLs (web_url, delete_api_path, Link): the linkOrigin option or the request's. */
  origin: string;
  registryHost: string;
}

export function tokenEntity(t: TokenRec, expired: boolean): Record<string, unknown> {
  return {
    id: t.id, name: t.name, revoked: t.revoked, created_at: t.createdAt, description: t.description,
    scopes: t.scopes, user_id: t.userId, last_used_at: t.lastUsedAt, active: !t.revoked && !expired,
    expires_at: t.expiresAt, expired, last_used_ips: ['127.0.0.1'],
  };
}

export function userEntity(u: UserRec, ctx: EntityContext): Record<string, unknown> {
  const entity: Record<string, unknown> = {
    id: u.id, username: u.username, name: u.name, state: 'active', locked: false,
    avatar_url: null, web_url: `${ctx.origin}/${u.username}`, created_at: u.createdAt, bio: '', location: '',
    public_email: null, skype: '', linkedin: '', twitter: '', discord: '', website_url: '', organization: '',
    job_title: '', pronouns: null, bot: u.bot, work_information: null, local_time: null,
    last_sign_in_at: u.createdAt, confirmed_at: u.createdAt, last_activity_on: u.createdAt.slice(0, 10),
    email: u.email, theme_id: 1, color_scheme_id: 1, projects_limit: 100000, current_sign_in_at: u.createdAt,
    identities: [], can_create_group: true, can_create_project: true, two_factor_enabled: false,
    external: false, private_profile: false, commit_email: u.email,
  };
  if (u.isAdmin) entity.is_admin = true;
  return entity;
}

function namespaceEntity(g: GroupRec, ctx: EntityContext): Record<string, unknown> {
  return {
    id: g.id, name: g.name, path: g.path, kind: 'group', full_path: g.fullPath, parent_id: g.parentId,
    avatar_url: null, web_url: `${ctx.origin}/groups/${g.fullPath}`,
  };
}

export function groupEntity(g: GroupRec, ctx: EntityContext): Record<string, unknown> {
  const names: string[] = [];
  for (let cur: GroupRec | undefined = g; cur; cur = cur.parentId === null ? undefined : ctx.state.groups.get(cur.parentId)) {
    names.unshift(cur.name);
  }
  return {
    id: g.id, web_url: `${ctx.origin}/groups/${g.fullPath}`, name: g.name, path: g.path, description: g.description,
    visibility: g.visibility, share_with_group_lock: false, require_two_factor_authentication: false,
    two_factor_grace_period: 48, project_creation_level: 'developer', auto_devops_enabled: null,
    subgroup_creation_level: 'maintainer', emails_disabled: false, emails_enabled: true, mentions_disabled: null,
    lfs_enabled: true, default_branch: null, default_branch_protection: 2, avatar_url: null,
    request_access_enabled: true, full_name: names.join(' / '), full_path: g.fullPath, created_at: g.createdAt,
    parent_id: g.parentId, organization_id: 1, shared_runners_setting: 'enabled', ldap_cn: null, ldap_access: null,
    marked_for_deletion_on: null,
  };
}

export function policyEntity(p: PolicyRec): Record<string, unknown> {
  return {
    cadence: p.cadence, enabled: p.enabled, keep_n: p.keep_n, older_than: p.older_than, name_regex: p.name_regex,
    name_regex_keep: p.name_regex_keep, next_run_at: p.next_run_at,
  };
}

export interface ProjectEntityOptions {
  simple: boolean;
  /** Single-project GET adds `permissions`. */
  permissions?: { project: number; group: number };
}

export function projectEntity(p: ProjectRec, ctx: EntityContext, opts: ProjectEntityOptions): Record<string, unknown> {
  const group = ctx.state.groups.get(p.groupId)!;
  const namespaceNames = groupEntity(group, ctx).full_name as string;
  const webUrl = `${ctx.origin}/${p.fullPath}`;
  const host = ctx.origin.replace(/^https?:\/\//, '').replace(/:\d+$/, '');
  const basic: Record<string, unknown> = {
    id: p.id, description: p.description, name: p.name, name_with_namespace: `${namespaceNames} / ${p.name}`,
    path: p.path, path_with_namespace: p.fullPath, created_at: p.createdAt, default_branch: p.defaultBranch,
    tag_list: [], topics: [], ssh_url_to_repo: `git@${host}:${p.fullPath}.git`,
    http_url_to_repo: `${webUrl}.git`, web_url: webUrl, readme_url: `${webUrl}/-/blob/main/README.md`,
    forks_count: 0, avatar_url: null, star_count: 0, last_activity_at: p.lastActivityAt,
    namespace: namespaceEntity(group, ctx),
  };
  if (opts.simple) return basic;
  const project: Record<string, unknown> = {
    ...basic,
    container_registry_image_prefix: `${ctx.registryHost}/${p.fullPath.toLowerCase()}`,
    _links: {
      self: `${ctx.origin}/api/v4/projects/${p.id}`,
      issues: `${ctx.origin}/api/v4/projects/${p.id}/issues`,
      merge_requests: `${ctx.origin}/api/v4/projects/${p.id}/merge_requests`,
      repo_branches: `${ctx.origin}/api/v4/projects/${p.id}/repository/branches`,
      labels: `${ctx.origin}/api/v4/projects/${p.id}/labels`,
      events: `${ctx.origin}/api/v4/projects/${p.id}/events`,
      members: `${ctx.origin}/api/v4/projects/${p.id}/members`,
      cluster_agents: `${ctx.origin}/api/v4/projects/${p.id}/cluster_agents`,
    },
    packages_enabled: true, empty_repo: false, archived: p.archived, visibility: p.visibility,
    resolve_outdated_diff_discussions: false,
    container_expiration_policy: policyEntity(p.policy),
    repository_object_format: 'sha1', issues_enabled: true, merge_requests_enabled: true, wiki_enabled: true,
    jobs_enabled: true, snippets_enabled: true,
    container_registry_enabled: p.registryAccessLevel !== 'disabled',
    service_desk_enabled: false, can_create_merge_request_in: true,
    issues_access_level: 'enabled', repository_access_level: 'enabled', merge_requests_access_level: 'enabled',
    forking_access_level: 'enabled', wiki_access_level: 'enabled', builds_access_level: 'enabled',
    snippets_access_level: 'enabled', pages_access_level: 'private', analytics_access_level: 'enabled',
    container_registry_access_level: p.registryAccessLevel, security_and_compliance_access_level: 'private',
    releases_access_level: 'enabled', environments_access_level: 'enabled',
    feature_flags_access_level: 'enabled', infrastructure_access_level: 'enabled',
    monitor_access_level: 'enabled', model_experiments_access_level: 'enabled',
    model_registry_access_level: 'enabled', emails_disabled: false, emails_enabled: true,
    shared_runners_enabled: true, lfs_enabled: true, creator_id: 1, import_status: 'none',
    open_issues_count: 0, description_html: `<p>${p.description}</p>`, updated_at: p.lastActivityAt,
    ci_default_git_depth: 20, public_jobs: true, shared_with_groups: [], only_allow_merge_if_pipeline_succeeds: false,
    request_access_enabled: true, remove_source_branch_after_merge: true, printing_merge_request_link_enabled: true,
    merge_method: 'merge', squash_option: 'default_off', auto_devops_enabled: false,
  };
  if (opts.permissions) {
    const level = (n: number) => (n > ACCESS.none ? { access_level: Math.min(n, ACCESS.owner), notification_level: 3 } : null);
    project.permissions = { project_access: level(opts.permissions.project), group_access: level(opts.permissions.group) };
  }
  return project;
}

export interface RepositoryEntityOptions {
  tags?: boolean;
  tagsCount?: boolean;
  /** GET /registry/repositories/:id only. */
  deleteApiPath?: boolean;
  /** GET /registry/repositories/:id?size=true; null on legacy registries. */
  size?: number | null;
}

export function repositoryEntity(r: RepoRec, ctx: EntityContext, opts: RepositoryEntityOptions = {}): Record<string, unknown> {
  const path = repoPath(ctx.state, r);
  const entity: Record<string, unknown> = {
    id: r.id, name: r.name, path, project_id: r.projectId, location: `${ctx.registryHost}/${path}`,
    created_at: r.createdAt, cleanup_policy_started_at: r.cleanupPolicyStartedAt,
  };
  if (opts.tagsCount) entity.tags_count = r.tags.length;
  if (opts.tags) entity.tags = r.tags.map((t) => tagEntity(path, t, ctx));
  if (opts.deleteApiPath) entity.delete_api_path = `${ctx.origin}/api/v4/projects/${r.projectId}/registry/repositories/${r.id}`;
  if (opts.size !== undefined) entity.size = opts.size;
  entity.status = r.status;
  return entity;
}

export function tagEntity(repositoryPath: string, t: TagRec, ctx: EntityContext): Record<string, unknown> {
  return { name: t.name, path: `${repositoryPath}:${t.name}`, location: `${ctx.registryHost}/${repositoryPath}:${t.name}` };
}

export function tagDetailsEntity(repositoryPath: string, t: TagRec, ctx: EntityContext): Record<string, unknown> {
  return {
    ...tagEntity(repositoryPath, t, ctx),
    revision: t.revision, short_revision: t.revision.slice(0, 9), digest: t.digest, created_at: t.created_at,
    total_size: t.total_size,
  };
}

export function repoRuleEntity(rule: RepoRuleRec, projectId: number): Record<string, unknown> {
  return {
    id: rule.id, project_id: projectId, repository_path_pattern: rule.repository_path_pattern,
    minimum_access_level_for_push: rule.minimum_access_level_for_push,
    minimum_access_level_for_delete: rule.minimum_access_level_for_delete,
  };
}

export function tagRuleEntity(rule: TagRuleRec, projectId: number): Record<string, unknown> {
  return {
    id: rule.id, project_id: projectId, tag_name_pattern: rule.tag_name_pattern,
    minimum_access_level_for_push: rule.minimum_access_level_for_push,
    minimum_access_level_for_delete: rule.minimum_access_level_for_delete,
  };
}

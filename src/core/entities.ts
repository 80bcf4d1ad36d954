// JSON from GitLab's REST API turned into the domain types (src/core/types.ts). Pure: no I/O.
//
// Server strings and people (docs/gitlab-api.md "Server strings"): free text that is only shown (names,
// locations, web URLs, messages) goes through stripControls here. Identifiers that are sent back in a later
// request or compared (tag names, project and group full paths, repository paths) are never altered: an
// entry whose identifier holds a control character is not GitLab's (its grammars forbid them) and is
// skipped, so nothing can be shown, selected or deleted through it.
import type {
  AccessLevelName, CleanupPolicy, Group, Project, Repository, RepositoryStatus, Tag, TagDetails, TagProtectionRule, RepositoryProtectionRule, TokenInfo, User,
} from './types';
import { hasControls, stripControls } from './text';

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** ISO 8601 UTC with milliseconds, or null for missing/unparseable values. */
export function normalizeTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

export function toNumberOrNull(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A string field that is only shown to people: controls stripped. */
export function text(value: unknown, fallback = ''): string {
  const s = typeof value === 'string' ? value : value === null || value === undefined ? fallback : String(value);
  return stripControls(s);
}

/** An optional string field that is only shown to people: controls stripped, null kept. */
export function textOrNull(value: unknown): string | null {
  return typeof value === 'string' ? stripControls(value) : null;
}

/** An identifier kept byte for byte (it is sent back or compared): only validated, never altered. */
function raw(value: unknown): string {
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
}

function rawOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A tag name GitLab could have: non-empty, no '/', no control character (the OCI grammar allows none). */
export function isValidTagName(name: unknown): name is string {
  return typeof name === 'string' && name !== '' && !name.includes('/') && !hasControls(name);
}

/** A positive whole-number id (GitLab sends numbers; numeric strings are tolerated). */
function hasId(v: unknown): v is Json {
  if (!isObject(v)) return false;
  const id = typeof v.id === 'number' ? v.id : typeof v.id === 'string' && /^\d+$/.test(v.id) ? Number(v.id) : NaN;
  return Number.isSafeInteger(id) && id > 0;
}

/** What identifies each kind of list item, and the identifiers sent back or compared (kept byte for byte). */
export const ITEM_RULES = {
  project: { valid: hasId, lacks: 'a numeric id', identifiers: ['path_with_namespace'] },
  group: { valid: hasId, lacks: 'a numeric id', identifiers: ['full_path'] },
  repository: { valid: hasId, lacks: 'a numeric id', identifiers: ['path', 'name'] },
  tag: { valid: (v: unknown): v is Json => isObject(v) && isValidTagName(v.name), lacks: 'a valid name', identifiers: ['name'] },
  rule: { valid: hasId, lacks: 'a numeric id', identifiers: [] },
} as const;
export type ItemKind = keyof typeof ITEM_RULES;

/** The first identifier of an entity that holds a control character (then it is not GitLab's: skipped). */
export function taintedIdentifier(v: Json, kind: ItemKind): string | undefined {
  return (ITEM_RULES[kind].identifiers as readonly string[]).find((f) => typeof v[f] === 'string' && hasControls(v[f] as string));
}

const STATUSES: ReadonlyArray<RepositoryStatus> = ['delete_scheduled', 'delete_ongoing', 'delete_failed'];

/** REST sends `delete_scheduled`, GraphQL `DELETE_SCHEDULED`; anything else is no deletion status. */
export function toRepositoryStatus(value: unknown): RepositoryStatus {
  const s = typeof value === 'string' ? value.toLowerCase() : null;
  return STATUSES.includes(s as RepositoryStatus) ? (s as RepositoryStatus) : null;
}

export function toRepository(json: Json): Repository {
  const status = toRepositoryStatus(json.status);
  const repo: Repository = {
    id: Number(json.id),
    name: raw(json.name),
    path: raw(json.path),
    project_id: Number(json.project_id),
    location: text(json.location),
    created_at: normalizeTimestamp(json.created_at),
    cleanup_policy_started_at: normalizeTimestamp(json.cleanup_policy_started_at),
    status,
  };
  if (json.tags_count !== undefined) repo.tags_count = toNumberOrNull(json.tags_count) ?? 0;
  if (json.size !== undefined) repo.size = toNumberOrNull(json.size);
  return repo;
}

export function toTag(json: Json): Tag {
  return { name: raw(json.name), path: text(json.path), location: text(json.location) };
}

/** A digest outside `algorithm:hex` (a control character, garbage) is unknown: null, never passed on. */
export function digestOrNull(value: unknown): string | null {
  return typeof value === 'string' && /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(value) ? value : null;
}

export function toTagDetails(json: Json): TagDetails {
  return {
    ...toTag(json),
    digest: digestOrNull(json.digest),
    revision: textOrNull(json.revision),
    short_revision: textOrNull(json.short_revision),
    created_at: normalizeTimestamp(json.created_at),
    total_size: toNumberOrNull(json.total_size),
  };
}

/**
 * Policy fields are kept as GitLab sent them: the regexes decide what a cleanup deletes and may be written
 * back, so stripping a character would change the rule. Display code strips them (the CLI's tables do).
 */
export function toCleanupPolicy(json: unknown): CleanupPolicy | null {
  if (!isObject(json)) return null;
  return {
    cadence: raw(json.cadence),
    enabled: json.enabled === true,
    keep_n: toNumberOrNull(json.keep_n),
    older_than: rawOrNull(json.older_than),
    name_regex: rawOrNull(json.name_regex),
    name_regex_keep: rawOrNull(json.name_regex_keep),
    next_run_at: normalizeTimestamp(json.next_run_at),
  };
}

export function toProject(json: Json): Project {
  const project: Project = {
    id: Number(json.id),
    path_with_namespace: raw(json.path_with_namespace),
    name: text(json.name),
    web_url: text(json.web_url),
  };
  if (typeof json.container_registry_image_prefix === 'string') project.container_registry_image_prefix = text(json.container_registry_image_prefix);
  if ('container_expiration_policy' in json) project.container_expiration_policy = toCleanupPolicy(json.container_expiration_policy);
  return project;
}

export function toGroup(json: Json): Group {
  return {
    id: Number(json.id),
    name: text(json.name),
    full_path: raw(json.full_path),
    parent_id: json.parent_id === null || json.parent_id === undefined ? null : Number(json.parent_id),
    web_url: text(json.web_url),
  };
}

export function toUser(json: Json): User {
  const user: User = { id: Number(json.id), username: text(json.username), name: text(json.name) };
  if (typeof json.bot === 'boolean') user.bot = json.bot;
  return user;
}

export function toTokenInfo(json: Json): TokenInfo {
  return {
    id: Number(json.id),
    name: text(json.name),
    scopes: Array.isArray(json.scopes) ? json.scopes.map((s) => text(s)) : [],
    active: json.active !== false,
    revoked: json.revoked === true,
    expires_at: textOrNull(json.expires_at),
    user_id: Number(json.user_id),
  };
}

/** What every protection rule has: its id, project and two levels (both null: an immutable tag rule). */
type RuleBase = Pick<TagProtectionRule, 'id' | 'project_id' | 'minimum_access_level_for_push' | 'minimum_access_level_for_delete'>;

function toRuleBase(json: Json): RuleBase {
  return {
    id: Number(json.id),
    project_id: Number(json.project_id),
    minimum_access_level_for_push: rawOrNull(json.minimum_access_level_for_push) as AccessLevelName | null,
    minimum_access_level_for_delete: rawOrNull(json.minimum_access_level_for_delete) as AccessLevelName | null,
  };
}

/** The pattern is matched against tag names by the rule engine: kept as sent (see toCleanupPolicy). */
export function toTagProtectionRule(json: Json): TagProtectionRule {
  return { ...toRuleBase(json), tag_name_pattern: raw(json.tag_name_pattern) };
}

export function toRepositoryProtectionRule(json: Json): RepositoryProtectionRule {
  return { ...toRuleBase(json), repository_path_pattern: raw(json.repository_path_pattern) };
}

/** The higher of `permissions.project_access` / `group_access` in a GET /projects/:id answer; null if neither. */
export function accessLevelOf(json: Json): number | null {
  const perms = isObject(json.permissions) ? json.permissions : undefined;
  let best: number | null = null;
  for (const key of ['project_access', 'group_access']) {
    const entry = perms?.[key];
    const level = isObject(entry) ? toNumberOrNull(entry.access_level) : null;
    if (level !== null && (best === null || level > best)) best = level;
  }
  return best;
}

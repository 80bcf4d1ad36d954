// Domain types shared by the extension and the CLI. Field names follow GitLab's REST entities
// (docs/gitlab-api.md) so that JSON output and GitLab responses line up one to one.

/** A numeric project/group id or its full path (`group/sub/my.project`); the client URL-encodes paths. */
export type ProjectRef = number | string;
export type GroupRef = number | string;

/** How a token is sent: PATs, project and group tokens as PRIVATE-TOKEN, CI job tokens as JOB-TOKEN. */
export interface Credential {
  kind: 'private' | 'job';
  value: string;
}

export interface ClientOptions {
  /** Instance URL as typed by the user; normalised by `normalizeInstanceUrl`. */
  baseUrl: string;
  credential?: Credential;
  /** Requests in flight for fan-out work (tag details, multi-deletes). Default 8. */
  concurrency?: number;
  /** Per-request timeout in ms. Default 30 000. */
  timeoutMs?: number;
  /** Retries for idempotent requests (GET, DELETE of one tag). Default 4. */
  maxRetries?: number;
  /** Permit plain http:// to a non-loopback host (the token would travel in clear text). */
  allowHttp?: boolean;
  log?: Logger;
  userAgent?: string;
}

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** One page of a paged listing; `next` is an opaque cursor for the following page, absent on the last. */
export interface Page<T> {
  items: T[];
  next?: string;
  /** GitLab's X-Total when it sends one (omitted for 10,000+ items). */
  total?: number;
}

export interface PageRequest {
  /** Cursor from a previous Page.next; absent for the first page. */
  cursor?: string;
  perPage?: number;
}

export interface TokenInfo {
  id: number;
  name: string;
  scopes: string[];
  active: boolean;
  revoked: boolean;
  /** YYYY-MM-DD or null. */
  expires_at: string | null;
  user_id: number;
}

export interface User {
  id: number;
  username: string;
  name: string;
  bot?: boolean;
}

/** Result of the token self-check used when adding an account. */
export interface TokenCheck {
  user: User;
  /** Null when the instance cannot tell (old GitLab, OAuth token): then scopes are unknown. */
  token: TokenInfo | null;
  scopes: string[] | null;
  /** True when the token cannot write (read_api without api). */
  readOnly: boolean;
}

export interface Project {
  id: number;
  path_with_namespace: string;
  name: string;
  web_url: string;
  container_registry_image_prefix?: string;
  container_expiration_policy?: CleanupPolicy | null;
}

export interface Group {
  id: number;
  name: string;
  full_path: string;
  parent_id: number | null;
  web_url: string;
}

export type RepositoryStatus = 'delete_scheduled' | 'delete_ongoing' | 'delete_failed' | null;

export interface Repository {
  id: number;
  name: string;
  path: string;
  project_id: number;
  location: string;
  created_at: string | null;
  cleanup_policy_started_at: string | null;
  status: RepositoryStatus;
  tags_count?: number;
  size?: number | null;
}

export interface Tag {
  name: string;
  path: string;
  location: string;
}

export interface TagDetails extends Tag {
  digest: string | null;
  revision: string | null;
  short_revision: string | null;
  /** ISO 8601 UTC with milliseconds (normalised), or null when GitLab has none. */
  created_at: string | null;
  total_size: number | null;
  /**
   * GraphQL's per-tag `protection` (the highest matching rule levels; null = no rule matches), on instances
   * whose schema has it. Absent when not asked (REST, older GitLab): protection is then decided from rules.
   */
  protection?: TagProtectionLevels | null;
}

/** The per-tag protection levels GraphQL gives (GitLab 17.9+). */
export interface TagProtectionLevels {
  minimumAccessLevelForDelete: AccessLevelName | null;
  minimumAccessLevelForPush: AccessLevelName | null;
}

export interface TagFailure {
  tag: string;
  /** "<HTTP status> <GitLab's message>", e.g. "403 Forbidden - cannot delete protected tag(s)". */
  error: string;
  status?: number;
  /**
   * 'unknown': a delete was sent for this tag, its answer was lost and the check that followed failed, so
   * the tag may be gone. Absent: GitLab refused it, or it was confirmed still there (docs/gitlab-api.md
   * "Uncertain outcomes").
   */
  outcome?: 'unknown';
}

/**
 * A per-tag deletion report with three truths: `deleted` (confirmed gone), `failed` without `outcome`
 * (confirmed not deleted) and `failed` with `outcome: 'unknown'` (sent, not confirmed either way). A tag is
 * in `deleted` only if GitLab deleted it, and never plainly failed once a delete for it may have run.
 */
export interface DeleteReport {
  deleted: string[];
  failed: TagFailure[];
  /** Names not attempted because the operation was cancelled. */
  notAttempted?: string[];
}

export interface CleanupPolicy {
  cadence: string;
  enabled: boolean;
  keep_n: number | null;
  older_than: string | null;
  name_regex: string | null;
  name_regex_keep: string | null;
  next_run_at: string | null;
}

export type AccessLevelName = 'maintainer' | 'owner' | 'admin';

export interface TagProtectionRule {
  id: number;
  project_id: number;
  tag_name_pattern: string;
  minimum_access_level_for_push: AccessLevelName | null;
  minimum_access_level_for_delete: AccessLevelName | null;
}

/** A repository protection rule (GitLab 17.8 GA): a path pattern with `*` globs. */
export interface RepositoryProtectionRule {
  id: number;
  project_id: number;
  repository_path_pattern: string;
  minimum_access_level_for_push: AccessLevelName | null;
  minimum_access_level_for_delete: AccessLevelName | null;
}

/**
 * What deleting a repository led to: GitLab's status read back after the request ("delete_scheduled",
 * "delete_ongoing", "deleted" when already gone).
 */
export interface RepositoryDeletion {
  id: number;
  status: string;
}

/** Parameters of GitLab's server-side bulk delete (DELETE .../tags). */
export interface BulkDeleteParams {
  name_regex_delete: string;
  name_regex_keep?: string;
  keep_n?: number;
  older_than?: string;
}

/** Options for long operations: cancellation and per-item progress. */
export interface OperationOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

// The double's in-memory state: plain records plus the few lookups every handler needs (paths, roles).
// Nothing here knows about HTTP.

import type { DoubleTag, TokenName } from './contract';

/** GitLab access levels (Gitlab::Access). */
export const ACCESS = { none: 0, guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50, admin: 60 } as const;
export type ProtectionLevel = 'maintainer' | 'owner' | 'admin';
export type Visibility = 'public' | 'internal' | 'private';

export interface UserRec {
  id: number;
  username: string;
  name: string;
  email: string;
  isAdmin: boolean;
  bot: boolean;
  createdAt: string;
}

export interface TokenRec {
  id: number;
  value: string;
  name: string;
  description: string | null;
  userId: number;
  scopes: string[];
  revoked: boolean;
  /** YYYY-MM-DD; the token stops working at 00:00 UTC that day. */
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface JobTokenRec {
  value: string;
  projectId: number;
  userId: number;
}

export interface GroupRec {
  id: number;
  name: string;
  path: string;
  fullPath: string;
  parentId: number | null;
  visibility: Visibility;
  description: string;
  createdAt: string;
}

export interface PolicyRec {
  cadence: string;
  enabled: boolean;
  keep_n: number | null;
  older_than: string | null;
  name_regex: string | null;
  name_regex_keep: string | null;
  next_run_at: string | null;
}

export interface TagRuleRec {
  id: number;
  tag_name_pattern: string;
  minimum_access_level_for_push: ProtectionLevel | null;
  minimum_access_level_for_delete: ProtectionLevel | null;
}

/** A repository protection rule: `*` globs over the whole path, case-insensitive. */
export interface RepoRuleRec {
  id: number;
  repository_path_pattern: string;
  minimum_access_level_for_push: ProtectionLevel | null;
  minimum_access_level_for_delete: ProtectionLevel | null;
}

export interface ProjectRec {
  id: number;
  name: string;
  /** Case preserved, e.g. My.Project. */
  path: string;
  groupId: number;
  /** Case preserved, e.g. acme/platform/My.Project. */
  fullPath: string;
  visibility: Visibility;
  registryAccessLevel: 'enabled' | 'private' | 'disabled';
  description: string;
  createdAt: string;
  lastActivityAt: string;
  defaultBranch: string;
  archived: boolean;
  policy: PolicyRec;
  tagRules: TagRuleRec[];
  repoRules: RepoRuleRec[];
  /** Branch names; absent = only the default branch. */
  branches?: string[];
  /** Merge requests (GitLab's states: opened, closed, locked, merged). */
  mergeRequests?: MergeRequestRec[];
}

export interface MergeRequestRec {
  iid: number;
  title: string;
  state: 'opened' | 'closed' | 'locked' | 'merged';
  source_branch: string;
  target_branch: string;
}

export type TagRec = DoubleTag;

export interface RepoRec {
  id: number;
  projectId: number;
  name: string;
  createdAt: string;
  cleanupPolicyStartedAt: string | null;
  status: 'delete_scheduled' | 'delete_ongoing' | 'delete_failed' | null;
  /** Always sorted by name (code-unit order, which equals byte order for tag names). */
  tags: TagRec[];
  /** Deduplicated size reported by the metadata database. */
  sizeBytes: number;
  /** When true the repository's deletion ends in delete_failed. */
  failDeletion: boolean;
}

export interface State {
  users: Map<number, UserRec>;
  tokens: TokenRec[];
  jobTokens: JobTokenRec[];
  groups: Map<number, GroupRec>;
  projects: Map<number, ProjectRec>;
  repos: Map<number, RepoRec>;
  /** groupId → userId → access level (direct membership). */
  groupMembers: Map<number, Map<number, number>>;
  /** projectId → userId → access level (direct membership). */
  projectMembers: Map<number, Map<number, number>>;
  tokenNames: Record<TokenName, string>;
}

export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of `name` in a name-sorted tag list, or -(insertion point) - 1. */
export function findTagIndex(tags: TagRec[], name: string): number {
  let lo = 0;
  let hi = tags.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = compareNames(tags[mid].name, name);
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

export function repoPath(state: State, repo: RepoRec): string {
  const project = state.projects.get(repo.projectId)!;
  const base = project.fullPath.toLowerCase();
  return repo.name === '' ? base : `${base}/${repo.name.toLowerCase()}`;
}

export function groupAncestors(state: State, groupId: number): GroupRec[] {
  const chain: GroupRec[] = [];
  for (let g = state.groups.get(groupId); g; g = g.parentId === null ? undefined : state.groups.get(g.parentId)) {
    chain.push(g);
  }
  return chain;
}

export function isInSubtree(state: State, groupId: number, rootId: number): boolean {
  return groupAncestors(state, groupId).some((g) => g.id === rootId);
}

/** Effective access of a user on a group: the highest direct membership on it or any ancestor. */
export function groupAccess(state: State, userId: number | undefined, groupId: number): number {
  if (userId === undefined) return ACCESS.none;
  if (state.users.get(userId)?.isAdmin) return ACCESS.admin;
  let best: number = ACCESS.none;
  for (const g of groupAncestors(state, groupId)) {
    best = Math.max(best, state.groupMembers.get(g.id)?.get(userId) ?? ACCESS.none);
  }
  return best;
}

/** Effective access of a user on a project: direct project membership or inherited group membership. */
export function projectAccess(state: State, userId: number | undefined, projectId: number): number {
  if (userId === undefined) return ACCESS.none;
  const project = state.projects.get(projectId);
  if (!project) return ACCESS.none;
  const direct = state.projectMembers.get(projectId)?.get(userId) ?? ACCESS.none;
  return Math.max(direct, groupAccess(state, userId, project.groupId));
}

export function protectionLevelValue(level: ProtectionLevel | null): number {
  return level === null ? ACCESS.none : ACCESS[level];
}

/** GitLab's repository path pattern: `*` = any run of characters, the rest literal, whole path, any case. */
export function repoRuleMatches(pattern: string, path: string): boolean {
  const source = pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 'is').test(path);
}

/**
 * A repository rule on the repository's path needs a higher role to delete than `access`: GitLab refuses
 * deleting the repository and any of its images (docs: "Delete an existing image from a container
 * repository: the role set in the Minimum access level for delete setting").
 */
export function repositoryRuleGuards(state: State, project: ProjectRec, repo: RepoRec, access: number): boolean {
  const path = repoPath(state, repo);
  return project.repoRules.some((r) => r.minimum_access_level_for_delete !== null && repoRuleMatches(r.repository_path_pattern, path) &&
    protectionLevelValue(r.minimum_access_level_for_delete) > access);
}

/**
 * Why deleting `repo` is refused for a caller with `access`, or null: a repository rule on its path above
 * the caller, or (metadata database, repository with tags) any tag rule the caller cannot override.
 */
export function repositoryDeleteRefusal(state: State, project: ProjectRec, repo: RepoRec, access: number, legacy: boolean): 'repository' | 'tags' | null {
  if (repositoryRuleGuards(state, project, repo, access)) return 'repository';
  const byTags = !legacy && repo.tags.length > 0 && project.tagRules.some((rule) =>
    rule.minimum_access_level_for_delete === null || protectionLevelValue(rule.minimum_access_level_for_delete) > access);
  return byTags ? 'tags' : null;
}

export function findProjectByRef(state: State, ref: string): ProjectRec | undefined {
  if (/^\d+$/.test(ref)) return state.projects.get(Number(ref));
  const wanted = ref.toLowerCase();
  for (const p of state.projects.values()) if (p.fullPath.toLowerCase() === wanted) return p;
  return undefined;
}

export function findGroupByRef(state: State, ref: string): GroupRec | undefined {
  if (/^\d+$/.test(ref)) return state.groups.get(Number(ref));
  const wanted = ref.toLowerCase();
  for (const g of state.groups.values()) if (g.fullPath.toLowerCase() === wanted) return g;
  return undefined;
}

/** mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `length` hex digits (even) from the PRNG. */
export function randomHex(random: () => number, length: number): string {
  const parts: string[] = [];
  for (let i = 0; i < length / 2; i += 4) {
    const n = (random() * 0x100000000) >>> 0;
    parts.push(BYTE_HEX[n & 255], BYTE_HEX[(n >>> 8) & 255], BYTE_HEX[(n >>> 16) & 255], BYTE_HEX[n >>> 24]);
  }
  return parts.join('').slice(0, length);
}

/** GitLab's rendering of a registry tag timestamp: 2019-01-06T16:49:51.272+00:00 */
export function tagTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

// The GraphQL operations the fast path sends (docs/gitlab-api.md "GraphQL") and the conversions of their
// answers into the REST-shaped domain types, with the same rules for server strings as entities.ts. Pure.
import { digestOrNull, isValidTagName, normalizeTimestamp, text, textOrNull, toNumberOrNull, toRepositoryStatus } from '../entities';
import { hasControls } from '../text';
import type { AccessLevelName, CleanupPolicy, Repository, RepositoryProtectionRule, TagDetails, TagProtectionLevels, TagProtectionRule } from '../types';
import { idFromGid } from './transport';

/** `tags` pages hold at most 20 nodes (docs/gitlab-api.md "GraphQL"); asking for more silently skips tags on GitLab-API registries. */
export const TAGS_PAGE_SIZE = 20;
/** destroyContainerRepositoryTags refuses more than 20 names. */
export const DESTROY_TAGS_LIMIT = 20;
/** Default max page size of the other connections (docs/gitlab-api.md "GraphQL"). */
export const MAX_PAGE_SIZE = 100;

const REPOSITORY_FIELDS = 'id name path location createdAt expirationPolicyStartedAt status tagsCount project { id fullPath }';

export const PROJECT_REPOSITORIES = `query glcrProjectRepositories($fullPath: ID!, $first: Int!, $after: String) {
  project(fullPath: $fullPath) {
    containerRepositoriesCount
    containerRepositories(first: $first, after: $after, sort: CREATED_ASC) {
      nodes { ${REPOSITORY_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const GROUP_REPOSITORIES = `query glcrGroupRepositories($fullPath: ID!, $first: Int!, $after: String) {
  group(fullPath: $fullPath) {
    containerRepositoriesCount
    containerRepositories(first: $first, after: $after, sort: CREATED_ASC) {
      nodes { ${REPOSITORY_FIELDS} }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const TAG_FIELDS = 'name path location digest revision shortRevision totalSize createdAt';
/** ContainerRepositoryTag.protection (17.9+): asked while the instance's schema has it (capability 'tagLevels'). */
const TAG_LEVEL_FIELDS = 'protection { minimumAccessLevelForDelete minimumAccessLevelForPush }';
const tagNodeFields = (withLevels: boolean): string => (withLevels ? `${TAG_FIELDS} ${TAG_LEVEL_FIELDS}` : TAG_FIELDS);

/** One page of tags with details. The first page also asks for the owning project and the tag count. */
export function tagDetailsPage(withLevels: boolean): string {
  return `query glcrTagDetails($id: ContainerRepositoryID!, $first: Int!, $after: String, $withRepository: Boolean!) {
  containerRepository(id: $id) {
    tagsCount @include(if: $withRepository)
    project @include(if: $withRepository) { id fullPath }
    tags(first: $first, after: $after, sort: NAME_ASC) {
      nodes { ${tagNodeFields(withLevels)} }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
}

/**
 * Tags newest first, as the registry sorts them (PUBLISHED_AT_DESC: GitLab-API registries with the metadata
 * database). Legacy registries accept the sort but give no publishedAt and no real order: the caller checks.
 */
export function tagsNewestPage(withLevels: boolean): string {
  return `query glcrTagsNewest($id: ContainerRepositoryID!, $first: Int!, $after: String) {
  containerRepository(id: $id) {
    tagsCount
    size
    project { id fullPath }
    tags(first: $first, after: $after, sort: PUBLISHED_AT_DESC) {
      nodes { ${tagNodeFields(withLevels)} publishedAt }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
}

/** The same page walking backwards from the last name: the second cursor chain of a full listing (both registry kinds sort). */
export function tagDetailsPageDesc(withLevels: boolean): string {
  return `query glcrTagDetailsDesc($id: ContainerRepositoryID!, $first: Int!, $after: String) {
  containerRepository(id: $id) {
    tags(first: $first, after: $after, sort: NAME_DESC) {
      nodes { ${tagNodeFields(withLevels)} }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
}

export const DESTROY_TAGS = `mutation glcrDestroyTags($id: ContainerRepositoryID!, $tagNames: [String!]!) {
  destroyContainerRepositoryTags(input: { id: $id, tagNames: $tagNames }) {
    deletedTagNames
    errors
  }
}`;

/** At most this many destroyContainerRepositoryTags (aliased, run one after another) in one request. */
export const MAX_MUTATIONS_PER_REQUEST = 5;

/** `count` destroyContainerRepositoryTags in one document, aliased m0…m<count-1>, names in $t0…; GraphQL runs them in order. */
export function packedDestroyTags(count: number): string {
  const vars = Array.from({ length: count }, (_, j) => `$t${j}: [String!]!`).join(', ');
  const fields = Array.from({ length: count }, (_, j) =>
    `  m${j}: destroyContainerRepositoryTags(input: { id: $id, tagNames: $t${j} }) {\n    deletedTagNames\n    errors\n  }`).join('\n');
  return `mutation glcrDestroyTagsPacked($id: ContainerRepositoryID!, ${vars}) {\n${fields}\n}`;
}

const POLICY_FIELDS = 'cadence enabled keepN olderThan nameRegex nameRegexKeep nextRunAt';

export const CLEANUP_POLICY = `query glcrCleanupPolicy($fullPath: ID!) {
  project(fullPath: $fullPath) {
    containerTagsExpirationPolicy { ${POLICY_FIELDS} }
  }
}`;

const RULE_LEVELS = 'minimumAccessLevelForPush minimumAccessLevelForDelete';

export const TAG_PROTECTION_RULES = `query glcrTagProtectionRules($fullPath: ID!, $after: String) {
  project(fullPath: $fullPath) {
    id
    containerProtectionTagRules(first: 100, after: $after) {
      nodes { id tagNamePattern ${RULE_LEVELS} }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/** Both kinds of protection rules at once (GitLab allows a handful per project: one page). */
export const PROTECTION_RULES = `query glcrProtectionRules($fullPath: ID!) {
  project(fullPath: $fullPath) {
    id
    containerProtectionTagRules(first: 100) {
      nodes { id tagNamePattern ${RULE_LEVELS} }
    }
    containerProtectionRepositoryRules(first: 100) {
      nodes { id repositoryPathPattern ${RULE_LEVELS} }
    }
  }
}`;

/** The two levels of a rule (or of a tag's `protection`), as GraphQL's upper-case enum names. */
export interface GqlLevels {
  minimumAccessLevelForPush: string | null;
  minimumAccessLevelForDelete: string | null;
}

export interface GqlRepositoryRule extends GqlLevels {
  id: string;
  repositoryPathPattern: string;
}

/** GraphQL's levels as REST names (an unknown level counts as above every role in the decision). */
function levelsFromGraphql(node: GqlLevels): { push: AccessLevelName | null; delete: AccessLevelName | null } {
  const level = (v: string | null): AccessLevelName | null => (v === null || v === undefined ? null : (String(v).toLowerCase() as AccessLevelName));
  return { push: level(node.minimumAccessLevelForPush), delete: level(node.minimumAccessLevelForDelete) };
}

function ruleFromGraphql(node: GqlLevels & { id: string }, projectId: number) {
  const levels = levelsFromGraphql(node);
  return { id: idFromGid(node.id), project_id: projectId, minimum_access_level_for_push: levels.push, minimum_access_level_for_delete: levels.delete };
}

export function repositoryRuleFromGraphql(node: GqlRepositoryRule, projectId: number): RepositoryProtectionRule {
  return { ...ruleFromGraphql(node, projectId), repository_path_pattern: node.repositoryPathPattern };
}

// --- answer shapes ----------------------------------------------------------------------------------------

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface GqlProjectRef {
  id: string;
  fullPath: string;
}

export interface GqlRepository {
  id: string;
  name: string;
  path: string;
  location: string;
  createdAt: string | null;
  expirationPolicyStartedAt: string | null;
  status: string | null;
  tagsCount: number;
  project: GqlProjectRef;
}

export interface GqlRepositoryConnection {
  containerRepositoriesCount?: number;
  containerRepositories: { nodes: Array<GqlRepository | null>; pageInfo: PageInfo } | null;
}

export interface GqlTag {
  /** Only in tagsNewestPage; null on legacy registries. */
  publishedAt?: string | null;
  /** Present only when the query asked for it (schema 17.9+). */
  protection?: GqlLevels | null;
  name: string;
  path: string;
  location: string;
  digest: string | null;
  revision: string | null;
  shortRevision: string | null;
  totalSize: string | number | null;
  createdAt: string | null;
}

export interface GqlTagPage {
  containerRepository: {
    tagsCount?: number;
    /** Only in tagsNewestPage: null without the metadata database. */
    size?: string | number | null;
    project?: GqlProjectRef;
    tags: { nodes: Array<GqlTag | null>; pageInfo: PageInfo } | null;
  } | null;
}

export interface GqlPolicy {
  cadence: string | null;
  enabled: boolean;
  keepN: string | null;
  olderThan: string | null;
  nameRegex: string | null;
  nameRegexKeep: string | null;
  nextRunAt: string | null;
}

export interface GqlTagRule extends GqlLevels {
  id: string;
  tagNamePattern: string;
}

// --- conversions ------------------------------------------------------------------------------------------

export { toRepositoryStatus };

/** A node whose identifiers could be sent back or compared: no control character in them (entities.ts). */
export function isUsableRepositoryNode(node: GqlRepository | null): node is GqlRepository {
  return node !== null && ![node.name, node.path, node.project?.fullPath].some((v) => typeof v === 'string' && hasControls(v));
}

export function isUsableTagNode(node: GqlTag | null): node is GqlTag {
  return node !== null && isValidTagName(node.name);
}

/**
 * A repository as REST's list entity would give it, plus tags_count (which REST's group listing lacks).
 * Precision: GraphQL's Time has whole seconds, so created_at/cleanup_policy_started_at end in .000Z.
 */
export function repositoryFromGraphql(node: GqlRepository): Repository {
  return {
    id: idFromGid(node.id),
    name: node.name ?? '',
    path: node.path ?? '',
    project_id: idFromGid(node.project?.id),
    location: text(node.location),
    created_at: normalizeTimestamp(node.createdAt),
    cleanup_policy_started_at: normalizeTimestamp(node.expirationPolicyStartedAt),
    status: toRepositoryStatus(node.status),
    tags_count: typeof node.tagsCount === 'number' ? node.tagsCount : 0,
  };
}

/** Same fields as REST's tag entity; totalSize arrives as a string (BigInt), created_at in whole seconds. */
export function tagDetailsFromGraphql(node: GqlTag): TagDetails {
  return {
    name: node.name,
    path: text(node.path),
    location: text(node.location),
    digest: digestOrNull(node.digest),
    revision: textOrNull(node.revision),
    short_revision: textOrNull(node.shortRevision),
    created_at: normalizeTimestamp(node.createdAt),
    total_size: toNumberOrNull(node.totalSize),
    ...(node.protection !== undefined ? { protection: tagLevelsFromGraphql(node.protection) } : {}),
  };
}

/** A tag's `protection` (null: no rule matches it). */
function tagLevelsFromGraphql(p: GqlLevels | null): TagProtectionLevels | null {
  if (p === null || typeof p !== 'object') return null;
  const levels = levelsFromGraphql(p);
  return { minimumAccessLevelForDelete: levels.delete, minimumAccessLevelForPush: levels.push };
}

/** REST policy values ↔ GraphQL enum names. */
export const CADENCE_TO_ENUM: Record<string, string> = {
  '1d': 'EVERY_DAY', '7d': 'EVERY_WEEK', '14d': 'EVERY_TWO_WEEKS', '1month': 'EVERY_MONTH', '3month': 'EVERY_THREE_MONTHS',
};
export const KEEP_N_TO_ENUM: Record<string, string> = {
  1: 'ONE_TAG', 5: 'FIVE_TAGS', 10: 'TEN_TAGS', 25: 'TWENTY_FIVE_TAGS', 50: 'FIFTY_TAGS', 100: 'ONE_HUNDRED_TAGS',
};
export const OLDER_THAN_TO_ENUM: Record<string, string> = {
  '7d': 'SEVEN_DAYS', '14d': 'FOURTEEN_DAYS', '30d': 'THIRTY_DAYS', '60d': 'SIXTY_DAYS', '90d': 'NINETY_DAYS',
};

function reverse(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [v, k]));
}
const ENUM_TO_CADENCE = reverse(CADENCE_TO_ENUM);
const ENUM_TO_KEEP_N = reverse(KEEP_N_TO_ENUM);
const ENUM_TO_OLDER_THAN = reverse(OLDER_THAN_TO_ENUM);

/**
 * The REST-shaped policy, or undefined when the answer cannot be expressed exactly (details hidden from
 * non-Maintainers, or an enum value this client does not know): the caller then asks REST.
 */
export function policyFromGraphql(p: GqlPolicy): CleanupPolicy | undefined {
  const cadence = p.cadence === null ? undefined : ENUM_TO_CADENCE[p.cadence];
  if (cadence === undefined) return undefined;
  const keep = p.keepN === null ? null : ENUM_TO_KEEP_N[p.keepN];
  const older = p.olderThan === null ? null : ENUM_TO_OLDER_THAN[p.olderThan];
  if (keep === undefined || older === undefined) return undefined;
  return {
    cadence,
    enabled: p.enabled === true,
    keep_n: keep === null ? null : Number(keep),
    older_than: older,
    name_regex: p.nameRegex,
    name_regex_keep: p.nameRegexKeep,
    next_run_at: normalizeTimestamp(p.nextRunAt),
  };
}

export function tagRuleFromGraphql(node: GqlTagRule, projectId: number): TagProtectionRule {
  return { ...ruleFromGraphql(node, projectId), tag_name_pattern: node.tagNamePattern };
}

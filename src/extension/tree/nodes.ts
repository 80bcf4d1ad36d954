// The tree's elements: plain data tagged with `kind`. Everything that changes (repository status, tag
// details, account state) is looked up in the model when the item is rendered, so a node only says WHAT
// it shows; render.ts has one render function per kind that says HOW.
import type { Group, Project, Repository, Tag } from '../../core/types';
import type { ListKey } from './cache';

interface Base {
  /** Unique and stable across refreshes: the parent's id plus this node's key. Also the TreeItem id. */
  id: string;
  accountId: string;
  parent?: TreeNode;
}

export interface AccountNode extends Base {
  kind: 'account';
}

export interface GroupNode extends Base {
  kind: 'group';
  group: Group;
}

export interface ProjectNode extends Base {
  kind: 'project';
  project: Project;
}

/** The project's cleanup policy (GitLab's container_expiration_policy), the first child of a project. */
export interface PolicyNode extends Base {
  kind: 'policy';
  projectId: number;
  projectPath: string;
}

/** An image repository, listed under a project or (for all of its projects and subgroups) under a group. */
export interface RepositoryNode extends Base {
  kind: 'repository';
  repositoryId: number;
  projectId: number;
  /** What the label is relative to: the project's path, or the group's full path. */
  under: { kind: 'project'; path: string } | { kind: 'group'; fullPath: string };
}

export interface TagNode extends Base {
  kind: 'tag';
  repositoryId: number;
  projectId: number;
  tag: Tag;
}

/** What a "Load more…" continues: a paged GitLab listing, or the tags of a repository shown so far. */
export type MoreOf = ListKey | { list: 'tags'; repositoryId: number };

/** Stands in for the rest of a paged list. */
export interface LoadMoreNode extends Base {
  kind: 'loadMore';
  more: MoreOf;
  /** For tags, where the count is known: rows shown, matching rows in all, rows the next click adds. */
  count?: { shown: number; total: number; next: number };
}

/** Listing failed: shown instead of the children, with "Show Logs" (and re-authentication for a 401). */
export interface ErrorNode extends Base {
  kind: 'error';
  message: string;
  unauthorized: boolean;
}

/** An informational row, e.g. "No image repositories". */
export interface MessageNode extends Base {
  kind: 'message';
  message: string;
  /** Lines shown on hover (the Protection child lists its rules there). */
  details?: string[];
}

export type TreeNode = AccountNode | GroupNode | ProjectNode | PolicyNode | RepositoryNode | TagNode | LoadMoreNode | ErrorNode | MessageNode;

export function isNode(value: unknown): value is TreeNode {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string'
    && typeof (value as { id?: unknown }).id === 'string';
}

export function isTagNode(value: unknown): value is TagNode {
  return isNode(value) && value.kind === 'tag';
}

export function isPolicyNode(value: unknown): value is PolicyNode {
  return isNode(value) && value.kind === 'policy';
}

export function isProjectNode(value: unknown): value is ProjectNode {
  return isNode(value) && value.kind === 'project';
}

export function isRepositoryNode(value: unknown): value is RepositoryNode {
  return isNode(value) && value.kind === 'repository';
}

/** The label of a repository: its name under its project (the root image shows the project path), its
 *  path relative to the group under a group. */
export function repositoryLabel(repository: Repository, under: RepositoryNode['under']): string {
  if (under.kind === 'project') return repository.name === '' ? under.path : repository.name;
  const prefix = `${under.fullPath.toLowerCase()}/`;
  const path = repository.path;
  return path.toLowerCase().startsWith(prefix) ? path.slice(prefix.length) : path;
}

export type ProjectOrGroupNode = GroupNode | ProjectNode;
export type { Group, Project };

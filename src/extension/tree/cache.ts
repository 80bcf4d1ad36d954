// What the tree has learned from GitLab, per account and keyed by GitLab ids, so that the same repository
// expanded under a group and under its project is asked for once. Refresh drops entries; nothing expires.
import type { CleanupPolicy, Page, Project, Repository, Tag, TagDetails } from '../../core/types';
import type { ProjectProtection } from '../../core/protection';

/** A project's cleanup policy as last read: the policy (null when GitLab did not include one), or why it could not be read. */
export type PolicyState = { policy: CleanupPolicy | null } | { error: string };

/** The pages of one listing fetched so far; `next` is the cursor of the page after them. */
export interface PagedList<T> {
  items: T[];
  next?: string;
  complete: boolean;
}

export class AccountCache {
  readonly projects = new Map<number, Project>();
  readonly repositories = new Map<number, Repository>();
  /** Protection rules and the caller's level by project id (core/protection.ts decides with them). */
  readonly protections = new Map<number, ProjectProtection>();
  /** Cleanup policies by project id. */
  readonly policies = new Map<number, PolicyState>();
  /** Repositories GitLab no longer has (deleted meanwhile): hidden from lists fetched earlier. */
  readonly goneRepositories = new Set<number>();
  /** Every tag name of a repository, by repository id. */
  readonly tags = new Map<number, Tag[]>();
  private readonly details = new Map<string, TagDetails>();
  /** Tag names by repository and digest: which tags are the same image (kept with the details). */
  private readonly byDigest = new Map<string, Set<string>>();
  private readonly lists = new Map<string, PagedList<unknown>>();
  private readonly inflight = new Map<string, Promise<unknown>>();

  /** Runs `load` once for concurrent callers with the same key. */
  once<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const p = load().finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  list<T>(key: ListKey): PagedList<T> | undefined {
    return this.lists.get(listKeyId(key)) as PagedList<T> | undefined;
  }

  /** Appends a fetched page to the list `key` (a first page replaces it). */
  addPage<T>(key: ListKey, page: Page<T>, first: boolean): PagedList<T> {
    const current = first ? undefined : this.list<T>(key);
    const list: PagedList<T> = { items: [...(current?.items ?? []), ...page.items], next: page.next, complete: !page.next };
    this.lists.set(listKeyId(key), list as PagedList<unknown>);
    return list;
  }

  tagDetails(repositoryId: number, name: string): TagDetails | undefined {
    return this.details.get(`${repositoryId}\u0000${name}`);
  }

  setTagDetails(repositoryId: number, details: TagDetails): void {
    this.forgetDigestOf(repositoryId, details.name);
    this.details.set(`${repositoryId}\u0000${details.name}`, details);
    if (!details.digest) return;
    const key = `${repositoryId}\u0000${details.digest}`;
    const names = this.byDigest.get(key);
    if (names) names.add(details.name);
    else this.byDigest.set(key, new Set([details.name]));
  }

  /** The other tags of the repository known to have the same digest as `name`, in code-unit order. */
  sameImage(repositoryId: number, name: string): string[] {
    const digest = this.tagDetails(repositoryId, name)?.digest;
    const names = digest ? this.byDigest.get(`${repositoryId}\u0000${digest}`) : undefined;
    return names ? [...names].filter((n) => n !== name).sort() : [];
  }

  private forgetDigestOf(repositoryId: number, name: string): void {
    const digest = this.tagDetails(repositoryId, name)?.digest;
    if (digest) this.byDigest.get(`${repositoryId}\u0000${digest}`)?.delete(name);
  }

  /** Forgets tags GitLab deleted; other tags of the repository stay cached. */
  removeTags(repositoryId: number, names: string[]): void {
    const gone = new Set(names);
    const tags = this.tags.get(repositoryId);
    if (tags) this.tags.set(repositoryId, tags.filter((t) => !gone.has(t.name)));
    for (const n of names) {
      this.forgetDigestOf(repositoryId, n);
      this.details.delete(`${repositoryId}\u0000${n}`);
    }
  }

  forgetRepository(repositoryId: number): void {
    this.tags.delete(repositoryId);
    for (const key of [...this.details.keys()]) if (key.startsWith(`${repositoryId}\u0000`)) this.details.delete(key);
    for (const key of [...this.byDigest.keys()]) if (key.startsWith(`${repositoryId}\u0000`)) this.byDigest.delete(key);
  }

  forgetList(key: ListKey): void {
    this.lists.delete(listKeyId(key));
  }

  clear(): void {
    this.projects.clear();
    this.repositories.clear();
    this.policies.clear();
    this.goneRepositories.clear();
    this.tags.clear();
    this.details.clear();
    this.byDigest.clear();
    this.protections.clear();
    this.lists.clear();
  }
}

export class RegistryCache {
  private readonly accounts = new Map<string, AccountCache>();

  for(accountId: string): AccountCache {
    let c = this.accounts.get(accountId);
    if (!c) {
      c = new AccountCache();
      this.accounts.set(accountId, c);
    }
    return c;
  }

  clear(accountId?: string): void {
    if (accountId === undefined) this.accounts.clear();
    else this.accounts.delete(accountId);
  }
}

/**
 * A paged listing: an account's top-level groups or member projects, a group's subgroups or own projects
 * (the tree nests them), a group's repositories (group-wide commands), or a project's repositories.
 */
export type ListKey =
  | { list: 'groups' }
  | { list: 'projects' }
  | { list: 'subgroups'; groupId: number }
  | { list: 'groupProjects'; groupId: number }
  | { list: 'groupRepositories'; groupId: number }
  | { list: 'projectRepositories'; projectId: number };

/** The cache's key of a listing (one string per listing, so that a map can hold it). */
export function listKeyId(key: ListKey): string {
  switch (key.list) {
    case 'groups': return 'groups';
    case 'projects': return 'projects';
    case 'subgroups': return `group:${key.groupId}:subgroups`;
    case 'groupProjects': return `group:${key.groupId}:projects`;
    case 'groupRepositories': return `group:${key.groupId}:repositories`;
    case 'projectRepositories': return `project:${key.projectId}:repositories`;
  }
}

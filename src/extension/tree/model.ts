// What the tree knows and how it learns it: the cache of GitLab data per account, the user's view state
// (tag filters, "Load more…" limits), accounts whose token GitLab rejected, and the loading (paged lists,
// tags, projects, cleanup policies, tag details). Commands read and change the tree only through this
// model; it says what changed through `onDidChange`, and the provider turns that into node events.
import * as vscode from 'vscode';
import type { CleanupPolicy, PageRequest, Project, Repository, RepositoryStatus, Tag, TagDetails } from '../../core/types';
import type { Account } from '../accounts/account';
import { EnvironmentAccountCheck } from '../accounts/environmentCheck';
import type { AccountStore } from '../accounts/accountStore';
import type { ClientPool } from '../accounts/clientPool';
import { Settings } from '../commandIds';
import type { ProjectProtection, Verdict } from '../../core/protection';
import { describeError, isAuthError } from '../errors';
import type { Log } from '../log';
import { concurrencySetting, pageSizeSetting, tagSortOrderSetting } from '../settings';
import { listKeyId, RegistryCache, type ListKey, type PolicyState } from './cache';
import { loadListPage } from './listPages';
import type { LoadMoreNode, TreeNode } from './nodes';
import { TreeProtection } from './protectionState';
import { ServerNewest } from './serverNewest';
import { RepositorySizes } from './repositorySizes';
import { TreeViewState } from './viewState';
import { TagDating } from './tagDating';
import { TagDetailsLoader, type DetailsJob } from './tagDetailsLoader';

/** What changed, for the provider to find the nodes that show it. */
export type ModelChange =
  | { kind: 'everything' }
  | { kind: 'node'; node: TreeNode }
  | { kind: 'account'; accountId: string }
  | { kind: 'repository'; accountId: string; repositoryId: number }
  /** The repository is gone: the lists that showed it (its nodes' parents) change. */
  | { kind: 'repositoryGone'; accountId: string; repositoryId: number }
  | { kind: 'allRepositories' }
  | { kind: 'policy'; accountId: string; projectId: number }
  | { kind: 'tagDetails'; accountId: string; repositoryId: number; names: string[] };

/** A listing as far as it is loaded. */
export interface LoadedList<T> {
  items: T[];
  complete: boolean;
}

export class RegistryModel implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ModelChange>();
  readonly onDidChange = this.changed.event;

  private readonly cache = new RegistryCache();
  private readonly view = new TreeViewState();
  /** Accounts whose token GitLab rejected (401), with the reason. */
  private readonly unauthorized = new Map<string, string>();
  private readonly environment: EnvironmentAccountCheck;
  private readonly details: TagDetailsLoader;
  private readonly dating: TagDating;
  private readonly protections: TreeProtection;
  /** Newest first sorted by the registry, for repositories too large to date every tag. */
  readonly newest: ServerNewest;
  readonly sizes: RepositorySizes;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(readonly store: AccountStore, readonly clients: ClientPool, private readonly log: Log) {
    this.environment = new EnvironmentAccountCheck(store, clients, log, (id, reason) => this.unauthorized.set(id, reason));
    const repositoryChanged = (accountId: string, repositoryId: number) => this.changed.fire({ kind: 'repository', accountId, repositoryId });
    this.sizes = new RepositorySizes(clients, repositoryChanged);
    this.dating = new TagDating(this.cache, clients, log, { repositoryChanged, unauthorized: (a, e) => this.markUnauthorized(a, e) });
    this.newest = new ServerNewest(this.cache, clients, log, repositoryChanged);
    this.protections = new TreeProtection(this.cache, clients, log, {
      details: (a, r, n) => this.tagDetails(a, r, n), repositoryChanged,
    });
    this.details = new TagDetailsLoader({
      fetch: (job) => this.clients.api(job.accountId).getTagDetails(job.projectId, job.repositoryId, job.name),
      has: (job) => this.tagDetails(job.accountId, job.repositoryId, job.name) !== undefined,
      store: (job, details) => this.cache.for(job.accountId).setTagDetails(job.repositoryId, details),
      concurrency: concurrencySetting,
      // Tags sharing a loaded tag's image re-render too: their "= v1.4.0" / "+2 tags" marks change.
      loaded: (accountId, repositoryId, names) => this.changed.fire({
        kind: 'tagDetails', accountId, repositoryId,
        names: [...new Set(names.flatMap((n) => [n, ...this.sameImage(accountId, repositoryId, n)]))],
      }),
      settled: (accountId, repositoryId) => {
        // Newest-first order needs the dates: re-sort the repository's children once they are in.
        if (tagSortOrderSetting() === 'newest') this.changed.fire({ kind: 'repository', accountId, repositoryId });
      },
      failed: (job, err) => {
        this.log.warn(`Tag details of ${job.name} (repository ${job.repositoryId}): ${describeError(err)}`);
        if (isAuthError(err)) this.markUnauthorized(job.accountId, err);
      },
    });
    this.disposables.push(
      this.details,
      store.onDidChange(() => {
        this.forgetRemovedAccounts();
        this.changed.fire({ kind: 'everything' });
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${Settings.section}.${Settings.tagSortOrder}`)) this.changed.fire({ kind: 'allRepositories' });
      }),
    );
  }

  // --- reading ---------------------------------------------------------------------------------------

  account(accountId: string): Account | undefined {
    return this.store.get(accountId);
  }

  repository(accountId: string, repositoryId: number): Repository | undefined {
    return this.cache.for(accountId).repositories.get(repositoryId);
  }

  /** Repositories GitLab no longer has (deleted meanwhile) are hidden from lists fetched earlier. */
  isGone(accountId: string, repositoryId: number): boolean {
    return this.cache.for(accountId).goneRepositories.has(repositoryId);
  }

  /** Repositories learned elsewhere (e.g. the palette's pickers), so that later lookups find them. */
  rememberRepositories(accountId: string, repositories: Repository[]): void {
    const c = this.cache.for(accountId);
    for (const r of repositories) c.repositories.set(r.id, r);
  }

  rememberProject(accountId: string, project: Project): void {
    this.cache.for(accountId).projects.set(project.id, project);
  }

  /** The project (from the cache, else fetched once). */
  async project(accountId: string, projectId: number): Promise<Project> {
    const c = this.cache.for(accountId);
    const known = c.projects.get(projectId);
    if (known) return known;
    const project = await c.once(`project:${projectId}`, () => this.clients.api(accountId).getProject(projectId));
    c.projects.set(project.id, project);
    return project;
  }

  policyState(accountId: string, projectId: number): PolicyState | undefined {
    return this.cache.for(accountId).policies.get(projectId);
  }

  /** The project's cleanup policy (cached; GET /projects/:id once). Null when GitLab includes none. */
  async policy(accountId: string, projectId: number): Promise<CleanupPolicy | null> {
    const c = this.cache.for(accountId);
    const known = c.policies.get(projectId);
    if (known && 'policy' in known) return known.policy;
    try {
      const policy = await c.once(`policy:${projectId}`, () => this.clients.api(accountId).getCleanupPolicy(projectId));
      c.policies.set(projectId, { policy });
      return policy;
    } catch (err) {
      c.policies.set(projectId, { error: describeError(err) });
      throw err;
    }
  }

  /** The project's protection, read once and cached with the project (protectionState.ts). */
  protection(accountId: string, projectId: number): Promise<ProjectProtection> {
    return this.protections.protection(accountId, projectId);
  }

  protectionOf(accountId: string, projectId: number): ProjectProtection | undefined {
    return this.protections.protectionOf(accountId, projectId);
  }

  tagVerdict(accountId: string, projectId: number, repositoryId: number, name: string): Verdict {
    return this.protections.tagVerdict(accountId, projectId, repositoryId, name);
  }

  repositoryVerdict(accountId: string, repository: Repository): Verdict {
    return this.protections.repositoryVerdict(accountId, repository);
  }

  /** Rules not readable: the repository's per-tag levels, once per listing. */
  readTagLevels(accountId: string, projectId: number, repositoryId: number, tags: Tag[]): void {
    this.protections.readTagLevels(accountId, projectId, repositoryId, tags);
  }

  /** Every tag name of a repository (cached; one listing for all places the repository appears in). */
  async tags(accountId: string, projectId: number, repositoryId: number): Promise<Tag[]> {
    const c = this.cache.for(accountId);
    const known = c.tags.get(repositoryId);
    if (known) return known;
    const tags = await c.once(`tags:${repositoryId}`, () => this.clients.api(accountId).listAllTags(projectId, repositoryId));
    c.tags.set(repositoryId, tags);
    return tags;
  }

  /** The repository's tags when listed already (no request). */
  listedTags(accountId: string, repositoryId: number): Tag[] | undefined {
    return this.cache.for(accountId).tags.get(repositoryId);
  }

  tagDetails(accountId: string, repositoryId: number, name: string): TagDetails | undefined {
    return this.cache.for(accountId).tagDetails(repositoryId, name);
  }

  /** The other tags of the repository with the same digest (as far as details are loaded). */
  sameImage(accountId: string, repositoryId: number, name: string): string[] {
    return this.cache.for(accountId).sameImage(repositoryId, name);
  }

  /** The tag's details, fetched (and kept) when the tree has not loaded them yet. */
  async loadTagDetails(accountId: string, projectId: number, repositoryId: number, name: string): Promise<TagDetails> {
    const known = this.tagDetails(accountId, repositoryId, name);
    if (known) return known;
    const details = await this.clients.api(accountId).getTagDetails(projectId, repositoryId, name);
    this.cache.for(accountId).setTagDetails(repositoryId, details);
    return details;
  }

  /** Newest first: true once every date of the listing is read (tagDating.ts). */
  datesReady(accountId: string, projectId: number, repositoryId: number, tags: Tag[]): boolean {
    return this.dating.datesReady(accountId, projectId, repositoryId, tags);
  }

  /** Queues the details of these tags (digest, size, date) for the rows that show them. */
  requestTagDetails(jobs: DetailsJob[]): void {
    this.details.request(jobs);
  }

  filterOf(accountId: string, repositoryId: number): string | undefined {
    return this.view.filterOf(accountId, repositoryId);
  }

  /** How many of a repository's tags are shown (a page, plus one per "Load more…"). */
  tagLimit(accountId: string, repositoryId: number): number {
    return this.view.tagLimit(accountId, repositoryId);
  }

  unauthorizedReason(accountId: string): string | undefined { return this.unauthorized.get(accountId); }

  isUnauthorized(accountId: string): boolean { return this.unauthorized.has(accountId); }

  /** A paged listing as far as loaded; its first page is fetched on first use. */
  async list<T>(accountId: string, key: ListKey): Promise<LoadedList<T>> {
    const c = this.cache.for(accountId);
    if (!c.list(key)) await this.fetchPage(accountId, key, { perPage: pageSizeSetting() }, true);
    const list = c.list<T>(key)!;
    return { items: list.items, complete: list.complete };
  }

  private async fetchPage(accountId: string, key: ListKey, page: PageRequest, first: boolean): Promise<void> {
    const c = this.cache.for(accountId);
    const result = await c.once(`${listKeyId(key)}|${page.cursor ?? ''}`, () => loadListPage(this.clients.api(accountId), c, key, page));
    c.addPage(key, result, first);
  }

  /** The environment account's user and scopes, learned once when the view first shows it. */
  checkEnvironmentAccount(): Promise<void> {
    return this.environment.check();
  }

  // --- changing --------------------------------------------------------------------------------------

  markUnauthorized(accountId: string, err: unknown): void {
    if (this.unauthorized.has(accountId)) return;
    this.unauthorized.set(accountId, describeError(err));
    this.log.warn(`GitLab rejected the token of ${accountId}: ${describeError(err)}`);
    this.changed.fire({ kind: 'account', accountId });
  }

  /** After re-authentication: the account lists again; cached data stays, failed listings are retried. */
  clearUnauthorized(accountId: string): void {
    this.unauthorized.delete(accountId);
    this.clients.invalidate(accountId);
    this.details.forget(accountId);
    this.changed.fire({ kind: 'account', accountId });
  }

  /** An account was removed: what the tree knew and kept for it goes (a re-added account starts afresh). */
  forgetAccount(accountId: string): void {
    this.cache.clear(accountId);
    this.view.clearTagLimits(accountId);
    this.unauthorized.delete(accountId);
    this.details.forget(accountId);
    this.sizes.forget(accountId);
  }

  /** The store changed: accounts no longer in it keep no "Load more…" limits. */
  private forgetRemovedAccounts(): void {
    this.view.keepOnly(new Set(this.store.list().map((a) => a.id)));
  }

  /** Refresh: forgets what was fetched below `node` (everything without a node) and lists again. */
  refresh(node?: TreeNode): void {
    if (!node) {
      this.cache.clear();
      this.view.clearTagLimits();
      this.unauthorized.clear();
      this.environment.clear();
      this.clients.invalidate();
      this.details.forget();
      this.sizes.forget();
      this.changed.fire({ kind: 'everything' });
      return;
    }
    const c = this.cache.for(node.accountId);
    switch (node.kind) {
      case 'account':
        this.forgetAccount(node.accountId);
        break;
      case 'group':
        c.forgetList({ list: 'groupRepositories', groupId: node.group.id });
        c.forgetList({ list: 'subgroups', groupId: node.group.id });
        c.forgetList({ list: 'groupProjects', groupId: node.group.id });
        break;
      case 'project':
        c.forgetList({ list: 'projectRepositories', projectId: node.project.id });
        c.policies.delete(node.project.id);
        c.protections.delete(node.project.id);
        break;
      case 'repository':
        c.forgetRepository(node.repositoryId);
        this.details.forget(node.accountId, node.repositoryId);
        break;
      default:
        if (node.parent) return this.refresh(node.parent);
    }
    this.changed.fire({ kind: 'node', node });
  }

  /** After Edit Cleanup Policy: the policy nodes of the project show the saved policy. */
  policyChanged(accountId: string, projectId: number, policy: CleanupPolicy): void {
    this.cache.for(accountId).policies.set(projectId, { policy });
    this.changed.fire({ kind: 'policy', accountId, projectId });
  }

  /** After tags were deleted: only the repositories that had them change. */
  tagsRemoved(accountId: string, repositoryId: number, names: string[]): void {
    this.cache.for(accountId).removeTags(repositoryId, names);
    this.changed.fire({ kind: 'repository', accountId, repositoryId });
  }

  /** A delete's outcome is unknown (answer lost): the repository's tags are listed again, not guessed. */
  refreshRepository(accountId: string, repositoryId: number): void {
    this.cache.for(accountId).forgetRepository(repositoryId);
    this.details.forget(accountId, repositoryId);
    this.changed.fire({ kind: 'repository', accountId, repositoryId });
  }

  /** A repository's status changed, or it is gone (status 'gone'): its node or its parents change. */
  repositoryChanged(accountId: string, repositoryId: number, status: RepositoryStatus | 'gone'): void {
    const c = this.cache.for(accountId);
    if (status === 'gone') {
      c.repositories.delete(repositoryId);
      c.goneRepositories.add(repositoryId);
      c.forgetRepository(repositoryId);
      this.changed.fire({ kind: 'repositoryGone', accountId, repositoryId });
      return;
    }
    const repo = c.repositories.get(repositoryId);
    if (repo) c.repositories.set(repositoryId, { ...repo, status });
    this.changed.fire({ kind: 'repository', accountId, repositoryId });
  }

  setFilter(accountId: string, repositoryId: number, filter: string | undefined): void {
    this.view.setFilter(accountId, repositoryId, filter);
    this.changed.fire({ kind: 'repository', accountId, repositoryId });
  }

  /** "Load more…": the next page of the list the node continues. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const parent = node.parent;
    if (!parent) return;
    const more = node.more;
    if (more.list === 'tags') {
      this.view.showMoreTags(node.accountId, more.repositoryId);
      this.changed.fire({ kind: 'node', node: parent });
      return;
    }
    const list = this.cache.for(node.accountId).list<unknown>(more);
    if (!list?.next) return;
    try {
      await this.fetchPage(node.accountId, more, { cursor: list.next, perPage: pageSizeSetting() }, false);
    } catch (err) {
      if (isAuthError(err)) this.markUnauthorized(node.accountId, err);
      throw err;
    }
    this.changed.fire({ kind: 'node', node: parent });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

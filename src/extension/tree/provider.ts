import * as vscode from 'vscode';
import type { RegistryApi } from '../../core/registryApi';
import type { CleanupPolicy, Group, Page, PageRequest, Project, Repository, RepositoryStatus, Tag } from '../../core/types';
import { accountFromCheck, instanceHost, missingScope, type Account } from '../accounts/account';
import type { AccountStore } from '../accounts/accountStore';
import { pageSizeSetting, type ClientPool } from '../accounts/clientPool';
import { CommandIds, Settings, contextValue, type Trait } from '../commandIds';
import { describeError, isAuthError } from '../errors';
import type { Log } from '../log';
import { AccountCache, ListKeys, RegistryCache } from './cache';
import { policyDescription, policyDetails } from '../rules/policyText';
import { formatAge, matchesFilter, sortTags, tagDescription, type TagSortOrder } from './format';
import {
  repositoryLabel, type AccountNode, type ErrorNode, type GroupNode, type LoadMoreNode, type MessageNode,
  type PolicyNode, type ProjectNode, type RepositoryNode, type TagNode, type TreeNode,
} from './nodes';
import { TagDetailsLoader } from './tagDetailsLoader';

/** Tag details are fetched for at most this many tags of one repository (the shown ones beyond it). */
const MAX_DETAILS_PER_REPOSITORY = 1000;

export function statusText(status: RepositoryStatus | undefined): string | undefined {
  switch (status) {
    case 'delete_scheduled': return vscode.l10n.t('deletion scheduled');
    case 'delete_ongoing': return vscode.l10n.t('deletion ongoing');
    case 'delete_failed': return vscode.l10n.t('deletion failed');
    default: return undefined;
  }
}

/**
 * The Registries tree: accounts → top-level member groups and member projects → image repositories →
 * tags. Listing errors become error nodes; changes fire only for the nodes they affect.
 */
export class RegistryTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  /** Live nodes by id: rebuilt children reuse the same objects so that change events find them. */
  private readonly nodes = new Map<string, TreeNode>();
  private readonly childIds = new Map<string, string[]>();
  private readonly filters = new Map<string, string>();
  /** How many tags "Load more…" shows, by `accountId|repositoryId`; forgotten with the account's cache. */
  private readonly tagLimits = new Map<string, number>();
  /** Accounts whose token GitLab rejected (401), with the reason. */
  private readonly unauthorized = new Map<string, string>();
  private readonly environmentCheck = new Map<string, Promise<void>>();
  private readonly disposables: vscode.Disposable[] = [this.changed];
  readonly detailsLoader: TagDetailsLoader;

  constructor(
    readonly store: AccountStore,
    readonly clients: ClientPool,
    readonly cache: RegistryCache,
    private readonly log: Log,
    private readonly locale: string = vscode.env.language,
  ) {
    this.detailsLoader = new TagDetailsLoader({
      fetch: (job) => this.apiFor(job.accountId).getTagDetails(job.projectId, job.repositoryId, job.name),
      has: (job) => this.cache.for(job.accountId).tagDetails(job.repositoryId, job.name) !== undefined,
      store: (job, details) => this.cache.for(job.accountId).setTagDetails(job.repositoryId, details),
      concurrency: () => this.concurrency(),
      loaded: (accountId, repositoryId, names) => {
        const wanted = new Set(names);
        const tagNodes = [...this.nodes.values()].filter(
          (n): n is TagNode => n.kind === 'tag' && n.accountId === accountId && n.repositoryId === repositoryId && wanted.has(n.tag.name),
        );
        if (tagNodes.length) this.changed.fire(tagNodes);
      },
      settled: (accountId, repositoryId) => {
        // Newest-first order needs the dates: re-sort the repository's children once they are in.
        if (this.sortOrder() === 'newest') this.fireRepository(accountId, repositoryId);
      },
      failed: (job, err) => {
        this.log.warn(`Tag details of ${job.name} (repository ${job.repositoryId}): ${describeError(err)}`);
        if (isAuthError(err)) this.markUnauthorized(job.accountId, err);
      },
    });
    this.disposables.push(
      this.detailsLoader,
      store.onDidChange(() => {
        this.forgetRemovedAccounts();
        this.changed.fire(undefined);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${Settings.section}.${Settings.tagSortOrder}`)) this.fireAllRepositories();
      }),
    );
  }

  private concurrency(): number {
    const n = vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.concurrency, 8);
    return Math.max(1, Math.min(32, Math.floor(n)));
  }

  sortOrder(): TagSortOrder {
    return vscode.workspace.getConfiguration(Settings.section).get<string>(Settings.tagSortOrder) === 'name' ? 'name' : 'newest';
  }

  // --- lookups used by the commands ----------------------------------------------------------------

  account(accountId: string): Account | undefined {
    return this.store.get(accountId);
  }

  apiFor(accountId: string): RegistryApi {
    const account = this.store.get(accountId);
    if (!account) throw new Error(vscode.l10n.t('The account was removed.'));
    return this.clients.forAccount(account);
  }

  repository(accountId: string, repositoryId: number): Repository | undefined {
    return this.cache.for(accountId).repositories.get(repositoryId);
  }

  /** The project (from the cache, else fetched once). */
  async project(accountId: string, projectId: number): Promise<Project> {
    const c = this.cache.for(accountId);
    const known = c.projects.get(projectId);
    if (known) return known;
    const project = await c.once(`project:${projectId}`, () => this.apiFor(accountId).getProject(projectId));
    c.projects.set(project.id, project);
    return project;
  }

  /** The project's cleanup policy (cached; GET /projects/:id once). Null when GitLab includes none. */
  async policy(accountId: string, projectId: number): Promise<CleanupPolicy | null> {
    const c = this.cache.for(accountId);
    const known = c.policies.get(projectId);
    if (known && 'policy' in known) return known.policy;
    try {
      const policy = await c.once(`policy:${projectId}`, () => this.apiFor(accountId).getCleanupPolicy(projectId));
      c.policies.set(projectId, { policy });
      return policy;
    } catch (err) {
      c.policies.set(projectId, { error: describeError(err) });
      throw err;
    }
  }

  /** After Edit Cleanup Policy: the policy nodes of the project show the saved policy. */
  policyChanged(accountId: string, projectId: number, policy: CleanupPolicy): void {
    this.cache.for(accountId).policies.set(projectId, { policy });
    const nodes = [...this.nodes.values()].filter(
      (n): n is PolicyNode => n.kind === 'policy' && n.accountId === accountId && n.projectId === projectId,
    );
    if (nodes.length) this.changed.fire(nodes);
  }

  /** Every tag name of a repository (cached; one listing for all places the repository appears in). */
  async tags(accountId: string, projectId: number, repositoryId: number): Promise<Tag[]> {
    const c = this.cache.for(accountId);
    const known = c.tags.get(repositoryId);
    if (known) return known;
    const tags = await c.once(`tags:${repositoryId}`, () => this.apiFor(accountId).listAllTags(projectId, repositoryId));
    c.tags.set(repositoryId, tags);
    return tags;
  }

  tagDetails(node: TagNode) {
    return this.cache.for(node.accountId).tagDetails(node.repositoryId, node.tag.name);
  }

  filterOf(accountId: string, repositoryId: number): string | undefined {
    return this.filters.get(`${accountId}|${repositoryId}`);
  }

  isUnauthorized(accountId: string): boolean {
    return this.unauthorized.has(accountId);
  }

  /** The nodes currently in the tree (for tests and for the Delete key on the selection). */
  liveNodes(): TreeNode[] {
    return [...this.nodes.values()];
  }

  // --- changes --------------------------------------------------------------------------------------

  markUnauthorized(accountId: string, err: unknown): void {
    if (this.unauthorized.has(accountId)) return;
    this.unauthorized.set(accountId, describeError(err));
    this.log.warn(`GitLab rejected the token of ${accountId}: ${describeError(err)}`);
    const node = this.nodes.get(accountNodeId(accountId));
    this.changed.fire(node ? [node] : undefined);
  }

  /** After re-authentication: the account lists again; cached data stays, failed listings are retried. */
  clearUnauthorized(accountId: string): void {
    this.unauthorized.delete(accountId);
    this.clients.invalidate(accountId);
    this.detailsLoader.forget(accountId);
    const node = this.nodes.get(accountNodeId(accountId));
    this.changed.fire(node ? [node] : undefined);
  }

  /** An account was removed: what the tree knew and kept for it goes (a re-added account starts afresh). */
  forgetAccount(accountId: string): void {
    this.cache.clear(accountId);
    this.clearTagLimits(accountId);
    this.unauthorized.delete(accountId);
    this.detailsLoader.forget(accountId);
  }

  /** The store changed: accounts no longer in it keep no "Load more…" limits. */
  private forgetRemovedAccounts(): void {
    const present = new Set(this.store.list().map((a) => a.id));
    for (const key of [...this.tagLimits.keys()]) {
      if (!present.has(limitAccount(key))) this.tagLimits.delete(key);
    }
  }

  /** Forgets the "Load more…" limits of the account's repositories (of every account without one). */
  private clearTagLimits(accountId?: string): void {
    if (accountId === undefined) {
      this.tagLimits.clear();
      return;
    }
    for (const key of [...this.tagLimits.keys()]) if (limitAccount(key) === accountId) this.tagLimits.delete(key);
  }

  /** Refresh: forgets what was fetched below `node` (everything without a node) and lists again. */
  refresh(node?: TreeNode): void {
    if (!node) {
      this.cache.clear();
      this.clearTagLimits();
      this.unauthorized.clear();
      this.environmentCheck.clear();
      this.clients.invalidate();
      this.detailsLoader.forget();
      this.changed.fire(undefined);
      return;
    }
    const c = this.cache.for(node.accountId);
    switch (node.kind) {
      case 'account':
        this.cache.clear(node.accountId);
        this.clearTagLimits(node.accountId);
        this.unauthorized.delete(node.accountId);
        this.detailsLoader.forget(node.accountId);
        break;
      case 'group':
        c.forgetList(ListKeys.groupRepositories(node.group.id));
        break;
      case 'project':
        c.forgetList(ListKeys.projectRepositories(node.project.id));
        c.policies.delete(node.project.id);
        break;
      case 'repository':
        c.forgetRepository(node.repositoryId);
        this.detailsLoader.forget(node.accountId, node.repositoryId);
        break;
      default:
        if (node.parent) return this.refresh(node.parent);
    }
    this.changed.fire([node]);
  }

  /** After tags were deleted: only the repositories that had them change. */
  tagsRemoved(accountId: string, repositoryId: number, names: string[]): void {
    this.cache.for(accountId).removeTags(repositoryId, names);
    this.fireRepository(accountId, repositoryId);
  }

  /** A repository's status changed, or it is gone (status 'gone'): its node or its parents change. */
  repositoryChanged(accountId: string, repositoryId: number, status: RepositoryStatus | 'gone'): void {
    const c = this.cache.for(accountId);
    if (status === 'gone') {
      c.repositories.delete(repositoryId);
      c.goneRepositories.add(repositoryId);
      c.forgetRepository(repositoryId);
      const parents = new Set<TreeNode>();
      for (const n of this.repositoryNodes(accountId, repositoryId)) if (n.parent) parents.add(n.parent);
      if (parents.size) this.changed.fire([...parents]);
      return;
    }
    const repo = c.repositories.get(repositoryId);
    if (repo) c.repositories.set(repositoryId, { ...repo, status });
    const nodes = this.repositoryNodes(accountId, repositoryId);
    if (nodes.length) this.changed.fire(nodes);
  }

  setFilter(node: RepositoryNode, filter: string | undefined): void {
    const k = `${node.accountId}|${node.repositoryId}`;
    if (filter && filter.trim() !== '') this.filters.set(k, filter.trim());
    else this.filters.delete(k);
    this.fireRepository(node.accountId, node.repositoryId);
  }

  /** "Load more…": the next page of the list the node continues. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const parent = node.parent;
    if (!parent) return;
    if (node.what === 'tags' && parent.kind === 'repository') {
      const k = `${parent.accountId}|${parent.repositoryId}`;
      this.tagLimits.set(k, (this.tagLimits.get(k) ?? pageSizeSetting()) + pageSizeSetting());
      this.changed.fire([parent]);
      return;
    }
    const c = this.cache.for(node.accountId);
    const list = c.list<unknown>(node.listKey);
    if (!list?.next) return;
    try {
      await this.fetchPage(node.accountId, node.listKey, { cursor: list.next, perPage: pageSizeSetting() }, false);
    } catch (err) {
      if (isAuthError(err)) this.markUnauthorized(node.accountId, err);
      throw err;
    }
    this.changed.fire([parent]);
  }

  private fireRepository(accountId: string, repositoryId: number): void {
    const nodes = this.repositoryNodes(accountId, repositoryId);
    if (nodes.length) this.changed.fire(nodes);
  }

  private fireAllRepositories(): void {
    const nodes = [...this.nodes.values()].filter((n) => n.kind === 'repository');
    if (nodes.length) this.changed.fire(nodes);
  }

  repositoryNodes(accountId: string, repositoryId: number): RepositoryNode[] {
    return [...this.nodes.values()].filter(
      (n): n is RepositoryNode => n.kind === 'repository' && n.accountId === accountId && n.repositoryId === repositoryId,
    );
  }

  // --- TreeDataProvider -----------------------------------------------------------------------------

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const children = await this.computeChildren(node);
    const parentId = node?.id ?? '';
    const fresh = new Set(children.map((c) => c.id));
    for (const old of this.childIds.get(parentId) ?? []) if (!fresh.has(old)) this.prune(old);
    this.childIds.set(parentId, children.map((c) => c.id));
    return children;
  }

  private prune(id: string): void {
    this.nodes.delete(id);
    for (const child of this.childIds.get(id) ?? []) this.prune(child);
    this.childIds.delete(id);
  }

  /** Reuses the live node with the same id (updating its data) so that change events keep working. */
  private keep<T extends TreeNode>(fresh: T): T {
    const existing = this.nodes.get(fresh.id);
    if (existing && existing.kind === fresh.kind) {
      Object.assign(existing, fresh);
      return existing as T;
    }
    this.nodes.set(fresh.id, fresh);
    return fresh;
  }

  private async computeChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.rootChildren();
    try {
      switch (node.kind) {
        case 'account': return await this.accountChildren(node);
        case 'group': return await this.groupChildren(node);
        case 'project': return await this.projectChildren(node);
        case 'repository': return await this.repositoryChildren(node);
        default: return [];
      }
    } catch (err) {
      return [this.errorNode(node, err)];
    }
  }

  private errorNode(parent: TreeNode, err: unknown): ErrorNode {
    const unauthorized = isAuthError(err);
    if (unauthorized) this.markUnauthorized(parent.accountId, err);
    this.log.error(`Listing ${parent.id}: ${err instanceof Error ? err.message : String(err)}`);
    return this.keep<ErrorNode>({
      kind: 'error', id: `${parent.id}/error`, accountId: parent.accountId, parent,
      message: describeError(err), unauthorized,
    });
  }

  private message(parent: TreeNode, message: string): MessageNode {
    return this.keep<MessageNode>({ kind: 'message', id: `${parent.id}/message`, accountId: parent.accountId, parent, message });
  }

  private async rootChildren(): Promise<TreeNode[]> {
    await this.store.ready();
    const env = this.store.environment;
    if (env && !this.store.isEnvironmentHidden() && !env.account) await this.checkEnvironmentAccount();
    return this.store.list().map((a) => this.keep<AccountNode>({ kind: 'account', id: accountNodeId(a.id), accountId: a.id }));
  }

  /** The environment account's user and scopes, learned when the view first shows it. */
  private checkEnvironmentAccount(): Promise<void> {
    const env = this.store.environment!;
    let p = this.environmentCheck.get(env.instanceUrl);
    if (!p) {
      p = (async () => {
        try {
          const check = await this.clients.create(env.instanceUrl, env.token, false).checkToken();
          const scope = missingScope(check);
          env.problem = scope ? vscode.l10n.t('The token lacks the "{0}" scope.', scope) : undefined;
          env.account = accountFromCheck(env.instanceUrl, check, false, 'environment');
          this.log.info(`Environment account: @${check.user.username} on ${env.instanceUrl}`);
        } catch (err) {
          env.problem = describeError(err);
          this.log.error(`Environment account on ${env.instanceUrl}: ${describeError(err)}`);
          if (isAuthError(err)) this.unauthorized.set(this.store.environmentAccount()!.id, describeError(err));
        }
      })();
      this.environmentCheck.set(env.instanceUrl, p);
    }
    return p;
  }

  private async fetchPage(accountId: string, listKey: string, page: PageRequest, first: boolean): Promise<void> {
    const api = this.apiFor(accountId);
    const c = this.cache.for(accountId);
    const load = async (): Promise<Page<unknown>> => {
      if (listKey === ListKeys.groups) return api.listGroups({ topLevelOnly: true }, page);
      if (listKey === ListKeys.projects) return api.listProjects({}, page);
      const m = /^(group|project):(\d+):repositories$/.exec(listKey);
      if (!m) throw new Error(`Unknown list ${listKey}`);
      const id = Number(m[2]);
      const result = m[1] === 'group' ? await api.listGroupRepositories(id, page) : await api.listProjectRepositories(id, page);
      for (const r of result.items) {
        c.repositories.set(r.id, r);
        c.goneRepositories.delete(r.id);
      }
      return result;
    };
    const result = await c.once(`${listKey}|${page.cursor ?? ''}`, load);
    if (listKey === ListKeys.projects) for (const p of result.items as Project[]) c.projects.set(p.id, p);
    c.addPage(listKey, result, first);
  }

  private async ensureList<T>(accountId: string, listKey: string): Promise<{ items: T[]; complete: boolean }> {
    const c: AccountCache = this.cache.for(accountId);
    if (!c.list(listKey)) await this.fetchPage(accountId, listKey, { perPage: pageSizeSetting() }, true);
    const list = c.list<T>(listKey)!;
    return { items: list.items, complete: list.complete };
  }

  private loadMoreNode(parent: TreeNode, listKey: string, what: LoadMoreNode['what']): LoadMoreNode {
    return this.keep<LoadMoreNode>({ kind: 'loadMore', id: `${parent.id}/more:${what}`, accountId: parent.accountId, parent, listKey, what });
  }

  private async accountChildren(node: AccountNode): Promise<TreeNode[]> {
    const reason = this.unauthorized.get(node.accountId);
    if (reason !== undefined) {
      return [this.keep<ErrorNode>({ kind: 'error', id: `${node.id}/error`, accountId: node.accountId, parent: node, message: reason, unauthorized: true })];
    }
    const env = this.store.environment;
    const account = this.store.get(node.accountId);
    if (account?.source === 'environment' && env?.problem) {
      return [this.keep<ErrorNode>({ kind: 'error', id: `${node.id}/error`, accountId: node.accountId, parent: node, message: env.problem, unauthorized: false })];
    }
    const [groups, projects] = await Promise.all([
      this.ensureList<Group>(node.accountId, ListKeys.groups),
      this.ensureList<Project>(node.accountId, ListKeys.projects),
    ]);
    const out: TreeNode[] = [];
    for (const g of groups.items) out.push(this.keep<GroupNode>({ kind: 'group', id: `${node.id}/g:${g.id}`, accountId: node.accountId, parent: node, group: g }));
    if (!groups.complete) out.push(this.loadMoreNode(node, ListKeys.groups, 'groups'));
    for (const p of projects.items) out.push(this.keep<ProjectNode>({ kind: 'project', id: `${node.id}/p:${p.id}`, accountId: node.accountId, parent: node, project: p }));
    if (!projects.complete) out.push(this.loadMoreNode(node, ListKeys.projects, 'projects'));
    if (out.length === 0) out.push(this.message(node, vscode.l10n.t('No groups or projects where you are at least a Reporter')));
    return out;
  }

  private repositoryNodesFor(parent: GroupNode | ProjectNode, repos: Repository[]): RepositoryNode[] {
    const c = this.cache.for(parent.accountId);
    const under: RepositoryNode['under'] = parent.kind === 'group'
      ? { kind: 'group', fullPath: parent.group.full_path }
      : { kind: 'project', path: parent.project.path_with_namespace };
    return repos
      .filter((r) => !c.goneRepositories.has(r.id))
      .map((r) => this.keep<RepositoryNode>({
        kind: 'repository', id: `${parent.id}/r:${r.id}`, accountId: parent.accountId, parent,
        repositoryId: r.id, projectId: r.project_id, under,
      }));
  }

  private async groupChildren(node: GroupNode): Promise<TreeNode[]> {
    const key = ListKeys.groupRepositories(node.group.id);
    const list = await this.ensureList<Repository>(node.accountId, key);
    const out: TreeNode[] = this.repositoryNodesFor(node, list.items);
    if (!list.complete) out.push(this.loadMoreNode(node, key, 'repositories'));
    if (out.length === 0) out.push(this.message(node, vscode.l10n.t('No image repositories in this group or its subgroups')));
    return out;
  }

  private async projectChildren(node: ProjectNode): Promise<TreeNode[]> {
    this.cache.for(node.accountId).projects.set(node.project.id, node.project);
    const key = ListKeys.projectRepositories(node.project.id);
    const [list] = await Promise.all([
      this.ensureList<Repository>(node.accountId, key),
      // A policy that cannot be read shows as such on its node; it does not fail the listing.
      this.policy(node.accountId, node.project.id).catch((err: unknown) => {
        if (isAuthError(err)) throw err;
        this.log.warn(`Cleanup policy of ${node.project.path_with_namespace}: ${describeError(err)}`);
      }),
    ]);
    const policyNode = this.keep<PolicyNode>({
      kind: 'policy', id: `${node.id}/policy`, accountId: node.accountId, parent: node,
      projectId: node.project.id, projectPath: node.project.path_with_namespace,
    });
    const out: TreeNode[] = [policyNode, ...this.repositoryNodesFor(node, list.items)];
    if (!list.complete) out.push(this.loadMoreNode(node, key, 'repositories'));
    if (out.length === 1) out.push(this.message(node, vscode.l10n.t('No image repositories')));
    return out;
  }

  private async repositoryChildren(node: RepositoryNode): Promise<TreeNode[]> {
    const all = await this.tags(node.accountId, node.projectId, node.repositoryId);
    const c = this.cache.for(node.accountId);
    const filter = this.filterOf(node.accountId, node.repositoryId);
    const matching = all.filter((t) => matchesFilter(t.name, filter));
    const sorted = sortTags(matching, (name) => c.tagDetails(node.repositoryId, name), this.sortOrder());
    const limit = this.tagLimits.get(`${node.accountId}|${node.repositoryId}`) ?? pageSizeSetting();
    const shown = sorted.slice(0, limit);
    // Details for every tag (so newest-first is right), or only the shown ones for very large repositories.
    const wanted = all.length <= MAX_DETAILS_PER_REPOSITORY ? matching : shown;
    this.detailsLoader.request(wanted.map((t) => ({ accountId: node.accountId, projectId: node.projectId, repositoryId: node.repositoryId, name: t.name })));
    const out: TreeNode[] = shown.map((t) => this.keep<TagNode>({
      kind: 'tag', id: `${node.id}/t:${t.name}`, accountId: node.accountId, parent: node,
      repositoryId: node.repositoryId, projectId: node.projectId, tag: t,
    }));
    if (sorted.length > shown.length) out.push(this.loadMoreNode(node, `tags:${node.repositoryId}`, 'tags'));
    if (out.length === 0) {
      out.push(this.message(node, filter ? vscode.l10n.t('No tags match "{0}"', filter) : vscode.l10n.t('No tags')));
    }
    return out;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const account = this.store.get(node.accountId);
    const access: Trait[] = account?.readOnly ? ['readOnly'] : ['writable'];
    const readOnlyNote = account?.readOnly
      ? vscode.l10n.t('Read-only: the token has the read_api scope but not api, so deleting is not available. Add the account again with an api token to delete.')
      : undefined;
    switch (node.kind) {
      case 'account': {
        const a = account;
        const item = new vscode.TreeItem(a ? instanceHost(a.instanceUrl) : node.accountId, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        const reason = this.unauthorized.get(node.accountId);
        const traits: Trait[] = ['account', ...access];
        if (a?.source === 'environment') traits.push('environment');
        const user = a?.username ? `@${a.username}` : vscode.l10n.t('environment');
        if (reason !== undefined) {
          traits.push('unauthorized');
          item.description = `${user} · ${vscode.l10n.t('re-authentication needed')}`;
          item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        } else {
          item.description = user;
          item.iconPath = new vscode.ThemeIcon(a?.readOnly ? 'lock' : 'account');
        }
        item.contextValue = contextValue(traits);
        const md = new vscode.MarkdownString();
        if (a) {
          md.appendMarkdown(`**${escapeMd(a.instanceUrl)}**\n\n`);
          md.appendMarkdown(`${escapeMd(vscode.l10n.t('User'))}: ${escapeMd(a.username ? `@${a.username}` : '—')}${a.name ? ` (${escapeMd(a.name)})` : ''}\n\n`);
          md.appendMarkdown(`${escapeMd(vscode.l10n.t('Token scopes'))}: ${escapeMd(a.scopes?.join(', ') ?? vscode.l10n.t('unknown'))}\n\n`);
          if (a.expiresAt) md.appendMarkdown(`${escapeMd(vscode.l10n.t('Token expires'))}: ${escapeMd(a.expiresAt)}\n\n`);
          if (a.source === 'environment') md.appendMarkdown(`${escapeMd(vscode.l10n.t('From the environment variables GITLAB_REGISTRY_URL and GITLAB_REGISTRY_TOKEN; the token is not stored.'))}\n\n`);
        }
        if (readOnlyNote) md.appendMarkdown(`${escapeMd(readOnlyNote)}\n\n`);
        if (reason !== undefined) md.appendMarkdown(`$(error) ${escapeMd(reason)} ${escapeMd(vscode.l10n.t('Use "Re-authenticate" to enter a new token.'))}`);
        md.supportThemeIcons = true;
        item.tooltip = md;
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(node.group.full_path, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('organization');
        item.contextValue = contextValue(['group', ...access]);
        item.tooltip = `${node.group.full_path}\n${vscode.l10n.t('Image repositories of all projects in this group and its subgroups')}`;
        return item;
      }
      case 'project': {
        const item = new vscode.TreeItem(node.project.path_with_namespace, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('repo');
        item.contextValue = contextValue(['project', ...access]);
        item.tooltip = node.project.web_url;
        return item;
      }
      case 'policy': {
        const state = this.cache.for(node.accountId).policies.get(node.projectId);
        const item = new vscode.TreeItem(vscode.l10n.t('Cleanup policy'), vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.contextValue = contextValue(['policy', ...access]);
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${escapeMd(vscode.l10n.t('Cleanup policy of {0}', node.projectPath))}**\n\n`);
        if (!state) {
          item.description = vscode.l10n.t('loading…');
        } else if ('error' in state) {
          item.description = vscode.l10n.t('cannot be read');
          item.iconPath = new vscode.ThemeIcon('warning');
          md.appendMarkdown(escapeMd(state.error));
        } else if (state.policy === null) {
          item.description = vscode.l10n.t('not available');
          md.appendMarkdown(escapeMd(vscode.l10n.t('GitLab did not include a cleanup policy for this project.')));
        } else {
          const p = state.policy;
          item.description = policyDescription(p, vscode.l10n.t);
          item.iconPath = new vscode.ThemeIcon(p.enabled ? 'history' : 'circle-slash');
          for (const [k, v] of policyDetails(p, vscode.l10n.t)) md.appendMarkdown(`${escapeMd(k)}: ${escapeMd(v)}\n\n`);
        }
        if (!item.iconPath) item.iconPath = new vscode.ThemeIcon('history');
        item.tooltip = md;
        return item;
      }
      case 'repository': {
        const repo = this.repository(node.accountId, node.repositoryId);
        const item = new vscode.TreeItem(repo ? repositoryLabel(repo, node.under) : String(node.repositoryId), vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        const filter = this.filterOf(node.accountId, node.repositoryId);
        const traits: Trait[] = ['repository', ...access];
        if (filter) traits.push('filtered');
        item.contextValue = contextValue(traits);
        const status = statusText(repo?.status);
        const tags = this.cache.for(node.accountId).tags.get(node.repositoryId);
        const parts: string[] = [];
        if (status) parts.push(status);
        if (filter) parts.push(vscode.l10n.t('filter: {0}', filter));
        if (tags && !status) parts.push(tags.length === 1 ? vscode.l10n.t('1 tag') : vscode.l10n.t('{0} tags', tags.length));
        const cleanupAge = repo?.cleanup_policy_started_at ? formatAge(repo.cleanup_policy_started_at, Date.now(), this.locale) : undefined;
        if (cleanupAge && !status) parts.push(vscode.l10n.t('cleanup {0}', cleanupAge));
        item.description = parts.join(' · ');
        item.iconPath = repo?.status === 'delete_failed'
          ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
          : repo?.status ? new vscode.ThemeIcon('sync~spin') : new vscode.ThemeIcon('package');
        const md = new vscode.MarkdownString();
        if (repo) {
          md.appendMarkdown(`**${escapeMd(repo.location)}**\n\n`);
          if (status) md.appendMarkdown(`${escapeMd(vscode.l10n.t('Status'))}: ${escapeMd(status)}\n\n`);
          if (repo.created_at) md.appendMarkdown(`${escapeMd(vscode.l10n.t('Created'))}: ${escapeMd(repo.created_at)}\n\n`);
          md.appendMarkdown(`${escapeMd(vscode.l10n.t('Cleanup policy last started'))}: ${escapeMd(repo.cleanup_policy_started_at ?? vscode.l10n.t('never'))}\n\n`);
        }
        if (readOnlyNote) md.appendMarkdown(escapeMd(readOnlyNote));
        item.tooltip = md;
        return item;
      }
      case 'tag': {
        const details = this.tagDetails(node);
        const item = new vscode.TreeItem(node.tag.name, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('tag');
        const traits: Trait[] = ['tag', ...access];
        if (details?.digest) traits.push('hasDigest');
        item.contextValue = contextValue(traits);
        item.description = tagDescription(details, Date.now(), this.locale);
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${escapeMd(node.tag.name)}**\n\n`);
        if (details) {
          if (details.digest) md.appendMarkdown(`${escapeMd(vscode.l10n.t('Digest'))}: \`${details.digest}\`\n\n`);
          if (details.created_at) md.appendMarkdown(`${escapeMd(vscode.l10n.t('Created'))}: ${escapeMd(details.created_at)}\n\n`);
          if (details.total_size !== null) md.appendMarkdown(`${escapeMd(vscode.l10n.t('Size'))}: ${escapeMd(String(details.total_size))} ${escapeMd(vscode.l10n.t('bytes'))}\n\n`);
        } else {
          md.appendMarkdown(`${escapeMd(vscode.l10n.t('Loading details…'))}\n\n`);
        }
        md.appendMarkdown(`${escapeMd(vscode.l10n.t('Location'))}: \`${node.tag.location}\`\n\n`);
        md.appendCodeblock(`docker pull ${node.tag.location}`, 'shell');
        if (readOnlyNote) md.appendMarkdown(`\n\n${escapeMd(readOnlyNote)}`);
        item.tooltip = md;
        return item;
      }
      case 'loadMore': {
        const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.description = {
          groups: vscode.l10n.t('groups'), projects: vscode.l10n.t('projects'),
          repositories: vscode.l10n.t('image repositories'), tags: vscode.l10n.t('tags'),
        }[node.what];
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.contextValue = contextValue(['loadMore']);
        item.command = { command: CommandIds.loadMore, title: vscode.l10n.t('Load more…'), arguments: [node] };
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        const traits: Trait[] = ['error'];
        if (node.unauthorized) traits.push('unauthorized');
        item.contextValue = contextValue(traits);
        item.tooltip = node.unauthorized
          ? vscode.l10n.t('{0} Use "Re-authenticate" to enter a new token.', node.message)
          : vscode.l10n.t('{0} Click to show the logs.', node.message);
        item.command = node.unauthorized
          ? { command: CommandIds.reauthenticate, title: vscode.l10n.t('Re-authenticate'), arguments: [node] }
          : { command: CommandIds.showLogs, title: vscode.l10n.t('Show Logs') };
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.contextValue = contextValue(['message']);
        return item;
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The account of a `accountId|repositoryId` key (account ids contain "|" themselves). */
function limitAccount(key: string): string {
  return key.slice(0, key.lastIndexOf('|'));
}

export function accountNodeId(accountId: string): string {
  return `a:${accountId}`;
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}


// Which nodes sit below a node: accounts → top-level member groups and member projects → image repositories
// (a project's cleanup policy first) → tags. Data comes from the model; a listing that fails becomes an
// error node (a 401 also marks the account), an empty one a message row.
import * as vscode from 'vscode';
import type { Group, Project, Repository, Tag } from '../../core/types';
import { describeError, isAuthError } from '../errors';
import type { Log } from '../log';
import { pageSizeSetting, tagSortOrderSetting } from '../settings';
import { MAX_DATED_TAGS, formatCount, matchesFilter, sortTags, type TagSortOrder } from './format';
import { protectionRuleLines } from './protectionText';
import type { RegistryModel } from './model';
import { accountNodeId, type NodeRegistry } from './nodeRegistry';
import type {
  AccountNode, ErrorNode, GroupNode, LoadMoreNode, MessageNode, MoreOf, PolicyNode, ProjectNode, RepositoryNode, TagNode, TreeNode,
} from './nodes';


export class TreeChildren {
  constructor(private readonly model: RegistryModel, private readonly nodes: NodeRegistry, private readonly log: Log) {}

  async of(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.accounts();
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
    if (unauthorized) this.model.markUnauthorized(parent.accountId, err);
    this.log.error(`Listing ${parent.id}: ${err instanceof Error ? err.message : String(err)}`);
    return this.nodes.keep<ErrorNode>({
      kind: 'error', id: `${parent.id}/error`, accountId: parent.accountId, parent, message: describeError(err), unauthorized,
    });
  }

  private message(parent: TreeNode, message: string): MessageNode {
    return this.nodes.keep<MessageNode>({ kind: 'message', id: `${parent.id}/message`, accountId: parent.accountId, parent, message });
  }

  private loadMore(parent: TreeNode, more: MoreOf, what: string): LoadMoreNode {
    return this.nodes.keep<LoadMoreNode>({ kind: 'loadMore', id: `${parent.id}/more:${what}`, accountId: parent.accountId, parent, more });
  }

  private async accounts(): Promise<TreeNode[]> {
    const store = this.model.store;
    await store.ready();
    const env = store.environment;
    if (env && !store.isEnvironmentHidden() && !env.account) await this.model.checkEnvironmentAccount();
    return store.list().map((a) => this.nodes.keep<AccountNode>({ kind: 'account', id: accountNodeId(a.id), accountId: a.id }));
  }

  private async accountChildren(node: AccountNode): Promise<TreeNode[]> {
    const reason = this.model.unauthorizedReason(node.accountId);
    if (reason !== undefined) {
      return [this.nodes.keep<ErrorNode>({ kind: 'error', id: `${node.id}/error`, accountId: node.accountId, parent: node, message: reason, unauthorized: true })];
    }
    const env = this.model.store.environment;
    if (this.model.account(node.accountId)?.source === 'environment' && env?.problem) {
      return [this.nodes.keep<ErrorNode>({ kind: 'error', id: `${node.id}/error`, accountId: node.accountId, parent: node, message: env.problem, unauthorized: false })];
    }
    const [groups, projects] = await Promise.all([
      this.model.list<Group>(node.accountId, { list: 'groups' }),
      this.model.list<Project>(node.accountId, { list: 'projects' }),
    ]);
    // Projects nest under their groups: at the top only those outside every listed top-level group (personal
    // projects, projects shared with you in groups you are not a member of). Both lists come ordered by path.
    const inListedGroup = (p: Project) => groups.items.some((g) => p.path_with_namespace.toLowerCase().startsWith(`${g.full_path.toLowerCase()}/`));
    const out: TreeNode[] = [
      ...this.groupNodes(node, groups.items),
      ...(groups.complete ? [] : [this.loadMore(node, { list: 'groups' }, 'groups')]),
      ...this.projectNodes(node, projects.items.filter((p) => !inListedGroup(p))),
    ];
    if (!projects.complete) out.push(this.loadMore(node, { list: 'projects' }, 'projects'));
    if (out.length === 0) out.push(this.message(node, vscode.l10n.t('No groups or projects where you are at least a Reporter')));
    return out;
  }

  private groupNodes(parent: AccountNode | GroupNode, groups: Group[]): GroupNode[] {
    return groups.map((g) => this.nodes.keep<GroupNode>({ kind: 'group', id: `${parent.id}/g:${g.id}`, accountId: parent.accountId, parent, group: g }));
  }

  private projectNodes(parent: AccountNode | GroupNode, projects: Project[]): ProjectNode[] {
    return projects.map((p) => this.nodes.keep<ProjectNode>({ kind: 'project', id: `${parent.id}/p:${p.id}`, accountId: parent.accountId, parent, project: p }));
  }

  private repositoryNodes(parent: GroupNode | ProjectNode, repos: Repository[]): RepositoryNode[] {
    const under: RepositoryNode['under'] = parent.kind === 'group'
      ? { kind: 'group', fullPath: parent.group.full_path }
      : { kind: 'project', path: parent.project.path_with_namespace };
    return repos
      .filter((r) => !this.model.isGone(parent.accountId, r.id))
      .map((r) => this.nodes.keep<RepositoryNode>({
        kind: 'repository', id: `${parent.id}/r:${r.id}`, accountId: parent.accountId, parent,
        repositoryId: r.id, projectId: r.project_id, under,
      }));
  }

  /** A group: its subgroups, then its own projects, each by path; every repository sits under its project. */
  private async groupChildren(node: GroupNode): Promise<TreeNode[]> {
    const subgroupsKey = { list: 'subgroups', groupId: node.group.id } as const;
    const projectsKey = { list: 'groupProjects', groupId: node.group.id } as const;
    const [subgroups, projects] = await Promise.all([
      this.model.list<Group>(node.accountId, subgroupsKey),
      this.model.list<Project>(node.accountId, projectsKey),
    ]);
    const out: TreeNode[] = [
      ...this.groupNodes(node, subgroups.items),
      ...(subgroups.complete ? [] : [this.loadMore(node, subgroupsKey, 'groups')]),
      ...this.projectNodes(node, projects.items),
      ...(projects.complete ? [] : [this.loadMore(node, projectsKey, 'projects')]),
    ];
    if (out.length === 0) out.push(this.message(node, vscode.l10n.t('No subgroups or projects')));
    return out;
  }

  private async projectChildren(node: ProjectNode): Promise<TreeNode[]> {
    this.model.rememberProject(node.accountId, node.project);
    const key = { list: 'projectRepositories', projectId: node.project.id } as const;
    const [list, protection] = await Promise.all([
      this.model.list<Repository>(node.accountId, key),
      this.model.protection(node.accountId, node.project.id),
      // A policy that cannot be read shows as such on its node; it does not fail the listing.
      this.model.policy(node.accountId, node.project.id).catch((err: unknown) => {
        if (isAuthError(err)) throw err;
        this.log.warn(`Cleanup policy of ${node.project.path_with_namespace}: ${describeError(err)}`);
      }),
    ]);
    const policyNode = this.nodes.keep<PolicyNode>({
      kind: 'policy', id: `${node.id}/policy`, accountId: node.accountId, parent: node,
      projectId: node.project.id, projectPath: node.project.path_with_namespace,
    });
    // A Protection child listing the rules, for roles that may read them (Maintainer and up).
    const rules = protectionRuleLines(protection);
    const protectionNode = rules.length ? [this.nodes.keep<MessageNode>({
      kind: 'message', id: `${node.id}/protection`, accountId: node.accountId, parent: node,
      message: vscode.l10n.t('Protection'), details: rules,
    })] : [];
    const out: TreeNode[] = [policyNode, ...protectionNode, ...this.repositoryNodes(node, list.items)];
    if (!list.complete) out.push(this.loadMore(node, key, 'repositories'));
    if (out.length === 1 + protectionNode.length) out.push(this.message(node, vscode.l10n.t('No image repositories')));
    return out;
  }

  private async repositoryChildren(node: RepositoryNode): Promise<TreeNode[]> {
    const { accountId, projectId, repositoryId } = node;
    const [all, protection] = await Promise.all([this.model.tags(accountId, projectId, repositoryId), this.model.protection(accountId, projectId)]);
    const filter = this.model.filterOf(accountId, repositoryId);
    // Newest first means newest of the whole repository: every date is read before the first row shows,
    // so rows never jump and a loaded page lands below what the user reads. Beyond MAX_DATED_TAGS that
    // read is too long (GraphQL pages of 20): the registry sorts where it can (serverNewest.ts), else name
    // order, and the repository row says so.
    const newest = tagSortOrderSetting() === 'newest';
    if (newest && all.length > MAX_DATED_TAGS && !filter) {
      const rows = this.model.newest.rows(accountId, projectId, repositoryId, all, this.model.tagLimit(accountId, repositoryId));
      if (rows === 'loading') return [this.message(node, vscode.l10n.t('reading the newest of {0} tags…', formatCount(all.length, vscode.env.language)))];
      if (rows !== undefined) return this.tagRows(node, rows, all.length, protection.tagRules === null ? all : undefined);
    }
    const order: TagSortOrder = newest && all.length <= MAX_DATED_TAGS ? 'newest' : 'name';
    if (order === 'newest' && !this.model.datesReady(accountId, projectId, repositoryId, all)) {
      return [this.message(node, vscode.l10n.t('sorting {0} tags…', formatCount(all.length, vscode.env.language)))];
    }
    const matching = all.filter((t) => matchesFilter(t.name, filter));
    const sorted = sortTags(matching, (name) => this.model.tagDetails(accountId, repositoryId, name), order);
    const shown = sorted.slice(0, this.model.tagLimit(accountId, repositoryId));
    // Details for every tag, or only the shown ones for very large repositories (name order).
    const wanted = all.length <= MAX_DATED_TAGS ? matching : shown;
    this.model.requestTagDetails(wanted.map((t) => ({ accountId, projectId, repositoryId, name: t.name })));
    const out = this.tagRows(node, shown, sorted.length, protection.tagRules === null ? all : undefined);
    if (out.length === 0) {
      out.push(this.message(node, filter ? vscode.l10n.t('No tags match "{0}"', filter) : vscode.l10n.t('No tags')));
    }
    return out;
  }

  /**
   * Rows for the shown tags, then "Load N more (shown of total)" when there are more. `readLevelsOf`: the
   * rules are not readable (below Maintainer), so the per-tag levels decide where the shown details lack them.
   */
  private tagRows(node: RepositoryNode, shown: Tag[], total: number, readLevelsOf?: Tag[]): TreeNode[] {
    const { accountId, projectId, repositoryId } = node;
    if (readLevelsOf && shown.some((t) => this.model.tagDetails(accountId, repositoryId, t.name)?.protection === undefined)) {
      this.model.readTagLevels(accountId, projectId, repositoryId, readLevelsOf);
    }
    const out: TreeNode[] = shown.map((t) => this.nodes.keep<TagNode>({
      kind: 'tag', id: `${node.id}/t:${t.name}`, accountId, parent: node, repositoryId, projectId, tag: { name: t.name, path: t.path, location: t.location },
    }));
    if (total > shown.length) {
      const more = this.loadMore(node, { list: 'tags', repositoryId }, 'tags');
      more.count = { shown: shown.length, total, next: Math.min(pageSizeSetting(), total - shown.length) };
      out.push(more);
    }
    return out;
  }
}

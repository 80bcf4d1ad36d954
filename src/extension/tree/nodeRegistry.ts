// The tree's live node objects by id. VS Code identifies an element by object identity in change events,
// so a rebuilt child list reuses the object of the same id; children that disappear are forgotten with
// everything below them.
import type { PolicyNode, RepositoryNode, TagNode, TreeNode } from './nodes';

export class NodeRegistry {
  private readonly nodes = new Map<string, TreeNode>();
  private readonly childIds = new Map<string, string[]>();

  /** Reuses the live node with the same id (updating its data) so that change events keep working. */
  keep<T extends TreeNode>(fresh: T): T {
    const existing = this.nodes.get(fresh.id);
    if (existing && existing.kind === fresh.kind) {
      Object.assign(existing, fresh);
      return existing as T;
    }
    this.nodes.set(fresh.id, fresh);
    return fresh;
  }

  /** Records the children now shown under `parent` (the root without one); the ones gone are forgotten. */
  setChildren(parent: TreeNode | undefined, children: TreeNode[]): void {
    const parentId = parent?.id ?? '';
    const current = new Set(children.map((c) => c.id));
    for (const old of this.childIds.get(parentId) ?? []) if (!current.has(old)) this.prune(old);
    this.childIds.set(parentId, children.map((c) => c.id));
  }

  private prune(id: string): void {
    this.nodes.delete(id);
    for (const child of this.childIds.get(id) ?? []) this.prune(child);
    this.childIds.delete(id);
  }

  get(id: string): TreeNode | undefined {
    return this.nodes.get(id);
  }

  all(): TreeNode[] {
    return [...this.nodes.values()];
  }

  repositories(accountId: string, repositoryId?: number): RepositoryNode[] {
    return this.all().filter((n): n is RepositoryNode => n.kind === 'repository' && n.accountId === accountId
      && (repositoryId === undefined || n.repositoryId === repositoryId));
  }

  allRepositories(): RepositoryNode[] {
    return this.all().filter((n): n is RepositoryNode => n.kind === 'repository');
  }

  policies(accountId: string, projectId: number): PolicyNode[] {
    return this.all().filter((n): n is PolicyNode => n.kind === 'policy' && n.accountId === accountId && n.projectId === projectId);
  }

  tags(accountId: string, repositoryId: number, names: ReadonlySet<string>): TagNode[] {
    return this.all().filter((n): n is TagNode => n.kind === 'tag' && n.accountId === accountId
      && n.repositoryId === repositoryId && names.has(n.tag.name));
  }
}

export function accountNodeId(accountId: string): string {
  return `a:${accountId}`;
}

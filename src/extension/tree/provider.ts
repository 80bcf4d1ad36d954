// The Registries tree as VS Code sees it: a thin TreeDataProvider over the model (data and loading),
// TreeChildren (which nodes sit below a node), the node registry (live node objects) and the render
// functions. Model changes become change events for exactly the nodes that show them.
import * as vscode from 'vscode';
import { ContextKeys } from '../commandIds';
import type { Log } from '../log';
import { TreeChildren } from './children';
import type { ModelChange, RegistryModel } from './model';
import { NodeRegistry, accountNodeId } from './nodeRegistry';
import type { TreeNode } from './nodes';
import { renderNode } from './render';

export class RegistryTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new NodeRegistry();
  private readonly children: TreeChildren;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: RegistryModel, log: Log, private readonly locale: string = vscode.env.language) {
    this.children = new TreeChildren(model, this.nodes, log);
    this.subscription = model.onDidChange((change) => this.fire(change));
  }

  /** The nodes currently in the tree (for tests and for the Delete key on the selection). */
  liveNodes(): TreeNode[] {
    return this.nodes.all();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const children = await this.children.of(node);
    this.nodes.setChildren(node, children);
    // The welcome view ("Add Account") waits for this: the environment account is resolved by now.
    if (!node) void vscode.commands.executeCommand('setContext', ContextKeys.accountsResolved, true);
    return children;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return renderNode(node, this.model, this.locale);
  }

  /** The nodes a model change affects; undefined = the whole tree. */
  private affected(change: ModelChange): TreeNode[] | undefined {
    switch (change.kind) {
      case 'everything': return undefined;
      case 'node': return [change.node];
      case 'account': {
        const node = this.nodes.get(accountNodeId(change.accountId));
        return node ? [node] : undefined;
      }
      case 'repository': return this.nodes.repositories(change.accountId, change.repositoryId);
      case 'repositoryGone': {
        const parents = new Set<TreeNode>();
        for (const n of this.nodes.repositories(change.accountId, change.repositoryId)) if (n.parent) parents.add(n.parent);
        return [...parents];
      }
      case 'allRepositories': return this.nodes.allRepositories();
      case 'policy': return this.nodes.policies(change.accountId, change.projectId);
      case 'tagDetails': return this.nodes.tags(change.accountId, change.repositoryId, new Set(change.names));
    }
  }

  private fire(change: ModelChange): void {
    const nodes = this.affected(change);
    // A change no shown node displays needs no event (an empty list would still make VS Code work).
    if (nodes === undefined || nodes.length > 0) this.changed.fire(nodes);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

import type * as vscode from 'vscode';
import type { AccountStore } from '../accounts/accountStore';
import type { ClientPool } from '../accounts/clientPool';
import type { RepositoryDeletionPoller } from '../deletion/repositoryDeletionPoller';
import type { Log } from '../log';
import type { TreeNode } from '../tree/nodes';
import type { RegistryModel } from '../tree/model';
import type { Ui } from '../ui';

/** What every command gets: the extension's parts, wired once in extension.ts. */
export interface CommandContext {
  readonly extension: vscode.ExtensionContext;
  readonly store: AccountStore;
  /** `clients.api(accountId)`: the one way a command gets an API client. */
  readonly clients: ClientPool;
  /** The tree's data and state: the only way a command reads or changes what the tree shows. */
  readonly model: RegistryModel;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly poller: RepositoryDeletionPoller;
  readonly log: Log;
  readonly ui: Ui;
}

/** The shape every command has: a node from the tree (or nothing from the palette) and the selection. */
export type CommandHandler = (ctx: CommandContext, node?: unknown, nodes?: unknown) => Promise<unknown> | unknown;

/** The selection a context-menu command acts on: all selected nodes of the kind when `node` is one of them. */
export function selectionFor<T extends TreeNode>(node: T, nodes: unknown, is: (n: unknown) => n is T): T[] {
  if (Array.isArray(nodes) && nodes.length > 1 && nodes.includes(node)) return nodes.filter(is);
  return [node];
}

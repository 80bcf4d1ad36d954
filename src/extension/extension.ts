// Activation: wiring only. No request is sent here; the tree asks GitLab when the view shows it.
import * as vscode from 'vscode';
import { AccountStore } from './accounts/accountStore';
import { ClientPool } from './accounts/clientPool';
import { ContextKeys, Settings, VIEW_ID } from './commandIds';
import type { CommandContext } from './commands/context';
import { registerCommands } from './commands/registerCommands';
import { RepositoryDeletionPoller } from './deletion/repositoryDeletionPoller';
import { Log } from './log';
import { tagSortOrderSetting } from './settings';
import { RegistryModel } from './tree/model';
import type { TreeNode } from './tree/nodes';
import { RegistryTreeProvider } from './tree/provider';
import { Ui } from './ui';

/**
 * Returned by activate() for the integration tests (`vscode.extensions.getExtension(...).exports`):
 * call `provider.getChildren()` at the VS Code API boundary, reach data and state through `model`, replace
 * `ui` members to answer prompts and record messages, shorten `poller.options` to watch repository
 * deletions quickly.
 */
export interface GitLabRegistryApi {
  readonly provider: RegistryTreeProvider;
  readonly model: RegistryModel;
  readonly clients: ClientPool;
  readonly store: AccountStore;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly poller: RepositoryDeletionPoller;
  readonly ui: Ui;
  readonly log: Log;
  readonly activationMs: number;
}

export function activate(context: vscode.ExtensionContext): GitLabRegistryApi {
  const started = performance.now();
  const log = new Log();
  const version = String((context.extension.packageJSON as { version?: string }).version ?? '0.0.0');
  const store = new AccountStore(context.secrets, context.globalState, process.env, log);
  const clients = new ClientPool(store, log, `gitlab-container-registry-vscode/${version}`, context.globalStorageUri?.fsPath);
  const model = new RegistryModel(store, clients, log);
  const provider = new RegistryTreeProvider(model, log);
  const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, canSelectMany: true, showCollapseAll: true });
  const poller = new RepositoryDeletionPoller((id) => clients.api(id), (id, repo, status) => model.repositoryChanged(id, repo, status), log);
  const ui = new Ui();
  const ctx: CommandContext = { extension: context, store, clients, model, treeView, poller, log, ui };

  context.subscriptions.push(log, store, model, provider, treeView, poller, ...registerCommands(ctx));
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(`${Settings.section}.${Settings.concurrency}`)) clients.invalidate();
    if (e.affectsConfiguration(`${Settings.section}.${Settings.tagSortOrder}`)) void setSortContext();
  }));
  void setSortContext();
  void vscode.commands.executeCommand('setContext', ContextKeys.environmentAccountHidden, store.isEnvironmentHidden());

  const activationMs = performance.now() - started;
  log.info(`GitLab Container Registry ${version} activated in ${activationMs.toFixed(1)} ms.`);
  return { provider, model, clients, store, treeView, poller, ui, log, activationMs };
}

function setSortContext(): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', ContextKeys.tagSortOrder, tagSortOrderSetting());
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

import * as vscode from 'vscode';
import { ContextKeys, Settings } from '../commandIds';
import type { CommandContext } from './context';

/** Remembered in the user setting gitlabRegistry.tagSortOrder; the provider re-sorts on the change. */
export async function setTagSortOrder(order: 'name' | 'newest'): Promise<void> {
  await vscode.workspace.getConfiguration(Settings.section).update(Settings.tagSortOrder, order, vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('setContext', ContextKeys.tagSortOrder, order);
}

export async function sortTagsByName(_ctx: CommandContext): Promise<void> {
  await setTagSortOrder('name');
}

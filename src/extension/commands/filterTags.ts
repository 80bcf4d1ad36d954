import * as vscode from 'vscode';
import { isRepositoryNode } from '../tree/nodes';
import type { CommandContext } from './context';

/** Filters a repository's tags by a substring or a glob (`v1.*`); shown in the repository's description. */
export async function filterTags(ctx: CommandContext, node?: unknown): Promise<void> {
  if (!isRepositoryNode(node)) return;
  const current = ctx.model.filterOf(node.accountId, node.repositoryId);
  const value = await ctx.ui.inputText({
    title: vscode.l10n.t('Filter Tags'),
    prompt: vscode.l10n.t('Show only tags containing this text, or matching a pattern with * and ?. Empty clears the filter.'),
    placeHolder: vscode.l10n.t('e.g. v1.* or main'),
    value: current ?? '',
  });
  if (value === undefined) return;
  ctx.model.setFilter(node.accountId, node.repositoryId, value);
}

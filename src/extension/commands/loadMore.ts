import * as vscode from 'vscode';
import { handleError } from '../errors';
import { isNode } from '../tree/nodes';
import type { CommandContext } from './context';

export async function loadMore(ctx: CommandContext, node?: unknown): Promise<void> {
  if (!isNode(node) || node.kind !== 'loadMore') return;
  try {
    await ctx.model.loadMore(node);
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Loading more items failed'), err);
  }
}

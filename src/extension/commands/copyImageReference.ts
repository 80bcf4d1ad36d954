import * as vscode from 'vscode';
import { stripControls } from '../../core/text';
import { handleError } from '../errors';
import { isNode, isRepositoryNode, isTagNode, type TreeNode } from '../tree/nodes';
import type { CommandContext } from './context';
import { pickRepositoryPath, pickTags } from './pickers';

/** Copies `host/path:tag` (a repository copies its `host/path`); a multi-selection copies one per line. */
export async function copyImageReference(ctx: CommandContext, node?: unknown, nodes?: unknown): Promise<string | undefined> {
  try {
    let references: string[];
    if (isNode(node)) {
      const selection: TreeNode[] = Array.isArray(nodes) && nodes.includes(node) ? nodes.filter(isNode) : [node];
      references = selection.flatMap((n) => {
        if (isTagNode(n)) return [n.tag.location];
        if (isRepositoryNode(n)) {
          const repo = ctx.model.repository(n.accountId, n.repositoryId);
          return repo ? [repo.location] : [];
        }
        return [];
      });
    } else {
      const path = await pickRepositoryPath(ctx);
      if (!path) return undefined;
      const tags = await pickTags(ctx, path.account, path.repository, false);
      if (!tags?.length) return undefined;
      references = [tags[0].location];
    }
    if (references.length === 0) return undefined;
    // Server strings pasted into a terminal: a line break inside one would run what follows it.
    const text = references.map(stripControls).join('\n');
    await vscode.env.clipboard.writeText(text);
    ctx.ui.status(vscode.l10n.t('Copied {0}', references.length === 1 ? text : vscode.l10n.t('{0} image references', references.length)));
    return text;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Copying the image reference failed'), err);
    return undefined;
  }
}

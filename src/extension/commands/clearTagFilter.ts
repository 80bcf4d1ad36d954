import { isRepositoryNode } from '../tree/nodes';
import type { CommandContext } from './context';

export function clearTagFilter(ctx: CommandContext, node?: unknown): void {
  if (isRepositoryNode(node)) ctx.model.setFilter(node.accountId, node.repositoryId, undefined);
}

import { isNode } from '../tree/nodes';
import type { CommandContext } from './context';

/** Refreshes a node (what was fetched below it is asked again), or everything from the title bar. */
export function refresh(ctx: CommandContext, node?: unknown): void {
  ctx.model.refresh(isNode(node) ? node : undefined);
}

import type { CommandContext } from './context';

export function showLogs(ctx: CommandContext): void {
  ctx.log.show();
}

// Option definitions and helpers used by several commands (one definition per option name keeps the
// parser's union table consistent).
import { UsageError } from '../../core/errors';
import type { CliContext, CommandOption } from '../command';

export const YES_OPTION: CommandOption = { name: 'yes', type: 'boolean', description: 'confirm the deletion (required)' };

/** Deleting needs --yes; without it nothing is sent (exit 2). */
export function requireYes(ctx: CliContext, what: string): void {
  if (ctx.flags.yes !== true) {
    throw new UsageError(`refusing to delete ${what} without --yes (deletion cannot be undone); nothing was sent`);
  }
}

export function stringFlag(ctx: CliContext, name: string): string | undefined {
  const v = ctx.flags[name];
  return typeof v === 'string' ? v : undefined;
}

// Option definitions and helpers used by several commands (one definition per option name keeps the
// parser's union table consistent).
import { GitLabError, UsageError } from '../../core/errors';
import type { CliContext, CommandOption } from '../command';
import { emit, shown } from '../output';

/** How a JSON `error` starts when a write was sent and its effect could not be confirmed either way. */
export const OUTCOME_UNKNOWN = 'outcome unknown: ';

/**
 * A write that was sent once, whose answer was lost and could not be read back (details.outcomeUnknown):
 * never re-sent, said in words on stderr ("may have been …; check with …"), JSON `row` plus an `error`
 * starting "outcome unknown: ", exit 1.
 */
export function printUnknownOutcome(ctx: CliContext, row: Record<string, unknown>, e: GitLabError, mayHave: string, check: string): number {
  ctx.stderr(`glcr: ${mayHave} (${shown(e.message)}); check with ${check}`);
  emit(ctx, { ...row, error: `${OUTCOME_UNKNOWN}${e.message}` }, () => `${mayHave[0].toUpperCase()}${mayHave.slice(1)}: check with ${check}.`);
  return 1;
}

export function isUnknownOutcome(e: unknown): e is GitLabError {
  return e instanceof GitLabError && e.details.outcomeUnknown === true;
}

export const YES_OPTION: CommandOption = { name: 'yes', type: 'boolean', description: 'confirm the deletion (required)' };

/**
 * Why a tag deletion needs --yes: it is restorable, but only until garbage collection runs and only from a
 * journal (`glcr restore`), so it is not "cannot be undone". A repository deletion is.
 */
export const TAGS_RESTORABLE_ONLY_UNTIL_GC = 'a deleted tag can be restored only until garbage collection runs, and only if --journal FILE recorded it';

/** Deleting needs --yes; without it nothing is sent (exit 2). `irreversible`: a repository (GitLab removes its links). */
export function requireYes(ctx: CliContext, what: string, irreversible = false): void {
  if (ctx.flags.yes !== true) {
    throw new UsageError(`refusing to delete ${what} without --yes (${irreversible ? 'deletion cannot be undone' : TAGS_RESTORABLE_ONLY_UNTIL_GC}); nothing was sent`);
  }
}

export function stringFlag(ctx: CliContext, name: string): string | undefined {
  const v = ctx.flags[name];
  return typeof v === 'string' ? v : undefined;
}

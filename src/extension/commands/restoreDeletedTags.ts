import * as vscode from 'vscode';
import { groupByOperation, type JournalEntry, type RestoreReport } from '../../core/restore';
import { handleError } from '../errors';
import { journalEntries, restoreWithProgress } from '../restore/journal';
import { formatAge } from '../tree/format';
import { isProjectNode, isRepositoryNode } from '../tree/nodes';
import type { PickItem } from '../ui';
import type { CommandContext } from './context';

/**
 * Restore Deleted Tags…: the journal's records grouped by deletion, newest first, with their age; the
 * chosen ones are put back. From a repository or project node only its records are listed.
 */
export async function restoreDeletedTags(ctx: CommandContext, node?: unknown): Promise<RestoreReport | undefined> {
  try {
    let entries = journalEntries(ctx).filter((e) => !e.restoredAt);
    if (isRepositoryNode(node)) {
      const location = ctx.model.repository(node.accountId, node.repositoryId)?.location;
      entries = entries.filter((e) => e.project === String(node.projectId) && (location === undefined || e.location === location));
    } else if (isProjectNode(node)) {
      entries = entries.filter((e) => e.project === String(node.project.id));
    }
    if (entries.length === 0) {
      void ctx.ui.info(vscode.l10n.t('No deleted tags to restore.'));
      return undefined;
    }
    const items: PickItem<JournalEntry | undefined>[] = [];
    const now = Date.now();
    for (const group of groupByOperation(entries)) {
      const age = formatAge(group.time, now, vscode.env.language) ?? group.time;
      items.push({ label: vscode.l10n.t('Deleted {0}', age), kind: vscode.QuickPickItemKind.Separator, value: undefined });
      for (const e of group.entries) {
        items.push({
          label: `${e.location}:${e.tag}`,
          description: e.unrestorable ? vscode.l10n.t('cannot be restored') : e.digest.slice(0, 19),
          detail: e.unrestorable,
          value: e,
        });
      }
    }
    const chosen = (await ctx.ui.pickMany(items, vscode.l10n.t('Tags to restore (until garbage collection runs)')))?.filter((e): e is JournalEntry => !!e);
    if (!chosen?.length) return undefined;
    return await restoreWithProgress(ctx, chosen);
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Restoring tags failed'), err);
    return undefined;
  }
}

import * as vscode from 'vscode';
import { confirmCountByTyping } from '../deletion/confirmByTyping';
import { recheckTagNodes, type SkippedTag } from '../deletion/recheck';
import { showGarbageCollectionNoticeOnce } from '../deletion/garbageCollectionNotice';
import { cannotBeUndone } from '../deletion/wording';
import { describeError, handleError, showErrorWithLogs } from '../errors';
import { firstNames } from '../tree/format';
import { isRepositoryNode, isTagNode, type TagNode } from '../tree/nodes';
import { selectionFor, type CommandContext } from './context';
import { deleteRepository } from './deleteRepository';
import { pickRepositoryPath, pickTags } from './pickers';

/** What a Delete Tag run did, per tag location (host/path:tag). Returned for tests and scripts. */
export interface TagDeletionOutcome {
  deleted: string[];
  failed: { location: string; error: string }[];
  notAttempted: string[];
}

/** The keybinding passes this instead of a node: act on the view's selection. */
export function isSelectionArgument(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { fromSelection?: unknown }).fromSelection === true;
}

export async function deleteTag(ctx: CommandContext, node?: unknown, nodes?: unknown): Promise<TagDeletionOutcome | undefined> {
  try {
    let targets: TagNode[];
    if (isSelectionArgument(node)) {
      const selection = [...ctx.treeView.selection];
      targets = selection.filter(isTagNode);
      if (targets.length === 0) {
        const repositories = selection.filter(isRepositoryNode);
        if (repositories.length) await deleteRepository(ctx, repositories[0], repositories);
        return undefined;
      }
    } else if (isTagNode(node)) {
      targets = selectionFor(node, nodes, isTagNode);
    } else {
      const picked = await pickFromPalette(ctx);
      if (!picked) return undefined;
      targets = picked;
    }
    return await deleteTagNodes(ctx, targets);
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Deleting tags failed'), err);
    return undefined;
  }
}

/** Palette: account → project → repository → tags (several may be picked). */
async function pickFromPalette(ctx: CommandContext): Promise<TagNode[] | undefined> {
  const path = await pickRepositoryPath(ctx, (a) => !a.readOnly);
  if (!path) return undefined;
  const tags = await pickTags(ctx, path.account, path.repository, true);
  if (!tags?.length) return undefined;
  return tags.map((tag) => ({
    kind: 'tag', id: `palette/${path.repository.id}/${tag.name}`, accountId: path.account.id,
    repositoryId: path.repository.id, projectId: path.repository.project_id, tag,
  }));
}

async function deleteTagNodes(ctx: CommandContext, requested: TagNode[]): Promise<TagDeletionOutcome | undefined> {
  const readOnly = requested.filter((t) => ctx.store.get(t.accountId)?.readOnly);
  if (readOnly.length) {
    void ctx.ui.warn(vscode.l10n.t('Skipping {0} tag(s) of read-only accounts: deleting needs a token with the "api" scope.', readOnly.length));
  }
  // One entry per tag, even if it was selected in two places (under its group and its project).
  const unique = new Map<string, TagNode>();
  for (const t of requested) if (!readOnly.includes(t)) unique.set(`${t.accountId}|${t.repositoryId}|${t.tag.name}`, t);
  const targets = [...unique.values()];
  if (targets.length === 0) return undefined;

  const locations = targets.map((t) => t.tag.location);
  let message: string;
  let detail: string;
  if (targets.length === 1) {
    message = vscode.l10n.t('Delete the tag "{0}"?', targets[0].tag.name);
    detail = `${locations[0]}\n\n${cannotBeUndone()}`;
  } else {
    const { shown, more } = firstNames(locations, 5);
    message = vscode.l10n.t('Delete {0} tags?', targets.length);
    detail = `${shown.join('\n')}${more ? `\n${vscode.l10n.t('…and {0} more', more)}` : ''}\n\n${cannotBeUndone()}`;
  }
  if (!(await ctx.ui.confirm(message, detail, vscode.l10n.t('Delete')))) return undefined;
  // Many tags: the modal is not enough, the user also types the number (gitlabRegistry.confirmTypingThreshold).
  if (!(await confirmCountByTyping(ctx.ui, targets.length))) return undefined;
  // The selection may be minutes old: tags re-pushed or removed since the tree showed them are skipped.
  const checked = await recheckTagNodes(ctx, targets);
  if (!checked) return undefined;
  return runTagDeletion(ctx, checked.targets, checked.skipped);
}

/**
 * Deletes exactly `targets` (already confirmed) with cancellable progress, then reports per tag, logs,
 * updates the tree and shows the one-time garbage-collection notice (not when a preview already explained
 * it). Shared with Delete Tags by Rule.
 * `skipped`: tags the re-check left out (changed since shown), reported as failed with their reason.
 */
export async function runTagDeletion(
  ctx: CommandContext, targets: TagNode[], skipped: SkippedTag[] = [], options: { garbageCollectionExplained?: boolean } = {},
): Promise<TagDeletionOutcome> {
  // Group by repository: the core deletes one repository's tags with bounded concurrency.
  const groups = new Map<string, TagNode[]>();
  for (const t of targets) {
    const k = `${t.accountId}|${t.projectId}|${t.repositoryId}`;
    const group = groups.get(k);
    if (group) group.push(t); // not a copy per tag: that is quadratic for 100,000 tags
    else groups.set(k, [t]);
  }
  const outcome: TagDeletionOutcome = { deleted: [], failed: [...skipped], notAttempted: [] };
  const deletedInstances = new Set<string>();

  await ctx.ui.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Deleting tags'), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let done = 0;
      try {
        for (const group of groups.values()) {
          const { accountId, projectId, repositoryId } = group[0];
          const byName = new Map(group.map((t) => [t.tag.name, t]));
          const names = [...byName.keys()];
          if (abort.signal.aborted) {
            for (const n of names) outcome.notAttempted.push(byName.get(n)!.tag.location); // not push(...): may be 100,000+
            continue;
          }
          let reported = 0;
          try {
            const report = await ctx.clients.api(accountId).deleteTags(projectId, repositoryId, names, {
              signal: abort.signal,
              onProgress: (d) => {
                const step = d - reported;
                reported = d;
                done += step;
                progress.report({ increment: (100 * step) / targets.length, message: vscode.l10n.t('{0} of {1}', done, targets.length) });
              },
            });
            for (const n of report.deleted) outcome.deleted.push(byName.get(n)?.tag.location ?? n);
            for (const f of report.failed) outcome.failed.push({ location: byName.get(f.tag)?.tag.location ?? f.tag, error: f.error });
            for (const n of report.notAttempted ?? []) outcome.notAttempted.push(byName.get(n)?.tag.location ?? n);
            if (report.failed.some((f) => f.status === 401)) ctx.model.markUnauthorized(accountId, new Error(report.failed[0].error));
            if (report.deleted.length) {
              ctx.model.tagsRemoved(accountId, repositoryId, report.deleted);
              const account = ctx.store.get(accountId);
              if (account) deletedInstances.add(account.instanceUrl);
            }
          } catch (err) {
            // Nothing is known to be deleted for this repository: report every tag as failed.
            for (const n of names) outcome.failed.push({ location: byName.get(n)!.tag.location, error: describeError(err) });
          }
        }
      } finally {
        sub.dispose();
      }
    },
  );

  for (const l of outcome.deleted) ctx.log.info(`Deleted ${l}`);
  for (const f of outcome.failed) ctx.log.error(`Failed to delete ${f.location}: ${f.error}`);
  for (const l of outcome.notAttempted) ctx.log.warn(`Not attempted (cancelled): ${l}`);
  reportTagOutcome(ctx, outcome, targets.length + skipped.length);
  if (!options.garbageCollectionExplained) {
    for (const url of deletedInstances) await showGarbageCollectionNoticeOnce(ctx.ui, ctx.extension.globalState, url);
  }
  return outcome;
}

function reportTagOutcome(ctx: CommandContext, o: TagDeletionOutcome, total: number): void {
  if (o.failed.length === 0 && o.notAttempted.length === 0) {
    void ctx.ui.info(total === 1
      ? vscode.l10n.t('Deleted {0}.', o.deleted[0] ?? '')
      : vscode.l10n.t('Deleted {0} tags.', o.deleted.length));
    return;
  }
  const parts = [vscode.l10n.t('Deleted {0} of {1} tags.', o.deleted.length, total)];
  if (o.failed.length) {
    const first = o.failed[0];
    parts.push(o.failed.length === 1
      ? vscode.l10n.t('Failed: {0} ({1}).', first.location, first.error)
      : vscode.l10n.t('{0} failed, e.g. {1} ({2}).', o.failed.length, first.location, first.error));
  }
  if (o.notAttempted.length) parts.push(vscode.l10n.t('{0} not attempted (cancelled).', o.notAttempted.length));
  showErrorWithLogs(ctx, parts.join(' '));
}

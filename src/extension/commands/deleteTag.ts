import * as vscode from 'vscode';
import { confirmCountByTyping } from '../deletion/confirmByTyping';
import { recheckTagNodes, type SkippedTag } from '../deletion/recheck';
import { showGarbageCollectionNoticeOnce } from '../deletion/garbageCollectionNotice';
import { restorableUntilGc } from '../deletion/wording';
import { journalEntries, recordBeforeDeleting, restoreWithProgress } from '../restore/journal';
import { MODAL_FIGURE_BUDGET_MS, freedSpaceText, within } from '../deletion/freedSpace';
import { describeError, handleError, showErrorWithLogs } from '../errors';
import { firstNames } from '../tree/format';
import { isRepositoryNode, isTagNode, type TagNode } from '../tree/nodes';
import { selectionFor, type CommandContext } from './context';
import { deleteRepository } from './deleteRepository';
import { pickRepositoryPath, pickTags } from './pickers';

/** What a Delete Tag run did, per tag location (host/path:tag). Returned for tests and scripts. */
export interface TagDeletionOutcome {
  deleted: string[];
  /** Confirmed not deleted (or never sent: protected, changed since shown). */
  failed: { location: string; error: string }[];
  /** Sent, but neither the answer nor a look afterwards confirmed either way: may have been deleted. */
  unknown: { location: string; error: string }[];
  notAttempted: string[];
  /** The journal operation of this deletion (Undo restores it); undefined when nothing was deleted. */
  operation?: string;
  /** Settles when the Undo chosen in the report has finished (tests wait for it). */
  undone?: Promise<unknown>;
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
    void ctx.ui.warn(readOnly.length === 1
      ? vscode.l10n.t('Skipping 1 tag of a read-only account: deleting needs a token with the "api" scope.')
      : vscode.l10n.t('Skipping {0} tags of read-only accounts: deleting needs a token with the "api" scope.', readOnly.length));
  }
  // One entry per tag, even if it was selected in two places (under its group and its project).
  const unique = new Map<string, TagNode>();
  for (const t of requested) if (!readOnly.includes(t)) unique.set(`${t.accountId}|${t.repositoryId}|${t.tag.name}`, t);
  // Tags known to be protected from this account are never sent; the modal lists them as skipped.
  const targets: TagNode[] = [];
  const protectedTags: TagNode[] = [];
  for (const t of unique.values()) {
    (ctx.model.tagVerdict(t.accountId, t.projectId, t.repositoryId, t.tag.name).deletable === false ? protectedTags : targets).push(t);
  }
  if (targets.length === 0) {
    if (protectedTags.length) void ctx.ui.warn(vscode.l10n.t('Nothing to delete: {0} is protected.', firstNames(protectedTags.map((t) => t.tag.name), 3).shown.join(', ')));
    return undefined;
  }

  const locations = targets.map((t) => t.tag.location);
  const freed = freedSpaceText(ctx, targets);
  const freedNow = await within(freed, MODAL_FIGURE_BUDGET_MS);
  let message: string;
  let detail: string;
  if (targets.length === 1) {
    message = vscode.l10n.t('Delete the tag "{0}"?', targets[0].tag.name);
    detail = `${locations[0]}\n\n${restorableUntilGc()}`;
  } else {
    const { shown, more } = firstNames(locations, 5);
    message = vscode.l10n.t('Delete {0} tags?', targets.length);
    detail = `${shown.join('\n')}${more ? `\n${vscode.l10n.t('…and {0} more', more)}` : ''}\n\n${restorableUntilGc()}`;
  }
  detail = [detail, ...skippedAndSharedNotes(ctx, targets, protectedTags)].join('\n\n');
  if (freedNow) detail = `${detail}\n\n${freedNow}`;
  if (!(await ctx.ui.confirm(message, detail, vscode.l10n.t('Delete')))) return undefined;
  // Many tags: the modal is not enough, the user also types the number (gitlabRegistry.confirmTypingThreshold).
  if (!(await confirmCountByTyping(ctx.ui, targets.length))) return undefined;
  // The selection may be minutes old: tags re-pushed or removed since the tree showed them are skipped.
  const checked = await recheckTagNodes(ctx, targets);
  if (!checked) return undefined;
  return runTagDeletion(ctx, checked.targets, checked.skipped, undefined, freedNow ? undefined : freed);
}

/** Modal lines: protected tags that will be skipped, and images that stay because another tag points to them. */
function skippedAndSharedNotes(ctx: CommandContext, targets: readonly TagNode[], protectedTags: readonly TagNode[]): string[] {
  const notes: string[] = [];
  if (protectedTags.length) {
    const { shown, more } = firstNames(protectedTags.map((t) => t.tag.name), 5);
    notes.push(vscode.l10n.t('{0} will be skipped (protected): {1}', protectedTags.length, shown.join(', ') + (more ? ` …+${more}` : '')));
  }
  const leaving = new Set(targets.map((t) => `${t.accountId}|${t.repositoryId}|${t.tag.name}`));
  for (const t of targets.slice(0, 1000)) {
    const staying = ctx.model.sameImage(t.accountId, t.repositoryId, t.tag.name)
      .filter((n) => !leaving.has(`${t.accountId}|${t.repositoryId}|${n}`));
    if (staying.length) notes.push(vscode.l10n.t('{0}: the image stays: {1} still points to it', t.tag.name, staying.join(', ')));
    if (notes.length >= 6) break;
  }
  return notes;
}

/**
 * Deletes exactly `targets` (already confirmed) with cancellable progress, then reports per tag, logs,
 * updates the tree and shows the one-time garbage-collection notice (not when a preview already explained
 * it). Shared with Delete Tags by Rule.
 * `skipped`: tags the re-check left out (changed since shown), reported as failed with their reason.
 */
export async function runTagDeletion(
  ctx: CommandContext, requested: TagNode[], skipped: SkippedTag[] = [], knownDigest?: (t: TagNode) => string | null | undefined,
  /** The space freed, when the modal could not show it in time: said in the completion notification. */
  freed?: Promise<string | undefined>,
  options: { garbageCollectionExplained?: boolean } = {},
): Promise<TagDeletionOutcome> {
  // Recorded first (Undo, Restore Deleted Tags…); declining to delete unrecordable tags deletes nothing.
  const recorded = await recordBeforeDeleting(ctx, requested, knownDigest);
  if (!recorded) return { deleted: [], failed: [...skipped], unknown: [], notAttempted: requested.map((t) => t.tag.location) };
  const targets = recorded.targets;
  // Group by repository: the core deletes one repository's tags with bounded concurrency.
  const groups = new Map<string, TagNode[]>();
  for (const t of targets) {
    const k = `${t.accountId}|${t.projectId}|${t.repositoryId}`;
    const group = groups.get(k);
    if (group) group.push(t); // not a copy per tag: that is quadratic for 100,000 tags
    else groups.set(k, [t]);
  }
  const outcome: TagDeletionOutcome = { deleted: [], failed: [...skipped], unknown: [], notAttempted: [], operation: recorded.operation };
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
            for (const f of report.failed) {
              const entry = { location: byName.get(f.tag)?.tag.location ?? f.tag, error: f.error };
              (f.outcome === 'unknown' ? outcome.unknown : outcome.failed).push(entry);
            }
            for (const n of report.notAttempted ?? []) outcome.notAttempted.push(byName.get(n)?.tag.location ?? n);
            if (report.failed.some((f) => f.status === 401)) ctx.model.markUnauthorized(accountId, new Error(report.failed[0].error));
            // A tag whose outcome is unknown may be gone: the repository is read again rather than guessed.
            if (report.failed.some((f) => f.outcome === 'unknown')) ctx.model.refreshRepository(accountId, repositoryId);
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
  for (const f of outcome.unknown) ctx.log.warn(`Outcome unknown for ${f.location}: ${f.error}`);
  for (const l of outcome.notAttempted) ctx.log.warn(`Not attempted (cancelled): ${l}`);
  reportTagOutcome(ctx, outcome, targets.length + skipped.length, outcome.deleted.some((l) => recorded.recorded.has(l)), outcome.deleted.length && freed ? await within(freed, MODAL_FIGURE_BUDGET_MS) : undefined);
  if (!options.garbageCollectionExplained) {
    for (const url of deletedInstances) await showGarbageCollectionNoticeOnce(ctx.ui, ctx.extension.globalState, url);
  }
  return outcome;
}

function reportTagOutcome(ctx: CommandContext, o: TagDeletionOutcome, total: number, undoable: boolean, freed?: string): void {
  if (o.failed.length === 0 && o.unknown.length === 0 && o.notAttempted.length === 0) {
    const undo = vscode.l10n.t('Undo');
    const done = total === 1 ? vscode.l10n.t('Deleted {0}.', o.deleted[0] ?? '') : vscode.l10n.t('Deleted {0} tags.', o.deleted.length);
    const message = freed ? `${done} ${freed}` : done;
    o.undone = Promise.resolve(undoable ? ctx.ui.info(message, undo) : ctx.ui.info(message))
      .then((choice) => (choice === undo ? undoDeletion(ctx, o) : undefined));
    return;
  }
  const parts = [vscode.l10n.t('Deleted {0} of {1} tags.', o.deleted.length, total)];
  if (o.failed.length) {
    const first = o.failed[0];
    parts.push(o.failed.length === 1
      ? vscode.l10n.t('Failed: {0} ({1}).', first.location, first.error)
      : vscode.l10n.t('{0} failed, e.g. {1} ({2}).', o.failed.length, first.location, first.error));
  }
  if (o.unknown.length) {
    parts.push(o.unknown.length === 1
      ? vscode.l10n.t('{0} may have been deleted (the answer was lost): check with Refresh.', o.unknown[0].location)
      : vscode.l10n.t('{0} tags may have been deleted (the answer was lost): check with Refresh.', o.unknown.length));
  }
  if (o.notAttempted.length) parts.push(vscode.l10n.t('{0} not attempted (cancelled).', o.notAttempted.length));
  showErrorWithLogs(ctx, parts.join(' '));
}

/** Undo: restores what this deletion deleted (the records of its operation for the deleted tags). */
async function undoDeletion(ctx: CommandContext, o: TagDeletionOutcome): Promise<unknown> {
  try {
    const deleted = new Set(o.deleted);
    const entries = journalEntries(ctx).filter((e) => e.operation === o.operation && deleted.has(`${e.location}:${e.tag}`));
    if (entries.length === 0) {
      void ctx.ui.warn(vscode.l10n.t('Nothing to undo: the deleted tags were not recorded.'));
      return undefined;
    }
    return await restoreWithProgress(ctx, entries);
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Restoring tags failed'), err);
    return undefined;
  }
}

import * as vscode from 'vscode';
import { GitLabError } from '../../core/errors';
import type { Repository } from '../../core/types';
import { showGarbageCollectionNoticeOnce } from '../deletion/garbageCollectionNotice';
import { confirmRepositoriesByTyping } from '../deletion/confirmByTyping';
import { MODAL_FIGURE_BUDGET_MS, freedByRepositoriesText, within } from '../deletion/freedSpace';
import { cannotBeUndone } from '../deletion/wording';
import { describeError, handleError, showErrorWithLogs } from '../errors';
import { isRepositoryNode, type RepositoryNode } from '../tree/nodes';
import { selectionFor, type CommandContext } from './context';
import { pickRepositoryPath } from './pickers';

export interface RepositoryDeletionOutcome {
  /** Locations whose deletion GitLab accepted (it finishes in the background). */
  scheduled: string[];
  failed: { location: string; error: string }[];
  /** Sent, answer lost, not confirmed by reading back: may have been scheduled (never sent twice). */
  unknown: { location: string; error: string }[];
}

interface Target {
  accountId: string;
  repository: Repository;
}

/**
 * GitLab answers 202 and deletes in the background: the node shows "deletion scheduled" and the poller
 * follows the repository until it is gone (or the deletion failed).
 */
export async function deleteRepository(ctx: CommandContext, node?: unknown, nodes?: unknown): Promise<RepositoryDeletionOutcome | undefined> {
  try {
    let targets: Target[];
    if (isRepositoryNode(node)) {
      targets = selectionFor(node, nodes, isRepositoryNode).flatMap((n: RepositoryNode) => {
        const repository = ctx.model.repository(n.accountId, n.repositoryId);
        return repository ? [{ accountId: n.accountId, repository }] : [];
      });
    } else {
      const path = await pickRepositoryPath(ctx, (a) => !a.readOnly);
      if (!path) return undefined;
      targets = [{ accountId: path.account.id, repository: path.repository }];
    }
    targets = targets.filter((t, i) => targets.findIndex((o) => o.accountId === t.accountId && o.repository.id === t.repository.id) === i);
    if (targets.some((t) => ctx.store.get(t.accountId)?.readOnly)) {
      void ctx.ui.warn(vscode.l10n.t('Read-only account: deleting needs a token with the "api" scope.'));
      targets = targets.filter((t) => !ctx.store.get(t.accountId)?.readOnly);
    }
    // Repositories known to be protected from this account are never sent.
    const protectedPaths = targets.filter((t) => ctx.model.repositoryVerdict(t.accountId, t.repository).deletable === false)
      .map((t) => t.repository.path);
    if (protectedPaths.length) {
      void ctx.ui.warn(vscode.l10n.t('{0} will be skipped (protected): {1}', protectedPaths.length, protectedPaths.slice(0, 5).join(', ')));
      targets = targets.filter((t) => !protectedPaths.includes(t.repository.path));
    }
    if (targets.length === 0) return undefined;

    const counts = await Promise.all(targets.map((t) => tagCount(ctx, t)));
    const lines = targets.map((t, i) => `${t.repository.location} (${counts[i] === undefined
      ? vscode.l10n.t('unknown number of tags')
      : counts[i] === 1 ? vscode.l10n.t('1 tag') : vscode.l10n.t('{0} tags', counts[i]!)})`);
    const message = targets.length === 1
      ? vscode.l10n.t('Delete the image repository {0} with all its tags?', targets[0].repository.location)
      : vscode.l10n.t('Delete {0} image repositories with all their tags?', targets.length);
    // The space freed when it can be said within about two seconds; else the completion notification says it.
    const freed = freedByRepositoriesText(ctx, targets);
    const freedNow = await within(freed, MODAL_FIGURE_BUDGET_MS);
    let detail = `${lines.join('\n')}\n\n${vscode.l10n.t('GitLab deletes the repository and every tag in it in the background.')} ${cannotBeUndone()}`;
    if (freedNow) detail = `${detail}\n\n${freedNow}`;
    if (!(await ctx.ui.confirm(message, detail, vscode.l10n.t('Delete')))) return undefined;
    // Thousands of tags in the repositories ask to type the count, as deleting that many tags does.
    if (!(await confirmRepositoriesByTyping(ctx.ui, counts))) return undefined;

    const outcome: RepositoryDeletionOutcome = { scheduled: [], failed: [], unknown: [] };
    const instances = new Set<string>();
    for (const t of targets) {
      try {
        const result = await ctx.clients.api(t.accountId).deleteRepository(t.repository.project_id, t.repository.id);
        ctx.log.info(`Deletion of ${t.repository.location} accepted (status: ${result.status}).`);
        outcome.scheduled.push(t.repository.location);
        const account = ctx.store.get(t.accountId);
        if (account) instances.add(account.instanceUrl);
        if (result.status === 'deleted') {
          ctx.model.repositoryChanged(t.accountId, t.repository.id, 'gone');
        } else {
          const status = result.status === 'delete_ongoing' || result.status === 'delete_failed' ? result.status : 'delete_scheduled';
          ctx.model.repositoryChanged(t.accountId, t.repository.id, status);
          ctx.poller.watch(t.accountId, t.repository.id);
        }
      } catch (err) {
        if (err instanceof GitLabError && err.details.outcomeUnknown) {
          // The request reached GitLab or may have: the poller reads the repository until it knows.
          ctx.log.warn(`Deletion of ${t.repository.location}: outcome unknown: ${describeError(err)}`);
          outcome.unknown.push({ location: t.repository.location, error: describeError(err) });
          ctx.poller.watch(t.accountId, t.repository.id);
          continue;
        }
        ctx.log.error(`Failed to delete ${t.repository.location}: ${describeError(err)}`);
        outcome.failed.push({ location: t.repository.location, error: describeError(err) });
      }
    }
    if (outcome.failed.length) {
      showErrorWithLogs(ctx, vscode.l10n.t('Could not delete {0}: {1}', outcome.failed[0].location, outcome.failed[0].error));
    }
    if (outcome.unknown.length) {
      void ctx.ui.warn(vscode.l10n.t('The deletion of {0} may have been scheduled (the answer was lost; it was not sent again): check with Refresh.', outcome.unknown[0].location));
    }
    if (outcome.scheduled.length) {
      const done = outcome.scheduled.length === 1
        ? vscode.l10n.t('Deletion of {0} scheduled: GitLab deletes it in the background.', outcome.scheduled[0])
        : vscode.l10n.t('Deletion of {0} image repositories scheduled: GitLab deletes them in the background.', outcome.scheduled.length);
      // All targets scheduled: the figure covers exactly them. Said here when the modal could not say it.
      const late = !freedNow && outcome.scheduled.length === targets.length ? await within(freed, MODAL_FIGURE_BUDGET_MS) : undefined;
      void ctx.ui.info(late ? `${done} ${late}` : done);
    }
    for (const url of instances) await showGarbageCollectionNoticeOnce(ctx.ui, ctx.extension.globalState, url);
    return outcome;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Deleting the image repository failed'), err);
    return undefined;
  }
}

/** The number of tags for the confirmation: from the tree when listed, else asked from GitLab. */
async function tagCount(ctx: CommandContext, t: Target): Promise<number | undefined> {
  const cached = ctx.model.listedTags(t.accountId, t.repository.id);
  if (cached) return cached.length;
  try {
    const repo = await ctx.clients.api(t.accountId).getRepository(t.repository.id, { tagsCount: true });
    return repo.tags_count;
  } catch (err) {
    ctx.log.warn(`Counting the tags of ${t.repository.location}: ${describeError(err)}`);
    return undefined;
  }
}

// The extension's side of the re-check before deleting (core/recheck.ts): tags chosen in the tree, the
// palette or a rule preview are read again right after the confirmations; those that changed since they were
// shown are not deleted and appear in the report as failed with the reason.
import * as vscode from 'vscode';
import { GitLabError } from '../../core/errors';
import { recheckPreview, recheckTags, type TagChange } from '../../core/recheck';
import type { Rule } from '../../core/rules/engine';
import type { RulePreview } from '../../core/rules/preview';
import type { RegistryApi } from '../../core/registryApi';
import type { CommandContext } from '../commands/context';
import { reasonText } from '../rules/previewModel';
import type { TagNode } from '../tree/nodes';

/** A tag left out of the deletion, reported like a failure. */
export interface SkippedTag {
  location: string;
  error: string;
}

export interface CheckedTargets {
  targets: TagNode[];
  skipped: SkippedTag[];
}

function changeText(change: TagChange): string {
  switch (change) {
    case 'digest': return vscode.l10n.t('it now points to another image');
    case 'created_at': return vscode.l10n.t('it has a new creation date');
    case 'gone': return vscode.l10n.t('it no longer exists');
  }
}

/**
 * Runs `work` with progress in the status bar; undefined when cancelled. Not a notification: VS Code drops
 * toasts beyond three within 800 ms, and the deletion's progress, its report and the garbage-collection
 * notice follow right after.
 */
async function withCheckProgress<T>(ctx: CommandContext, work: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  return ctx.ui.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Checking the tags again before deleting') },
    async (_progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await work(abort.signal);
      } catch (err) {
        if (err instanceof GitLabError && err.kind === 'cancelled') return undefined;
        throw err;
      } finally {
        sub.dispose();
      }
    },
  );
}

/**
 * Tree or palette selection: each tag is compared with the digest and date the tree showed for it (a tag
 * whose details were not loaded yet is only checked to still exist). Undefined when cancelled: nothing is
 * deleted then. Errors propagate: nothing is deleted unchecked.
 */
export function recheckTagNodes(ctx: CommandContext, targets: readonly TagNode[]): Promise<CheckedTargets | undefined> {
  const groups = new Map<string, TagNode[]>();
  for (const t of targets) {
    const key = `${t.accountId}|${t.projectId}|${t.repositoryId}`;
    const group = groups.get(key);
    if (group) group.push(t);
    else groups.set(key, [t]);
  }
  return withCheckProgress(ctx, async (signal) => {
    const result: CheckedTargets = { targets: [], skipped: [] };
    for (const group of groups.values()) {
      const { accountId, projectId, repositoryId } = group[0];
      const expected = group.map((node) => {
        const details = ctx.model.tagDetails(node.accountId, node.repositoryId, node.tag.name);
        return details ? { name: node.tag.name, digest: details.digest, created_at: details.created_at } : { name: node.tag.name };
      });
      const check = await recheckTags(ctx.clients.api(accountId), projectId, repositoryId, expected, { signal });
      const unchanged = new Set(check.unchanged);
      const changed = new Map(check.changed.map((c) => [c.name, c.change]));
      for (const node of group) {
        const change = changed.get(node.tag.name);
        if (unchanged.has(node.tag.name)) result.targets.push(node);
        else if (change) result.skipped.push({ location: node.tag.location, error: vscode.l10n.t('changed since it was shown — not deleted ({0})', changeText(change)) });
      }
    }
    return result;
  });
}

/**
 * A rule preview's delete list checked again (core recheckPreview): what may still be deleted, by name, and
 * the skipped ones with the reason. Undefined when cancelled.
 */
export async function recheckRulePreview(
  ctx: CommandContext, api: RegistryApi, preview: RulePreview, rule: Rule, repository: { project_id: number; id: number; location: string },
): Promise<{ names: string[]; skipped: SkippedTag[] } | undefined> {
  const plan = await withCheckProgress(ctx, (signal) => recheckPreview(api, repository.project_id, repository.id, preview, rule, { signal }));
  if (!plan) return undefined;
  const byName = new Map(preview.tags.map((t) => [t.name, t.location]));
  const where = (name: string) => byName.get(name) ?? `${repository.location}:${name}`;
  const skipped: SkippedTag[] = [];
  for (const c of plan.changed) {
    skipped.push({ location: where(c.name), error: vscode.l10n.t('changed since the preview — not deleted ({0})', changeText(c.change)) });
  }
  for (const k of plan.nowKept) {
    skipped.push({
      location: where(k.name),
      error: vscode.l10n.t('changed since the preview — not deleted (other tags changed; the rule now keeps it: {0})', reasonText(k.reason, rule, vscode.l10n.t)),
    });
  }
  return { names: plan.delete, skipped };
}

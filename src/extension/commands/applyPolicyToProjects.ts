// Apply Cleanup Policy to Projects… on a group: the values chosen once (GitLab's allowed ones only), a
// per-project diff (current → new; projects where the account is not Maintainer listed as skipped), then
// one PUT per project that changes (core setGroupPolicy) and a report per project.
import * as vscode from 'vscode';
import { setGroupPolicy, type ProjectPolicyChange, type PolicyValues } from '../../core/policyScope';
import { validatePolicyPatch } from '../../core/rules/policy';
import { handleError, showErrorWithLogs } from '../errors';
import { isNode } from '../tree/nodes';
import type { CommandContext } from './context';
import { promptPolicyPatch } from './editCleanupPolicy';

export interface ApplyPolicyOutcome {
  planned: ProjectPolicyChange[];
  applied?: ProjectPolicyChange[];
}

function diffText(r: ProjectPolicyChange): string {
  const t = vscode.l10n.t;
  if (r.status === 'skipped') return t('{0}: skipped ({1})', r.project, r.error ?? '');
  if (r.status === 'failed') return t('{0}: failed ({1})', r.project, r.error ?? '');
  if (r.status === 'unchanged') return t('{0}: unchanged', r.project);
  const keys = Object.keys(r.after ?? {}) as Array<keyof PolicyValues>;
  const changes = keys.filter((k) => r.before?.[k] !== r.after?.[k]).map((k) => `${k} ${String(r.before?.[k] ?? '—')} → ${String(r.after?.[k] ?? '—')}`);
  return `${r.project}: ${changes.join(', ')}`;
}

export async function applyPolicyToProjects(ctx: CommandContext, node?: unknown): Promise<ApplyPolicyOutcome | undefined> {
  try {
    if (!isNode(node) || node.kind !== 'group') return undefined;
    const account = ctx.store.get(node.accountId);
    if (!account) return undefined;
    if (account.readOnly) {
      void ctx.ui.warn(vscode.l10n.t('Editing the cleanup policy needs a token with the "api" scope; this account is read-only.'));
      return undefined;
    }
    const group = node.group.full_path;
    const patch = await promptPolicyPatch(ctx, null, group);
    if (!patch) return undefined;
    validatePolicyPatch(patch);
    const api = ctx.clients.api(account.id);
    const run = (apply: boolean) => ctx.ui.withProgress(
      { location: vscode.ProgressLocation.Notification, title: apply ? vscode.l10n.t('Saving the cleanup policy in {0}', group) : vscode.l10n.t('Reading the cleanup policies in {0}', group), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          return await setGroupPolicy(api, node.group.id, patch, {
            apply, signal: abort.signal, onProgress: (done, total) => progress.report({ message: vscode.l10n.t('{0} of {1} projects', done, total) }),
          });
        } finally {
          sub.dispose();
        }
      },
    );
    const planned = await run(false);
    const changing = planned.filter((r) => r.status === 'changed');
    const detail = planned.map(diffText).join('\n');
    if (changing.length === 0) {
      void ctx.ui.info(vscode.l10n.t('No project of {0} would change.', group));
      ctx.log.info(`Cleanup policy for ${group}:\n${detail}`);
      return { planned };
    }
    const ok = await ctx.ui.confirm(vscode.l10n.t('Change the cleanup policy of {0} projects in {1}?', changing.length, group), detail, vscode.l10n.t('Apply'));
    if (!ok) return { planned };
    const applied = await run(true);
    for (const r of applied) ctx.log.info(`Cleanup policy ${r.status}: ${diffText(r)}`);
    const failed = applied.filter((r) => r.status === 'failed');
    const counts = (s: string) => applied.filter((r) => r.status === s).length;
    const summary = vscode.l10n.t('Cleanup policy in {0}: {1} changed, {2} unchanged, {3} skipped, {4} failed.', group, counts('changed'), counts('unchanged'), counts('skipped'), failed.length);
    if (failed.length > 0) showErrorWithLogs(ctx, summary);
    else void ctx.ui.info(summary);
    for (const r of applied) if (r.status === 'changed') ctx.model.policyChanged(account.id, r.projectId, { ...r.after!, next_run_at: null });
    return { planned, applied };
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Applying the cleanup policy failed'), err);
    return undefined;
  }
}

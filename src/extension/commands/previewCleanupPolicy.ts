// Preview Cleanup Policy: what the saved policy would delete on its next run, one section per image
// repository of the project, in the same preview webview (read-only: no buttons; with several repositories
// a summary table comes first and each section folds, see previewHtml.ts). A policy runs without
// a user, so every tag protection rule with a delete level protects (caller level 0), unlike a user's
// bulk request.
import * as vscode from 'vscode';
import { previewStorage } from '../rules/previewStorage';
import { compileRule, evaluateRule } from '../../core/rules/engine';
import { ruleFromPolicy } from '../../core/rules/policy';
import { previewRule } from '../../core/rules/preview';
import type { TagProtectionAccess } from '../../core/registryApi';
import type { Repository } from '../../core/types';
import { handleError } from '../errors';
import { buildPreviewModel, buildSection, type PreviewModel } from '../rules/previewModel';
import { cadenceText } from '../rules/policyText';
import { policyTarget } from './cleanupPolicyTarget';
import type { CommandContext } from './context';

/** At most this many repositories are previewed (pages of 100). */
const MAX_REPOSITORIES = 500;

export async function previewCleanupPolicy(ctx: CommandContext, node?: unknown): Promise<PreviewModel | undefined> {
  try {
    const target = await policyTarget(ctx, node);
    if (!target) return undefined;
    const t = vscode.l10n.t;
    const api = ctx.clients.api(target.account.id);
    const model = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: t('Previewing the cleanup policy of {0}', target.projectPath), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          const policy = await api.getCleanupPolicy(target.projectId);
          if (!policy) {
            void ctx.ui.info(t('GitLab did not include a cleanup policy for {0}.', target.projectPath));
            return undefined;
          }
          ctx.model.policyChanged(target.account.id, target.projectId, policy);
          const rule = ruleFromPolicy(policy);
          const compiled = compileRule(rule);
          const repositories: Repository[] = [];
          let cursor: string | undefined;
          do {
            const page = await api.listProjectRepositories(target.projectId, { perPage: 100, cursor });
            for (const r of page.items) repositories.push(r); // not push(...): a huge page would overflow the stack
            cursor = page.next;
          } while (cursor && repositories.length < MAX_REPOSITORIES && !abort.signal.aborted);
          const access: TagProtectionAccess | null = await api.getTagProtectionAccess(target.projectId).catch(() => null);
          const sections = [];
          for (const [i, repo] of repositories.entries()) {
            if (abort.signal.aborted) break;
            progress.report({ message: t('{0} of {1}', i + 1, repositories.length) });
            const preview = await previewRule(api, target.projectId, repo.id, compiled, { signal: abort.signal });
            const evaluation = evaluateRule(preview.tags, compiled, {
              now: preview.now,
              protectionRules: access?.rules ?? undefined,
              callerAccessLevel: 0,
              legacyRegistry: preview.legacyRegistry === true,
            });
            sections.push(buildSection({ ...preview, ...evaluation }, rule, { location: repo.location, id: repo.id, projectId: repo.project_id }, t, vscode.env.language));
          }
          const intro = policy.enabled
            ? t('GitLab runs this policy {0}; next run: {1}. This is what it would delete if it ran now.', cadenceText(policy.cadence, t), policy.next_run_at ?? t('not scheduled'))
            : t('The policy is off: GitLab does not run it. This is what it would delete if it were on and ran now.');
          return buildPreviewModel({
            title: t('Cleanup policy of {0}', target.projectPath),
            rule, instanceUrl: target.account.instanceUrl, sections, actions: false, intro, t,
          });
        } finally {
          sub.dispose();
        }
      },
    );
    if (!model) return undefined;
    if (model.sections.length === 0) {
      void ctx.ui.info(t('{0} has no image repositories.', target.projectPath));
      return model;
    }
    void ctx.ui.showPreview(model, previewStorage(ctx, target.account.id, model));
    return model;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Previewing the cleanup policy failed'), err);
    return undefined;
  }
}

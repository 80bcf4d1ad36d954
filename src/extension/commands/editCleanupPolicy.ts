// Edit Cleanup Policy: quick picks offering only the values GitLab accepts (container_expiration_policy_attributes,
// https://docs.gitlab.com/api/projects/#edit-a-project), two RE2-validated
// regex boxes, then ONE PUT /projects/:id (Maintainer). The policy node shows the saved policy.
import * as vscode from 'vscode';
import { GitLabError } from '../../core/errors';
import { CADENCE_VALUES, KEEP_N_VALUES, OLDER_THAN_VALUES, validatePolicyPatch, type PolicyPatch } from '../../core/rules/policy';
import type { CleanupPolicy } from '../../core/types';
import { handleError, showErrorWithLogs } from '../errors';
import { cadenceText, policyDescription } from '../rules/policyText';
import type { PickItem } from '../ui';
import { policyTarget } from './cleanupPolicyTarget';
import type { CommandContext } from './context';
import { regexValidator } from './deleteTagsByRule';

function current<T>(items: PickItem<T>[], value: T): PickItem<T>[] {
  const marker = vscode.l10n.t('current');
  return items.map((i) => (i.value === value ? { ...i, description: i.description ? `${i.description} · ${marker}` : marker } : i));
}

/**
 * The policy's values as pick steps (GitLab's allowed values only) and two regex boxes; `before` marks the
 * current values and fills the boxes. Undefined when a step is dismissed.
 */
export async function promptPolicyPatch(ctx: CommandContext, before: CleanupPolicy | null, subject: string): Promise<PolicyPatch | undefined> {
  const t = vscode.l10n.t;

  const enabled = await ctx.ui.pickOne(current([
    { label: t('On'), description: t('GitLab runs the policy on its schedule'), value: true },
    { label: t('Off'), description: t('the policy does not run'), value: false },
  ], before?.enabled ?? false), t('Cleanup policy of {0}: run it?', subject));
  if (enabled === undefined) return undefined;
  const cadence = await ctx.ui.pickOne(current(CADENCE_VALUES.map((c) => ({ label: cadenceText(c, t), description: c, value: c as string })), before?.cadence ?? '1d'),
    t('How often GitLab runs the policy'));
  if (cadence === undefined) return undefined;
  const keepN = await ctx.ui.pickOne<number | null>(current<number | null>([
    ...KEEP_N_VALUES.map((n) => ({ label: t('Keep the {0} newest tags', n), value: n as number | null })),
    { label: t('No limit'), description: t('keep_n not set'), value: null },
  ], before?.keep_n ?? null), t('How many of the newest matching tags to keep per image'));
  if (keepN === undefined) return undefined;
  const olderThan = await ctx.ui.pickOne<string | null>(current<string | null>([
    ...OLDER_THAN_VALUES.map((o) => ({ label: t('Older than {0}', o), value: o as string | null })),
    { label: t('Any age'), description: t('older_than not set'), value: null },
  ], before?.older_than ?? null), t('Delete only tags older than'));
  if (olderThan === undefined) return undefined;
  const nameRegex = await ctx.ui.inputText({
    title: t('Cleanup policy of {0}', subject),
    prompt: t('Delete regex (name_regex, RE2, whole name; ".*" = every tag; empty = delete nothing)'),
    value: before?.name_regex ?? '.*',
    ignoreFocusOut: true,
    validateInput: regexValidator('delete regex', false),
  });
  if (nameRegex === undefined) return undefined;
  const keepRegex = await ctx.ui.inputText({
    title: t('Cleanup policy of {0}', subject),
    prompt: t('Keep regex (name_regex_keep, RE2, optional): matching tags are never deleted'),
    value: before?.name_regex_keep ?? '',
    ignoreFocusOut: true,
    validateInput: regexValidator('keep regex', false),
  });
  if (keepRegex === undefined) return undefined;

  return {
    enabled, cadence, keep_n: keepN, older_than: olderThan,
    name_regex: nameRegex === '' ? null : nameRegex,
    name_regex_keep: keepRegex === '' ? null : keepRegex,
  };
}

export async function editCleanupPolicy(ctx: CommandContext, node?: unknown): Promise<CleanupPolicy | undefined> {
  try {
    const target = await policyTarget(ctx, node, (a) => !a.readOnly);
    if (!target) return undefined;
    if (target.account.readOnly) {
      void ctx.ui.warn(vscode.l10n.t('Editing the cleanup policy needs a token with the "api" scope; this account is read-only.'));
      return undefined;
    }
    const api = ctx.clients.api(target.account.id);
    const before = await api.getCleanupPolicy(target.projectId);
    const t = vscode.l10n.t;
    const patch = await promptPolicyPatch(ctx, before, target.projectPath);
    if (!patch) return undefined;
    validatePolicyPatch(patch);
    let saved: CleanupPolicy;
    try {
      saved = await api.updateCleanupPolicy(target.projectId, patch);
    } catch (err) {
      if (err instanceof GitLabError && err.kind === 'forbidden') {
        const message = t('Saving the cleanup policy of {0} needs the Maintainer role on the project ({1}).', target.projectPath, err.message);
        ctx.log.error(message);
        showErrorWithLogs(ctx, message);
        return undefined;
      }
      throw err;
    }
    ctx.model.policyChanged(target.account.id, target.projectId, saved);
    ctx.log.info(`Saved the cleanup policy of ${target.projectPath}: ${JSON.stringify(saved)}`);
    void ctx.ui.info(t('Saved the cleanup policy of {0}: {1}.', target.projectPath, policyDescription(saved, t)));
    return saved;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Editing the cleanup policy failed'), err);
    return undefined;
  }
}

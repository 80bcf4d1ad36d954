// Edit Cleanup Policy: quick picks offering only the values GitLab accepts (container_expiration_policy_attributes,
// https://docs.gitlab.com/api/projects/#edit-a-project), two RE2-validated
// regex boxes, each step highlighting the current value and titled (n/6); the role is checked first and an
// old → new modal ends it (Cancel saves nothing); then ONE PUT /projects/:id (Maintainer). The policy node shows the saved policy.
import * as vscode from 'vscode';
import { GitLabError } from '../../core/errors';
import { CADENCE_VALUES, KEEP_N_VALUES, OLDER_THAN_VALUES, validatePolicyPatch, type PolicyPatch } from '../../core/rules/policy';
import type { CleanupPolicy } from '../../core/types';
import { handleError, showErrorWithLogs } from '../errors';
import { MAINTAINER_ACCESS, POLICY_EDIT_STEPS, policyChanges, policyChangesText } from '../rules/policyChanges';
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
 * The policy's values as pick steps (GitLab's allowed values only) and two regex boxes, titled "(n/6)";
 * each step highlights the current value (Enter keeps it) and the boxes start with the saved regexes.
 * Undefined when a step is dismissed.
 */
export async function promptPolicyPatch(ctx: CommandContext, before: CleanupPolicy | null, subject: string): Promise<Required<PolicyPatch> | undefined> {
  const t = vscode.l10n.t;
  const title = (step: number): string => t('Cleanup policy of {0} ({1}/{2})', subject, step, POLICY_EDIT_STEPS);

  const enabled = await ctx.ui.pickOne(current([
    { label: t('On'), description: t('GitLab runs the policy on its schedule'), value: true },
    { label: t('Off'), description: t('the policy does not run'), value: false },
  ], before?.enabled ?? false), t('Run the policy?'), { title: title(1), active: before?.enabled ?? false });
  if (enabled === undefined) return undefined;
  const cadence = await ctx.ui.pickOne(current(CADENCE_VALUES.map((c) => ({ label: cadenceText(c, t), description: c, value: c as string })), before?.cadence ?? '1d'),
    t('How often GitLab runs the policy'), { title: title(2), active: before?.cadence ?? '1d' });
  if (cadence === undefined) return undefined;
  const keepN = await ctx.ui.pickOne<number | null>(current<number | null>([
    ...KEEP_N_VALUES.map((n) => ({ label: t('Keep the {0} newest tags', n), value: n as number | null })),
    { label: t('No limit'), description: t('keep_n not set'), value: null },
  ], before?.keep_n ?? null), t('How many of the newest matching tags to keep per image'), { title: title(3), active: before?.keep_n ?? null });
  if (keepN === undefined) return undefined;
  const olderThan = await ctx.ui.pickOne<string | null>(current<string | null>([
    ...OLDER_THAN_VALUES.map((o) => ({ label: t('Older than {0}', o), value: o as string | null })),
    { label: t('Any age'), description: t('older_than not set'), value: null },
  ], before?.older_than ?? null), t('Delete only tags older than'), { title: title(4), active: before?.older_than ?? null });
  if (olderThan === undefined) return undefined;
  const nameRegex = await ctx.ui.inputText({
    title: title(5),
    prompt: t('Delete regex (name_regex, RE2, whole name; ".*" = every tag; empty = delete nothing)'),
    value: before?.name_regex ?? '',
    ignoreFocusOut: true,
    validateInput: regexValidator('delete regex'),
  });
  if (nameRegex === undefined) return undefined;
  const keepRegex = await ctx.ui.inputText({
    title: title(6),
    prompt: t('Keep regex (name_regex_keep, RE2, optional): matching tags are never deleted'),
    value: before?.name_regex_keep ?? '',
    ignoreFocusOut: true,
    validateInput: regexValidator('keep regex'),
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
    const t = vscode.l10n.t;
    // The role first: a Developer learns at once, not after six steps (null = GitLab does not say; its 403 answers then).
    const { accessLevel } = await api.getTagProtectionAccess(target.projectId);
    if (accessLevel !== null && accessLevel < MAINTAINER_ACCESS) {
      const message = t('Editing the cleanup policy of {0} needs the Maintainer role on the project; your role is below it.', target.projectPath);
      ctx.log.error(message);
      showErrorWithLogs(ctx, message);
      return undefined;
    }
    const before = await api.getCleanupPolicy(target.projectId);
    ctx.log.info(`Edit Cleanup Policy of ${target.projectPath}: current ${JSON.stringify(before)}`);

    const patch = await promptPolicyPatch(ctx, before, target.projectPath);
    if (!patch) return undefined;
    const changes = policyChanges(before, patch, t);
    if (changes.length === 0) {
      void ctx.ui.info(t('The cleanup policy of {0} is unchanged; nothing was saved.', target.projectPath));
      return undefined;
    }
    const save = t('Save');
    if (!await ctx.ui.confirm(t('Save these changes to the cleanup policy of {0}?', target.projectPath), policyChangesText(changes), save)) {
      ctx.log.info(`Edit Cleanup Policy of ${target.projectPath}: cancelled at the summary; nothing saved.`);
      return undefined;
    }
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

// Delete Tags by Rule…: four input boxes (delete regex, keep regex, keep N, older than) validated as the
// user types, an exact preview (core previewRule → the pure view model → a webview), then either the
// deletion of EXACTLY the previewed tags (tag by tag, like Delete Tag) or GitLab's own asynchronous bulk
// request.
import * as vscode from 'vscode';
import { previewStorage } from '../rules/previewStorage';
import { GitLabError } from '../../core/errors';
import { bulkParamsFromRule, compileRule, type Rule } from '../../core/rules/engine';
import { parseDuration } from '../../core/rules/duration';
import { PREVIEW_MAX_AGE_MS } from '../../core/recheck';
import type { RulePreview } from '../../core/rules/preview';
import { guarded, previewGuarded, type Guard } from '../../core/rules/guarded';
import { compileRe2, hasTopLevelAlternation } from '../../core/rules/regex';
import type { Repository } from '../../core/types';
import type { Account } from '../accounts/account';
import { confirmCountByTyping } from '../deletion/confirmByTyping';
import { recheckRulePreview } from '../deletion/recheck';
import { cannotBeUndone, restorableUntilGc } from '../deletion/wording';
import { describeError, handleError, showErrorWithLogs } from '../errors';
import type { PreviewChoice } from '../rules/previewHtml';
import { buildPreviewModel, buildSection, spaceFreedText, type PreviewModel } from '../rules/previewModel';
import { firstNames } from '../tree/format';
import { isNode, isRepositoryNode, type ProjectOrGroupNode, type TagNode } from '../tree/nodes';
import { readGoneBranches } from '../../core/branches';
import { applyConditions } from '../../core/rules/conditions';
import { DEFAULT_CONDITIONS, conditionsText, isConditionToggle, toggled, type ConditionChoice } from './ruleConditions';
import { deleteTagsByRuleInScope, markGuard, promptRepositoryFilter, type ScopeRuleOutcome } from './deleteTagsByRuleScope';
import type { CommandContext } from './context';
import { runTagDeletion, type TagDeletionOutcome } from './deleteTag';
import { pickRepositoryPath } from './pickers';
import type { Ui } from '../ui';

/** What a run did, for tests and scripts. */
export interface RuleDeletionOutcome {
  rule: Rule;
  preview: RulePreview;
  model: PreviewModel;
  choice: PreviewChoice;
  /** After "Delete N tags…" and the modal. */
  deletion?: TagDeletionOutcome;
  /** After "Schedule GitLab's cleanup instead…": true when GitLab accepted it (202). */
  scheduled?: boolean;
  /** Why GitLab refused to schedule it (e.g. the hourly limit). */
  scheduleError?: string;
}

interface Target {
  account: Account;
  repository: Repository;
}

export async function deleteTagsByRule(ctx: CommandContext, node?: unknown): Promise<RuleDeletionOutcome | ScopeRuleOutcome | undefined> {
  try {
    if (isNode(node) && (node.kind === 'group' || node.kind === 'project')) return await inScope(ctx, node);
    const target = await resolveTarget(ctx, node);
    if (!target) return undefined;
    if (target.account.readOnly) {
      void ctx.ui.warn(vscode.l10n.t('Deleting needs a token with the "api" scope; this account is read-only.'));
      return undefined;
    }
    const rule = await promptRule(ctx.ui, target.repository.path);
    if (!rule) return undefined;
    return await previewAndAct(ctx, target, rule, initialConditions(rule));
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Deleting tags by rule failed'), err);
    return undefined;
  }
}

/** On a group or project node: the rule over every repository in it. */
async function inScope(ctx: CommandContext, node: ProjectOrGroupNode): Promise<ScopeRuleOutcome | undefined> {
  const account = ctx.store.get(node.accountId);
  if (!account) return undefined;
  if (account.readOnly) {
    void ctx.ui.warn(vscode.l10n.t('Deleting needs a token with the "api" scope; this account is read-only.'));
    return undefined;
  }
  const filter = await promptRepositoryFilter(ctx);
  if (filter === undefined) return undefined;
  const rule = await promptRule(ctx.ui, node.kind === 'group' ? node.group.full_path : node.project.path_with_namespace);
  if (!rule) return undefined;
  return deleteTagsByRuleInScope(ctx, account, node, rule, filter, initialConditions(rule));
}

async function resolveTarget(ctx: CommandContext, node: unknown): Promise<Target | undefined> {
  if (isRepositoryNode(node)) {
    const account = ctx.store.get(node.accountId);
    if (!account) return undefined;
    const repository = ctx.model.repository(node.accountId, node.repositoryId)
      ?? await ctx.clients.api(node.accountId).getRepository(node.repositoryId);
    return { account, repository };
  }
  const path = await pickRepositoryPath(ctx, (a) => !a.readOnly);
  return path ? { account: path.account, repository: path.repository } : undefined;
}

/** The preview's first conditions: an empty delete regex is the preset for orphaned signatures. */
function initialConditions(rule: Rule): ConditionChoice {
  return { ...DEFAULT_CONDITIONS, orphanedSignatures: rule.deleteRegex === '' };
}

/** An input-box validator for an RE2 pattern: RE2's error with its position, or a warning for a top-level `|`. */
export function regexValidator(label: string) {
  return (value: string): string | vscode.InputBoxValidationMessage | undefined => {
    if (value === '') return undefined;
    try {
      compileRe2(value, { anchored: true, label });
    } catch (err) {
      return describeError(err);
    }
    if (hasTopLevelAlternation(value)) {
      return {
        message: vscode.l10n.t('Top-level "|": GitLab anchors the regex without grouping, so "a|b" means "starts with a" or "ends with b". Use "(a|b)" to match whole names.'),
        severity: vscode.InputBoxValidationSeverity.Warning,
      };
    }
    return undefined;
  };
}

function keepNValidator(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  return /^\d+$/.test(value.trim()) && Number.isSafeInteger(Number(value.trim()))
    ? undefined
    : vscode.l10n.t('Enter a whole number of 0 or more, or leave it empty.');
}

function olderThanValidator(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  try {
    parseDuration(value.trim());
    return undefined;
  } catch (err) {
    return describeError(err);
  }
}

/** The four input boxes, titled with the repository; undefined when one is dismissed. */
export async function promptRule(ui: Ui, repositoryPath: string): Promise<Rule | undefined> {
  const title = (step: number) => vscode.l10n.t('Delete Tags by Rule: {0} ({1}/4)', repositoryPath, step);
  const deleteRegex = await ui.inputText({
    title: title(1),
    prompt: vscode.l10n.t('Delete regex (RE2, must match the whole tag name; ".*" = every tag; empty = only signatures whose image has no tag left)'),
    // Empty selects no tag (never every tag): the preset for cosign companions that are already orphaned.
    ignoreFocusOut: true,
    validateInput: regexValidator('delete regex'),
  });
  if (deleteRegex === undefined) return undefined;
  const keepRegex = await ui.inputText({
    title: title(2),
    prompt: vscode.l10n.t('Keep regex (optional): matching tags are kept, e.g. "v\\d+\\.\\d+\\.\\d+" or "main|release-.*"'),
    ignoreFocusOut: true,
    validateInput: regexValidator('keep regex'),
  });
  if (keepRegex === undefined) return undefined;
  const keepN = await ui.inputText({
    title: title(3),
    prompt: vscode.l10n.t('Keep the N newest matching tags (optional whole number)'),
    ignoreFocusOut: true,
    validateInput: keepNValidator,
  });
  if (keepN === undefined) return undefined;
  const olderThan = await ui.inputText({
    title: title(4),
    prompt: vscode.l10n.t('Delete only tags older than (optional GitLab duration, e.g. 7d, 1month, 1 day)'),
    ignoreFocusOut: true,
    validateInput: olderThanValidator,
  });
  if (olderThan === undefined) return undefined;
  const rule: Rule = {
    deleteRegex,
    keepRegex: keepRegex === '' ? null : keepRegex,
    keepN: keepN.trim() === '' ? null : Number(keepN.trim()),
    olderThan: olderThan.trim() === '' ? null : olderThan.trim(),
  };
  compileRule(rule); // the same checks once more: nothing invalid reaches GitLab
  return rule;
}

async function computePreview(ctx: CommandContext, target: Target, rule: Rule, conditions: ConditionChoice): Promise<{ preview: RulePreview; protectedBy?: Guard } | undefined> {
  const api = ctx.clients.api(target.account.id);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the tags of {0}', target.repository.location), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const [{ raw, protectedBy }, goneBranches] = await Promise.all([
          previewGuarded(api, target.repository.project_id, target.repository, rule, {
            signal: abort.signal,
            onProgress: (done, total) => progress.report({ message: vscode.l10n.t('{0} of {1}', done, total) }),
          }),
          conditions.goneBranches ? readGoneBranches(api, target.repository.project_id, abort.signal) : Promise.resolve(undefined),
        ]);
        const preview = applyConditions(raw, { withSignatures: conditions.withSignatures, orphanedSignatures: conditions.orphanedSignatures, goneBranches });
        // A repository rule that guards it from the caller: every tag kept as 'protected', nothing sent.
        return { preview: guarded(preview, protectedBy), protectedBy };
      } finally {
        sub.dispose();
      }
    },
  );
}

/** The preview and what the webview shows of it. */
async function previewView(ctx: CommandContext, target: Target, rule: Rule, conditions: ConditionChoice) {
  const computed = await computePreview(ctx, target, rule, conditions);
  if (!computed) return undefined;
  const { preview, protectedBy } = computed;
  const { repository, account } = target;
  const section = buildSection(preview, rule, { location: repository.location, id: repository.id, projectId: repository.project_id }, vscode.l10n.t, vscode.env.language);
  markGuard(section, protectedBy);
  const model = buildPreviewModel({
    title: vscode.l10n.t('Delete Tags by Rule: {0}', repository.location),
    rule, instanceUrl: account.instanceUrl, sections: [section], actions: true, t: vscode.l10n.t, intro: conditionsText(conditions),
    // GitLab's own run knows nothing of gone branches: it would delete every tag the rule matches.
    schedule: !conditions.goneBranches, conditions,
  });
  ctx.log.info(`Rule preview for ${repository.location}: delete ${section.deleteNames.length}, keep ${section.totals.keepCount}.`);
  return { preview, section, model };
}

async function previewAndAct(ctx: CommandContext, target: Target, rule: Rule, initial: ConditionChoice): Promise<RuleDeletionOutcome | undefined> {
  let conditions = initial;
  let view = await previewView(ctx, target, rule, conditions);
  if (!view) return undefined;
  const { repository, account } = target;

  // The preview stays the place to decide: a cancelled modal shows it again.
  for (let round = 0; round < 20; round++) {
    const { preview, section, model } = view;
    const choice = await ctx.ui.showPreview(model, previewStorage(ctx, account.id, model));
    const outcome: RuleDeletionOutcome = { rule, preview, model, choice };
    if (choice === 'cancel') return outcome;
    if (isConditionToggle(choice)) {
      conditions = toggled(conditions, choice);
      view = await previewView(ctx, target, rule, conditions);
      if (!view) return undefined;
      continue;
    }
    if (choice === 'delete' && Date.now() - preview.now > PREVIEW_MAX_AGE_MS) {
      // An old preview is read again and shown for a fresh decision (core/recheck.ts PREVIEW_MAX_AGE_MS).
      void ctx.ui.info(vscode.l10n.t('The preview was more than {0} minutes old, so the tags were read again. Check the new preview before deleting.', PREVIEW_MAX_AGE_MS / 60_000));
      view = await previewView(ctx, target, rule, conditions);
      if (!view) return undefined;
      continue;
    }
    if (choice === 'delete') {
      const names = section.deleteNames;
      if (names.length === 0) {
        void ctx.ui.info(vscode.l10n.t('The rule selects no tag to delete.'));
        continue;
      }
      const { shown, more } = firstNames(names, 5);
      const message = vscode.l10n.t('Delete {0} tags from {1}?', names.length, repository.location);
      const detail = [
        `${shown.join('\n')}${more ? `\n${vscode.l10n.t('…and {0} more', more)}` : ''}`,
        vscode.l10n.t('Exactly the {0} tags listed in the preview are deleted, one by one; the {1} other tags stay.', names.length, section.totals.keepCount),
        restorableUntilGc(),
        spaceFreedText(section, vscode.l10n.t),
      ].join('\n\n');
      if (!(await ctx.ui.confirm(message, detail, vscode.l10n.t('Delete')))) continue;
      if (!(await confirmCountByTyping(ctx.ui, names.length))) continue;
      // Just before deleting: tags changed since the preview (re-pushed, re-dated, gone) are skipped.
      const checked = await recheckRulePreview(ctx, ctx.clients.api(account.id), preview, rule, repository);
      if (!checked) continue;
      const byName = new Map(preview.tags.map((t) => [t.name, t]));
      const targets: TagNode[] = checked.names.map((name) => {
        const t = byName.get(name);
        return {
          kind: 'tag', id: `rule/${repository.id}/${name}`, accountId: account.id,
          repositoryId: repository.id, projectId: repository.project_id,
          tag: { name, path: t?.path ?? `${repository.path}:${name}`, location: t?.location ?? `${repository.location}:${name}` },
        };
      });
      // The preview's digests (the re-check kept only unchanged tags): recording reads no tag again.
      const previewDigests = new Map(targets.map((t) => [t.tag.location, byName.get(t.tag.name)?.digest ?? undefined]));
      outcome.deletion = await runTagDeletion(ctx, targets, checked.skipped, (t) => previewDigests.get(t.tag.location), undefined,
        { garbageCollectionExplained: true }); // the preview explained garbage collection: no second notice
      return outcome;
    }
    // schedule
    const message = vscode.l10n.t('Schedule GitLab\'s cleanup of {0}?', repository.location);
    const detail = [
      vscode.l10n.t('GitLab runs the same rule itself, asynchronously, in the background. It needs the Maintainer role and accepts this request at most once an hour per repository.'),
      vscode.l10n.t('GitLab computes the tags when the job runs, so it may delete a slightly different set than the preview: tags pushed meanwhile count, on GitLab.com keep N applies per 1,000 tags, and legacy registries sample candidates at random.'),
      cannotBeUndone(),
    ].join('\n\n');
    if (!(await ctx.ui.confirm(message, detail, vscode.l10n.t('Schedule')))) continue;
    try {
      await ctx.clients.api(account.id).scheduleBulkDelete(repository.project_id, repository.id, bulkParamsFromRule(rule));
      outcome.scheduled = true;
      ctx.log.info(`Scheduled GitLab's cleanup of ${repository.location} (${JSON.stringify(bulkParamsFromRule(rule))}).`);
      void ctx.ui.info(vscode.l10n.t('GitLab accepted the cleanup of {0}; it runs in the background. Refresh the repository later to see the result.', repository.location));
    } catch (err) {
      outcome.scheduled = false;
      outcome.scheduleError = scheduleErrorText(err, repository.location);
      ctx.log.error(`Scheduling the cleanup of ${repository.location}: ${err instanceof Error ? err.message : String(err)}`);
      showErrorWithLogs(ctx, outcome.scheduleError);
    }
    return outcome;
  }
  return undefined;
}

function scheduleErrorText(err: unknown, location: string): string {
  if (err instanceof GitLabError && err.kind === 'bulk_rate_limited') {
    return vscode.l10n.t('GitLab already accepted a cleanup request for {0} within the last hour; it allows one per repository per hour. Try again later, or delete the previewed tags now. (GitLab: "{1}")', location, err.gitlabMessage);
  }
  if (err instanceof GitLabError && (err.kind === 'forbidden' || err.kind === 'protected')) {
    return vscode.l10n.t('Scheduling GitLab\'s cleanup of {0} needs the Maintainer role ({1}). "Delete N tags…" works with the Developer role.', location, err.message);
  }
  return vscode.l10n.t('Scheduling GitLab\'s cleanup of {0} failed: {1}', location, describeError(err));
}

// Delete Tags by Rule… on a group or a project node: the same rule in every repository (core planScope),
// one preview with every affected repository collapsible, biggest first, totals on top; then one
// cancellable progress deleting repository by repository, each re-checked first (core/recheck.ts).
import * as vscode from 'vscode';
import { compileRule, type Rule } from '../../core/rules/engine';
import { compileRe2 } from '../../core/rules/regex';
import { planScope, type RepositoryPlan, type RuleScope, type ScopePlan } from '../../core/rules/scope';
import type { Account } from '../accounts/account';
import { confirmCountByTyping } from '../deletion/confirmByTyping';
import { recheckRulePreview, type SkippedTag } from '../deletion/recheck';
import { restorableUntilGc } from '../deletion/wording';
import { describeError } from '../errors';
import type { PreviewChoice } from '../rules/previewHtml';
import { buildPreviewModel, buildSection, type PreviewModel, type PreviewSection } from '../rules/previewModel';
import type { Guard } from '../../core/rules/guarded';
import { previewStorage } from '../rules/previewStorage';
import { groupByRepository, type ScopeReport } from '../rules/scopeReport';
import { protectionText } from '../tree/protectionText';
import type { ProjectOrGroupNode, TagNode } from '../tree/nodes';
import type { CommandContext } from './context';
import { runTagDeletion, type TagDeletionOutcome } from './deleteTag';
import { conditionsText, isConditionToggle, toggled, type ConditionChoice } from './ruleConditions';

export interface ScopeRuleOutcome {
  plan: ScopePlan;
  model: PreviewModel;
  choice: PreviewChoice;
  deletion?: TagDeletionOutcome;
  /** The report grouped per repository (shown as a webview): deleted / failed / outcome unknown / not attempted. */
  report?: ScopeReport;
}

export function scopeOf(node: ProjectOrGroupNode): { scope: RuleScope; label: string } {
  return node.kind === 'group'
    ? { scope: { kind: 'group', group: node.group.id }, label: node.group.full_path }
    : { scope: { kind: 'project', project: node.project.id }, label: node.project.path_with_namespace };
}

/** The optional repository-path filter (RE2, unanchored); undefined when dismissed. */
export async function promptRepositoryFilter(ctx: CommandContext): Promise<string | undefined> {
  return ctx.ui.inputText({
    title: vscode.l10n.t('Delete Tags by Rule: repositories'),
    prompt: vscode.l10n.t('Only repositories whose path matches (optional RE2, found anywhere in the path, e.g. "/app$")'),
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (v === '') return undefined;
      try {
        compileRe2(v, { anchored: false, label: 'repository filter' });
        return undefined;
      } catch (err) {
        return describeError(err);
      }
    },
  });
}

async function plan(ctx: CommandContext, account: Account, scope: RuleScope, label: string, rule: Rule, filter: string, c: ConditionChoice): Promise<ScopePlan | undefined> {
  const api = ctx.clients.api(account.id);
  return ctx.ui.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the tags of every repository in {0}', label), cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await planScope(api, scope, compileRule(rule), {
          repositories: filter === '' ? undefined : compileRe2(filter, { anchored: false, label: 'repository filter' }),
          conditions: { withSignatures: c.withSignatures, orphanedSignatures: c.orphanedSignatures, goneBranches: c.goneBranches },
          signal: abort.signal,
          concurrency: vscode.workspace.getConfiguration('gitlabRegistry').get<number>('concurrency', 8),
          onProgress: (done, total) => progress.report({ message: vscode.l10n.t('{0} of {1} repositories', done, total) }),
        });
      } catch (err) {
        if (abort.signal.aborted) return undefined;
        throw err;
      } finally {
        sub.dispose();
      }
    },
  );
}

/**
 * Affected repositories, biggest first (most tags to delete; ties by path); then those a repository
 * protection rule guards where the rule would delete (shown as protected, nothing sent).
 */
export function affectedPlans(p: ScopePlan): RepositoryPlan[] {
  return p.plans.filter((r) => r.preview.delete.length > 0 || (r.protectedBy !== undefined && r.preview.decisions.some((d) => d.reason === 'protected')))
    .sort((a, b) => b.preview.delete.length - a.preview.delete.length || (a.repository.path < b.repository.path ? -1 : 1));
}

export async function deleteTagsByRuleInScope(
  ctx: CommandContext, account: Account, node: ProjectOrGroupNode, rule: Rule, filter: string, initial: ConditionChoice,
): Promise<ScopeRuleOutcome | undefined> {
  const { scope, label } = scopeOf(node);
  let conditions = initial;
  // The preview is the place to decide; a condition switched in it reads every repository again.
  for (let round = 0; round < 20; round++) {
    const result = await plan(ctx, account, scope, label, rule, filter, conditions);
    if (!result) return undefined;
    const affected = affectedPlans(result);
    const model = scopeModel(account, label, rule, filter, conditions, result, affected);
    ctx.log.info(`Rule preview for ${label}: ${result.deleteCount} to delete in ${affected.length} of ${result.plans.length} repositories.`);
    const choice = await ctx.ui.showPreview(model, previewStorage(ctx, account.id, model));
    fillReclaimable(affected, model);
    if (isConditionToggle(choice)) {
      conditions = toggled(conditions, choice);
      continue;
    }
    const outcome: ScopeRuleOutcome = { plan: result, model, choice };
    if (choice !== 'delete' || result.deleteCount === 0) return outcome;
    return deleteAffected(ctx, account, label, rule, result, affected, outcome);
  }
  return undefined;
}

/** Marks a section a repository protection rule guards: its label beside the name and a note first. */
export function markGuard(section: PreviewSection, protectedBy: Guard | undefined): void {
  const guard = protectedBy ? protectionText(protectedBy) : undefined;
  if (!guard) return;
  section.guard = guard;
  section.notes.unshift(vscode.l10n.t('{0}: a repository protection rule forbids you to delete here, so nothing is sent for this repository.', guard));
}

/** The registry's figures the preview computed, into the plans (RepositoryPlan.reclaimableBytes). */
function fillReclaimable(plans: RepositoryPlan[], model: PreviewModel): void {
  const byId = new Map(model.sections.map((s) => [s.repositoryId, s]));
  for (const p of plans) {
    const st = byId.get(p.repository.id)?.storage;
    if (st?.state === 'done') p.reclaimableBytes = st.reclaimableBytes;
  }
}

function scopeModel(account: Account, label: string, rule: Rule, filter: string, conditions: ConditionChoice, result: ScopePlan, affected: RepositoryPlan[]): PreviewModel {
  const sections = affected.map((p) => {
    const section = buildSection(p.preview, rule,
      { location: p.repository.location, id: p.repository.id, projectId: p.repository.project_id }, vscode.l10n.t);
    markGuard(section, p.protectedBy);
    return section;
  });
  return buildPreviewModel({
    title: vscode.l10n.t('Delete Tags by Rule: {0}', label), rule, instanceUrl: account.instanceUrl, sections, actions: true,
    schedule: false, manyRepositories: true, conditions, t: vscode.l10n.t,
    intro: [
      vscode.l10n.t('{0} of {1} repositories have tags to delete.', affected.filter((p) => p.preview.delete.length > 0).length, result.plans.length),
      filter === '' ? '' : vscode.l10n.t('Repositories whose path matches {0}.', JSON.stringify(filter)),
      conditionsText(conditions),
    ].filter((s) => s !== '').join(' '),
  });
}

async function deleteAffected(
  ctx: CommandContext, account: Account, label: string, rule: Rule, result: ScopePlan, affected: RepositoryPlan[], outcome: ScopeRuleOutcome,
): Promise<ScopeRuleOutcome> {
  const sending = affected.filter((p) => p.preview.delete.length > 0);
  const message = vscode.l10n.t('Delete {0} tags in {1} repositories of {2}?', result.deleteCount, sending.length, label);
  const detail = [
    sending.slice(0, 5).map((p) => `${p.repository.location}: ${p.preview.delete.length}`).join('\n'),
    vscode.l10n.t('Exactly the tags listed in the preview are deleted, repository by repository; each repository is read again first and a tag changed since the preview is skipped.'),
    restorableUntilGc(), // each tag is recorded for Undo before it goes
  ].join('\n\n');
  if (!(await ctx.ui.confirm(message, detail, vscode.l10n.t('Delete')))) return outcome;
  if (!(await confirmCountByTyping(ctx.ui, result.deleteCount))) return outcome;

  const api = ctx.clients.api(account.id);
  const targets: TagNode[] = [];
  const skipped: SkippedTag[] = [];
  for (const p of sending) {
    const checked = await recheckRulePreview(ctx, api, p.preview, rule, p.repository);
    if (!checked) return outcome; // cancelled: nothing deleted yet
    skipped.push(...checked.skipped);
    const byName = new Map(p.preview.tags.map((t) => [t.name, t]));
    for (const name of checked.names) {
      const t = byName.get(name);
      targets.push({
        kind: 'tag', id: `rule/${p.repository.id}/${name}`, accountId: account.id, repositoryId: p.repository.id, projectId: p.repository.project_id,
        tag: { name, path: t?.path ?? `${p.repository.path}:${name}`, location: t?.location ?? `${p.repository.location}:${name}` },
      });
    }
  }
  outcome.deletion = await runTagDeletion(ctx, targets, skipped);
  outcome.report = groupByRepository(vscode.l10n.t('Deleted by rule: {0}', label), outcome.deletion, affected.map((p) => ({
    location: p.repository.location,
    ...(p.protectedBy ? { guard: protectionText(p.protectedBy) } : {}),
    ...(p.reclaimableBytes !== undefined ? { reclaimableBytes: p.reclaimableBytes } : {}),
  })));
  for (const r of outcome.report.repositories) {
    ctx.log.info(`${r.repository}: deleted ${r.deleted.length}, failed ${r.failed.length}, may have been deleted ${r.unknown.length}, not attempted ${r.notAttempted.length}${r.guard ? ` (${r.guard}: nothing sent)` : ''}`);
  }
  ctx.ui.showScopeReport(outcome.report);
  return outcome;
}

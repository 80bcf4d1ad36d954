// glcr bulk --group G | --project P: one rule over every repository of a group (subgroups included) or of
// a project. Each repository's plan is exactly what `glcr bulk <project> <repo>` previews there; --yes
// re-checks and deletes repository by repository (docs: src/cli/README.md "bulk over many repositories").
import { GitLabError, UsageError } from '../../core/errors';
import { RegistryError } from '../../core/registry';
import { CHANGED_SINCE_PREVIEW, describeChange, recheckPreview } from '../../core/recheck';
import type { CompiledRule } from '../../core/rules';
import { compileRe2 } from '../../core/rules/regex';
import { planScope, type RepositoryPlan, type RuleScope } from '../../core/rules/scope';
import type { Guard } from '../../core/rules/guarded';
import { repositoryRefusal, tagRefusal, verdictJson, verdictLabel } from '../../core/protection';
import type { Decision } from '../../core/rules/engine';
import type { DeleteReport, TagFailure } from '../../core/types';
import { journalFile, journalGitLabTags } from '../journal';
import { mapLimit } from '../../core/concurrency';
import { deletionSize, sizeJson } from './storage';
import { sizeNotAvailable } from '../../core/repositoryStorage';
import type { CliContext, CommandOption } from '../command';
import { emit, formatBytes, plural, shown } from '../output';
import { parseProjectRef } from '../resolve';
import { NOT_ATTEMPTED, toRmReport, type RmReport } from './rm';
import { OUTCOME_UNKNOWN, stringFlag } from './shared';
import type { ConditionFlags } from './conditionFlags';

export const SCOPE_GROUP_OPTION: CommandOption = {
  name: 'group', type: 'string', value: 'G', description: 'bulk: every repository of group G (id or full path), subgroups included',
};
export const SCOPE_PROJECT_OPTION: CommandOption = {
  name: 'project', type: 'string', value: 'P', description: 'bulk: every repository of project P (id or full path) instead of <project> <repo>',
};
export const REPOS_OPTION: CommandOption = {
  name: 'repos', type: 'string', value: 'REGEX', description: 'with --group/--project: only repositories whose path RE2 REGEX finds (unanchored)',
};

/** --group / --project, or undefined for the single-repository form. */
export function scopeFromFlags(ctx: CliContext): RuleScope | undefined {
  const group = stringFlag(ctx, 'group');
  const project = stringFlag(ctx, 'project');
  if (group !== undefined && project !== undefined) throw new UsageError('give either --group or --project, not both; nothing was sent');
  const scope: RuleScope | undefined = group !== undefined ? { kind: 'group', group: parseProjectRef(group, 'group') }
    : project !== undefined ? { kind: 'project', project: parseProjectRef(project) } : undefined;
  if (scope !== undefined && ctx.args.length > 0) {
    throw new UsageError('with --group or --project give no <project> <repo>; nothing was sent');
  }
  if (scope === undefined && ctx.args.length !== 2) {
    throw new UsageError('give <project> <repo>, or --group G / --project P for many repositories; nothing was sent');
  }
  if (scope === undefined && stringFlag(ctx, 'repos') !== undefined) throw new UsageError('--repos needs --group or --project; nothing was sent');
  if (scope !== undefined && ctx.flags.server === true) throw new UsageError('--server works on one repository; nothing was sent');
  return scope;
}

interface ScopeResult extends RmReport {
  project: string;
  repository: string;
}

export async function runScope(ctx: CliContext, scope: RuleScope, rule: CompiledRule, conditions: ConditionFlags, dryRun: boolean): Promise<number> {
  const reposText = stringFlag(ctx, 'repos');
  const repositories = reposText === undefined ? undefined : compileRe2(reposText, { anchored: false, label: '--repos regex' });
  const api = ctx.api();
  const plan = await planScope(api, scope, rule, { repositories, conditions, signal: ctx.signal, concurrency: ctx.concurrency ?? 8 });
  for (const w of rule.warnings) ctx.stderr(`glcr: warning: ${w}`);
  const unknown = plan.plans.filter((p) => p.preview.protection === 'unknown');
  if (unknown.length > 0) {
    ctx.stderr(`glcr: warning: tag protection could not be checked in ${repoCount(unknown.length)}; ` +
      'protected tags are not marked there, and GitLab will not delete them');
  }
  if (dryRun) {
    const sizes = await planSizes(ctx, plan.plans);
    emit(ctx, {
      plans: plan.plans.map((p, i) => ({
        project: p.project, repository: p.repository.path, delete: p.preview.delete, keep_count: p.preview.keep.length,
        ...(p.protectedBy ? { protected: verdictJson(p.protectedBy) } : {}),
        ...(sizes[i] ?? {}),
      })),
      delete_count: plan.deleteCount,
    }, () => scopeText(plan.plans, plan.deleteCount, sizes));
    return 0;
  }

  const results: ScopeResult[] = [];
  for (const p of plan.plans) {
    const refused = refusedIn(p);
    if (p.preview.delete.length === 0 && refused.length === 0) continue;
    const report = p.preview.delete.length === 0 ? { deleted: [], failed: [] }
      : ctx.signal.aborted ? { deleted: [], failed: [], notAttempted: p.preview.delete } : await deleteOne(ctx, p, rule);
    // Tags the rule selects but protection keeps were never sent: failed with the rule that protects them (as glcr bulk <project> <repo>).
    results.push({ project: p.project, repository: p.repository.path, ...toRmReport([...p.preview.delete, ...refused.map((f) => f.tag)], { ...report, failed: [...report.failed, ...refused] }) });
  }
  printScopeReport(ctx, results);
  return results.some((r) => r.failed.length > 0) ? 1 : 0;
}

/**
 * Per plan with deletions, the space they free (reclaimable_bytes; null with size_error when the registry
 * cannot be read); nothing with --no-size. One repository at a time per concurrency slot.
 */
async function planSizes(ctx: CliContext, plans: RepositoryPlan[]): Promise<Array<Record<string, unknown> | undefined>> {
  if (ctx.flags['no-size'] === true) return plans.map(() => undefined);
  const outcome = await mapLimit(plans, ctx.concurrency ?? 8, async (p) => {
    if (p.preview.delete.length === 0) return { reclaimable_bytes: 0 };
    const fig = await deletionSize(ctx, p.repository.location, p.preview.tags.map((t) => ({ name: t.name, digest: t.digest })), p.preview.delete);
    if (fig?.available) p.reclaimableBytes = fig.value.reclaimable_bytes;
    const { shared_bytes: _shared, ...json } = sizeJson(fig);
    return json;
  }, { signal: ctx.signal });
  return outcome.results;
}

function refusedIn(p: RepositoryPlan): TagFailure[] {
  return refusedTags(p.preview.decisions, p.protectedBy, p.repository.path);
}

/**
 * Tags the rule selects that protection keeps (never sent), as failures: by the repository rule that guards
 * the repository (`guard`), else by their tag protection (or immutable) rule.
 */
export function refusedTags(decisions: readonly Decision[], guard: Guard | undefined, path: string | undefined): TagFailure[] {
  if (!guard) return protectedByRule(decisions);
  const error = `403 Forbidden - ${repositoryRefusal(guard, path ?? 'this repository')}`;
  return decisions.filter((d) => d.reason === 'protected' && d.protection?.rule === guard.rule)
    .map((d) => ({ tag: d.name, error, status: 403 }));
}

/** Decisions kept by a tag protection (or immutable) rule, as failures never sent. */
function protectedByRule(decisions: readonly Decision[]): TagFailure[] {
  const failed: TagFailure[] = [];
  for (const d of decisions) {
    if ((d.reason !== 'protected' && d.reason !== 'immutable') || !d.protection) continue;
    const error = tagRefusal({ deletable: false, reason: d.reason, rule: d.protection.rule, needs: d.protection.needs });
    if (error) failed.push({ tag: d.name, error, status: 403 });
  }
  return failed;
}

/** One repository: re-check (src/core/recheck.ts), then delete exactly what is still as previewed. */
async function deleteOne(ctx: CliContext, p: RepositoryPlan, rule: CompiledRule): Promise<DeleteReport> {
  const api = ctx.api();
  try {
    const check = await recheckPreview(api, p.projectId, p.repository.id, p.preview, rule, { signal: ctx.signal });
    const skipped: TagFailure[] = [
      ...check.changed.map((c) => ({ tag: c.name, error: `${CHANGED_SINCE_PREVIEW} (${describeChange(c.change)})` })),
      ...check.nowKept.map((k) => ({ tag: k.name, error: `${CHANGED_SINCE_PREVIEW} (other tags changed; the rule now keeps it: ${k.reason})` })),
    ];
    const journal = journalFile(ctx);
    if (journal !== undefined && check.delete.length > 0) {
      // The previewed digests (the re-check kept only unchanged tags): no GitLab request is added.
      const digestOf = new Map(p.preview.tags.map((t) => [t.name, t.digest]));
      try {
        await journalGitLabTags(ctx, journal, p.project, p.repository.location, check.delete.map((tag) => ({ tag, digest: digestOf.get(tag) ?? null })));
      } catch (e) {
        if (!(e instanceof RegistryError)) throw e;
        // Not recordable (and no --no-journal): nothing is deleted in this repository; the others go on.
        return { deleted: [], failed: [...p.preview.delete.map((tag) => ({ tag, error: e.message }))] };
      }
    }
    const report = check.delete.length === 0 ? { deleted: [], failed: [] } : await api.deleteTags(p.projectId, p.repository.id, check.delete, { signal: ctx.signal });
    return { ...report, failed: [...report.failed, ...skipped] };
  } catch (e) {
    if (!(e instanceof GitLabError)) throw e;
    // deleteTags catches per-tag errors: an error here means nothing was sent for this repository.
    return e.kind === 'cancelled'
      ? { deleted: [], failed: [], notAttempted: p.preview.delete }
      : { deleted: [], failed: p.preview.delete.map((tag) => ({ tag, error: e.message })) };
  }
}

function scopeText(plans: RepositoryPlan[], deleteCount: number, sizes: Array<Record<string, unknown> | undefined>): string {
  const affected = plans.filter((p) => p.preview.delete.length > 0);
  const lines = [`${plural(deleteCount, 'tag')} to delete in ${repoCount(affected.length)} ` +
    `(${repoCount(plans.length)} checked).`];
  for (const [i, p] of plans.entries()) {
    const error = sizes[i]?.size_error;
    const size = p.reclaimableBytes !== undefined ? `, frees up to ${formatBytes(p.reclaimableBytes)}`
      : typeof error === 'string' ? `, ${sizeNotAvailable(shown(error))}` : '';
    const guard = p.protectedBy ? ` (${verdictLabel(p.protectedBy)}: nothing is sent)` : '';
    lines.push(`${shown(p.repository.path)}: ${p.preview.delete.length} to delete, ${p.preview.keep.length} kept${size}${guard}`);
    const reasons = new Map(p.preview.decisions.map((d) => [d.name, d.reason]));
    for (const t of p.preview.delete) lines.push(`  delete  ${shown(t)}  (${reasons.get(t)})`);
  }
  return lines.join('\n');
}

function printScopeReport(ctx: CliContext, results: ScopeResult[]): void {
  for (const r of results) {
    for (const f of r.failed) {
      const verb = f.error.startsWith(OUTCOME_UNKNOWN) ? 'may have been deleted' : f.error === NOT_ATTEMPTED ? 'not attempted' : 'not deleted';
      ctx.stderr(`glcr: ${shown(r.repository)}: tag "${shown(f.tag)}" ${verb}: ${shown(f.error)}`);
    }
  }
  emit(ctx, { results }, () => {
    const lines: string[] = [];
    for (const r of results) {
      lines.push(`${shown(r.repository)}: deleted ${r.deleted.length} of ${plural(r.deleted.length + r.failed.length, 'tag')}`);
      for (const t of r.deleted) lines.push(`  deleted  ${shown(t)}`);
    }
    return lines.length === 0 ? 'Nothing to delete.' : lines.join('\n');
  });
}

function repoCount(n: number): string {
  return `${n} ${n === 1 ? 'repository' : 'repositories'}`;
}

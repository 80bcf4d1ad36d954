// glcr bulk: rule-based deletion (GitLab's bulk-delete rule, docs/gitlab-api.md "Deletion") previewed by core/rules and then
// either carried out tag by tag (exactly the previewed list) or handed to GitLab's server-side bulk delete.
// The rule options are defined here once and reused by `policy set` (one option name, one meaning).
import { GitLabError, UsageError } from '../../core/errors';
import { bulkParamsFromRule, compileRule, type Rule } from '../../core/rules';
import type { RulePreview } from '../../core/rules/preview';
import { guarded, previewGuarded, type Guard } from '../../core/rules/guarded';
import { verdictJson, verdictLabel } from '../../core/protection';
import { CHANGED_SINCE_PREVIEW, describeChange, recheckPreview, type PlanRecheck } from '../../core/recheck';
import type { DeleteReport, TagFailure } from '../../core/types';
import { printable } from '../args';
import type { CliContext, Command, CommandOption } from '../command';
import { emit, formatBytes, formatTable, plural, shown, sortBy } from '../output';
import { JOURNAL_OPTIONS, journalFile, journalGitLabTags } from '../journal';
import { parseProjectRef, repositoryLocation, resolveRepository, type ResolvedRepository } from '../resolve';
import { readGoneBranches } from '../../core/branches';
import { EMPTY_DELETE_REGEX, applyConditions, hasConditions } from '../../core/rules/conditions';
import { REPOS_OPTION, SCOPE_GROUP_OPTION, SCOPE_PROJECT_OPTION, refusedTags, runScope, scopeFromFlags } from './bulkScope';
import { GONE_BRANCHES_OPTION, ORPHANED_SIGNATURES_OPTION, WITH_SIGNATURES_OPTION, conditionFlags } from './conditionFlags';
import type { RegistryApi } from '../../core/registryApi';
import { NO_CACHE_OPTION, NO_SIZE_OPTION, deletionSize, sizeJson, sizeText } from './storage';
import { printDeleteReport } from './rm';
import { TAGS_RESTORABLE_ONLY_UNTIL_GC, YES_OPTION, isUnknownOutcome, printUnknownOutcome, stringFlag } from './shared';

// --- options shared with `policy set` -------------------------------------------------------------------------
export const DELETE_OPTION: CommandOption = {
  name: 'delete', type: 'string', value: 'REGEX',
  description: 'RE2 regex of tags to delete, anchored by GitLab as \\A…\\z (".*" = every tag); policy set: name_regex',
};
export const KEEP_OPTION: CommandOption = {
  name: 'keep', type: 'string', value: 'REGEX',
  description: 'RE2 regex (anchored) of tags to keep even when --delete matches; policy set: name_regex_keep',
};
export const KEEP_N_OPTION: CommandOption = {
  name: 'keep-n', type: 'string', value: 'N', description: 'keep the N newest matching tags (bulk: any whole number ≥ 0)',
};
export const OLDER_THAN_OPTION: CommandOption = {
  name: 'older-than', type: 'string', value: 'DUR',
  description: 'only delete tags strictly older than this (bulk: 1h, 7d, 1month, "1 day"…)',
};
const DRY_RUN_OPTION: CommandOption = { name: 'dry-run', type: 'boolean', description: 'preview: list what would be deleted and kept; nothing is deleted' };
const SERVER_OPTION: CommandOption = {
  name: 'server', type: 'boolean', description: 'with --yes: schedule GitLab\'s server-side bulk delete instead of deleting tag by tag',
};

/** `--keep-n`: a whole number ≥ 0 (digits only). */
export function parseKeepN(text: string): number {
  const t = text.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(n)) {
    throw new UsageError(`--keep-n must be a whole number of 0 or more, not "${printable(text)}"; nothing was sent`);
  }
  return n;
}

/** Why the rules could not be read, with what the status means here. */
export function explainProtectionNote(note: string): string {
  if (/^403\b/.test(note)) return `${note}: reading tag protection rules needs the Maintainer role`;
  if (/^404\b/.test(note)) return `${note}: no tag protection rules API here (GitLab before 18.7, or no metadata database)`;
  return note;
}

/** The one-line stderr note when tag protection could not be read. */
export function protectionUnknownLine(note: string): string {
  return (
    `glcr: warning: tag protection could not be checked (${explainProtectionNote(note)}); protected tags are not marked here, ` +
    'and GitLab will not delete them (a tag-by-tag delete fails with 403, a server-side run skips them)'
  );
}

/** Prints the preview's warnings and protection note on stderr, one line each. */
export function printPreviewNotes(ctx: CliContext, preview: RulePreview): void {
  for (const w of preview.warnings) ctx.stderr(`glcr: warning: ${w}`);
  if (preview.protection === 'unknown') ctx.stderr(protectionUnknownLine(preview.protectionNote ?? 'the rules could not be read'));
}

/** The dry-run / policy preview JSON: delete and keep (code-point order) plus reasons and warnings. */
export function previewJson(preview: RulePreview): Record<string, unknown> {
  const warnings = [...preview.warnings];
  if (preview.protection === 'unknown') {
    warnings.push(`tag protection could not be checked (${explainProtectionNote(preview.protectionNote ?? 'the rules could not be read')})`);
  }
  return {
    delete: preview.delete,
    keep: preview.keep,
    reasons: Object.fromEntries(preview.decisions.map((d) => [d.name, d.reason])),
    warnings,
  };
}

/** Prints a preview (bulk --dry-run, policy preview) with the space its deletions free (unless --no-size). */
export async function emitPreview(ctx: CliContext, api: RegistryApi, repo: ResolvedRepository, preview: RulePreview, label: string, guard?: Guard): Promise<void> {
  const fig = ctx.flags['no-size'] === true
    ? undefined
    : await deletionSize(ctx, await repositoryLocation(api, repo), preview.tags.map((t) => ({ name: t.name, digest: t.digest })), preview.delete);
  const guardText = guard ? `${verdictLabel(guard)}: a repository protection rule forbids you to delete in ${label}; nothing would be sent.` : undefined;
  emit(ctx, { ...previewJson(preview), ...(guard ? { protected: verdictJson(guard) } : {}), ...sizeJson(fig) },
    () => [previewText(preview, label), guardText, sizeText(fig)].filter(Boolean).join('\n'));
}

/** Human output: the tags to delete first, then the kept ones (each in code-point order), sizes, totals. */
export function previewText(preview: RulePreview, label: string): string {
  if (preview.decisions.length === 0) return `No tags in ${label}.`;
  const del = sortBy(preview.decisions.filter((d) => d.action === 'delete'), (d) => d.name);
  const keep = sortBy(preview.decisions.filter((d) => d.action === 'keep'), (d) => d.name);
  const table = formatTable([...del, ...keep], [
    { header: 'ACTION', get: (d) => d.action },
    { header: 'TAG', get: (d) => d.name },
    { header: 'SIZE', get: (d) => formatBytes(d.total_size), right: true },
    { header: 'CREATED', get: (d) => d.created_at },
    { header: 'REASON', get: (d) => d.reason },
  ]);
  const bytes = (list: typeof del) => formatBytes(list.reduce((n, d) => n + (d.total_size ?? 0), 0));
  return `${table}\n${plural(del.length, 'tag')} to delete (${bytes(del)}), ${keep.length} kept (${bytes(keep)}) in ${label}.`;
}

export const bulkCommand: Command = {
  words: ['bulk'],
  usage:
    'glcr bulk (<project> <repo> | --group G | --project P [--repos REGEX]) --delete REGEX [--keep REGEX] [--keep-n N] ' +
    '[--older-than DUR] [--gone-branches] [--with-signatures] [--orphaned-signatures] (--dry-run | --yes) [--server] [--journal FILE [--no-journal]]',
  summary: 'delete tags by rule (GitLab\'s bulk-delete rule): preview, delete tag by tag, or schedule server-side',
  args: [{ name: 'project', optional: true }, { name: 'repo', optional: true }],
  options: [
    DELETE_OPTION, KEEP_OPTION, KEEP_N_OPTION, OLDER_THAN_OPTION, DRY_RUN_OPTION, YES_OPTION, SERVER_OPTION,
    SCOPE_GROUP_OPTION, SCOPE_PROJECT_OPTION, REPOS_OPTION, GONE_BRANCHES_OPTION, WITH_SIGNATURES_OPTION, ORPHANED_SIGNATURES_OPTION,
    ...JOURNAL_OPTIONS, NO_SIZE_OPTION, NO_CACHE_OPTION,
  ],
  details:
    'The rule is GitLab\'s: `latest` is never deleted; candidates match \\A<delete>\\z and not \\A<keep>\\z; the keep-n\n' +
    'newest candidates stay (created_at; none = now); with --older-than only strictly older tags go (none = kept);\n' +
    'tags protected from you are kept, and so is every tag of a repository a repository protection rule guards\n' +
    'from you (--dry-run JSON "protected":{"reason","rule","needs"}; --yes reports them failed, never sent).\n' +
    'Exactly one of --dry-run and --yes.\n' +
    'JSON: --dry-run {"delete":[…],"keep":[…],"reasons":{tag:reason},"warnings":[…],"reclaimable_bytes","shared_bytes"} (names in code-point order);\n' +
    '--yes {"deleted":[…],"failed":[{"tag","error"}]} as glcr rm (exactly the previewed delete list; exit 1 if any\n' +
    'failed). Just before deleting, the listed tags are read again: one re-pushed, re-dated or gone since the\n' +
    'preview (or now kept by keep_n because of such a change) is not deleted and is failed "changed since the\n' +
    'preview — not deleted (…)". --yes --server {"scheduled":true} (GitLab runs it later, at most once an hour per\n' +
    'repository), or {"scheduled":null,"error":"outcome unknown: …"} with exit 1 when the answer was lost (it is\n' +
    'never sent twice).\n' +
    'Tag protection needs Maintainer to read; otherwise a warning says it could not be checked.\n' +
    'With --yes --journal FILE each tag\'s manifest is recorded before it is deleted (glcr restore; not with --server;\n' +
    'with --group/--project one journal operation per repository, and a repository whose tags cannot be recorded\n' +
    'is not deleted from: its tags fail "cannot record…", the other repositories go on).\n' +
    'Many repositories: --group G (subgroups included) or --project P, optionally --repos REGEX on the repository\n' +
    'path; each repository\'s plan is what `glcr bulk <project> <repo>` previews there. JSON: --dry-run\n' +
    '{"plans":[{"project","repository","delete":[…],"keep_count":N,"reclaimable_bytes"}],"delete_count":N} (code-point\n' +
    'order of project path, then repository path; "reclaimable_bytes" per plan with deletions, null with "size_error"\n' +
    'when the registry cannot be read, absent with --no-size; a plan a repository protection rule forbids you\n' +
    'carries "protected":{"reason","rule","needs"}, keeps every tag and nothing is sent for it); --yes {"results":[{"project","repository","deleted":[…],"failed":[{"tag","error"}]}]}\n' +
    '(re-checked per repository as above; exit 1 if any failed).\n' +
    '--gone-branches: of what the rule deletes, only tags that are the CI_COMMIT_REF_SLUG of the source branch of a\n' +
    'merged or closed merge request that no longer exists as a branch (the others are kept "branch_exists").\n' +
    '--with-signatures: cosign companions sha256-<hex>.sig/.att/.sbom of an image that loses its last tag go too\n' +
    '(reason "signature"); --orphaned-signatures: companions whose image has no tag at all (--delete may be left out).',
  async run(ctx) {
    const dryRun = ctx.flags['dry-run'] === true;
    const yes = ctx.flags.yes === true;
    const server = ctx.flags.server === true;
    if (dryRun && yes) throw new UsageError('give either --dry-run or --yes, not both; nothing was sent');
    if (server && !yes) throw new UsageError('--server schedules a deletion, so it needs --yes (not --dry-run); nothing was sent');
    if (!dryRun && !yes) {
      throw new UsageError(`give --dry-run to preview or --yes to delete (${TAGS_RESTORABLE_ONLY_UNTIL_GC}); nothing was sent`);
    }
    const scope = scopeFromFlags(ctx);
    const conditions = conditionFlags(ctx);
    if (server && hasConditions({ ...conditions, goneBranches: conditions.goneBranches ? new Map() : undefined })) {
      throw new UsageError('--server runs GitLab\'s rule only: --gone-branches and the signature options need tag-by-tag deletion; nothing was sent');
    }
    const rule = ruleFromFlags(ctx);
    const compiled = compileRule(rule);
    if (server && journalFile(ctx) !== undefined) {
      throw new UsageError('--journal cannot record GitLab\'s server-side bulk delete (GitLab picks the tags later); drop --server to delete tag by tag; nothing was sent');
    }
    if (rule.deleteRegex === '' && conditions.orphanedSignatures) {
      compiled.warnings.splice(0, compiled.warnings.length, ...compiled.warnings.filter((w) => !w.startsWith(EMPTY_DELETE_REGEX)));
    }
    if (scope !== undefined) return runScope(ctx, scope, compiled, conditions, dryRun);
    if (server && rule.deleteRegex === '') {
      throw new UsageError('GitLab\'s bulk delete needs a non-empty --delete regex (".*" for every tag); nothing was sent');
    }
    const project = parseProjectRef(ctx.args[0]);

    const api = ctx.api();
    const repo = await resolveRepository(api, project, ctx.args[1], ctx.signal);
    const label = repo.path ?? `repository ${repo.id}`;

    if (server) {
      for (const w of compiled.warnings) ctx.stderr(`glcr: warning: ${w}`);
      await warnServerDifferences(ctx, repo.id, rule);
      try {
        await api.scheduleBulkDelete(project, repo.id, bulkParamsFromRule(rule));
      } catch (e) {
        // Sent once, answer lost (502, reset, timeout): not sent again; GitLab shows no trace to read back.
        if (isUnknownOutcome(e)) {
          return printUnknownOutcome(ctx, { scheduled: null }, e,
            `GitLab's server-side bulk delete for ${shown(label)} may have been scheduled`, `glcr tags ${shown(ctx.args[0])} ${shown(ctx.args[1])} in a while`);
        }
        if (e instanceof GitLabError && e.kind === 'forbidden') {
          throw new GitLabError(e.kind, e.status, `${e.gitlabMessage} (GitLab's server-side bulk delete needs the Maintainer role)`, e.details);
        }
        throw e;
      }
      emit(ctx, { scheduled: true }, () =>
        `Scheduled GitLab's server-side bulk delete for ${label}; GitLab runs it in the background.`);
      return 0;
    }

    const [{ raw, protectedBy }, goneBranches] = await Promise.all([
      previewGuarded(api, project, repo, compiled, { signal: ctx.signal }),
      conditions.goneBranches ? readGoneBranches(api, project, ctx.signal) : Promise.resolve(undefined),
    ]);
    // A repository rule that guards it from you: every tag kept as 'protected', nothing sent (as with --group).
    const preview = guarded(applyConditions(raw, { ...conditions, goneBranches }), protectedBy);
    printPreviewNotes(ctx, preview);
    if (dryRun) {
      await emitPreview(ctx, api, repo, preview, label, protectedBy);
      return 0;
    }

    // Re-read the previewed tags just before deleting: one re-pushed or removed meanwhile is skipped.
    const plan = await recheckPreview(api, project, repo.id, preview, compiled, { signal: ctx.signal });
    const skipped = skippedByRecheck(plan);
    const names = plan.delete;
    const journal = journalFile(ctx);
    if (journal !== undefined && names.length > 0) {
      // The previewed digests (the re-check kept only unchanged tags): no GitLab request is added.
      const digestOf = new Map(preview.tags.map((t) => [t.name, t.digest]));
      await journalGitLabTags(ctx, journal, ctx.args[0], await repositoryLocation(api, repo), names.map((tag) => ({ tag, digest: digestOf.get(tag) ?? null })));
    }
    let report: DeleteReport;
    try {
      report = names.length === 0 ? { deleted: [], failed: [] } : await api.deleteTags(project, repo.id, names, { signal: ctx.signal });
    } catch (e) {
      if (!(e instanceof GitLabError)) throw e;
      // deleteTags catches per-tag errors: an error here means nothing was sent (listing failed or Ctrl-C).
      report = e.kind === 'cancelled'
        ? { deleted: [], failed: [], notAttempted: names }
        : { deleted: [], failed: names.map((tag) => ({ tag, error: e.message })) };
    }
    // Tags the rule selects but protection keeps were never sent: failed with the rule that protects them.
    const refused = refusedTags(preview.decisions, protectedBy, repo.path);
    return printDeleteReport(ctx, [...preview.delete, ...refused.map((f) => f.tag)],
      { ...report, failed: [...report.failed, ...skipped, ...refused] }, label);
  },
};

/** Previewed tags the re-check kept from deletion, as failed entries starting "changed since the preview — not deleted". */
function skippedByRecheck(plan: PlanRecheck): TagFailure[] {
  return [
    ...plan.changed.map((c) => ({ tag: c.name, error: `${CHANGED_SINCE_PREVIEW} (${describeChange(c.change)})` })),
    ...plan.nowKept.map((k) => ({ tag: k.name, error: `${CHANGED_SINCE_PREVIEW} (other tags changed; the rule now keeps it: ${k.reason})` })),
  ];
}

function ruleFromFlags(ctx: CliContext): Rule {
  // The orphaned-signatures preset alone: a delete regex that selects no tag, the companions come on top.
  const deleteRegex = stringFlag(ctx, 'delete') ?? (ctx.flags['orphaned-signatures'] === true ? '' : undefined);
  if (deleteRegex === undefined) throw new UsageError('--delete REGEX is required (".*" selects every tag); nothing was sent');
  const keepN = stringFlag(ctx, 'keep-n');
  const olderThan = stringFlag(ctx, 'older-than');
  return {
    deleteRegex,
    keepRegex: stringFlag(ctx, 'keep') ?? null,
    keepN: keepN === undefined ? null : parseKeepN(keepN),
    olderThan: olderThan ?? null,
  };
}

/** Before a server-side run: say when GitLab's own run may differ from a preview (best effort). */
async function warnServerDifferences(ctx: CliContext, repositoryId: number, rule: Rule): Promise<void> {
  let info;
  try {
    info = await ctx.api().getRepository(repositoryId, { tagsCount: true, size: true });
  } catch (e) {
    if (e instanceof GitLabError && e.kind === 'cancelled') throw e;
    return; // a job token cannot read it; the warnings are advisory
  }
  if (typeof info.tags_count === 'number' && info.tags_count > 1000) {
    ctx.stderr(
      `glcr: warning: this repository has ${info.tags_count} tags; GitLab's server-side run works through 1000 tags ` +
        'at a time, so keep-n applies per 1000 names and the result may differ from glcr bulk --dry-run',
    );
  }
  if (info.size === null) {
    ctx.stderr(
      `glcr: warning: this repository is on a legacy registry: GitLab's server-side run considers at most 200 + ` +
        `${rule.keepN ?? 0} candidates (instance default), sampled at random, so it may delete fewer tags than glcr bulk --dry-run lists`,
    );
  }
}

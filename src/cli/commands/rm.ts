import { GitLabError } from '../../core/errors';
import { readRepositoryTagVerdicts, withoutProtected } from '../../core/protection';
import type { DeleteReport } from '../../core/types';
import { UsageError } from '../../core/errors';
import type { CliContext, Command, CommandOption } from '../command';
import { NO_CACHE_OPTION, NO_SIZE_OPTION, deletionSize, sizeJson, sizeText } from './storage';
import { compareCodePoints, emit, plural, shown, sortBy } from '../output';
import { parseProjectRef, parseTagNames, repositoryLocation, resolveArgs, resolveRepository } from '../resolve';
import { JOURNAL_OPTIONS, journalFile, journalGitLabTags } from '../journal';
import { withSignatureCompanions } from '../../core/rules/conditions';
import { ORPHANED_SIGNATURES_OPTION, WITH_SIGNATURES_OPTION, conditionFlags } from './conditionFlags';
import { OUTCOME_UNKNOWN, YES_OPTION, requireYes } from './shared';

const DRY_RUN_RM_OPTION: CommandOption = { name: 'dry-run', type: 'boolean', description: 'preview: what would be deleted and the space it frees; nothing is deleted' };

/** The error recorded for tags that were never sent because of SIGINT. */
export const NOT_ATTEMPTED = 'not attempted (interrupted)';

export interface RmReport {
  deleted: string[];
  failed: Array<{ tag: string; error: string }>;
}

export const rmCommand: Command = {
  words: ['rm'],
  usage: 'glcr rm <project> <repo> <tag>... [--with-signatures] [--orphaned-signatures] (--yes [--journal FILE [--no-journal]] | --dry-run [--no-size])',
  summary: 'delete exactly the named tags (other tags sharing their digest stay)',
  args: [{ name: 'project' }, { name: 'repo' }, { name: 'tag', variadic: true }],
  options: [YES_OPTION, WITH_SIGNATURES_OPTION, ORPHANED_SIGNATURES_OPTION, ...JOURNAL_OPTIONS, DRY_RUN_RM_OPTION, NO_SIZE_OPTION, NO_CACHE_OPTION],
  details:
    'JSON: {"deleted":[…],"failed":[{"tag","error"}]}; error is "<HTTP status> <GitLab\'s message>".\n' +
    'A tag protected from you is never sent: failed "403 Forbidden - protected by tag rule <pattern> (delete needs\n' +
    '<role>)" or "403 Forbidden - immutable tag (rule <pattern>)". A tag that does not exist is failed "404 Tag Not Found" and no delete is sent for it. When the project or\n' +
    'repository cannot be read, every tag is failed with that error (nothing was sent).\n' +
    `On Ctrl-C no further deletes are sent; tags not sent are failed "${NOT_ATTEMPTED}". A delete whose answer was\n` +
    `lost and could not be checked afterwards is failed with an error starting "${OUTCOME_UNKNOWN}" (the tag may have\n` +
    'been deleted: run glcr tags to see). Exit 1 if any failed.\n' +
    'With --journal FILE each tag\'s manifest is read from the registry and recorded first; glcr restore puts the\n' +
    'tags back until garbage collection runs.\n' +
    '--with-signatures also deletes the cosign companions (sha256-<hex>.sig/.att/.sbom) of an image that loses its\n' +
    'last tag; --orphaned-signatures also those whose image has no tag at all (glcr bulk <project> <repo>\n' +
    '--orphaned-signatures --yes deletes only those).\n' +

    '--dry-run deletes nothing (exit 0): {"delete":[…],"missing":[…],"reclaimable_bytes":N,"shared_bytes":M}, the\n' +
    'bytes garbage collection can remove afterwards (up to: GitLab shares layers across a namespace) and the bytes of\n' +
    'those images that kept tags still use; null (with "size_error") when the registry cannot be read, or with --no-size.',
  async run(ctx) {
    if (ctx.flags['dry-run'] === true) {
      if (ctx.flags.yes === true) throw new UsageError('give either --dry-run or --yes, not both; nothing was sent');
      return dryRun(ctx);
    }
    requireYes(ctx, 'tags');
    const conditions = conditionFlags(ctx);
    let names = parseTagNames(ctx.args.slice(2));
    const api = ctx.api();
    const project = parseProjectRef(ctx.args[0]);

    let report: DeleteReport;
    let label = ctx.args[1];
    let sending = false;
    try {
      const repo = await resolveRepository(api, project, ctx.args[1], ctx.signal);
      label = repo.path ?? `repository ${repo.id}`;
      if (conditions.withSignatures || conditions.orphanedSignatures) {
        // The companions come from the repository's tags as they are now (digests read, nothing deleted yet).
        const tags = await api.listTagDetails(project, repo.id, undefined, { signal: ctx.signal });
        names = withSignatureCompanions(tags, names, conditions).delete;
      }
      if (ctx.signal.aborted) throw new GitLabError('cancelled', undefined, 'interrupted');
      // Tags protected from this caller are never sent: they are failed with the rule that protects them.
      const { send, refused } = withoutProtected(names, await readRepositoryTagVerdicts(api, project, repo.id, { signal: ctx.signal }));
      const journal = journalFile(ctx);
      if (journal !== undefined) await journalGitLabTags(ctx, journal, ctx.args[0], await repositoryLocation(api, repo), send.map((tag) => ({ tag, digest: null })));
      sending = true;
      report = send.length === 0 ? { deleted: [], failed: [] } : await api.deleteTags(project, repo.id, send, { signal: ctx.signal });
      report = { ...report, failed: [...refused, ...report.failed] };
    } catch (e) {
      if (!(e instanceof GitLabError)) throw e;
      // deleteTags catches every per-tag error, so a GitLabError here means no delete was sent: the
      // project/repository/tag listing failed or the run was interrupted first. Nothing was deleted.
      if (e.kind === 'cancelled' || (!sending && ctx.signal.aborted)) {
        report = { deleted: [], failed: [], notAttempted: names };
      } else {
        report = { deleted: [], failed: names.map((tag) => ({ tag, error: e.message })) };
      }
    }

    return printDeleteReport(ctx, names, report, label);
  },
};


async function dryRun(ctx: CliContext): Promise<number> {
  const names = parseTagNames(ctx.args.slice(2));
  const { api, project, repo } = await resolveArgs(ctx);
  const label = repo.path ?? `repository ${repo.id}`;
  const noSize = ctx.flags['no-size'] === true;
  const all = noSize
    ? (await api.listAllTags(project, repo.id, { signal: ctx.signal })).map((t) => ({ name: t.name, digest: null }))
    : (await api.listTagDetails(project, repo.id, undefined, { signal: ctx.signal })).map((t) => ({ name: t.name, digest: t.digest }));
  const existing = new Set(all.map((t) => t.name));
  const unique = [...new Set(names)];
  const del = unique.filter((n) => existing.has(n)).sort(compareCodePoints);
  const missing = unique.filter((n) => !existing.has(n)).sort(compareCodePoints);
  const fig = noSize ? undefined : await deletionSize(ctx, await repositoryLocation(api, repo), all, del);
  emit(ctx, { delete: del, missing, ...sizeJson(fig) }, () => {
    const lines = [`Would delete ${plural(del.length, 'tag')} from ${shown(label)} (dry run: nothing deleted).`];
    for (const t of del) lines.push(`  delete   ${shown(t)}`);
    for (const t of missing) lines.push(`  missing  ${shown(t)}`);
    const size = sizeText(fig);
    if (size) lines.push(size);
    return lines.join('\n');
  });
  return 0;
}

/**
 * Prints a deletion report (`rm`, `bulk --yes`): JSON or text on stdout, one stderr line per failed tag,
 * and the exit code — 1 when any tag was not deleted.
 */
export function printDeleteReport(ctx: CliContext, names: readonly string[], report: DeleteReport, label: string): number {
  const result = toRmReport(names, report);
  const skipped = result.failed.filter((f) => f.error === NOT_ATTEMPTED).length;
  const unknown = result.failed.filter((f) => f.error.startsWith(OUTCOME_UNKNOWN));
  const check = `glcr tags ${shown(ctx.args[0])} ${shown(ctx.args[1])}`;
  if (skipped > 0) ctx.stderr(`glcr: interrupted: ${plural(skipped, 'tag')} not attempted`);
  for (const f of result.failed) {
    if (f.error.startsWith(OUTCOME_UNKNOWN)) {
      ctx.stderr(`glcr: tag "${shown(f.tag)}" may have been deleted (${shown(f.error)}); check with ${check}`);
    } else {
      ctx.stderr(`glcr: tag "${shown(f.tag)}" not deleted: ${shown(f.error)}`);
    }
  }
  emit(ctx, result, () => {
    const lines = [`Deleted ${result.deleted.length} of ${plural(names.length, 'tag')} from ${shown(label)}.`];
    for (const t of result.deleted) lines.push(`  deleted  ${shown(t)}`);
    if (unknown.length > 0) {
      lines.push(`${plural(unknown.length, 'tag')} may have been deleted: GitLab's answer was lost; check with ${check}.`);
      for (const f of unknown) lines.push(`  may have been deleted  ${shown(f.tag)}`);
    }
    return lines.join('\n');
  });
  return result.failed.length > 0 ? 1 : 0;
}

/**
 * The printed report: every requested name appears once, in `deleted` (GitLab confirmed it) or in
 * `failed` (GitLab's error, not attempted, or "outcome unknown: …" when a delete was sent and neither
 * result could be confirmed). Both lists sorted by name in code-point order.
 */
export function toRmReport(requested: readonly string[], report: DeleteReport): RmReport {
  const deleted = new Set(report.deleted);
  const failed = new Map<string, string>();
  for (const f of report.failed) {
    if (deleted.has(f.tag)) continue;
    failed.set(f.tag, f.outcome === 'unknown' ? `${OUTCOME_UNKNOWN}${f.error}` : explainFailure(f.error));
  }
  for (const t of report.notAttempted ?? []) if (!deleted.has(t) && !failed.has(t)) failed.set(t, NOT_ATTEMPTED);
  // A name the core did not report on (should not happen): its outcome is unknown, so it is not "deleted".
  for (const t of requested) if (!deleted.has(t) && !failed.has(t)) failed.set(t, 'no result: the outcome is unknown');
  return {
    deleted: [...deleted].sort(compareCodePoints),
    failed: sortBy([...failed].map(([tag, error]) => ({ tag, error })), (f) => f.tag),
  };
}

/**
 * GitLab's insufficient_scope text ("The request requires higher privileges than provided by the access
 * token.") does not say which scope is missing; its body's `scope` field does, and deleting always needs
 * `api`, so the report names it.
 */
export function explainFailure(error: string): string {
  if (/requires higher privileges than provided by the access token/i.test(error) && !/\bapi\b/.test(error)) {
    return `${error} (insufficient_scope: the token needs the "api" scope)`;
  }
  return error;
}

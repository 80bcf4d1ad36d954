// glcr policy / policy set / policy preview: the project's cleanup policy (docs/gitlab-api.md, "Cleanup policy and protection rules"). Reading is
// GET /projects/:id; a change is one PUT with only the attributes given; the preview runs the saved
// policy's rule through the same engine as `glcr bulk --dry-run`.
import { GitLabError, UsageError } from '../../core/errors';
import { compileRule, ruleFromPolicy, validatePolicyPatch, type PolicyPatch } from '../../core/rules';
import { previewRule } from '../../core/rules/preview';
import type { CleanupPolicy, ProjectRef } from '../../core/types';
import { printable } from '../args';
import type { CliContext, Command, CommandOption } from '../command';
import { emit } from '../output';
import { parseProjectRef, resolveRepository } from '../resolve';
import { DELETE_OPTION, KEEP_N_OPTION, KEEP_OPTION, OLDER_THAN_OPTION, emitPreview, parseKeepN, previewJson, previewText, printPreviewNotes } from './bulk';
import { SCOPE_GROUP_OPTION } from './bulkScope';
import { setGroupPolicy, type ProjectPolicyChange } from '../../core/policyScope';
import { YES_OPTION, stringFlag } from './shared';
import { NO_CACHE_OPTION, NO_SIZE_OPTION } from './storage';

const GROUP_DRY_RUN_OPTION: CommandOption = { name: 'dry-run', type: 'boolean', description: 'with --group: show each project\'s change; nothing is sent' };

const ENABLED_OPTION: CommandOption = { name: 'enabled', type: 'string', value: 'true|false', description: 'turn the cleanup policy on or off' };
const CADENCE_OPTION: CommandOption = { name: 'cadence', type: 'string', value: 'C', description: 'how often it runs: 1d, 7d, 14d, 1month, 3month' };
const CLEAR_OPTION: CommandOption = {
  name: 'clear', type: 'multi', value: 'keep-n|older-than|keep', description: 'set that attribute to null (repeatable)',
};

/** GitLab's fields of container_expiration_policy, in its order. */
function policyObject(p: CleanupPolicy): CleanupPolicy {
  return {
    cadence: p.cadence,
    enabled: p.enabled,
    keep_n: p.keep_n,
    older_than: p.older_than,
    name_regex: p.name_regex,
    name_regex_keep: p.name_regex_keep,
    next_run_at: p.next_run_at,
  };
}

function policyText(p: CleanupPolicy | null): string {
  if (p === null) return 'No cleanup policy.';
  const rows: Array<[string, unknown]> = Object.entries(policyObject(p));
  const width = rows.reduce((w, [k]) => Math.max(w, k.length), 0);
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v === null ? '-' : String(v)}`).join('\n');
}

/** A 403 on the policy gets the role it needs appended (GitLab's text is only "403 Forbidden"). */
function withRoleHint(e: unknown, what: string): unknown {
  if (e instanceof GitLabError && e.kind === 'forbidden') {
    return new GitLabError(e.kind, e.status, `${e.gitlabMessage} (${what} needs the Maintainer role)`, e.details);
  }
  return e;
}

async function readPolicy(ctx: CliContext, project: ProjectRef): Promise<CleanupPolicy | null> {
  return ctx.api().getCleanupPolicy(project);
}

export const policyCommand: Command = {
  words: ['policy'],
  usage: 'glcr policy <project>',
  summary: 'show the project\'s cleanup policy (container_expiration_policy)',
  args: [{ name: 'project' }],
  options: [],
  details:
    'JSON: {"cadence","enabled","keep_n","older_than","name_regex","name_regex_keep","next_run_at"} as GitLab\n' +
    'reports it (null when the project has none). See also glcr policy set and glcr policy preview.',
  async run(ctx) {
    const project = parseProjectRef(ctx.args[0]);
    const policy = await readPolicy(ctx, project);
    emit(ctx, policy === null ? null : policyObject(policy), () => policyText(policy));
    return 0;
  },
};

const CLEARABLE: Record<string, keyof PolicyPatch> = { 'keep-n': 'keep_n', 'older-than': 'older_than', keep: 'name_regex_keep' };

/** The PUT body from the options; UsageError for anything GitLab would reject (nothing sent). */
export function policyPatchFromFlags(ctx: CliContext): { patch: PolicyPatch; warnings: string[] } {
  const patch: PolicyPatch = {};
  const enabled = stringFlag(ctx, 'enabled');
  if (enabled !== undefined) {
    const v = enabled.trim().toLowerCase();
    if (v !== 'true' && v !== 'false') throw new UsageError(`--enabled takes true or false, not "${printable(enabled)}"; nothing was sent`);
    patch.enabled = v === 'true';
  }
  const cadence = stringFlag(ctx, 'cadence');
  if (cadence !== undefined) patch.cadence = cadence.trim();
  const keepN = stringFlag(ctx, 'keep-n');
  if (keepN !== undefined) patch.keep_n = parseKeepN(keepN);
  const olderThan = stringFlag(ctx, 'older-than');
  if (olderThan !== undefined) patch.older_than = olderThan.trim();
  const del = stringFlag(ctx, 'delete');
  if (del !== undefined) patch.name_regex = del;
  const keep = stringFlag(ctx, 'keep');
  if (keep !== undefined) patch.name_regex_keep = keep;

  const clear = ctx.flags.clear;
  for (const name of Array.isArray(clear) ? clear : []) {
    const key = CLEARABLE[name.trim()];
    if (!key) throw new UsageError(`--clear takes keep-n, older-than or keep, not "${printable(name)}"; nothing was sent`);
    if (patch[key] !== undefined) {
      throw new UsageError(`--clear ${name.trim()} and --${name.trim()} contradict each other; nothing was sent`);
    }
    (patch as Record<string, unknown>)[key] = null;
  }
  if (Object.keys(patch).length === 0) {
    throw new UsageError('nothing to change: give --enabled, --cadence, --keep-n, --older-than, --delete, --keep or --clear');
  }
  try {
    return { patch, warnings: validatePolicyPatch(patch) };
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${e.message.replace(/\.$/, '')}; nothing was sent`);
    throw e;
  }
}

export const policySetCommand: Command = {
  words: ['policy', 'set'],
  usage:
    'glcr policy set (<project> | --group G (--dry-run | --yes)) [--enabled true|false] [--cadence C] [--keep-n N] ' +
    '[--older-than D] [--delete REGEX] [--keep REGEX] [--clear keep-n|older-than|keep]...',
  summary: 'change the cleanup policy (one request; attributes not given stay as they are)',
  args: [{ name: 'project', optional: true }],
  options: [
    ENABLED_OPTION, CADENCE_OPTION, KEEP_N_OPTION, OLDER_THAN_OPTION, DELETE_OPTION, KEEP_OPTION, CLEAR_OPTION,
    SCOPE_GROUP_OPTION, GROUP_DRY_RUN_OPTION, YES_OPTION,
  ],
  details:
    'Values GitLab accepts: cadence 1d 7d 14d 1month 3month; keep-n 1 5 10 25 50 100; older-than 7d 14d 30d 60d 90d;\n' +
    '--delete (name_regex) and --keep (name_regex_keep) RE2. Anything else is refused before sending (exit 2).\n' +
    'Needs the Maintainer role. JSON: the updated policy, as glcr policy prints it.\n' +
    'With --group G: every project of G and its subgroups, code-point order of path; --dry-run shows, --yes applies.\n' +
    'JSON {"projects":[{"project","before":{…},"after":{…},"status":"changed|unchanged|skipped|failed","error"?}]};\n' +
    'projects where you are not Maintainer are "skipped" (not failed); exit 1 if any failed.',
  async run(ctx) {
    const { patch, warnings } = policyPatchFromFlags(ctx);
    const groupText = stringFlag(ctx, 'group');
    if (groupText !== undefined) return runGroupPolicy(ctx, parseProjectRef(groupText, 'group'), patch, warnings);
    if (ctx.flags['dry-run'] === true || ctx.flags.yes === true) {
      throw new UsageError('--dry-run and --yes go with --group (a single project\'s policy is changed at once); nothing was sent');
    }
    if (ctx.args.length === 0) throw new UsageError(`missing argument <project> — usage: ${policySetCommand.usage}`);
    const project = parseProjectRef(ctx.args[0]);
    for (const w of warnings) ctx.stderr(`glcr: warning: ${w}`);
    let policy: CleanupPolicy;
    try {
      policy = await ctx.api().updateCleanupPolicy(project, patch);
    } catch (e) {
      throw withRoleHint(e, 'changing the cleanup policy');
    }
    emit(ctx, policyObject(policy), () => policyText(policy));
    return 0;
  },
};

export const policyPreviewCommand: Command = {
  words: ['policy', 'preview'],
  usage: 'glcr policy preview <project> <repo>',
  summary: 'what the saved cleanup policy would delete in one repository now (nothing is deleted)',
  args: [{ name: 'project' }, { name: 'repo' }],
  options: [NO_SIZE_OPTION, NO_CACHE_OPTION],
  details:
    'JSON as glcr bulk --dry-run: {"delete":[…],"keep":[…],"reasons":{tag:reason},"warnings":[…],"reclaimable_bytes","shared_bytes"}.\n' +
    'A disabled policy is still previewed (stderr says it is disabled).',
  async run(ctx) {
    const project = parseProjectRef(ctx.args[0]);
    const api = ctx.api();
    const [policy, repo] = await Promise.all([
      readPolicy(ctx, project),
      resolveRepository(api, project, ctx.args[1], ctx.signal),
    ]);
    if (policy === null) throw new GitLabError('not_found', undefined, `project ${printable(String(project))} has no cleanup policy`);
    let compiled;
    try {
      compiled = compileRule(ruleFromPolicy(policy));
    } catch (e) {
      if (e instanceof UsageError) throw new GitLabError('bad_response', undefined, `the saved cleanup policy cannot be previewed: ${e.message}`);
      throw e;
    }
    if (!policy.enabled) ctx.stderr('glcr: note: the cleanup policy is disabled; this is what it would delete if it were enabled');
    const label = repo.path ?? `repository ${repo.id}`;
    const preview = await previewRule(api, project, repo.id, compiled, { signal: ctx.signal });
    printPreviewNotes(ctx, preview);
    await emitPreview(ctx, api, repo, preview, label);
    return 0;
  },
};

async function runGroupPolicy(ctx: CliContext, group: string | number, patch: PolicyPatch, warnings: string[]): Promise<number> {
  const dryRun = ctx.flags['dry-run'] === true;
  if (ctx.args.length > 0) throw new UsageError('with --group give no <project>; nothing was sent');
  if (dryRun === (ctx.flags.yes === true)) {
    throw new UsageError('with --group give --dry-run to see each project\'s change or --yes to apply it; nothing was sent');
  }
  for (const w of warnings) ctx.stderr(`glcr: warning: ${w}`);
  const rows = await setGroupPolicy(ctx.api(), group, patch, { apply: !dryRun, signal: ctx.signal, concurrency: ctx.concurrency });
  for (const r of rows) if (r.status === 'failed') ctx.stderr(`glcr: ${r.project}: ${r.error ?? 'failed'}`);
  const projects = rows.map((r) => ({
    project: r.project, before: r.before, after: r.after, status: r.status, ...(r.error !== undefined ? { error: r.error } : {}),
  }));
  emit(ctx, { projects }, () => groupPolicyText(rows, dryRun));
  return rows.some((r) => r.status === 'failed') ? 1 : 0;
}

function groupPolicyText(rows: ProjectPolicyChange[], dryRun: boolean): string {
  if (rows.length === 0) return 'No projects in the group.';
  const lines: string[] = [];
  for (const r of rows) {
    const diff = r.before && r.after
      ? (Object.keys(r.after) as Array<keyof typeof r.after>).filter((k) => r.before![k] !== r.after![k])
        .map((k) => `${k} ${String(r.before![k])} → ${String(r.after![k])}`).join(', ')
      : '';
    const status = dryRun && r.status === 'changed' ? 'would change' : r.status;
    lines.push(`${r.project}: ${status}${diff ? ` (${diff})` : ''}${r.error ? ` — ${r.error}` : ''}`);
  }
  return lines.join('\n');
}

// A deletion rule previewed against a live repository: fetches what the engine needs (tag details for the
// timestamps, the tag protection rules and the caller's role, whether the registry is legacy) and runs
// evaluateRule. Shared by `glcr bulk`, `glcr policy preview` and the extension. Not pure (it reads GitLab);
// the engine it calls is.
import { GitLabError } from '../errors';
import type { RegistryApi, TagProtectionAccess } from '../registryApi';
import type { OperationOptions, ProjectRef, TagDetails } from '../types';
import { ACCESS_LEVELS, compileRule, evaluateRule, type CompiledRule, type Evaluation, type Rule } from './engine';

export interface PreviewOptions extends OperationOptions {
  /** Epoch ms for older_than and for tags without a timestamp; default Date.now(). */
  now?: number;
  /**
   * The project's tag protection and the caller's level, already read (a rule over many repositories reads
   * it once per project); absent = read here.
   */
  access?: Promise<TagProtectionAccess>;
}

export interface RulePreview extends Evaluation {
  /** The tags evaluated (details, code-point order). */
  tags: TagDetails[];
  /** 'checked': the rules were read and applied. 'unknown': they could not be read; see protectionNote. */
  protection: 'checked' | 'unknown';
  /** Why protection is unknown ("403 Forbidden", "404 Not Found", "a CI job token cannot …"). */
  protectionNote?: string;
  /** The access level protection was judged with (null when protection is unknown). */
  accessLevel: number | null;
  /** True/false when GitLab said (repository `size` null = no metadata database); null when unknown. */
  legacyRegistry: boolean | null;
  now: number;
}

/**
 * What deleting with `rule` would do in one repository. The rule is validated first: a bad regex,
 * duration or keep_n throws UsageError before any request.
 *
 * Protection: the project's tag protection rules are read together with the caller's access level
 * (GET /projects/:id `permissions`, the higher of project and group access). Reading the rules needs
 * Maintainer, so when they are readable the level is at least Maintainer even if `permissions` is silent
 * (group share, administrator). When they cannot be read (404 on GitLab before 18.7 or without the
 * metadata database, 403 below Maintainer, job tokens) protection is 'unknown': no tag is marked
 * protected and GitLab's own check (403 on a tag delete; skipped by a server-side run) decides.
 */
export async function previewRule(
  api: RegistryApi,
  project: ProjectRef,
  repositoryId: number,
  rule: Rule | CompiledRule,
  opts: PreviewOptions = {},
): Promise<RulePreview> {
  const compiled = 'deleteRe' in rule ? rule : compileRule(rule);
  const [tags, access, legacy] = await Promise.all([
    api.listTagDetails(project, repositoryId, undefined, { signal: opts.signal, onProgress: opts.onProgress }),
    opts.access ?? readProtection(api, project),
    isLegacyRegistry(api, repositoryId),
  ]);
  const now = opts.now ?? Date.now();
  // Rules not readable (below Maintainer): each tag's GraphQL levels still decide, when every tag has them
  // and the caller's role is known.
  const perTag = access.rules === null && access.accessLevel != null && tags.length > 0 && tags.every((t) => t.protection !== undefined);
  const known = access.rules !== null || perTag;
  const accessLevel = access.rules !== null ? Math.max(access.accessLevel ?? 0, ACCESS_LEVELS.maintainer) : perTag ? access.accessLevel : null;
  const evaluation = evaluateRule(tags, compiled, {
    now,
    protectionRules: access.rules,
    callerAccessLevel: accessLevel ?? undefined,
    legacyRegistry: legacy === true,
  });
  const warnings = [...evaluation.warnings];
  const tie = keepNTieWarning(evaluation, compiled.keepN, now);
  if (tie) warnings.push(tie);
  return {
    ...evaluation,
    warnings,
    tags,
    protection: known ? 'checked' : 'unknown',
    ...(known ? {} : { protectionNote: access.rulesError ?? 'the rules could not be read' }),
    accessLevel,
    legacyRegistry: legacy,
    now,
  };
}

async function readProtection(api: RegistryApi, project: ProjectRef): Promise<TagProtectionAccess> {
  if (typeof (api as Partial<RegistryApi>).getTagProtectionAccess === 'function') return api.getTagProtectionAccess(project);
  // A RegistryApi without the method: listTagProtectionRules answers [] for a missing route, so only
  // 403 can be told apart; the caller's level is unknown (the Maintainer floor applies).
  try {
    return { rules: await api.listTagProtectionRules(project), accessLevel: null };
  } catch (e) {
    if (e instanceof GitLabError && (e.kind === 'forbidden' || e.kind === 'unauthorized')) {
      return { rules: null, rulesError: e.message, accessLevel: null };
    }
    throw e;
  }
}

/** GET /registry/repositories/:id?size=true: `size` is null without the metadata database. Unknown on error. */
async function isLegacyRegistry(api: RegistryApi, repositoryId: number): Promise<boolean | null> {
  try {
    const repo = await api.getRepository(repositoryId, { size: true });
    return repo.size === undefined ? null : repo.size === null;
  } catch (e) {
    if (e instanceof GitLabError && e.kind === 'cancelled') throw e;
    return null; // job tokens cannot read it; the preview itself does not depend on it
  }
}

/**
 * GitLab sorts candidates by timestamp only (Ruby sort_by, not stable): when tags with the same timestamp
 * straddle the keep_n boundary, which of them it keeps is not defined. The engine breaks ties by name.
 */
function keepNTieWarning(evaluation: Evaluation, keepN: number | null, now: number): string | undefined {
  if (keepN === null || keepN === 0) return undefined;
  const stamp = (d: { created_at: string | null }): number => {
    const t = d.created_at === null ? NaN : Date.parse(d.created_at);
    return Number.isNaN(t) ? now : t;
  };
  const CANDIDATE = new Set(['keep_n', 'too_new', 'no_timestamp', 'protected', 'immutable', 'matched']);
  const candidates = evaluation.decisions.filter((d) => CANDIDATE.has(d.reason));
  if (candidates.length <= keepN) return undefined;
  const kept = candidates.filter((d) => d.reason === 'keep_n');
  const rest = candidates.filter((d) => d.reason !== 'keep_n');
  // A loop, not Math.min(...list): keep_n may keep more tags than a call can take as arguments.
  const boundary = kept.reduce((min, d) => Math.min(min, stamp(d)), Infinity);
  const tied = rest.filter((d) => stamp(d) === boundary);
  if (tied.length === 0) return undefined;
  const keptTied = kept.filter((d) => stamp(d) === boundary).length;
  return (
    `${keptTied + tied.length} candidate tags share the timestamp at the keep_n boundary; GitLab does not define ` +
    `their order, so its run may keep different ones of them (this preview keeps the first by name).`
  );
}

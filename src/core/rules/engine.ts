// The deletion-rule engine: decides, tag by tag, what GitLab's bulk delete / cleanup policy would do
// with a rule (docs/gitlab-api.md, "The bulk-delete and cleanup algorithm"). Pure: no I/O, no clock (the caller passes `now`).
//
// Step order, as GitLab's CleanupTagsService runs it:
//   0. validate the rule (regexes compile as RE2, older_than parses, keep_n is a whole number ≥ 0)
//   1. the tag named exactly `latest` is never deleted                           → keep 'latest'
//   2. candidates = names matching \A<delete>\z and not matching \A<keep>\z    → keep 'no_match' / 'keep_regex'
//   3. candidates sorted newest first (timestamp, or `now` when there is none, as GitLab's
//      `created_at || now`; ties by name in code-point order)
//   4. the first keep_n candidates are kept                                       → keep 'keep_n'
//   5. with older_than, only candidates strictly older than now - older_than go on
//                                                      → keep 'no_timestamp' / 'too_new'
//   6. tag protection rules the caller cannot override remove what is left       → keep 'protected'
//   7. everything remaining is deleted                                            → delete 'matched'
// Protection is applied last, after keep_n, as in GitLab (`filter_out_protected!` runs on the final
// list): a protected tag still occupies one of the keep_n "newest" slots if it is among the newest, and
// it does NOT free a slot for an older unprotected tag when it falls outside keep_n.
import type { AccessLevelName, BulkDeleteParams, TagDetails, TagProtectionRule } from '../types';
import { UsageError } from '../errors';
import { compareCodePoints } from '../text';
import { alternationWarning, compileRe2, hasTopLevelAlternation, type Re2Pattern } from './regex';
import { parseDuration } from './duration';
import { ACCESS_LEVELS, tagProtection, type Verdict } from '../protection';

export type Reason =
  | 'latest'        // the tag named `latest`: GitLab never deletes it
  | 'no_match'      // does not match the (anchored) delete regex
  | 'keep_regex'    // matches the (anchored) keep regex
  | 'keep_n'        // among the keep_n newest candidates
  | 'too_new'       // not strictly older than now - older_than
  | 'no_timestamp'  // older_than given and the tag has no timestamp
  | 'protected'     // a tag protection rule forbids the caller (below its role) to delete it
  | 'immutable'     // an immutable tag rule: nobody may delete it
  | 'matched'       // deleted
  // Conditions added after the rule (core/rules/conditions.ts):
  | 'branch_exists' // the rule deletes it, but it is not positively an image of a gone branch → kept
  | 'gone_branch'   // deleted: the slug of a merged/closed merge request's branch that no longer exists
  | 'signature'     // deleted: cosign companion of an image that loses its last tag here
  | 'orphaned_signature'; // deleted: cosign companion whose image has no tag left

export type Action = 'delete' | 'keep';

export interface Rule {
  /** RE2, anchored by GitLab as \A…\z. `.*` = every tag. An empty string matches no (non-empty) name. */
  deleteRegex: string;
  /** RE2, anchored; matches are kept. Null/undefined/"" = none. */
  keepRegex?: string | null;
  /** Keep the N newest candidates. Null/undefined = no keep_n. */
  keepN?: number | null;
  /** ChronicDuration text ("7d", "1month"); only strictly older tags are deleted. Null/undefined = no age filter. */
  olderThan?: string | null;
}

export interface EvaluationContext {
  /** Epoch milliseconds used for `older_than` and for tags without a timestamp. */
  now: number;
  /**
   * The project's tag protection rules (GitLab 17.9+); absent = none; null = not readable, so each tag's
   * GraphQL `protection` levels decide where it has them (with `callerAccessLevel`), else GitLab decides.
   */
  protectionRules?: TagProtectionRule[] | null;
  /**
   * The caller's numeric access level (developer 30, maintainer 40, owner 50, admin 60). When protection
   * rules are given but the level is unknown, 0 is assumed: every rule with a delete level protects.
   */
  callerAccessLevel?: number;
  /** The repository is on a legacy (non-metadata-database) registry: GitLab samples candidates at random. */
  legacyRegistry?: boolean;
}

/** The fields of a tag the engine reads; TagDetails satisfies it. */
export type EvaluableTag = Pick<TagDetails, 'name' | 'created_at'> &
  Partial<Pick<TagDetails, 'total_size' | 'digest' | 'protection'>>;

export interface Decision {
  name: string;
  action: Action;
  reason: Reason;
  created_at: string | null;
  total_size: number | null;
  digest: string | null;
  /** For 'protected' / 'immutable': the rule's pattern and the role it needs (null: immutable). */
  protection?: { rule: string; needs: AccessLevelName | null };
}

export interface Evaluation {
  /** One decision per input tag, in code-point order of name. */
  decisions: Decision[];
  /** Names to delete, code-point order. */
  delete: string[];
  /** Names kept, code-point order. */
  keep: string[];
  warnings: string[];
}

/** A validated, compiled rule: compile once, evaluate many times. */
export interface CompiledRule {
  rule: Rule;
  deleteRe: Re2Pattern;
  keepRe: Re2Pattern | null;
  keepN: number | null;
  /** Parsed older_than in ms, or null. */
  olderThanMs: number | null;
  warnings: string[];
}

export { ACCESS_LEVELS };

/** Tags per page of GitLab's server-side (metadata database) cleanup; keep_n applies per page. */
export const SERVER_PAGE_SIZE = 1000;
/** Default `container_registry_cleanup_tags_service_max_list_size` (legacy registries). */
export const LEGACY_MAX_LIST_SIZE = 200;

/**
 * Validate and compile a rule. Throws UsageError (nothing else done) for a bad regex, duration or keep_n.
 */
export function compileRule(rule: Rule): CompiledRule {
  if (rule === null || typeof rule !== 'object') throw new UsageError('A deletion rule is required.');
  const warnings: string[] = [];
  if (typeof rule.deleteRegex !== 'string') {
    throw new UsageError('A delete regex is required (use ".*" to select every tag).');
  }
  const deleteRe = compileRe2(rule.deleteRegex, { anchored: true, label: 'delete regex' });
  if (rule.deleteRegex === '') warnings.push('The delete regex is empty: it matches no tag, so nothing is deleted.');
  if (hasTopLevelAlternation(rule.deleteRegex)) warnings.push(alternationWarning('delete regex', rule.deleteRegex));

  let keepRe: Re2Pattern | null = null;
  if (rule.keepRegex !== undefined && rule.keepRegex !== null) {
    if (typeof rule.keepRegex !== 'string') throw new UsageError('The keep regex must be a string.');
    if (rule.keepRegex !== '') {
      keepRe = compileRe2(rule.keepRegex, { anchored: true, label: 'keep regex' });
      if (hasTopLevelAlternation(rule.keepRegex)) warnings.push(alternationWarning('keep regex', rule.keepRegex));
    }
  }

  let keepN: number | null = null;
  if (rule.keepN !== undefined && rule.keepN !== null) {
    if (typeof rule.keepN !== 'number' || !Number.isSafeInteger(rule.keepN) || rule.keepN < 0) {
      throw new UsageError(`keep_n must be a whole number of 0 or more, not ${JSON.stringify(rule.keepN)}.`);
    }
    keepN = rule.keepN;
  }

  let olderThanMs: number | null = null;
  if (rule.olderThan !== undefined && rule.olderThan !== null) {
    olderThanMs = parseDuration(rule.olderThan);
  }

  return { rule, deleteRe, keepRe, keepN, olderThanMs, warnings };
}

/** Validate a rule without evaluating it; returns its warnings. @throws UsageError */
export function validateRule(rule: Rule): string[] {
  return compileRule(rule).warnings.slice();
}

export { compareCodePoints };

const SURROGATE = /[\uD800-\uDFFF]/;


function timestampOf(createdAt: string | null | undefined): number | null {
  if (createdAt === null || createdAt === undefined || createdAt === '') return null;
  const t = Date.parse(createdAt);
  return Number.isNaN(t) ? null : t;
}

/**
 * Decide, for every tag, what GitLab would do with `rule` (see the step list at the top of this file).
 * The rule is validated before anything else: a bad regex, duration or keep_n throws UsageError.
 * Runs in O(n log n) with each regex compiled once.
 */
export function evaluateRule(tags: readonly EvaluableTag[], rule: Rule | CompiledRule, ctx: EvaluationContext): Evaluation {
  const compiled = isCompiled(rule) ? rule : compileRule(rule);
  if (!ctx || typeof ctx.now !== 'number' || !Number.isFinite(ctx.now)) {
    throw new UsageError('The evaluation time (now) must be a finite number of milliseconds.');
  }
  if (!Array.isArray(tags)) throw new UsageError('Tags must be an array.');
  const now = ctx.now;
  const callerLevel =
    typeof ctx.callerAccessLevel === 'number' && Number.isFinite(ctx.callerAccessLevel) ? ctx.callerAccessLevel : 0;
  const protection = ctx.protectionRules === null
    ? tagProtection(null, typeof ctx.callerAccessLevel === 'number' ? callerLevel : null)
    : tagProtection(ctx.protectionRules ?? [], callerLevel);
  const warnings = [...compiled.warnings, ...protection.warnings];

  const count = tags.length;
  const reasons: Array<Reason | undefined> = new Array(count);
  const stamps: Array<number | null> = new Array(count);
  const candidates: number[] = [];
  const protectedBy = new Map<string, Verdict>();

  for (let i = 0; i < count; i++) {
    const tag = tags[i];
    const name = tag.name;
    stamps[i] = timestampOf(tag.created_at);
    if (name === 'latest') reasons[i] = 'latest';
    else if (!compiled.deleteRe.test(name)) reasons[i] = 'no_match';
    else if (compiled.keepRe !== null && compiled.keepRe.test(name)) reasons[i] = 'keep_regex';
    else candidates.push(i);
  }

  candidates.sort((a, b) => {
    const ta = stamps[a] ?? now;
    const tb = stamps[b] ?? now;
    if (ta !== tb) return tb - ta;
    return compareCodePoints(tags[a].name, tags[b].name);
  });

  const keepN = compiled.keepN;
  const cutoff = compiled.olderThanMs === null ? null : now - compiled.olderThanMs;
  for (let k = 0; k < candidates.length; k++) {
    const i = candidates[k];
    if (keepN !== null && k < keepN) {
      reasons[i] = 'keep_n';
      continue;
    }
    if (cutoff !== null) {
      const t = stamps[i];
      if (t === null) {
        reasons[i] = 'no_timestamp';
        continue;
      }
      if (!(t < cutoff)) {
        reasons[i] = 'too_new';
        continue;
      }
    }
    const verdict = protection.decide(tags[i].name, tags[i].protection);
    reasons[i] = verdict.deletable === false ? verdict.reason : 'matched';
    if (verdict.deletable === false) protectedBy.set(tags[i].name, verdict);
  }

  if (count > SERVER_PAGE_SIZE) {
    warnings.push(
      `This repository has ${count} tags. GitLab's server-side run works through ${SERVER_PAGE_SIZE} tags at a time, ` +
        `so keep_n may apply per ${SERVER_PAGE_SIZE} names; this preview applies it to all tags at once.`,
    );
  }
  if (ctx.legacyRegistry) {
    const limit = LEGACY_MAX_LIST_SIZE + (keepN ?? 0);
    warnings.push(
      `This repository is on a legacy registry: GitLab's server-side run samples at most ${LEGACY_MAX_LIST_SIZE} + keep_n ` +
        `candidates at random (instance setting, default ${LEGACY_MAX_LIST_SIZE})` +
        (candidates.length > limit
          ? `; there are ${candidates.length} candidates, so a server-side run would consider a random ${limit} of them.`
          : '.'),
    );
  }

  // One sort by name (code-point order); plain string comparison when no name has a surrogate pair,
  // where UTF-16 order and code-point order agree.
  const order = new Array<number>(count);
  let surrogates = false;
  for (let i = 0; i < count; i++) {
    order[i] = i;
    if (!surrogates && SURROGATE.test(tags[i].name)) surrogates = true;
  }
  order.sort(
    surrogates
      ? (a, b) => compareCodePoints(tags[a].name, tags[b].name)
      : (a, b) => {
          const x = tags[a].name;
          const y = tags[b].name;
          return x < y ? -1 : x > y ? 1 : 0;
        },
  );
  const decisions: Decision[] = new Array(count);
  const del: string[] = [];
  const keep: string[] = [];
  for (let k = 0; k < count; k++) {
    const i = order[k];
    const tag = tags[i];
    const reason = reasons[i] as Reason;
    const action: Action = reason === 'matched' ? 'delete' : 'keep';
    decisions[k] = {
      name: tag.name,
      action,
      reason,
      created_at: tag.created_at ?? null,
      total_size: tag.total_size ?? null,
      digest: tag.digest ?? null,
    };
    const verdict = protectedBy.get(tag.name);
    if (verdict?.deletable === false) decisions[k].protection = { rule: verdict.rule, needs: verdict.needs };
    (action === 'delete' ? del : keep).push(tag.name);
  }
  return { decisions, delete: del, keep, warnings };
}

function isCompiled(rule: Rule | CompiledRule): rule is CompiledRule {
  return typeof rule === 'object' && rule !== null && 'deleteRe' in rule && 'rule' in rule;
}

/** The parameters of GitLab's server-side bulk delete (DELETE …/tags) equivalent to `rule`. */
export function bulkParamsFromRule(rule: Rule): BulkDeleteParams {
  compileRule(rule);
  const params: BulkDeleteParams = { name_regex_delete: rule.deleteRegex };
  if (rule.keepRegex) params.name_regex_keep = rule.keepRegex;
  if (rule.keepN !== undefined && rule.keepN !== null) params.keep_n = rule.keepN;
  if (rule.olderThan !== undefined && rule.olderThan !== null) params.older_than = rule.olderThan;
  return params;
}

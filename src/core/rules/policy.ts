// Cleanup policy values GitLab accepts (docs/gitlab-api.md, "The bulk-delete and cleanup algorithm") and the rule a policy applies.
import type { CleanupPolicy } from '../types';
import { UsageError } from '../errors';
import { alternationWarning, compileRe2, hasTopLevelAlternation } from './regex';
import type { Rule } from './engine';

export const CADENCE_VALUES = ['1d', '7d', '14d', '1month', '3month'] as const;
export const KEEP_N_VALUES = [1, 5, 10, 25, 50, 100] as const;
export const OLDER_THAN_VALUES = ['7d', '14d', '30d', '60d', '90d'] as const;

export type Cadence = (typeof CADENCE_VALUES)[number];
export type PolicyKeepN = (typeof KEEP_N_VALUES)[number];
export type PolicyOlderThan = (typeof OLDER_THAN_VALUES)[number];

/** The writable attributes of `container_expiration_policy_attributes` (PUT /projects/:id). */
export type PolicyPatch = Partial<
  Pick<CleanupPolicy, 'cadence' | 'enabled' | 'keep_n' | 'older_than' | 'name_regex' | 'name_regex_keep'>
>;

const WRITABLE = new Set(['cadence', 'enabled', 'keep_n', 'older_than', 'name_regex', 'name_regex_keep']);

/**
 * Check a policy update before it is sent. Throws UsageError for any value GitLab would reject
 * (cadence, keep_n, older_than outside their sets; a regex RE2 rejects) and for keys GitLab would
 * silently drop (name_regex_delete, next_run_at, typos), so nothing is sent that would not take effect.
 * Returns warnings (top-level `|` in a regex). `undefined` values mean "unchanged".
 */
export function validatePolicyPatch(patch: PolicyPatch): string[] {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw new UsageError('A cleanup policy update must be an object.');
  }
  const warnings: string[] = [];
  for (const key of Object.keys(patch)) {
    if (WRITABLE.has(key)) continue;
    if (key === 'name_regex_delete') {
      throw new UsageError('GitLab ignores name_regex_delete in a cleanup policy update: use name_regex for the delete regex.');
    }
    if (key === 'next_run_at') {
      throw new UsageError('next_run_at cannot be set: GitLab recomputes it as now + cadence when the policy is saved.');
    }
    throw new UsageError(
      `Unknown cleanup policy setting "${key}" (settable: ${[...WRITABLE].join(', ')}).`,
    );
  }
  const p = patch as Record<string, unknown>;

  if (p.cadence !== undefined) {
    if (!(CADENCE_VALUES as readonly unknown[]).includes(p.cadence)) {
      throw new UsageError(`Invalid cadence ${JSON.stringify(p.cadence)}: GitLab accepts ${CADENCE_VALUES.join(', ')}.`);
    }
  }
  if (p.enabled !== undefined && typeof p.enabled !== 'boolean') {
    throw new UsageError(`enabled must be true or false, not ${JSON.stringify(p.enabled)}.`);
  }
  if (p.keep_n !== undefined && p.keep_n !== null) {
    if (!(KEEP_N_VALUES as readonly unknown[]).includes(p.keep_n)) {
      throw new UsageError(
        `Invalid keep_n ${JSON.stringify(p.keep_n)}: a cleanup policy accepts ${KEEP_N_VALUES.join(', ')} or null (no limit).`,
      );
    }
  }
  if (p.older_than !== undefined && p.older_than !== null) {
    if (!(OLDER_THAN_VALUES as readonly unknown[]).includes(p.older_than)) {
      throw new UsageError(
        `Invalid older_than ${JSON.stringify(p.older_than)}: a cleanup policy accepts ${OLDER_THAN_VALUES.join(', ')} or null.`,
      );
    }
  }
  for (const [key, label] of [
    ['name_regex', 'name_regex (delete regex)'],
    ['name_regex_keep', 'name_regex_keep (keep regex)'],
  ] as const) {
    const v = p[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new UsageError(`${key} must be a string or null, not ${JSON.stringify(v)}.`);
    if (v === '') continue;
    compileRe2(v, { anchored: true, label });
    if (hasTopLevelAlternation(v)) warnings.push(alternationWarning(label, v));
  }
  return warnings;
}

/**
 * The rule a cleanup policy applies: name_regex is the delete regex, name_regex_keep the keep regex.
 * A policy without name_regex deletes nothing (GitLab anchors the empty pattern as \A\z), so the rule's
 * deleteRegex is then "".
 */
export function ruleFromPolicy(
  policy: Pick<CleanupPolicy, 'keep_n' | 'older_than' | 'name_regex' | 'name_regex_keep'>,
): Rule {
  return {
    deleteRegex: policy.name_regex ?? '',
    keepRegex: policy.name_regex_keep ?? null,
    keepN: policy.keep_n ?? null,
    olderThan: policy.older_than ?? null,
  };
}

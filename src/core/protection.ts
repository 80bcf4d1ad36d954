// "May I delete this?" answered once, in core, for a tag or a repository and the caller's role, from
// what GitLab offers (api doc §6, GraphQL doc §3.7): tag protection rules (RE2, unanchored; the most
// restrictive matching rule wins), immutable tag rules (both levels null: nobody may delete, Owners
// and administrators included), repository protection rules (a path with `*` globs) and the per-tag
// GraphQL `protection` levels. The engine, the tree and the CLI all ask here.
import type { AccessLevelName, ProjectRef, RepositoryProtectionRule, TagFailure, TagProtectionLevels, TagProtectionRule } from './types';
import type { RegistryApi } from './registryApi';
import { GitLabError } from './errors';
import { compileRe2, isValidRe2 } from './rules/regex';

/** Numeric values of GitLab's access-level names (developer 30, maintainer 40, owner 50, admin 60). */
export const ACCESS_LEVELS: Readonly<Record<string, number>> = Object.freeze({
  guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50, admin: 60,
});

export type Verdict =
  | { deletable: true }
  /** `rule` is the pattern that forbids it; `needs` the role it takes (null for immutable rules). */
  | { deletable: false; reason: 'protected' | 'immutable'; rule: string; needs: AccessLevelName | null }
  /** The rules could not be read and nothing else told: GitLab decides when asked. */
  | { deletable: null };

export const DELETABLE: Verdict = Object.freeze({ deletable: true });
export const UNKNOWN: Verdict = Object.freeze({ deletable: null });

/** What a project's protection is known to be; `null` rules = not readable (role, GitLab version, job token). */
export interface ProjectProtection {
  tagRules: TagProtectionRule[] | null;
  repositoryRules: RepositoryProtectionRule[] | null;
  /** The caller's access level (10 … 50; 60 for an administrator); null when GitLab did not say. */
  accessLevel: number | null;
  /** Why some rules could not be read ("403 Forbidden", …). */
  note?: string;
}

/** GraphQL's per-tag `protection` (highest matching levels): null = no rule matches; undefined = not asked. */
export type TagLevels = TagProtectionLevels;

const levelValue = (level: AccessLevelName): number => ACCESS_LEVELS[level] ?? Number.POSITIVE_INFINITY;
const isImmutable = (r: { minimum_access_level_for_push: unknown; minimum_access_level_for_delete: unknown }): boolean =>
  r.minimum_access_level_for_delete == null && r.minimum_access_level_for_push == null;

/** A compiled set of tag rules: compile once per project, ask per tag. */
export interface TagProtection {
  decide(tagName: string, perTag?: TagLevels | null): Verdict;
  /** Rules whose pattern RE2 rejects: they are taken to match every tag. */
  warnings: string[];
}

/**
 * Compile tag rules for a caller. `rules` null = not readable: only a per-tag answer decides, else unknown.
 * `accessLevel` null = role unknown: a matching non-immutable rule gives unknown.
 */
export function tagProtection(rules: readonly TagProtectionRule[] | null, accessLevel: number | null): TagProtection {
  const warnings: string[] = [];
  const compiled = (rules ?? []).map((r) => {
    const pattern = r.tag_name_pattern ?? '';
    if (!isValidRe2(pattern)) {
      warnings.push(`Tag protection rule ${r.id} has a pattern RE2 rejects ("${pattern}"); every tag is treated as protected by it.`);
      return { rule: r, test: (_: string) => true };
    }
    const re = compileRe2(pattern, { anchored: false, label: 'tag protection pattern' });
    return { rule: r, test: (name: string) => re.test(name) };
  });
  const decide = (name: string, perTag?: TagLevels | null): Verdict => {
    if (rules === null) return perTag === undefined ? UNKNOWN : fromLevels(perTag, accessLevel);
    const matching = compiled.filter((c) => c.test(name)).map((c) => c.rule);
    const immutable = matching.find(isImmutable);
    if (immutable) return { deletable: false, reason: 'immutable', rule: immutable.tag_name_pattern, needs: null };
    let strictest: TagProtectionRule | undefined;
    for (const r of matching) {
      const d = r.minimum_access_level_for_delete;
      if (d == null) continue; // a push-only rule does not protect deletion
      if (!strictest || levelValue(d) > levelValue(strictest.minimum_access_level_for_delete as AccessLevelName)) strictest = r;
    }
    if (!strictest) return DELETABLE;
    const needs = strictest.minimum_access_level_for_delete as AccessLevelName;
    if (accessLevel === null) return UNKNOWN;
    return levelValue(needs) > accessLevel
      ? { deletable: false, reason: 'protected', rule: strictest.tag_name_pattern, needs }
      : DELETABLE;
  };
  return { decide, warnings };
}

/** The per-tag GraphQL levels alone (no rule pattern to name: "rule" is empty). */
function fromLevels(levels: TagLevels | null, accessLevel: number | null): Verdict {
  if (levels === null) return DELETABLE;
  if (levels.minimumAccessLevelForDelete === null) {
    return levels.minimumAccessLevelForPush === null ? { deletable: false, reason: 'immutable', rule: '', needs: null } : DELETABLE;
  }
  const needs = levels.minimumAccessLevelForDelete;
  if (accessLevel === null) return UNKNOWN;
  return levelValue(needs) > accessLevel ? { deletable: false, reason: 'protected', rule: '', needs } : DELETABLE;
}

/** One tag's verdict (compiles the rules: use tagProtection() for many tags). */
export function decideTag(p: ProjectProtection, tagName: string, perTag?: TagLevels | null): Verdict {
  return tagProtection(p.tagRules, p.accessLevel).decide(tagName, perTag);
}

/** `*` globs, whole path, case-insensitive (GitLab matches repository paths with ILIKE-style wildcards). */
export function repositoryPatternMatches(pattern: string, path: string): boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`, 'is').test(path);
}

/**
 * A repository's verdict. Deleting it is refused by a repository rule on its path, and, when it has
 * tags, by any tag rule the caller cannot override (GitLab: "Deleting protected container repository
 * forbidden"), immutable rules included.
 */
export function decideRepository(p: ProjectProtection, path: string, opts: { hasTags?: boolean } = {}): Verdict {
  const level = p.accessLevel;
  let unknown = p.repositoryRules === null;
  let strictest: RepositoryProtectionRule | undefined;
  for (const r of p.repositoryRules ?? []) {
    const d = r.minimum_access_level_for_delete;
    if (d == null || !repositoryPatternMatches(r.repository_path_pattern, path)) continue;
    if (!strictest || levelValue(d) > levelValue(strictest.minimum_access_level_for_delete as AccessLevelName)) strictest = r;
  }
  if (strictest) {
    const needs = strictest.minimum_access_level_for_delete as AccessLevelName;
    if (level === null) unknown = true;
    else if (levelValue(needs) > level) return { deletable: false, reason: 'protected', rule: strictest.repository_path_pattern, needs };
  }
  if (opts.hasTags !== false) {
    if (p.tagRules === null) unknown = true;
    for (const r of p.tagRules ?? []) {
      if (isImmutable(r)) return { deletable: false, reason: 'immutable', rule: r.tag_name_pattern, needs: null };
    }
    for (const r of p.tagRules ?? []) {
      const d = r.minimum_access_level_for_delete;
      if (d == null) continue;
      if (level === null) unknown = true;
      else if (levelValue(d) > level) return { deletable: false, reason: 'protected', rule: r.tag_name_pattern, needs: d };
    }
  }
  return unknown ? UNKNOWN : DELETABLE;
}

const ROLE_NAMES: Record<AccessLevelName, string> = { maintainer: 'Maintainer', owner: 'Owner', admin: 'Administrator' };

/** Short text for a tree row: "protected: release-* needs Owner", "immutable". */
export function verdictLabel(v: Verdict): string | undefined {
  if (v.deletable !== false) return undefined;
  if (v.reason === 'immutable') return 'immutable';
  return `protected: ${v.rule ? `${v.rule} ` : ''}needs ${v.needs ? ROLE_NAMES[v.needs] : 'a higher role'}`;
}

/** The failure text of a tag never sent: "403 Forbidden - protected by tag rule release-* (delete needs owner)". */
export function tagRefusal(v: Verdict): string | undefined {
  if (v.deletable !== false) return undefined;
  if (v.reason === 'immutable') return `403 Forbidden - immutable tag${v.rule ? ` (rule ${v.rule})` : ''}`;
  return `403 Forbidden - protected by tag rule${v.rule ? ` ${v.rule}` : ''} (delete needs ${v.needs ?? 'a higher role'})`;
}

/** One line naming why a repository may not be deleted. */
export function repositoryRefusal(v: Verdict, path: string): string | undefined {
  if (v.deletable !== false) return undefined;
  if (v.reason === 'immutable') return `repository ${path} holds tags protected by immutable tag rule ${v.rule}: nobody may delete it`;
  return `repository ${path} is protected by rule ${v.rule} (delete needs ${v.needs ?? 'a higher role'})`;
}

/** The CLI's JSON form: {"reason","rule","needs"} for an undeletable item, else undefined. */
export function verdictJson(v: Verdict): { reason: 'protected' | 'immutable'; rule: string; needs: AccessLevelName | null } | undefined {
  return v.deletable === false ? { reason: v.reason, rule: v.rule, needs: v.needs } : undefined;
}

/** What is known when nothing could be read: every answer is unknown (GitLab decides). */
export const NOTHING_KNOWN: ProjectProtection = Object.freeze({ tagRules: null, repositoryRules: null, accessLevel: null });

/**
 * A project's protection for decisions; never throws a GitLab error (an unreadable project or rules =
 * everything unknown, with the reason in `note`). Cancellation still throws.
 */
export async function readProjectProtection(
  api: Pick<RegistryApi, 'getProjectProtection'>, project: ProjectRef,
): Promise<ProjectProtection> {
  try {
    return await api.getProjectProtection(project);
  } catch (e) {
    if (e instanceof GitLabError && e.kind !== 'cancelled') return { ...NOTHING_KNOWN, note: e.message };
    throw e;
  }
}

/** Verdicts for the tags of one repository. */
export interface RepositoryTagVerdicts {
  protection: ProjectProtection;
  decide(tagName: string): Verdict;
}

/**
 * The project's protection for one repository's tags: the rules where the caller may read them; otherwise
 * each tag's GraphQL `protection` levels (one paged listing, only then); otherwise unknown (GitLab decides).
 */
export async function readRepositoryTagVerdicts(
  api: Pick<RegistryApi, 'getProjectProtection' | 'listTagProtectionLevels'>, project: ProjectRef, repositoryId: number,
  opts: { signal?: AbortSignal } = {},
): Promise<RepositoryTagVerdicts> {
  const protection = await readProjectProtection(api, project);
  const levels = protection.tagRules === null ? await api.listTagProtectionLevels(project, repositoryId, opts) : undefined;
  const tags = tagProtection(protection.tagRules, protection.accessLevel);
  return { protection, decide: (name) => tags.decide(name, levels === undefined ? undefined : levels.get(name)) };
}

/** Splits names to delete: those known undeletable become 403 failures that are never sent. */
export function withoutProtected(names: readonly string[], verdicts: Pick<RepositoryTagVerdicts, 'decide'>): { send: string[]; refused: TagFailure[] } {
  const send: string[] = [];
  const refused: TagFailure[] = [];
  for (const name of names) {
    const refusal = tagRefusal(verdicts.decide(name));
    if (refusal) refused.push({ tag: name, error: refusal, status: 403 });
    else send.push(name);
  }
  return { send, refused };
}

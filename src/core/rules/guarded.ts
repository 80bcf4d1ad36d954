// The rule previewed in one repository together with what its project's repository protection rules say
// (core/protection.ts decideRepository): a repository a rule guards from the caller keeps every tag the rule
// would delete, as 'protected', and nothing is sent for it (GitLab refuses deleting its images). Shared by
// the rule over many repositories (scope.ts: protection read once per project), `glcr bulk <project> <repo>`
// and the extension's single-repository rule, so their previews agree.
import { ACCESS_LEVELS, decideRepository, type ProjectProtection, type Verdict } from '../protection';
import type { RegistryApi, TagProtectionAccess } from '../registryApi';
import { compareCodePoints } from '../text';
import type { ProjectRef } from '../types';
import type { CompiledRule, Rule } from './engine';
import { previewRule, type PreviewOptions, type RulePreview } from './preview';

/** A repository rule's refusal: "protected: <rule> needs Owner". */
export type Guard = Extract<Verdict, { deletable: false }>;

/**
 * The project's protection (tag and repository rules, the caller's level), read once per project however
 * many of its repositories are previewed. Undefined for a RegistryApi without getProjectProtection: then
 * each preview reads its tag rules itself and repository rules are not known.
 */
export function oncePerProject(api: RegistryApi): (project: ProjectRef) => Promise<ProjectProtection> | undefined {
  if (typeof (api as Partial<RegistryApi>).getProjectProtection !== 'function') return () => undefined;
  const read = new Map<ProjectRef, Promise<ProjectProtection>>();
  return (project) => {
    let p = read.get(project);
    if (!p) read.set(project, (p = api.getProjectProtection(project)));
    return p;
  };
}

function tagAccessOf(p: ProjectProtection): TagProtectionAccess {
  return p.tagRules === null
    ? { rules: null, rulesError: p.note ?? 'the rules could not be read', accessLevel: p.accessLevel }
    : { rules: p.tagRules, accessLevel: p.accessLevel };
}

/**
 * The repository rules' verdict on deleting in this repository, when it forbids the caller. Reading the
 * rules needs Maintainer, so when they were read the caller is at least that (as in previewRule).
 */
function repositoryVerdict(p: ProjectProtection, path: string): Guard | undefined {
  const accessLevel = p.repositoryRules === null ? p.accessLevel : Math.max(p.accessLevel ?? 0, ACCESS_LEVELS.maintainer);
  const v = decideRepository({ ...p, accessLevel }, path, { hasTags: false });
  return v.deletable === false ? v : undefined;
}

/** Every tag the preview deletes kept instead, as 'protected' by the repository rule. */
export function keptAsProtected(preview: RulePreview, v: Guard): RulePreview {
  if (preview.delete.length === 0) return preview;
  const decisions = preview.decisions.map((d) => d.action === 'delete'
    ? { ...d, action: 'keep' as const, reason: 'protected' as const, protection: { rule: v.rule, needs: v.needs } }
    : d);
  return { ...preview, decisions, delete: [], keep: decisions.map((d) => d.name).sort(compareCodePoints) };
}

/**
 * previewRule plus the repository rules' verdict for `repository.path` (undefined path: not judged). The
 * project's protection is read here (tag rules, repository rules and the caller's level in one go) unless
 * `protection` gives it; a RegistryApi without getProjectProtection previews as previewRule alone.
 */
export async function previewGuarded(
  api: RegistryApi, project: ProjectRef, repository: { id: number; path?: string }, rule: Rule | CompiledRule,
  opts: PreviewOptions & { protection?: Promise<ProjectProtection> } = {},
): Promise<{ raw: RulePreview; protectedBy?: Guard }> {
  const protection = opts.protection ?? oncePerProject(api)(project);
  const [raw, known] = await Promise.all([
    previewRule(api, project, repository.id, rule, { ...opts, access: protection?.then(tagAccessOf) }),
    protection,
  ]);
  const verdict = known === undefined || repository.path === undefined ? undefined : repositoryVerdict(known, repository.path);
  return verdict === undefined ? { raw } : { raw, protectedBy: verdict };
}

/** The preview (conditions applied) with a guard's verdict applied: every deletion kept as 'protected'. */
export function guarded(preview: RulePreview, protectedBy: Guard | undefined): RulePreview {
  return protectedBy === undefined ? preview : keptAsProtected(preview, protectedBy);
}

// Conditions applied to a rule preview after GitLab's rule (engine.ts) has decided: they only ever narrow
// the rule (gone branches) or add the cosign companions of what is deleted (signatures). The same function
// serves `glcr bulk` on one repository, the group plan and the extension, so their previews agree.
import type { GoneBranches } from '../branches';
import { compareCodePoints } from '../text';
import type { Decision, Reason } from './engine';
import type { RulePreview } from './preview';

export interface ExtraConditions {
  /** Only images of gone branches (their slugs); others the rule would delete are kept 'branch_exists'. */
  goneBranches?: GoneBranches;
  /** Delete the `.sig`/`.att`/`.sbom` companions of images that lose their last tag ('signature'). */
  withSignatures?: boolean;
  /** Delete companions whose image has no tag left at all ('orphaned_signature'). */
  orphanedSignatures?: boolean;
}

/** Cosign's companion tag of image sha256:<hex>: `sha256-<hex>.sig` (signature), `.att`, `.sbom`. */
const COMPANION = /^sha256-([0-9a-f]{64})\.(sig|att|sbom)$/;

/** The image digest a companion tag belongs to ("sha256:<hex>"), or undefined for an ordinary tag. */
export function companionOf(tag: string): string | undefined {
  const m = COMPANION.exec(tag);
  return m ? `sha256:${m[1]}` : undefined;
}

/** Kept for these reasons, a companion stays: the person (keep regex) or GitLab (protection, latest) said so. */
const STAYS: ReadonlySet<Reason> = new Set<Reason>(['latest', 'keep_regex', 'protected']);

export function hasConditions(c: ExtraConditions): boolean {
  return c.goneBranches !== undefined || c.withSignatures === true || c.orphanedSignatures === true;
}

/** The preview with the conditions applied; delete/keep recomputed in code-point order. */
export function applyConditions(preview: RulePreview, c: ExtraConditions): RulePreview {
  if (!hasConditions(c)) return preview;
  let decisions: Decision[] = preview.decisions.map((d) => {
    if (c.goneBranches === undefined || d.action !== 'delete') return d;
    return c.goneBranches.has(d.name) ? { ...d, reason: 'gone_branch' } : { ...d, action: 'keep', reason: 'branch_exists' };
  });
  if (c.withSignatures === true || c.orphanedSignatures === true) decisions = withCompanions(decisions, c);
  const del = decisions.filter((d) => d.action === 'delete').map((d) => d.name).sort(compareCodePoints);
  const keep = decisions.filter((d) => d.action === 'keep').map((d) => d.name).sort(compareCodePoints);
  // An empty delete regex is the preset for orphaned companions, not a mistake to warn about.
  const warnings = c.orphanedSignatures === true ? preview.warnings.filter((w) => !w.startsWith(EMPTY_DELETE_REGEX)) : preview.warnings;
  return { ...preview, decisions, delete: del, keep, warnings };
}

/** The start of the engine's warning for an empty delete regex (engine.ts compileRule). */
export const EMPTY_DELETE_REGEX = 'The delete regex is empty';

function withCompanions(decisions: Decision[], c: ExtraConditions): Decision[] {
  const tagged = new Set<string>();   // digests that keep an ordinary tag
  const losing = new Set<string>();   // digests of ordinary tags being deleted
  for (const d of decisions) {
    if (d.digest === null || companionOf(d.name) !== undefined) continue;
    (d.action === 'keep' ? tagged : losing).add(d.digest);
  }
  return decisions.map((d) => {
    const image = companionOf(d.name);
    if (image === undefined || d.action === 'delete' || STAYS.has(d.reason) || tagged.has(image)) return d;
    if (c.withSignatures === true && losing.has(image)) return { ...d, action: 'delete', reason: 'signature' };
    if (c.orphanedSignatures === true && !losing.has(image)) return { ...d, action: 'delete', reason: 'orphaned_signature' };
    return d;
  });
}

/**
 * Named tags (`glcr rm`, a selection in the tree) plus the companions the signature options add, read from
 * the repository's tags: the names to delete in code-point order. Unknown names stay in the list (the
 * deletion reports them as not found).
 */
export function withSignatureCompanions(
  tags: readonly { name: string; digest: string | null; created_at: string | null }[],
  names: readonly string[],
  c: Pick<ExtraConditions, 'withSignatures' | 'orphanedSignatures'>,
): { delete: string[]; added: Decision[] } {
  const chosen = new Set(names);
  const decisions: Decision[] = tags.map((t) => ({
    name: t.name, action: chosen.has(t.name) ? 'delete' : 'keep', reason: chosen.has(t.name) ? 'matched' : 'no_match',
    created_at: t.created_at, total_size: null, digest: t.digest,
  }));
  const added = withCompanions(decisions, c).filter((d) => d.action === 'delete' && !chosen.has(d.name));
  return { delete: [...chosen, ...added.map((d) => d.name)].sort(compareCodePoints), added };
}

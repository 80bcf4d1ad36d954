// Just before deleting, the tags a person chose (from a rule preview, or selected in the tree minutes ago)
// are read again. Deletion goes by name, so a tag re-pushed meanwhile (another image, a new date the rule
// would now keep) or deleted and re-created would otherwise be deleted although nobody saw it. A tag whose
// digest or creation date differs from what was shown, or that is gone, is skipped and reported.
import { GitLabError } from './errors';
import type { RegistryApi } from './registryApi';
import { compileRule, evaluateRule, type CompiledRule, type Reason, type Rule } from './rules/engine';
import type { RulePreview } from './rules/preview';
import type { OperationOptions, ProjectRef, TagDetails } from './types';

/**
 * A preview older than this is read again before anything is deleted (the extension shows the new one).
 * Five minutes: long enough to read a preview and answer the confirmations, short enough that a CI
 * pipeline pushing every few minutes has rarely re-pushed a previewed tag meanwhile.
 */
export const PREVIEW_MAX_AGE_MS = 5 * 60_000;

/** The report text for a skipped tag; the CLI's JSON and the extension's report start with it. */
export const CHANGED_SINCE_PREVIEW = 'changed since the preview — not deleted';

/** What was shown for a tag. An absent digest or date was not shown and is not compared. */
export interface TagExpectation {
  name: string;
  digest?: string | null;
  created_at?: string | null;
}

export type TagChange = 'digest' | 'created_at' | 'gone';

export interface ChangedTag {
  name: string;
  change: TagChange;
}

export interface TagRecheck {
  /** Names whose digest and date are as shown, code-point order of the input. */
  unchanged: string[];
  changed: ChangedTag[];
  /** The re-read details of every named tag that still exists. */
  current: Map<string, TagDetails>;
}

/**
 * Re-reads the named tags (over GraphQL in pages of 20 where the instance offers it) and compares each with
 * what was shown. Dates are compared to the second: GraphQL's Time has whole seconds, REST milliseconds.
 * Throws what reading throws (nothing may be deleted unchecked).
 */
export async function recheckTags(
  api: RegistryApi,
  project: ProjectRef,
  repositoryId: number,
  expected: readonly TagExpectation[],
  opts: OperationOptions & { readAll?: boolean } = {},
): Promise<TagRecheck> {
  const names = expected.map((e) => e.name);
  const current = new Map<string, TagDetails>();
  for (const d of await readExisting(api, project, repositoryId, names, opts)) current.set(d.name, d);
  const unchanged: string[] = [];
  const changed: ChangedTag[] = [];
  for (const e of expected) {
    const now = current.get(e.name);
    const change: TagChange | undefined = now === undefined ? 'gone'
      : e.digest !== undefined && e.digest !== now.digest ? 'digest'
        : e.created_at !== undefined && !sameSecond(e.created_at, now.created_at) ? 'created_at'
          : undefined;
    if (change === undefined) unchanged.push(e.name);
    else changed.push({ name: e.name, change });
  }
  return { unchanged, changed, current };
}

/**
 * The named tags that exist. A named read answers 404 when one is gone; then the full list tells which.
 * `readAll`: most of the repository is named, so the full listing (read along two cursor chains at once
 * over GraphQL) is the faster way.
 */
async function readExisting(
  api: RegistryApi, project: ProjectRef, repositoryId: number, names: string[], opts: OperationOptions & { readAll?: boolean },
): Promise<TagDetails[]> {
  if (names.length === 0) return [];
  const wanted = new Set(names);
  const readAll = async () => (await api.listTagDetails(project, repositoryId, undefined, { signal: opts.signal })).filter((d) => wanted.has(d.name));
  if (opts.readAll === true) return readAll();
  try {
    return await api.listTagDetails(project, repositoryId, names, { signal: opts.signal });
  } catch (e) {
    if (!(e instanceof GitLabError && e.kind === 'not_found')) throw e;
    return readAll();
  }
}

function sameSecond(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a === b;
  return Math.floor(ta / 1000) === Math.floor(tb / 1000);
}

export interface PlanRecheck {
  /** What may still be deleted: previewed for deletion, unchanged, and still deleted by the rule. */
  delete: string[];
  /** Previewed for deletion but changed since (other digest, other date, gone): not deleted. */
  changed: ChangedTag[];
  /** Previewed for deletion and unchanged, but the rule keeps them now that others changed (keep_n). */
  nowKept: Array<{ name: string; reason: Reason }>;
}

/**
 * The preview's delete list checked again just before deleting. Re-read: the tags to delete and the ones
 * keep_n kept (a kept tag that went away or got older frees a slot, so a previewed tag may now be kept).
 * When anything changed, the rule is evaluated again on the preview's tags with the re-read values; only
 * tags that are unchanged and still deleted go. Never more than the preview: a tag the new evaluation
 * would add is not deleted (nobody saw it), and tags pushed since the preview only ever add deletions.
 */
export async function recheckPreview(
  api: RegistryApi,
  project: ProjectRef,
  repositoryId: number,
  preview: RulePreview,
  rule: Rule | CompiledRule,
  opts: OperationOptions & { now?: number } = {},
): Promise<PlanRecheck> {
  if (preview.delete.length === 0) return { delete: [], changed: [], nowKept: [] };
  const keptByN = preview.decisions.filter((d) => d.reason === 'keep_n');
  const shown = new Map(preview.tags.map((t) => [t.name, t]));
  const expectations = [...preview.delete, ...keptByN.map((d) => d.name)].map((name) => {
    const t = shown.get(name);
    return { name, digest: t?.digest ?? null, created_at: t?.created_at ?? null };
  });
  const readAll = expectations.length * 2 > preview.tags.length;
  const check = await recheckTags(api, project, repositoryId, expectations, { signal: opts.signal, readAll });
  const previewed = new Set(preview.delete);
  const changed = check.changed.filter((c) => previewed.has(c.name));
  if (check.changed.length === 0) return { delete: [...preview.delete], changed: [], nowKept: [] };

  // Protection is left out: it is applied last and only by name, so the preview's delete list already
  // excludes every protected tag, and leaving it out never frees a keep_n slot.
  const changedNames = new Set(check.changed.map((c) => c.name));
  const tags: TagDetails[] = [];
  for (const t of preview.tags) {
    if (!changedNames.has(t.name)) tags.push(t);
    else if (check.current.has(t.name)) tags.push(check.current.get(t.name)!);
  }
  const compiled = 'deleteRe' in rule ? rule : compileRule(rule);
  const again = evaluateRule(tags, compiled, { now: opts.now ?? Date.now() });
  const decision = new Map(again.decisions.map((d) => [d.name, d]));
  const del: string[] = [];
  const nowKept: PlanRecheck['nowKept'] = [];
  for (const name of preview.delete) {
    if (changedNames.has(name)) continue;
    const d = decision.get(name);
    if (d?.action === 'delete') del.push(name);
    else nowKept.push({ name, reason: d?.reason ?? 'no_match' });
  }
  return { delete: del, changed, nowKept };
}

/** What changed, in words for a report line. */
export function describeChange(change: TagChange): string {
  switch (change) {
    case 'digest': return 'it now points to another image';
    case 'created_at': return 'it has a new creation date';
    case 'gone': return 'it no longer exists';
  }
}

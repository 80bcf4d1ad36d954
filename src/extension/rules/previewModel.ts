// What a deletion rule would do, as the preview shows it: the engine's decisions (from core/rules/preview.ts)
// turned into rows with a reason text, totals, notes on where GitLab's own run may differ, and the
// garbage-collection note. Pure (no vscode import): the caller passes the translator, so it is unit-tested
// in plain Node and the webview HTML (previewHtml.ts) only renders it.
import type { Decision, Reason, Rule } from '../../core/rules/engine';
import { SERVER_PAGE_SIZE, LEGACY_MAX_LIST_SIZE } from '../../core/rules/engine';
import { hasTopLevelAlternation } from '../../core/rules/regex';
import { isGitLabDotCom } from '../accounts/account';
import { formatAge, formatSize, shortDigest } from '../tree/format';

/** vscode.l10n.t's shape: `{0}`-style placeholders. */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** The plain English fallback (tests, and anything outside VS Code). */
export const englishOnly: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));

/** The parts of core's RulePreview this model reads. */
export interface PreviewInput {
  decisions: Decision[];
  warnings: string[];
  protection: 'checked' | 'unknown';
  protectionNote?: string;
  legacyRegistry: boolean | null;
  now: number;
}

export interface PreviewRow {
  name: string;
  action: 'delete' | 'keep';
  reason: Reason;
  /** Why, in words, e.g. "matches the keep regex". */
  reasonText: string;
  digest: string | null;
  shortDigest: string;
  createdAt: string | null;
  /** For a person: "2025-05-31 14:22 UTC · 1 day ago" ('' when there is no date). */
  createdText: string;
  /** Epoch ms, or null when GitLab has no timestamp. */
  time: number | null;
  size: number | null;
  sizeText: string;
  /** Bytes only this tag's image holds (set once the storage figure is computed). */
  ownBytes?: number;
}

/** The storage figure of a section: computed after the preview appears (rulePreviewStorage.ts). */
export type SectionStorage =
  | { state: 'pending'; done: number; known: number }
  | { state: 'done'; reclaimableBytes: number; sharedBytes: number }
  | { state: 'unavailable'; reason: string };

export interface PreviewSection {
  /** e.g. registry.example.test:5050/acme/website */
  repository: string;
  repositoryId: number;
  projectId: number;
  /** Deletions first, then kept tags; each newest first (no timestamp counts as "now", as GitLab does); ties by name. */
  rows: PreviewRow[];
  /** EXACTLY what "Delete N tags…" deletes, in code-point order (the engine's list). */
  deleteNames: string[];
  totals: {
    tags: number;
    deleteCount: number;
    keepCount: number;
    /** Sum of the deleted tags' sizes (tags whose size is unknown add nothing). */
    deleteBytes: number;
    keepBytes: number;
    /** Sizes of distinct deleted images that no kept tag still references: what garbage collection can reclaim at most. */
    reclaimableBytes: number;
    /** Deleted tags whose image (digest) is still referenced by a kept tag. */
    sharedWithKept: number;
  };
  /** Where GitLab's server-side run (bulk request or policy) may decide differently, and other caveats. */
  notes: string[];
  /** What garbage collection frees, from the registry's manifests; absent: not asked (the naive sum is shown). */
  storage?: SectionStorage;
  /** A repository protection rule forbids deleting here ("protected: <rule> needs Owner"): nothing is sent. */
  guard?: string;
}

export interface PreviewModel {
  title: string;
  /** The rule in words: delete regex, keep regex, keep N, older than. */
  ruleSummary: string;
  /** An optional paragraph above the sections (e.g. when a policy runs next). */
  intro?: string;
  sections: PreviewSection[];
  /** Space comes back only after garbage collection; how depends on GitLab.com vs self-managed. */
  garbageCollection: { text: string; learnMoreUrl: string };
  /** Offer "Delete N tags…" and "Schedule GitLab's cleanup instead…" (false: a read-only policy preview). */
  actions: boolean;
  /** false hides "Schedule GitLab's cleanup instead…" (many repositories, or conditions GitLab's run lacks). */
  schedule?: boolean;
  /** A rule over many repositories: totals on top, each repository collapsible. */
  manyRepositories?: boolean;
  /** The conditions beyond GitLab's rule, shown as checkboxes that ask for the preview again. */
  conditions?: { withSignatures: boolean; goneBranches: boolean; orphanedSignatures?: boolean };
}

export const GARBAGE_COLLECTION_DOCS = 'https://docs.gitlab.com/administration/packages/container_registry/#container-registry-garbage-collection';

/**
 * GitLab.com is told from self-managed by host (gitlab.com or a subdomain of it, as isGitLabDotCom):
 * GitLab.com always has the metadata database and collects garbage online; a self-managed instance may not.
 */
export function garbageCollectionNote(instanceUrl: string, t: Translate): { text: string; learnMoreUrl: string } {
  const text = isGitLabDotCom(instanceUrl)
    ? t('Deleting tags frees storage only after garbage collection. GitLab.com collects unreferenced images online, about 24 hours after the deletion.')
    : t('Deleting tags frees storage only after garbage collection. On a self-managed instance an administrator runs "sudo gitlab-ctl registry-garbage-collect" ("-m" also removes untagged manifests); with the registry metadata database it runs online, about 24 hours after the deletion.');
  return { text, learnMoreUrl: GARBAGE_COLLECTION_DOCS };
}

/**
 * The modal's line on space (the garbage-collection explanation itself is in the preview, once per flow).
 * SLOT for the storage issue: pass its computed figure as `freedBytes`; until then the preview's upper
 * bound (totals.reclaimableBytes) is used and said as "at most".
 */
export function spaceFreedText(section: PreviewSection, t: Translate, freedBytes?: number): string {
  return freedBytes === undefined
    ? t('Garbage collection can reclaim at most {0} (see the preview).', formatSize(section.totals.reclaimableBytes) ?? '0 B')
    : t('Frees {0} after garbage collection (see the preview).', formatSize(freedBytes) ?? '0 B');
}

export function reasonText(reason: Reason, rule: Rule, t: Translate, protection?: Decision['protection']): string {
  switch (reason) {
    case 'latest': return t('named "latest": GitLab never deletes it');
    case 'no_match': return t('does not match the delete regex');
    case 'keep_regex': return t('matches the keep regex');
    case 'keep_n': return t('one of the {0} newest matching tags', rule.keepN ?? 0);
    case 'too_new': return t('not older than {0}', rule.olderThan ?? '');
    case 'no_timestamp': return t('no creation date: the age filter never deletes it');
    case 'protected':
      return protection?.rule
        ? t('protected by tag rule {0} (delete needs {1})', protection.rule, protection.needs ?? '?')
        : t('protected by a tag protection rule');
    case 'immutable':
      return protection?.rule ? t('immutable tag (rule {0}): nobody may delete it', protection.rule) : t('immutable tag: nobody may delete it');
    case 'matched': return t('matches the rule');
    case 'branch_exists': return t('not an image of a branch that is gone');
    case 'gone_branch': return t('image of a branch that is gone');
    case 'signature': return t('signature of a deleted image');
    case 'orphaned_signature': return t('signature of an image that has no tag');
  }
}

export function ruleSummary(rule: Rule, t: Translate): string {
  // The pattern as typed (GitLab's own field shows it so), not JSON-escaped: `v\d+`, never `"v\\d+"`.
  const parts = [t('delete regex {0}', rule.deleteRegex)];
  if (rule.keepRegex) parts.push(t('keep regex {0}', rule.keepRegex));
  if (rule.keepN !== undefined && rule.keepN !== null) parts.push(t('keep the {0} newest', rule.keepN));
  if (rule.olderThan) parts.push(t('older than {0}', rule.olderThan));
  return parts.join(' · ');
}

// The engine's own notes that this model replaces with translated ones (same facts).
const REPLACED_WARNING = /^This repository (has \d+ tags|is on a legacy registry)/;

function timeOf(iso: string | null): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** "2025-05-31 14:22 UTC · 1 day ago": the exact day and time, and the age in the UI language. */
export function humanDate(iso: string | null, time: number | null, now: number, locale: string): string {
  if (!iso || time === null) return '';
  const exact = `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const age = formatAge(iso, now, locale);
  return age ? `${exact} · ${age}` : exact;
}

function byNewest(now: number) {
  return (a: PreviewRow, b: PreviewRow): number => {
    const ta = a.time ?? now;
    const tb = b.time ?? now;
    if (ta !== tb) return tb - ta;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };
}

/** One repository's section: rows, totals and notes from the engine's result. */
export function buildSection(
  input: PreviewInput,
  rule: Rule,
  repository: { location: string; id: number; projectId: number },
  t: Translate,
  locale = 'en',
): PreviewSection {
  const rows: PreviewRow[] = input.decisions.map((d) => ({
    name: d.name,
    action: d.action,
    reason: d.reason,
    reasonText: reasonText(d.reason, rule, t, d.protection),
    digest: d.digest,
    shortDigest: shortDigest(d.digest) ?? '',
    createdAt: d.created_at,
    createdText: humanDate(d.created_at, timeOf(d.created_at), input.now, locale),
    time: timeOf(d.created_at),
    size: d.total_size,
    sizeText: formatSize(d.total_size) ?? '',
  }));
  const order = byNewest(input.now);
  const del = rows.filter((r) => r.action === 'delete').sort(order);
  const keep = rows.filter((r) => r.action === 'keep').sort(order);

  const keptDigests = new Set(keep.map((r) => r.digest).filter((d): d is string => !!d));
  const reclaim = new Map<string, number>();
  let sharedWithKept = 0;
  for (const r of del) {
    if (r.digest && keptDigests.has(r.digest)) sharedWithKept++;
    else if (r.digest) reclaim.set(r.digest, r.size ?? 0);
  }
  const sum = (list: PreviewRow[]) => list.reduce((s, r) => s + (r.size ?? 0), 0);

  const notes: string[] = [];
  if (input.decisions.length > SERVER_PAGE_SIZE) {
    notes.push(t('This repository has {0} tags. GitLab\'s server-side run works through {1} tags at a time, so keep N applies per {1} tags there and it may delete a slightly different set than this preview.', input.decisions.length, SERVER_PAGE_SIZE));
  }
  if (input.legacyRegistry === true) {
    notes.push(t('This is a legacy registry (no metadata database): GitLab\'s server-side run considers at most {0} + keep N candidates, sampled at random, so it may delete a different set than this preview.', LEGACY_MAX_LIST_SIZE));
  }
  if (input.protection === 'unknown') {
    notes.push(t('Tag protection rules could not be read ({0}): tags they protect are not marked here; GitLab refuses to delete them.', input.protectionNote ?? t('unknown reason')));
  }
  if (hasTopLevelAlternation(rule.deleteRegex) || (rule.keepRegex && hasTopLevelAlternation(rule.keepRegex))) {
    notes.push(t('A regex has a top-level "|": GitLab anchors it as \\A…\\z without grouping, so "a|b" means "starts with a" or "ends with b". Wrap it in parentheses, e.g. "(a|b)", to match whole names.'));
  }
  for (const w of input.warnings) {
    if (REPLACED_WARNING.test(w) || /top-level/i.test(w)) continue;
    notes.push(w);
  }
  if (sharedWithKept > 0) {
    notes.push(t('{0} of the tags to delete point to an image that a kept tag still uses: that image stays.', sharedWithKept));
  }

  return {
    repository: repository.location,
    repositoryId: repository.id,
    projectId: repository.projectId,
    rows: [...del, ...keep],
    deleteNames: input.decisions.filter((d) => d.action === 'delete').map((d) => d.name),
    totals: {
      tags: rows.length,
      deleteCount: del.length,
      keepCount: keep.length,
      deleteBytes: sum(del),
      keepBytes: sum(keep),
      reclaimableBytes: [...reclaim.values()].reduce((s, n) => s + n, 0),
      sharedWithKept,
    },
    notes,
  };
}

export function buildPreviewModel(options: {
  title: string;
  rule: Rule;
  instanceUrl: string;
  sections: PreviewSection[];
  actions: boolean;
  intro?: string;
  schedule?: boolean;
  manyRepositories?: boolean;
  conditions?: { withSignatures: boolean; goneBranches: boolean; orphanedSignatures?: boolean };
  t: Translate;
}): PreviewModel {
  return {
    title: options.title,
    ...(options.schedule === false ? { schedule: false } : {}),
    ...(options.manyRepositories ? { manyRepositories: true } : {}),
    ...(options.conditions ? { conditions: { ...options.conditions } } : {}),
    ...(options.intro ? { intro: options.intro } : {}),
    ruleSummary: ruleSummary(options.rule, options.t),
    sections: options.sections,
    garbageCollection: garbageCollectionNote(options.instanceUrl, options.t),
    actions: options.actions,
  };
}

// GitLab's server-side tag cleanup (bulk DELETE …/tags and cleanup policies), written from the description
// of Projects::ContainerRepository::{Gitlab,ThirdParty}::CleanupTagsService in docs/gitlab-api.md "Deletion". Pure functions.

import { RE2JS } from 're2js';
import type { TagRec } from './model';

const SECOND = 1;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
const UNITS: Array<[RegExp, number]> = [
  [/^(s|secs?|seconds?)$/, SECOND],
  [/^(m|mins?|minutes?)$/, MINUTE],
  [/^(h|hrs?|hours?)$/, HOUR],
  [/^(d|days?)$/, DAY],
  [/^(w|wks?|weeks?)$/, 7 * DAY],
  [/^(mo|mos|months?)$/, 30 * DAY],
  [/^(y|yrs?|years?)$/, 365.25 * DAY],
];

/**
 * Seconds in a human duration, the way ChronicDuration.parse reads it: "1h", "2d", "1month", "1 day",
 * "1d12h", "1.5 hours", "3600" (bare number = seconds). Returns null when the text is not a duration.
 */
export function parseDuration(text: string): number | null {
  const cleaned = text.toLowerCase().replace(/,/g, ' ').replace(/\band\b/g, ' ').trim();
  if (cleaned === '') return null;
  if (/^\d+(\.\d+)?$/.test(cleaned)) return Number(cleaned);
  const part = /\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*/y;
  let total = 0;
  let pos = 0;
  while (pos < cleaned.length) {
    part.lastIndex = pos;
    const m = part.exec(cleaned);
    if (!m) return null;
    const unit = UNITS.find(([re]) => re.test(m[2]));
    if (!unit) return null;
    total += Number(m[1]) * unit[1];
    pos = part.lastIndex;
  }
  return total;
}

/** Compiles an RE2 pattern; null when RE2 rejects it. */
export function compileRe2(pattern: string): RE2JS | null {
  try {
    return RE2JS.compile(pattern);
  } catch {
    return null;
  }
}

export function isValidRe2(pattern: string): boolean {
  return compileRe2(pattern) !== null;
}

/** GitLab wraps the user's pattern literally, without grouping: `a|b` means "starts with a or ends with b". */
export function anchored(pattern: string): RE2JS {
  const re = compileRe2(`\\A${pattern}\\z`);
  if (!re) throw new Error(`invalid regexp ${pattern}`);
  return re;
}

export interface BulkParams {
  nameRegexDelete: string;
  nameRegexKeep: string | null;
  keepN: number | null;
  olderThan: string | null;
}

export interface BulkRunContext {
  now: number;
  /** Legacy registry (no metadata DB): whole list, random sample of maxListSize + keep_n candidates. */
  legacy: boolean;
  random: () => number;
  /** True when the caller may not delete this tag (tag protection). */
  isProtected: (name: string) => boolean;
  /** Default 200 (container_registry_cleanup_tags_service_max_list_size). */
  maxListSize?: number;
  /** Default 1000 (Gitlab::CleanupTagsService page size). */
  pageSize?: number;
}

export interface BulkSelection {
  toDelete: string[];
  /** Legacy mode took a random sample: the run was incomplete. */
  sampled: boolean;
}

/** Which tags one bulk-delete run removes. `tags` must be sorted by name. */
export function selectTagsForBulkDelete(tags: TagRec[], params: BulkParams, ctx: BulkRunContext): BulkSelection {
  const deleteRe = anchored(params.nameRegexDelete);
  const keepRe = anchored(params.nameRegexKeep ?? '');
  const olderThanSeconds = params.olderThan === null ? null : parseDuration(params.olderThan);
  if (params.olderThan !== null && olderThanSeconds === null) {
    throw new Error(`older_than ${JSON.stringify(params.olderThan)} is not a duration`);
  }
  const maxListSize = ctx.maxListSize ?? 200;
  const pages = ctx.legacy ? [tags] : chunk(tags, ctx.pageSize ?? 1000);
  const toDelete: string[] = [];
  let sampled = false;

  for (const page of pages) {
    let candidates = page
      .filter((t) => t.name !== 'latest')
      .filter((t) => deleteRe.test(t.name) && !keepRe.test(t.name));
    const keepN = params.keepN ?? 0;
    if (ctx.legacy && maxListSize > 0 && candidates.length > maxListSize + keepN) {
      candidates = sample(candidates, maxListSize + keepN, ctx.random);
      sampled = true;
    }
    if (params.keepN !== null) {
      candidates = newestFirst(candidates, ctx.now).slice(params.keepN);
    }
    if (olderThanSeconds !== null) {
      const limit = ctx.now - olderThanSeconds * 1000;
      candidates = candidates.filter((t) => t.created_at !== null && Date.parse(t.created_at) < limit);
    }
    candidates = candidates.filter((t) => !ctx.isProtected(t.name));
    toDelete.push(...candidates.map((t) => t.name));
  }
  return { toDelete: toDelete.sort(), sampled };
}

/** Newest first; a tag without timestamp counts as "now". Ties: by name, descending (sort then reverse). */
function newestFirst(tags: TagRec[], now: number): TagRec[] {
  const time = (t: TagRec) => (t.created_at === null ? now : Date.parse(t.created_at));
  return [...tags].sort((a, b) => time(a) - time(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).reverse();
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Ruby Array#sample(n): n distinct elements in random order (partial Fisher–Yates). */
function sample<T>(items: T[], n: number, random: () => number): T[] {
  const copy = [...items];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

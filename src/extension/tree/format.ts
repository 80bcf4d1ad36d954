// Pure formatting, sorting and filtering for tag rows (no vscode import: unit-tested in plain Node).
import type { Tag, TagDetails } from '../../core/types';
import { formatSize } from '../../core/units';

export type TagSortOrder = 'newest' | 'name';

/**
 * Newest first reads every tag's date before showing a row; above this many tags (50 GraphQL pages, and
 * one REST request per tag as the fallback) that wait is too long, so such a repository is shown in name
 * order and says so. Also the most tags whose details are fetched ahead of the visible rows.
 */
export const MAX_DATED_TAGS = 1000;

/** The first 12 hex digits of a digest, as `docker images` shows image ids. */
export function shortDigest(digest: string | null | undefined): string | undefined {
  if (!digest) return undefined;
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

/** Decimal units like the Docker CLI: 350.2 MB (core/units.ts, shared with glcr). */
export { formatSize };

// One formatter per locale and style: constructing one costs ~0.1 ms, too much for 10,050 preview rows.
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
function relativeTimeFormat(locale: string, style: AgeStyle): Intl.RelativeTimeFormat {
  const key = `${locale}|${style}`;
  let rtf = relativeFormats.get(key);
  if (!rtf) {
    try {
      rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style });
    } catch {
      rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style });
    }
    relativeFormats.set(key, rtf);
  }
  return rtf;
}

/** 'long': "3 weeks ago"; 'short' (tag rows): "3 wk. ago", "last mo." — the language's own abbreviations. */
export type AgeStyle = 'long' | 'short';

/** "3 days ago" in the UI language. */
export function formatAge(iso: string | null | undefined, now: number, locale: string, style: AgeStyle = 'long'): string | undefined {
  if (!iso) return undefined;
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return undefined;
  const seconds = Math.round((then - now) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 24 * 3600], ['month', 30 * 24 * 3600], ['week', 7 * 24 * 3600], ['day', 24 * 3600],
    ['hour', 3600], ['minute', 60], ['second', 1],
  ];
  const rtf = relativeTimeFormat(locale, style);
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size || unit === 'second') return rtf.format(Math.round(seconds / size), unit);
  }
  return undefined;
}

/**
 * A tag row's description: "2 days ago · 198.7 MB · c9197b5a", leaving out what is unknown. Age and size
 * first, the age in the short style ("3 wk. ago"): a 300 px sidebar cuts the end, and a tag five levels
 * deep keeps its age and size in view (test/e2e/readme.e2e.ts measures it). `more` appends further parts
 * (e.g. the same-image mark) in one place.
 */
export function tagDescription(details: TagDetails | undefined, now: number, locale: string, more: string[] = []): string {
  const parts = details ? [formatAge(details.created_at, now, locale, 'short'), formatSize(details.total_size), shortDigest(details.digest)?.slice(0, 8)] : [];
  return [...parts, ...more].filter((p): p is string => !!p).join(' · ');
}

/** "10,050" in the UI language. */
export function formatCount(n: number, locale: string): string {
  try {
    return n.toLocaleString(locale);
  } catch {
    return n.toLocaleString('en');
  }
}

/** "1.2 GB (1,234,567,890 bytes)": the human value with the exact one beside it (the caller localises "bytes"). */
export function sizeWithBytes(bytes: number, locale: string, bytesWord: string): string {
  return `${formatSize(bytes) ?? ''} (${formatCount(bytes, locale)} ${bytesWord})`;
}

/** "30 Nov 2026, 14:51 UTC (2026-11-30T14:51:32.887Z)": a readable date with the exact timestamp beside it. */
export function dateWithExact(iso: string, locale: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  let text: string;
  try {
    text = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(ms);
  } catch {
    text = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(ms);
  }
  return `${text} UTC (${iso})`;
}

/** Substring match, or a glob when the filter has `*` or `?`; case-insensitive either way. */
export function matchesFilter(name: string, filter: string | undefined): boolean {
  if (!filter) return true;
  const f = filter.trim().toLowerCase();
  if (f === '') return true;
  const n = name.toLowerCase();
  if (!/[*?]/.test(f)) return n.includes(f);
  const source = f.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(n);
}

function byName(a: Tag, b: Tag): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Newest first by created_at (tags without a date, or whose details are not loaded yet, after the dated
 * ones, by name), or by name in code-point order.
 */
export function sortTags(tags: Tag[], details: (name: string) => TagDetails | undefined, order: TagSortOrder): Tag[] {
  const copy = [...tags];
  if (order === 'name') return copy.sort(byName);
  const time = (t: Tag): number => {
    const iso = details(t.name)?.created_at;
    const ms = iso ? Date.parse(iso) : NaN;
    return Number.isNaN(ms) ? -Infinity : ms;
  };
  return copy.sort((a, b) => {
    const ta = time(a);
    const tb = time(b);
    if (ta !== tb) return tb > ta ? 1 : -1;
    return byName(a, b);
  });
}

/** "a, b, c and 4 more" for confirmation dialogs (the caller localises the pieces). */
export function firstNames(names: string[], max: number): { shown: string[]; more: number } {
  return { shown: names.slice(0, max), more: Math.max(0, names.length - max) };
}

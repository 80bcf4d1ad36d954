// Pure formatting, sorting and filtering for tag rows (no vscode import: unit-tested in plain Node).
import type { Tag, TagDetails } from '../../core/types';
import { formatSize } from '../../core/units';

export type TagSortOrder = 'newest' | 'name';

/** The first 12 hex digits of a digest, as `docker images` shows image ids. */
export function shortDigest(digest: string | null | undefined): string | undefined {
  if (!digest) return undefined;
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

/** Decimal units like the Docker CLI: 350.2 MB (core/units.ts, shared with glcr). */
export { formatSize };

// One formatter per locale: constructing one costs ~0.1 ms, too much for 10,050 preview rows.
const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
function relativeTimeFormat(locale: string): Intl.RelativeTimeFormat {
  let rtf = relativeFormats.get(locale);
  if (!rtf) {
    try {
      rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    } catch {
      rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
    }
    relativeFormats.set(locale, rtf);
  }
  return rtf;
}

/** "3 days ago" in the UI language. */
export function formatAge(iso: string | null | undefined, now: number, locale: string): string | undefined {
  if (!iso) return undefined;
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return undefined;
  const seconds = Math.round((then - now) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 365 * 24 * 3600], ['month', 30 * 24 * 3600], ['week', 7 * 24 * 3600], ['day', 24 * 3600],
    ['hour', 3600], ['minute', 60], ['second', 1],
  ];
  const rtf = relativeTimeFormat(locale);
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size || unit === 'second') return rtf.format(Math.round(seconds / size), unit);
  }
  return undefined;
}

/** "short digest · size · age", leaving out what is unknown. */
export function tagDescription(details: TagDetails | undefined, now: number, locale: string): string {
  if (!details) return '';
  return [shortDigest(details.digest), formatSize(details.total_size), formatAge(details.created_at, now, locale)]
    .filter((p): p is string => !!p)
    .join(' · ');
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

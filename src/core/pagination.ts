// Offset and keyset pagination (docs/gitlab-api.md "Listing and pagination"). Cursors handed to callers are opaque strings: the API-relative
// path+query of the next page. A Link header's host is never trusted (GitLab behind a proxy may write an
// internal host there): only its path+query is taken, onto the instance's own origin.
import { GitLabError } from './errors';
import type { HttpClient, QueryValue } from './http';
import type { Page } from './types';

/** `Link: <url>; rel="next", <url>; rel="first"` → { next: url, first: url } */
export function parseLinkHeader(value: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value) return out;
  const re = /<([^>]*)>\s*((?:;\s*[^;,]+)*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    const url = m[1];
    const rel = /;\s*rel\s*=\s*"?([^";,]+)"?/i.exec(m[2]);
    if (!rel) continue;
    for (const r of rel[1].trim().split(/\s+/)) {
      const key = r.toLowerCase();
      if (!(key in out)) out[key] = url;
    }
  }
  return out;
}

/**
 * The API-relative path+query (below /api/v4) of a Link URL, whatever host it names; undefined when the
 * URL does not point into /api/v4.
 */
export function apiPathFromLink(link: string, baseUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link, `${baseUrl}/api/v4/`);
  } catch {
    return undefined;
  }
  const marker = '/api/v4/';
  const at = url.pathname.indexOf(marker);
  if (at < 0) return undefined;
  return url.pathname.slice(at + marker.length - 1) + url.search;
}

/** Replaces (or adds) one query parameter of an API-relative path. */
export function withQueryParam(path: string, key: string, value: string): string {
  const url = new URL(path, 'http://placeholder.invalid');
  url.searchParams.set(key, value);
  return url.pathname + url.search;
}

/** Cursors are API-relative paths; refuse anything else so a cursor can never point elsewhere. */
export function assertCursor(cursor: string): string {
  if (typeof cursor !== 'string' || !cursor.startsWith('/') || cursor.startsWith('//') || /[\s\\]/.test(cursor)) {
    throw new GitLabError('bad_request', undefined, 'Invalid page cursor.');
  }
  return cursor;
}

export interface PageFetchSpec {
  /** API-relative path of the collection, e.g. /projects */
  path: string;
  query?: Record<string, QueryValue>;
  perPage: number;
  /** Cursor from a previous page, if any: used as is. */
  cursor?: string;
  signal?: AbortSignal;
}

/** Header lookup of a response. */
interface HeaderReader { get(name: string): string | null }

/**
 * Next-page cursor from an offset-paginated response: X-Next-Page (empty on the last page) or Link rel=next.
 * When both are absent (a proxy stripping headers) a full page implies there may be more.
 */
export function nextOffsetCursor(
  headers: HeaderReader,
  requestPath: string,
  itemCount: number,
  perPage: number,
  baseUrl: string,
): string | undefined {
  const link = parseLinkHeader(headers.get('link')).next;
  if (link) {
    const fromLink = apiPathFromLink(link, baseUrl);
    if (fromLink) return fromLink;
  }
  const xNext = headers.get('x-next-page');
  if (xNext !== null) {
    const n = xNext.trim();
    return /^\d+$/.test(n) ? withQueryParam(requestPath, 'page', n) : undefined;
  }
  if (link === undefined && headers.get('x-page') === null && itemCount >= perPage && itemCount > 0) {
    const current = Number(new URL(requestPath, 'http://placeholder.invalid').searchParams.get('page') ?? '1');
    return withQueryParam(requestPath, 'page', String((Number.isFinite(current) ? current : 1) + 1));
  }
  return undefined;
}

/** Next-page cursor from a keyset response: only Link rel=next (absent on the last page). */
export function nextKeysetCursor(headers: HeaderReader, baseUrl: string): string | undefined {
  const link = parseLinkHeader(headers.get('link')).next;
  return link ? apiPathFromLink(link, baseUrl) : undefined;
}

export function totalFromHeaders(headers: HeaderReader): number | undefined {
  const t = headers.get('x-total');
  if (t === null || t.trim() === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** One offset page of an array endpoint. */
export async function fetchOffsetPage<T>(http: HttpClient, spec: PageFetchSpec): Promise<Page<T>> {
  const path = spec.cursor !== undefined
    ? assertCursor(spec.cursor)
    : relativePath(http, spec.path, { ...spec.query, per_page: spec.perPage, page: 1 });
  const res = await http.request<unknown>({ path, signal: spec.signal });
  const items = expectArray<T>(res.data, http.host);
  const next = nextOffsetCursor(res.headers, path, items.length, spec.perPage, http.baseUrl);
  const total = totalFromHeaders(res.headers);
  return { items, ...(next !== undefined ? { next } : {}), ...(total !== undefined ? { total } : {}) };
}

/** API-relative path+query with the query merged (stable parameter order). */
export function relativePath(http: HttpClient, path: string, query: Record<string, QueryValue>): string {
  const abs = new URL(http.apiUrl(path, query));
  const marker = '/api/v4';
  const at = abs.pathname.indexOf(marker);
  return abs.pathname.slice(at + marker.length) + abs.search;
}

export function expectArray<T>(data: unknown, host: string): T[] {
  if (!Array.isArray(data)) {
    throw new GitLabError('bad_response', undefined, `${host} sent an object where GitLab sends a list.`, { instance: host });
  }
  return data as T[];
}

export interface CollectOptions {
  signal?: AbortSignal;
  /** Upper bound on pages followed; exceeding it is an error rather than an endless loop. */
  maxPages?: number;
}

/** Follows `next` cursors until the last page, bounded by maxPages and guarded against repeating cursors. */
export async function collectAll<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  host: string,
  opts: CollectOptions = {},
): Promise<T[]> {
  const maxPages = opts.maxPages ?? 10_000;
  const seen = new Set<string>();
  const all: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    if (opts.signal?.aborted) throw new GitLabError('cancelled', undefined, 'Cancelled.');
    const result = await fetchPage(cursor);
    for (const item of result.items) all.push(item);
    if (result.next === undefined) return all;
    if (seen.has(result.next)) {
      throw new GitLabError('bad_response', undefined, `${host} returned the same next page twice; stopped paging.`, { instance: host });
    }
    seen.add(result.next);
    cursor = result.next;
  }
  throw new GitLabError('bad_response', undefined, `${host} kept returning more pages after ${maxPages}; stopped paging.`, { instance: host });
}

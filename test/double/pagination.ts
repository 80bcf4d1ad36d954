// GitLab's pagination headers (docs/gitlab-api.md "Listing and pagination"): offset pagination (Kaminari + OffsetHeaderBuilder) and the
// registry tags' keyset Link. Query strings are built like Rails' Hash#to_query: keys sorted, form-encoded.

import { ApiError } from './http';

/** Kaminari's MAX_COUNT_LIMIT: at or above it, totals and rel="last" are left out. */
export const COUNT_LIMIT = 10_000;

export interface PageSlice<T> {
  items: T[];
  headers: Record<string, string>;
}

/** Rails' to_query: every pair form-encoded, then sorted as strings. */
export function toQuery(params: URLSearchParams): string {
  const pairs: string[] = [];
  params.forEach((value, key) => pairs.push(new URLSearchParams([[key, value]]).toString()));
  return pairs.sort().join('&');
}

function withParams(query: URLSearchParams, set: Record<string, string>): URLSearchParams {
  const q = new URLSearchParams(query);
  for (const [k, v] of Object.entries(set)) q.set(k, v);
  return q;
}

/** Reads a positive integer param; Grape answers 400 "<name> is invalid" for anything else. */
export function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ApiError(400, { error: `${name} is invalid` });
  return Number(raw);
}

export function perPageParam(query: URLSearchParams, max = 100): number {
  const perPage = intParam(query, 'per_page', 20);
  if (perPage === 0) throw new ApiError(400, { error: 'per_page has a value not allowed' });
  return Math.min(Math.max(perPage, 1), max);
}

/**
 * One page of `all` with X-Page, X-Per-Page, X-Next-Page, X-Prev-Page, X-Total, X-Total-Pages and Link
 * (prev, next, first, last). `baseUrl` is origin + request path.
 */
export function offsetPage<T>(all: T[], query: URLSearchParams, baseUrl: string): PageSlice<T> {
  const perPage = perPageParam(query);
  const page = Math.max(1, intParam(query, 'page', 1));
  const total = all.length;
  const countable = total < COUNT_LIMIT;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const outOfRange = page > totalPages;
  const next = page * perPage < total ? page + 1 : null;
  const prev = page > 1 && !outOfRange ? page - 1 : null;

  const link = (p: number) => `${baseUrl}?${toQuery(withParams(query, { page: String(p), per_page: String(perPage) }))}`;
  const links: string[] = [];
  if (prev !== null) links.push(`<${link(prev)}>; rel="prev"`);
  if (next !== null) links.push(`<${link(next)}>; rel="next"`);
  links.push(`<${link(1)}>; rel="first"`);
  if (countable) links.push(`<${link(totalPages)}>; rel="last"`);

  const headers: Record<string, string> = {
    'X-Page': String(page),
    'X-Per-Page': String(perPage),
    'X-Next-Page': next === null ? '' : String(next),
    'X-Prev-Page': prev === null ? '' : String(prev),
    Link: links.join(', '),
  };
  if (countable) {
    headers['X-Total'] = String(total);
    headers['X-Total-Pages'] = String(totalPages);
  }
  return { items, headers };
}

/** Link rel="next" of the registry tags keyset mode: original params + last, per_page, sort. */
export function keysetNextLink(baseUrl: string, query: URLSearchParams, set: { last: string; per_page: number; sort: string }): string {
  const q = withParams(query, { last: set.last, per_page: String(set.per_page), sort: set.sort });
  return `<${baseUrl}?${toQuery(q)}>; rel="next"`;
}

// Turning a non-2xx GitLab answer into a typed GitLabError, keeping GitLab's own message (docs/gitlab-api.md
// "Errors" and "Rate limits"). Pure: no I/O, so every status/body combination is unit-tested directly.
import { GitLabError, GitLabErrorKind } from './errors';
import { stripControls } from './text';

/**
 * GitLab's message from an error body: `message` (string, or a `{field: [errors]}` object, flattened),
 * `error_description`, `error`; for a non-JSON body its text when short and not HTML. Control characters
 * are stripped: the text is shown to people.
 */
export function extractGitLabMessage(bodyText: string): string | undefined {
  const message = rawGitLabMessage(bodyText);
  return message === undefined ? undefined : stripControls(message);
}

function rawGitLabMessage(bodyText: string): string | undefined {
  const text = bodyText.trim();
  if (text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (looksLikeHtml(text) || text.length > 300) return undefined;
    return text;
  }
  if (typeof parsed === 'string') return parsed;
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const body = parsed as Record<string, unknown>;
  if (typeof body.message === 'string') return body.message;
  if (body.message && typeof body.message === 'object') return flattenFieldErrors(body.message as Record<string, unknown>);
  if (typeof body.error_description === 'string') return body.error_description;
  if (typeof body.error === 'string') return body.error;
  if (Array.isArray(body.errors)) {
    const parts = body.errors.map((e) => (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string'
      ? (e as { message: string }).message : String(e)));
    if (parts.length > 0) return parts.join('; ');
  }
  return undefined;
}

function flattenFieldErrors(fields: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    const list = Array.isArray(value) ? value.map(String).join(', ') : String(value);
    parts.push(field === 'base' ? list : `${field} ${list}`);
  }
  return parts.join('; ');
}

export function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body|<\?xml|<)/i.test(text);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 412: 'Precondition Failed', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** Parses Retry-After: delta seconds or an HTTP date. Returns seconds (>= 0) or undefined. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - now) / 1000);
}

/** Maps an HTTP error status and body to a GitLabError (kinds: docs/gitlab-api.md "Errors"). */
export function mapHttpError(
  status: number,
  bodyText: string,
  headers: { get(name: string): string | null },
  instance: string,
): GitLabError {
  const body = parseJsonObject(bodyText);
  const message = extractGitLabMessage(bodyText) ?? `${status} ${STATUS_TEXT[status] ?? 'HTTP error'}`;
  const errorCode = typeof body?.error === 'string' ? body.error : undefined;
  const make = (kind: GitLabErrorKind, extra: GitLabError['details'] = {}): GitLabError =>
    new GitLabError(kind, status, message, { instance, ...extra });

  switch (status) {
    case 401: {
      if (errorCode === 'invalid_token') {
        if (/expired/i.test(message)) return make('token_expired');
        if (/revoked/i.test(message)) return make('token_revoked');
      }
      return make('unauthorized');
    }
    case 403: {
      if (errorCode === 'insufficient_scope') {
        const scope = typeof body?.scope === 'string' ? body.scope : Array.isArray(body?.scope) ? body.scope.join(' ') : undefined;
        return make('insufficient_scope', scope ? { requiredScope: scope } : {});
      }
      if (/protected/i.test(message)) return make('protected');
      return make('forbidden');
    }
    case 404:
      return make('not_found');
    case 405:
      return make('method_not_allowed');
    case 429: {
      const retryAfter = parseRetryAfter(headers.get('retry-after'));
      return make('rate_limited', retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {});
    }
    case 503:
      return make('registry_unavailable');
    default:
      break;
  }
  if (status === 400 && /at most once an hour/i.test(message)) return make('bulk_rate_limited');
  if (status >= 500) return make('server_error');
  if (status >= 300 && status < 400) return make('bad_response');
  return make('bad_request');
}

// Typed errors with GitLab's own message kept. No error text ever contains a token: messages are built
// from status codes, GitLab's response body and URL paths only (never headers or query strings with secrets).

import { stripControls } from './text';

export type GitLabErrorKind =
  | 'unauthorized'        // 401: unknown token, or none where one is needed
  | 'token_expired'       // 401 invalid_token "Token is expired…"
  | 'token_revoked'       // 401 invalid_token "Token was revoked…"
  | 'insufficient_scope'  // 403 insufficient_scope: `requiredScope` names what is missing (deleting needs api)
  | 'forbidden'           // 403: role too low, registry disabled
  | 'protected'           // 403: protected tag or repository
  | 'not_found'           // 404: project / repository / tag (GitLab's message says which)
  | 'bulk_rate_limited'   // 400: bulk delete at most once an hour per repository
  | 'bad_request'         // other 400 / 422
  | 'rate_limited'        // 429 after the bounded retries ran out
  | 'registry_unavailable'// 503 from GitLab's registry helpers
  | 'server_error'        // other 5xx after retries
  | 'method_not_allowed'  // 405 (e.g. keyset pagination on a legacy registry)
  | 'network'             // connection refused/reset, DNS
  | 'timeout'             // per-request timeout
  | 'bad_response'        // not GitLab JSON: HTML login page, proxy page, truncated body, too large
  | 'cancelled';          // aborted by the caller

export interface GitLabErrorDetails {
  /** For insufficient_scope: the scope(s) GitLab says the route accepts (e.g. "api"). */
  requiredScope?: string;
  /** Host of the instance that answered (for bad_response and network errors). */
  instance?: string;
  /** For rate_limited: what Retry-After asked for. */
  retryAfterSeconds?: number;
  /**
   * This request may have been carried out although it failed: an attempt (an earlier one, or the last)
   * ended in a reset, a timeout or 500/502/504 after it was sent.
   */
  afterUncertainAttempt?: boolean;
  /** A write was sent and its effect could not be confirmed either way (see docs/gitlab-api.md "Uncertain outcomes"). */
  outcomeUnknown?: boolean;
}

export class GitLabError extends Error {
  /**
   * GitLab's message as it sent it (e.g. "404 Tag Not Found"), or a description of the failure; control
   * characters stripped here, the one door every server error text passes on its way to a person.
   */
  readonly gitlabMessage: string;

  constructor(
    readonly kind: GitLabErrorKind,
    /** HTTP status, when there was a response. */
    readonly status: number | undefined,
    gitlabMessage: string,
    readonly details: GitLabErrorDetails = {},
  ) {
    const clean = stripControls(gitlabMessage);
    super(GitLabError.summarize(status, clean));
    this.gitlabMessage = clean;
    this.name = 'GitLabError';
  }

  /** "<HTTP status> <GitLab's message>", without repeating the status when GitLab's text starts with it. */
  static summarize(status: number | undefined, message: string): string {
    if (status === undefined) return message;
    return message.startsWith(String(status)) ? message : `${status} ${message}`;
  }
}

/** Bad input from the user (invalid URL, regex, duration…): nothing was sent. The CLI exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The caller's AbortSignal fired: nothing further was sent. */
export function cancelledError(): GitLabError {
  return new GitLabError('cancelled', undefined, 'Cancelled.');
}

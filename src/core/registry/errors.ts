// Errors of the registry (Docker Registry V2 / OCI Distribution) client. Every message is one line in plain
// words that names the cause; it is built from status codes, the registry's error codes and messages, and
// URL paths, never from request headers. The password and tokens never reach a message: RegistryClient
// passes every message through its redactor before throwing.

export type RegistryErrorKind =
  | 'credentials'          // 401 after the token flow, the token service refused the credentials, or none given
  | 'no_delete_permission' // token granted without `delete` → 401 insufficient_scope on DELETE
  | 'denied'               // 403, or a write (push) refused while removing a tag
  | 'unknown_tag'          // 404: the tag (or the manifest digest) does not exist
  | 'deletes_disabled'     // 405 UNSUPPORTED: the registry does not allow deletes at all
  | 'conflict'             // 409: e.g. MANIFEST_REFERENCED (a multi-arch index still references the manifest)
  | 'network'              // connection refused/reset, DNS, TLS, timeout
  | 'bad_response'         // anything the client cannot make sense of (unexpected status, missing header, bad JSON)
  | 'cancelled';           // aborted by the caller

export class RegistryError extends Error {
  constructor(
    readonly kind: RegistryErrorKind,
    message: string,
    /** HTTP status, when there was a response. */
    readonly status?: number,
    /** The registry's error code (e.g. MANIFEST_UNKNOWN), when it sent one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** One entry of a registry error body: {"errors":[{"code":"…","message":"…","detail":…}]}. */
export interface RegistryErrorEntry {
  code: string;
  message: string;
}

/** Parses a registry error body; returns [] when the body is not the registry's JSON error shape. */
export function parseRegistryErrors(body: string): RegistryErrorEntry[] {
  try {
    const j = JSON.parse(body) as unknown;
    if (j && typeof j === 'object' && Array.isArray((j as { errors?: unknown }).errors)) {
      return ((j as { errors: unknown[] }).errors)
        .filter((e): e is Record<string, unknown> => !!e && typeof e === 'object')
        .map((e) => ({ code: String(e.code ?? ''), message: String(e.message ?? '') }));
    }
  } catch {
    /* not JSON */
  }
  return [];
}

/** "CODE: message" of the first registry error, or the first line of a non-JSON body (bounded), or ''. */
export function describeBody(body: string): string {
  const errs = parseRegistryErrors(body);
  if (errs.length) return errs.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ').slice(0, 300);
  try {
    const j = JSON.parse(body) as Record<string, unknown>;
    if (j && typeof j === 'object') {
      const m = j.message ?? j.error_description ?? j.error ?? j.details;
      if (typeof m === 'string') return m.slice(0, 300);
    }
  } catch {
    /* not JSON */
  }
  const line = body.split(/\r?\n/).find((l) => l.trim()) ?? '';
  // An HTML page (proxy, login page) says nothing useful on one line.
  if (/^\s*</.test(line)) return '';
  return line.trim().slice(0, 200);
}

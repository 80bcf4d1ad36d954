// Instance URL handling: one canonical form per instance, and refusal of anything that could leak a token
// (credentials in the URL, another scheme, plain http to a remote host).
import { UsageError } from './errors';
import { assertNoDotSegments } from './names';
import type { GroupRef, ProjectRef } from './types';

/**
 * Canonical instance base URL without a trailing slash: `https://gitlab.example.com` or
 * `https://host:8443/gitlab`. Adds https:// when no scheme is given, lower-cases the host, keeps the port
 * and a sub-path, drops trailing slashes and a trailing /api/v4. Throws UsageError for anything else.
 */
export function normalizeInstanceUrl(input: string): string {
  const raw = (typeof input === 'string' ? input : '').trim();
  if (raw === '') throw new UsageError('The GitLab URL is empty.');
  // A user:password@ part (perhaps a token) is refused before any message could quote it, even when it
  // looks like a scheme ("glpat-xyz:x@host").
  const authority = raw.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, '').replace(/^\/\//, '').split(/[/?#]/)[0];
  if (authority.includes('@')) {
    throw new UsageError('The GitLab URL must not contain credentials (user:password@); give the token separately.');
  }
  const shown = showUrl(raw);
  if (/\s/.test(raw)) throw new UsageError(`The GitLab URL "${shown}" contains spaces.`);
  if (raw.includes('\\')) throw new UsageError(`The GitLab URL "${shown}" contains a backslash.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw new UsageError(`The GitLab URL "${shown}" contains control characters.`);

  let candidate = raw;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw);
  // "host:8080/path" looks like a scheme followed by digits: treat it as host:port.
  const hostWithPort = scheme !== null && /^[^:/]+:\d+(\/|$)/.test(raw);
  if (scheme && !hostWithPort) {
    const name = scheme[1].toLowerCase();
    if (name !== 'http' && name !== 'https') {
      const what = name.length <= 12 ? `the scheme "${name}:"` : 'an unsupported scheme';
      throw new UsageError(`The GitLab URL must start with https:// (got ${what}).`);
    }
    if (!raw.slice(scheme[0].length).startsWith('//')) {
      throw new UsageError(`The GitLab URL "${shown}" is malformed: expected ${name}://host.`);
    }
  } else if (raw.startsWith('//')) {
    candidate = `https:${raw}`;
  } else {
    candidate = `https://${raw}`;
  }
  if (/[?#]/.test(candidate)) {
    throw new UsageError('The GitLab URL must not contain a query (?…) or fragment (#…).');
  }

  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new UsageError(`The GitLab URL "${shown}" is not a valid URL.`);
  }
  if (url.username !== '' || url.password !== '' || /^[a-z]+:\/\/[^/]*@/i.test(candidate)) {
    throw new UsageError('The GitLab URL must not contain credentials (user:password@); give the token separately.');
  }
  if (url.hostname === '') throw new UsageError(`The GitLab URL "${shown}" has no host.`);

  let path = url.pathname.replace(/\/+$/, '');
  path = path.replace(/\/api\/v4$/i, '').replace(/\/+$/, '');
  return `${url.protocol}//${url.host.toLowerCase()}${path}`;
}

/** The URL as typed, shortened, with anything before an '@' in the authority masked. */
function showUrl(raw: string): string {
  const masked = raw.replace(/^[^@/?#]*@/, '***@').replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^@/?#]*@/, '$1***@');
  return masked.length > 100 ? `${masked.slice(0, 97)}...` : masked;
}

/**
 * True for `localhost` itself, 127.0.0.0/8 and ::1 (with or without brackets, also IPv4-mapped as the URL
 * parser writes it: ::ffff:7f00:1). Not `*.localhost`: such a name is resolved by whatever DNS or hosts
 * file the machine has, so plain http to it could leave the machine (docs/gitlab-api.md "Transport").
 * The one answer for every plain-http decision: the GitLab API and the registry client alike.
 */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost') return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && Number(v4[1]) === 127;
  // IPv4-mapped loopback: ::ffff:7f00:1 (URL parser form) or ::ffff:127.0.0.1 (as typed).
  const mappedDotted = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(h);
  if (mappedDotted) return isLoopbackHost(mappedDotted[1]);
  return /^(?:0{0,4}:){0,5}:?ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h);
}

/** Refuses plain http:// to a non-loopback host unless explicitly allowed (the token would travel in clear). */
export function assertSafeTransport(url: string, allowHttp: boolean): void {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') return;
  if (parsed.protocol !== 'http:') throw new UsageError(`Unsupported scheme "${parsed.protocol}" in ${parsed.host}.`);
  if (allowHttp || isLoopbackHost(parsed.hostname)) return;
  throw new UsageError(
    `Refusing to send the token over plain http:// to ${parsed.host}: use https://, or allow http explicitly.`,
  );
}

/** A project or group reference as one URL path segment: numeric ids stay, full paths are encoded. */
export function encodeProjectRef(ref: ProjectRef | GroupRef): string {
  if (typeof ref === 'number') {
    if (!Number.isSafeInteger(ref) || ref <= 0) throw new UsageError(`Invalid project or group id: ${ref}`);
    return String(ref);
  }
  const trimmed = ref.trim().replace(/^\/+|\/+$/g, '');
  if (trimmed === '') throw new UsageError('The project or group path is empty.');
  if (/^\d+$/.test(trimmed)) return trimmed;
  return encodeURIComponent(assertNoDotSegments(trimmed, 'project or group path'));
}

/** A project or group path as encodeProjectRef reads it: surrounding blanks and slashes dropped. */
export function projectPathOf(ref: string): string {
  return ref.trim().replace(/^\/+|\/+$/g, '');
}

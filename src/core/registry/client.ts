// A small Docker Registry V2 / OCI Distribution client for one repository: the token flow (GitLab's
// /jwt/auth and any Docker-token-spec realm), Basic-challenge and anonymous registries, bounded retries
// for idempotent requests, timeouts, and manual redirects that drop credentials on any origin change.
//
// Credentials policy: the password goes only to the token realm (HTTP Basic) or, for a registry that
// asks for Basic itself, to the registry's origin; a bearer token goes only to the registry's origin.
// Never over plain HTTP to a non-loopback host unless the caller chose plainHttp. Every message and log
// line passes through `redact`, which blanks the password, the Basic header value and any token.
import * as crypto from 'crypto';
import fetch, { Headers } from 'node-fetch';
import { sleep } from '../concurrency';
import type { Logger } from '../types';
import { ACCEPT_ALL_MANIFESTS } from './mediaTypes';
import { isLoopbackHost } from './imageRef';
import { describeBody, parseRegistryErrors, RegistryError } from './errors';
import { parseWwwAuthenticate, type AuthChallenge } from './wwwAuthenticate';

export interface RegistryClientOptions {
  /** host[:port] as in the image reference */
  registry: string;
  /** host without port/brackets (decides loopback → plain HTTP) */
  hostname: string;
  repository: string;
  username?: string;
  password?: string;
  /** Speak plain HTTP to this registry (and allow its token realm over HTTP). Loopback hosts always do. */
  plainHttp?: boolean;
  /** Actions to ask the token service for, e.g. ['pull', 'delete']; more can be added with requireActions. */
  actions: string[];
  log?: Logger;
  signal?: AbortSignal;
  /** Per request (headers and body), ms. Default 30 000. */
  timeoutMs?: number;
  /** Extra attempts for GET/HEAD after network errors, 429 and 502-504. Default 2. */
  maxRetries?: number;
  userAgent?: string;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  url: string;
}

export interface ManifestInfo {
  digest: string;
  mediaType: string;
  size?: number;
}

export interface ManifestContent extends ManifestInfo {
  bytes: Buffer;
}

interface RequestOptions {
  headers?: Record<string, string>;
  body?: Buffer;
  /** null: ignore the caller's AbortSignal (used while the tag is temporarily re-pointed). */
  signal?: AbortSignal | null;
}

type Auth = { type: 'bearer'; token: string; scopes: string[] } | { type: 'basic' } | null;

const MAX_REDIRECTS = 5;
const MAX_BODY = 16 * 1024 * 1024;

/** The first sentence of a long server message (GitLab's 401 text runs to several sentences and a URL). */
function firstSentence(text: string): string {
  if (text.length <= 120) return text;
  const i = text.indexOf('. ');
  return i > 0 && i < 200 ? text.slice(0, i + 1) : text.slice(0, 200);
}

export function sha256Digest(data: Buffer | string): string {
  return 'sha256:' + crypto.createHash('sha256').update(data).digest('hex');
}

/** Waits, or stops waiting when the caller aborts (the loop then sees the signal). */
function pause(ms: number, signal?: AbortSignal | null): Promise<void> {
  return sleep(ms, signal ?? undefined).catch(() => undefined);
}

export class RegistryClient {
  readonly origin: string;
  readonly repository: string;
  private readonly opts: RegistryClientOptions;
  private actions: Set<string>;
  private auth: Auth = null;
  private readonly secrets: string[] = [];

  constructor(opts: RegistryClientOptions) {
    this.opts = opts;
    this.repository = opts.repository;
    const http = opts.plainHttp || isLoopbackHost(opts.hostname);
    this.origin = `${http ? 'http' : 'https'}://${opts.registry.toLowerCase()}`;
    this.actions = new Set(opts.actions);
    if (opts.password) {
      this.secrets.push(opts.password);
      this.secrets.push(Buffer.from(`${opts.username ?? ''}:${opts.password}`).toString('base64'));
    }
  }

  /** Display name of the repository, e.g. registry.gitlab.com/group/project */
  get name(): string {
    return `${this.opts.registry}/${this.repository}`;
  }

  get hasCredentials(): boolean {
    return !!(this.opts.username || this.opts.password);
  }

  /** Blanks the password, the Basic value and tokens in a text meant for output. */
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (s && s.length >= 1) out = out.split(s).join('***');
    return out;
  }

  error(kind: RegistryError['kind'], message: string, status?: number, code?: string): RegistryError {
    return new RegistryError(kind, this.redact(message), status, code);
  }

  private debug(msg: string): void {
    this.opts.log?.debug(this.redact(msg));
  }

  /** Adds actions (e.g. push) to later token requests. */
  requireActions(actions: string[]): void {
    for (const a of actions) this.actions.add(a);
  }

  private scopeFor(actions: Iterable<string>): string {
    return `repository:${this.repository}:${[...actions].join(',')}`;
  }

  // ------------------------------------------------------------------------------------------------
  // transport

  private allowedPlain(url: URL): boolean {
    return url.protocol === 'https:' || !!this.opts.plainHttp || isLoopbackHost(url.hostname);
  }

  /**
   * One request with manual redirects (at most 5, no https→http downgrade). `authFor` decides per hop
   * which Authorization header the target origin may get (none when the origin changed).
   */
  private async sendOnce(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    authFor: (origin: string) => string | undefined,
    signal: AbortSignal | null | undefined,
  ): Promise<RawResponse> {
    let current = url;
    let m = method;
    let b = body;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const u = new URL(current);
      const h: Record<string, string> = { 'User-Agent': this.opts.userAgent ?? 'glcr', ...headers };
      const a = authFor(u.origin);
      if (a) h.Authorization = a;
      const controller = new AbortController();
      const timeoutMs = this.opts.timeoutMs ?? 30_000;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
      const onAbort = () => controller.abort();
      if (signal?.aborted) controller.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const res = await fetch(current, {
          method: m,
          headers: h,
          body: b,
          redirect: 'manual',
          // node-fetch's AbortSignal type is structural; Node's AbortController fits it at run time.
          signal: controller.signal as unknown as never,
          size: MAX_BODY,
        });
        const buf = m === 'HEAD' ? Buffer.alloc(0) : await res.buffer();
        this.debug(`${m} ${u.origin}${u.pathname} → ${res.status}`);
        const loc = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && res.status !== 304 && loc) {
          const next = new URL(loc, current);
          if (u.protocol === 'https:' && next.protocol !== 'https:') {
            throw this.error('bad_response', `${u.origin} redirected to a plain-HTTP address; refusing to follow it`);
          }
          if (next.protocol !== 'https:' && next.protocol !== 'http:') {
            throw this.error('bad_response', `${u.origin} redirected to an unsupported address`);
          }
          current = next.toString();
          if (res.status === 303 || ((res.status === 301 || res.status === 302) && m === 'POST')) {
            m = m === 'HEAD' ? 'HEAD' : 'GET';
            b = undefined;
          }
          continue;
        }
        return { status: res.status, headers: res.headers, body: buf, url: current };
      } catch (e) {
        if (e instanceof RegistryError) throw e;
        if (signal?.aborted && !timedOut) throw this.error('cancelled', 'cancelled');
        const err = e as { code?: string; errno?: string; type?: string; message?: string };
        if (timedOut) throw this.error('network', `no answer from ${u.origin} within ${Math.round(timeoutMs / 1000)} s`);
        if (err.type === 'max-size') throw this.error('bad_response', `${u.origin} sent a response larger than 16 MB`);
        const code = err.code ?? err.errno ?? '';
        let hint = '';
        if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/i.test(code)) {
          hint = ' (the TLS certificate is not trusted: add its CA with NODE_EXTRA_CA_CERTS=<file.pem>)';
        } else if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(err.message ?? '')) {
          hint = ' (the server may speak plain HTTP: use --plain-http)';
        }
        const reason = code || (err.message ?? 'error').replace(/^request to \S+ failed, reason: /, '');
        throw this.error('network', `cannot reach ${u.origin}: ${reason}${hint}`);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    }
    throw this.error('bad_response', `too many redirects from ${new URL(url).origin}`);
  }

  /** sendOnce plus bounded retries for GET/HEAD (network errors, 429, 502, 503, 504). */
  private async send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    authFor: (origin: string) => string | undefined,
    signal: AbortSignal | null | undefined,
  ): Promise<RawResponse> {
    const idempotent = method === 'GET' || method === 'HEAD';
    const max = idempotent ? this.opts.maxRetries ?? 2 : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.sendOnce(method, url, headers, body, authFor, signal);
        if (attempt < max && [429, 502, 503, 504].includes(res.status)) {
          const ra = Number(res.headers.get('retry-after'));
          await pause(Number.isFinite(ra) && ra > 0 ? Math.min(ra * 1000, 5000) : 250 * 3 ** attempt, signal);
          if (signal?.aborted) throw this.error('cancelled', 'cancelled');
          continue;
        }
        return res;
      } catch (e) {
        if (e instanceof RegistryError && e.kind === 'network' && attempt < max) {
          await pause(250 * 3 ** attempt, signal);
          if (signal?.aborted) throw this.error('cancelled', 'cancelled');
          continue;
        }
        throw e;
      }
    }
  }

  private registryAuthFor = (origin: string): string | undefined => {
    if (origin !== this.origin || !this.auth) return undefined;
    if (this.auth.type === 'bearer') return `Bearer ${this.auth.token}`;
    return 'Basic ' + Buffer.from(`${this.opts.username ?? ''}:${this.opts.password ?? ''}`).toString('base64');
  };

  /**
   * A request to the registry (path starting with /v2/ or an absolute URL on the registry's origin, e.g. an
   * upload Location). Answers a 401 challenge once (token flow or Basic) and repeats the request.
   * Returns the final response whatever its status; callers classify it (see `fail`).
   */
  async request(method: string, pathOrUrl: string, ro: RequestOptions = {}): Promise<RawResponse> {
    const url = new URL(pathOrUrl, this.origin + '/').toString();
    const signal = ro.signal === null ? null : this.opts.signal;
    if (signal?.aborted) throw this.error('cancelled', 'cancelled');
    const headers = ro.headers ?? {};
    let res = await this.send(method, url, headers, ro.body, this.registryAuthFor, signal);
    if (res.status !== 401) return res;
    if (new URL(res.url).origin !== this.origin) return res;
    const challenges = parseWwwAuthenticate(res.headers.get('www-authenticate'));
    const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
    const basic = challenges.find((c) => c.scheme === 'basic');
    if (bearer) {
      const wanted = this.wantedScopes(bearer);
      const a = this.auth;
      const covered = a?.type === 'bearer' && wanted.every((s) => a.scopes.includes(s));
      if (covered && bearer.params.error === 'insufficient_scope') return res; // a new token would not help
      await this.fetchToken(bearer, wanted, signal);
    } else if (basic) {
      if (!this.hasCredentials || this.auth?.type === 'basic') return res;
      this.auth = { type: 'basic' };
    } else {
      return res;
    }
    res = await this.send(method, url, headers, ro.body, this.registryAuthFor, signal);
    return res;
  }

  /** Scopes for a token request: our repository with our actions (plus those the challenge names), and any other resource the challenge names. */
  private wantedScopes(ch: AuthChallenge): string[] {
    const actions = new Set(this.actions);
    const extra: string[] = [];
    for (const s of (ch.params.scope ?? '').split(' ').filter(Boolean)) {
      const m = /^repository:(.+):([^:]*)$/.exec(s);
      if (m && m[1] === this.repository) m[2].split(',').filter(Boolean).forEach((x) => actions.add(x));
      else extra.push(s);
    }
    return [this.scopeFor(actions), ...extra];
  }

  private async fetchToken(ch: AuthChallenge, scopes: string[], signal: AbortSignal | null | undefined): Promise<void> {
    let realm: URL;
    try {
      realm = new URL(ch.params.realm);
    } catch {
      throw this.error('bad_response', `the registry ${this.origin} sent an invalid token realm`);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw this.error('bad_response', `the registry ${this.origin} sent an unsupported token realm`);
    }
    const creds = this.hasCredentials;
    if (creds && !this.allowedPlain(realm)) {
      throw this.error(
        'credentials',
        `refusing to send the password to the token service ${realm.origin} over plain HTTP (use --plain-http to allow it)`,
      );
    }
    if (ch.params.service) realm.searchParams.set('service', ch.params.service);
    for (const s of scopes) realm.searchParams.append('scope', s);
    if (this.opts.username) realm.searchParams.set('account', this.opts.username);
    const realmOrigin = realm.origin;
    const basic = creds
      ? 'Basic ' + Buffer.from(`${this.opts.username ?? ''}:${this.opts.password ?? ''}`).toString('base64')
      : undefined;
    const res = await this.send('GET', realm.toString(), { Accept: 'application/json' }, undefined,
      (origin) => (origin === realmOrigin ? basic : undefined), signal);
    const detail = firstSentence(describeBody(res.body.toString('utf8')));
    if (res.status === 401) {
      throw this.error(
        'credentials',
        creds
          ? `the token service ${realmOrigin} refused the credentials of user "${this.opts.username ?? ''}"` +
              `${detail ? `: ${detail}` : ''}`
          : `the registry ${this.origin} requires credentials: pass -u USER --password-stdin or set CI_REGISTRY_USER and CI_REGISTRY_PASSWORD`,
        401,
      );
    }
    if (res.status === 403) {
      throw this.error('denied', `the token service ${realmOrigin} denied access to ${this.repository}${detail ? `: ${detail}` : ''}`, 403);
    }
    if (res.status !== 200) {
      throw this.error('bad_response', `the token service ${realmOrigin} answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`, res.status);
    }
    let token: unknown;
    try {
      const j = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
      token = j.token || j.access_token;
    } catch {
      /* below */
    }
    if (typeof token !== 'string' || !token) {
      throw this.error('bad_response', `the token service ${realmOrigin} answered without a token`);
    }
    this.secrets.push(token);
    this.auth = { type: 'bearer', token, scopes };
  }

  // ------------------------------------------------------------------------------------------------
  // classification

  /** Turns a non-success registry response into a RegistryError with a plain-words message. */
  fail(res: RawResponse, method: string, what: string): RegistryError {
    const text = res.body.toString('utf8');
    const errs = parseRegistryErrors(text);
    const code = errs[0]?.code;
    const detail = describeBody(text);
    const tail = detail ? ` (${detail})` : '';
    const s = res.status;
    if (s === 401) {
      const ch = parseWwwAuthenticate(res.headers.get('www-authenticate')).find((c) => c.scheme === 'bearer');
      const insufficient = ch?.params.error === 'insufficient_scope';
      if (!this.hasCredentials) {
        return this.error('credentials',
          `the registry ${this.origin} requires credentials to ${what}: pass -u USER --password-stdin or set CI_REGISTRY_USER and CI_REGISTRY_PASSWORD`, s, code);
      }
      if (insufficient && method === 'DELETE') {
        return this.error('no_delete_permission',
          `user "${this.opts.username ?? ''}" may not delete from ${this.name}: the registry granted a token without delete ` +
            '(on GitLab, deleting needs the Maintainer role on the project and a token with the api scope)', s, code);
      }
      if (insufficient && (method === 'PUT' || method === 'POST' || method === 'PATCH')) {
        return this.error('denied',
          `user "${this.opts.username ?? ''}" may not push to ${this.name}, which this registry needs to remove a single tag`, s, code);
      }
      if (insufficient) {
        return this.error('credentials',
          `user "${this.opts.username ?? ''}" has no read access to ${this.name}: check the image path (on GitLab, reading needs at least the Reporter role)`, s, code);
      }
      return this.error('credentials', `the registry ${this.origin} refused the credentials of user "${this.opts.username ?? ''}" to ${what}${tail}`, s, code);
    }
    if (s === 403) return this.error('denied', `the registry refused to ${what}: access denied${tail}`, s, code);
    if (s === 404) return this.error('unknown_tag', `cannot ${what}: not found${tail}`, s, code);
    if (s === 405) {
      return method === 'DELETE'
        ? this.error('deletes_disabled', `the registry ${this.origin} does not allow deletes (HTTP 405${code ? ` ${code}` : ''}); an administrator must enable them`, s, code)
        : this.error('bad_response', `the registry refused to ${what}: HTTP 405${tail}`, s, code);
    }
    if (s === 409) return this.error('conflict', `the registry refused to ${what}: conflict${tail}`, s, code);
    return this.error('bad_response', `the registry answered HTTP ${s} when asked to ${what}${tail}`, s, code);
  }

  // ------------------------------------------------------------------------------------------------
  // operations

  /** HEAD a manifest by tag or digest; null when it does not exist (404). */
  async headManifest(reference: string): Promise<ManifestInfo | null> {
    const path = `/v2/${this.repository}/manifests/${reference}`;
    const res = await this.request('HEAD', path, { headers: { Accept: ACCEPT_ALL_MANIFESTS } });
    if (res.status === 404) return null;
    if (res.status !== 200) throw this.fail(res, 'HEAD', `look up ${this.name}:${reference}`);
    const digest = res.headers.get('docker-content-digest');
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    const len = Number(res.headers.get('content-length'));
    if (digest && /^sha(256|512):[a-f0-9]+$/.test(digest)) {
      return { digest, mediaType, size: Number.isFinite(len) ? len : undefined };
    }
    const full = await this.getManifest(reference);
    return full && { digest: full.digest, mediaType: full.mediaType, size: full.size };
  }

  /** GET a manifest with its exact bytes; null on 404. */
  async getManifest(reference: string): Promise<ManifestContent | null> {
    const path = `/v2/${this.repository}/manifests/${reference}`;
    const res = await this.request('GET', path, { headers: { Accept: ACCEPT_ALL_MANIFESTS } });
    if (res.status === 404) return null;
    if (res.status !== 200) throw this.fail(res, 'GET', `read ${this.name}:${reference}`);
    const computed = sha256Digest(res.body);
    const header = res.headers.get('docker-content-digest');
    let mediaType = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    try {
      const j = JSON.parse(res.body.toString('utf8')) as { mediaType?: unknown };
      if (typeof j.mediaType === 'string' && j.mediaType) mediaType = j.mediaType;
    } catch {
      throw this.error('bad_response', `the manifest of ${this.name}:${reference} is not JSON`);
    }
    if (reference.startsWith('sha256:') && computed !== reference) {
      throw this.error('bad_response', `the registry returned a manifest whose digest does not match ${reference}`);
    }
    return { digest: header && header.startsWith('sha512:') ? header : computed, mediaType, size: res.body.length, bytes: res.body };
  }

  /** DELETE /v2/<name>/manifests/<reference>; returns the raw response for the caller to judge. */
  deleteManifest(reference: string, ro: RequestOptions = {}): Promise<RawResponse> {
    return this.request('DELETE', `/v2/${this.repository}/manifests/${reference}`, {
      ...ro,
      headers: { Accept: ACCEPT_ALL_MANIFESTS, ...(ro.headers ?? {}) },
    });
  }

  /** PUT a manifest under a tag (or digest); returns the digest the registry reports (or computes). */
  async putManifest(reference: string, bytes: Buffer, mediaType: string, ro: RequestOptions = {}): Promise<string> {
    const res = await this.request('PUT', `/v2/${this.repository}/manifests/${reference}`, {
      ...ro,
      headers: { 'Content-Type': mediaType },
      body: bytes,
    });
    if (res.status !== 201 && res.status !== 200 && res.status !== 202) {
      throw this.fail(res, 'PUT', `write a manifest to ${this.name}:${reference}`);
    }
    return res.headers.get('docker-content-digest') || sha256Digest(bytes);
  }

  /** Monolithic blob upload: POST /blobs/uploads/ then PUT <location>?digest=. Returns the digest. */
  async uploadBlob(data: Buffer, ro: RequestOptions = {}): Promise<string> {
    const digest = sha256Digest(data);
    const start = await this.request('POST', `/v2/${this.repository}/blobs/uploads/`, {
      ...ro,
      headers: { 'Content-Length': '0' },
      body: Buffer.alloc(0),
    });
    if (start.status !== 202) throw this.fail(start, 'POST', `start a blob upload to ${this.name}`);
    const loc = start.headers.get('location');
    if (!loc) throw this.error('bad_response', `the registry started an upload to ${this.name} without a Location`);
    const url = new URL(loc, start.url);
    if (url.origin !== this.origin) {
      throw this.error('bad_response', `the registry sent an upload location on another origin (${url.origin}); not sending credentials there`);
    }
    url.searchParams.set('digest', digest);
    const put = await this.request('PUT', url.toString(), {
      ...ro,
      headers: { 'Content-Type': 'application/octet-stream' },
      body: data,
    });
    if (put.status !== 201 && put.status !== 204 && put.status !== 200) {
      throw this.fail(put, 'PUT', `upload a blob to ${this.name}`);
    }
    return digest;
  }

  /** Every tag of the repository (follows Link rel="next", at most `maxPages` pages). [] when the repository is unknown. */
  async listTags(maxPages = 1000): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `/v2/${this.repository}/tags/list`;
    for (let page = 0; next; page++) {
      if (page >= maxPages) throw this.error('bad_response', `the tag list of ${this.name} has more than ${maxPages} pages`);
      const res = await this.request('GET', next, { headers: { Accept: 'application/json' } });
      if (res.status === 404) return tags; // NAME_UNKNOWN: no tags (left)
      if (res.status !== 200) throw this.fail(res, 'GET', `list the tags of ${this.name}`);
      let body: { tags?: unknown };
      try {
        body = JSON.parse(res.body.toString('utf8')) as { tags?: unknown };
      } catch {
        throw this.error('bad_response', `the tag list of ${this.name} is not JSON`);
      }
      if (body.tags != null && !Array.isArray(body.tags)) throw this.error('bad_response', `the tag list of ${this.name} has no tags array`);
      const pageTags = ((body.tags as unknown[] | null) ?? []).filter((t): t is string => typeof t === 'string');
      tags.push(...pageTags);
      next = undefined;
      const link = res.headers.get('link');
      const m = link ? /<([^>]+)>\s*;[^,]*rel="?next"?/i.exec(link) : null;
      if (m && pageTags.length > 0) {
        const u = new URL(m[1], res.url);
        if (u.origin !== this.origin) throw this.error('bad_response', `the tag list of ${this.name} links to another origin (${u.origin})`);
        next = u.toString();
      }
    }
    return tags;
  }
}

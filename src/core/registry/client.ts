// A small Docker Registry V2 / OCI Distribution client for one repository: the token flow (GitLab's
// /jwt/auth and any Docker-token-spec realm), Basic-challenge and anonymous registries, error
// classification and the manifest, blob and tag-list operations. HTTP (timeouts, retries, redirects that
// drop credentials on any origin change) is transport.ts.
//
// Credentials policy: the password goes only to a trusted token realm (HTTP Basic; see credentialPolicy.ts)
// or, for a registry that asks for Basic itself, to the registry's origin; a bearer token goes only to the
// registry's origin. Never over plain HTTP to a non-loopback host unless the caller chose plainHttp. Every
// message and log line passes through `redact`, which blanks the password, the Basic header value and any
// token, and through stripControls: registry text reaches a terminal.
import * as crypto from 'crypto';
import type { Logger } from '../types';
import { ACCEPT_ALL_MANIFESTS } from './mediaTypes';
import { stripControls } from '../text';
import { isLoopbackHost } from './imageRef';
import { isTagName } from '../names';
import { describeBody, parseRegistryErrors, RegistryError } from './errors';
import { HOW_TO_PASS_CREDENTIALS, requestToken } from './tokenService';
import { Transport, type RawResponse, type TransportOptions } from './transport';
import { parseWwwAuthenticate, type AuthChallenge } from './wwwAuthenticate';

export interface RegistryClientOptions extends TransportOptions {
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
  /**
   * Origins besides the registry's own host whose token realm may receive the password (the GitLab
   * instance the user configured). A realm anywhere else gets no credentials.
   */
  trustedRealmOrigins?: string[];
}

export type { RawResponse };

export interface ManifestInfo {
  digest: string;
  mediaType: string;
  size?: number;
}

export interface ManifestContent extends ManifestInfo {
  bytes: Buffer;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: Buffer;
  /** null: ignore the caller's AbortSignal (writes, and the look-ups that settle a write's outcome, run to their end). */
  signal?: AbortSignal | null;
}

type Auth = { type: 'bearer'; token: string; scopes: string[] } | { type: 'basic' } | null;

export function sha256Digest(data: Buffer | string): string {
  return 'sha256:' + crypto.createHash('sha256').update(data).digest('hex');
}

export class RegistryClient {
  readonly origin: string;
  readonly repository: string;
  private readonly opts: RegistryClientOptions;
  private actions: Set<string>;
  private auth: Auth = null;
  private readonly secrets: string[] = [];
  private readonly transport: Transport;

  constructor(opts: RegistryClientOptions) {
    this.opts = opts;
    this.repository = opts.repository;
    const http = opts.plainHttp || isLoopbackHost(opts.hostname);
    this.origin = `${http ? 'http' : 'https'}://${opts.registry.toLowerCase()}`;
    this.actions = new Set(opts.actions);
    this.transport = new Transport(opts, (kind, message, status) => this.error(kind, message, status), (line) => this.debug(line));
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
    return new RegistryError(kind, stripControls(this.redact(message)), status, code);
  }

  private debug(msg: string): void {
    this.opts.log?.debug(stripControls(this.redact(msg)));
  }

  /** Adds actions (e.g. push) to later token requests. */
  requireActions(actions: string[]): void {
    for (const a of actions) this.actions.add(a);
  }

  private scopeFor(actions: Iterable<string>): string {
    return `repository:${this.repository}:${[...actions].join(',')}`;
  }

  // ------------------------------------------------------------------------------------------------
  // authentication

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
    // The first request finds out whether and how the registry wants authentication; requests started
    // meanwhile wait for it instead of each collecting its own 401 and token (C manifests at once would
    // otherwise cost C extra round trips and C token requests).
    if (!this.probed && this.probing) await this.probing;
    else if (!this.probed) {
      const first = this.requestOnce(method, url, headers, ro.body, signal);
      this.probing = first.then(() => undefined, () => undefined).finally(() => (this.probed = true));
      return first;
    }
    return this.requestOnce(method, url, headers, ro.body, signal);
  }

  private probed = false;
  private probing?: Promise<unknown>;
  /** The token request under way, shared by every request that met a 401 for the same scopes meanwhile. */
  private pendingToken?: { key: string; token: Promise<string> };

  private async requestOnce(method: string, url: string, headers: Record<string, string>, body: RequestOptions['body'], signal: AbortSignal | null | undefined): Promise<RawResponse> {
    let res = await this.transport.send({ method, url, headers, body, authFor: this.registryAuthFor, signal });
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
      const key = wanted.join(' ');
      if (this.pendingToken?.key !== key) {
        const token = requestToken({
        challenge: bearer,
        scopes: wanted,
        signal,
        registryOrigin: this.origin,
        registryHostname: this.opts.hostname,
        repository: this.repository,
        username: this.opts.username,
        password: this.opts.password,
        plainHttp: !!this.opts.plainHttp,
        trustedRealmOrigins: this.opts.trustedRealmOrigins ?? [],
        transport: this.transport,
        error: (kind, message, status) => this.error(kind, message, status),
        });
        const pending = { key, token };
        this.pendingToken = pending;
        void token.catch(() => undefined).finally(() => {
          if (this.pendingToken === pending) this.pendingToken = undefined;
        });
      }
      const token = await this.pendingToken.token;
      if (!this.secrets.includes(token)) this.secrets.push(token);
      this.auth = { type: 'bearer', token, scopes: wanted };
    } else if (basic) {
      if (!this.hasCredentials || this.auth?.type === 'basic') return res;
      this.auth = { type: 'basic' };
    } else {
      return res;
    }
    res = await this.transport.send({ method, url, headers, body, authFor: this.registryAuthFor, signal });
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
          `the registry ${this.origin} requires credentials to ${what}: ${HOW_TO_PASS_CREDENTIALS}`, s, code);
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
  async headManifest(reference: string, ro: RequestOptions = {}): Promise<ManifestInfo | null> {
    const path = `/v2/${this.repository}/manifests/${reference}`;
    const res = await this.request('HEAD', path, { ...ro, headers: { Accept: ACCEPT_ALL_MANIFESTS } });
    if (res.status === 404) return null;
    if (res.status !== 200) throw this.fail(res, 'HEAD', `look up ${this.name}:${reference}`);
    const digest = res.headers.get('docker-content-digest');
    const mediaType = stripControls((res.headers.get('content-type') ?? '').split(';')[0].trim());
    const len = Number(res.headers.get('content-length'));
    if (digest && /^sha(256|512):[a-f0-9]+$/.test(digest)) {
      return { digest, mediaType, size: Number.isFinite(len) ? len : undefined };
    }
    const full = await this.getManifest(reference, ro);
    return full && { digest: full.digest, mediaType: full.mediaType, size: full.size };
  }

  /**
   * GET a manifest with its exact bytes and the digest computed from them; null on 404. A registry whose
   * sha256 Docker-Content-Digest disagrees with the bytes it sent is refused: nothing may later be deleted
   * by a digest the client did not compute.
   */
  async getManifest(reference: string, ro: RequestOptions = {}): Promise<ManifestContent | null> {
    const path = `/v2/${this.repository}/manifests/${reference}`;
    const res = await this.request('GET', path, { ...ro, headers: { Accept: ACCEPT_ALL_MANIFESTS } });
    if (res.status === 404) return null;
    if (res.status !== 200) throw this.fail(res, 'GET', `read ${this.name}:${reference}`);
    const computed = sha256Digest(res.body);
    const header = res.headers.get('docker-content-digest');
    let mediaType = stripControls((res.headers.get('content-type') ?? '').split(';')[0].trim());
    try {
      const j = JSON.parse(res.body.toString('utf8')) as { mediaType?: unknown };
      if (typeof j.mediaType === 'string' && j.mediaType) mediaType = stripControls(j.mediaType);
    } catch {
      throw this.error('bad_response', `the manifest of ${this.name}:${reference} is not JSON`);
    }
    if (reference.startsWith('sha256:') && computed !== reference) {
      throw this.error('bad_response', `the registry returned a manifest whose digest does not match ${reference}`);
    }
    if (header && header.startsWith('sha256:') && header !== computed) {
      throw this.error('bad_response',
        `the registry reported digest ${header.slice(0, 71)} for ${this.name}:${reference}, but the manifest it sent hashes to ${computed}`);
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

  /**
   * PUT a manifest under a tag (or digest); returns the digest the registry reports in Docker-Content-Digest
   * (undefined when it sends none). Callers compare it with the digest they computed themselves.
   */
  async putManifest(reference: string, bytes: Buffer, mediaType: string, ro: RequestOptions = {}): Promise<string | undefined> {
    const res = await this.request('PUT', `/v2/${this.repository}/manifests/${reference}`, {
      ...ro,
      headers: { 'Content-Type': mediaType },
      body: bytes,
    });
    if (res.status !== 201 && res.status !== 200 && res.status !== 202) {
      throw this.fail(res, 'PUT', `write a manifest to ${this.name}:${reference}`);
    }
    return res.headers.get('docker-content-digest')?.trim() || undefined;
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
      // A name outside the tag grammar (control characters, "..", slashes) is no tag: never put into a path or printed.
      let invalid = 0;
      for (const t of pageTags) {
        if (isTagName(t)) tags.push(t); // not push(...): one registry page may hold every tag
        else invalid++;
      }
      if (invalid > 0) this.debug(`ignored ${invalid} invalid tag name(s) in the tag list of ${this.name}`);
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

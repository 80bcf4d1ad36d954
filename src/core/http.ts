// The one request function everything in core goes through: URL building, the token header, timeouts,
// bounded retries (idempotent requests only), 429/Retry-After handling, same-origin redirects, response
// parsing with a size cap and typed errors. The token lives only in a request header: never in a URL,
// a message or a log line.
import nodeFetch, { Headers, RequestInit, Response } from 'node-fetch';
import { Slots, sleep } from './concurrency';
import { GitLabError, cancelledError } from './errors';
import { looksLikeHtml, mapHttpError, parseRetryAfter } from './errorMapping';
import type { Credential, Logger } from './types';
import { assertSafeTransport, normalizeInstanceUrl } from './url';

export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
export type QueryValue = string | number | boolean | undefined | null;

export interface HttpClientOptions {
  /** Normalised instance URL (normalizeInstanceUrl). */
  baseUrl: string;
  credential?: Credential;
  /** Per-attempt timeout covering headers and body. Default 30 000 ms. */
  timeoutMs?: number;
  /** Extra attempts for retryable failures (and for 429). Default 4, so at most 5 attempts. */
  maxRetries?: number;
  log?: Logger;
  userAgent?: string;
  /** Replaces node-fetch (tests wrap it to count requests in flight). */
  fetch?: FetchFn;
  /** First backoff delay; doubles per attempt, with jitter. Default 500 ms. */
  retryBaseMs?: number;
  /** Cap for one backoff delay. Default 10 000 ms. */
  retryMaxDelayMs?: number;
  /** A Retry-After (or RateLimit-Reset pause) longer than this is not waited for. Default 120 s. */
  maxRetryAfterSeconds?: number;
  /** Response bodies larger than this are refused. Default 50 MB. */
  maxResponseBytes?: number;
  /**
   * Requests in flight for this account at most (the client's `concurrency`), so that work spread over
   * many repositories at once (a group rule) keeps the one bound. Absent = unbounded here.
   */
  maxInFlight?: number;
}

export interface RequestSpec {
  method?: HttpMethod;
  /** Path below /api/v4, starting with '/', may carry a query (e.g. a pagination cursor). */
  path: string;
  /** Added to (or replacing) the path's query parameters; undefined/null values are skipped. */
  query?: Record<string, QueryValue>;
  /** JSON request body. */
  body?: unknown;
  /**
   * Safe to repeat: retried on 500/502/503/504, connection reset and timeouts. Defaults to true for GET and
   * HEAD and false otherwise; DELETE of a single tag passes true explicitly. 429 is retried regardless.
   */
  idempotent?: boolean;
  /** Parse the body as JSON (default true); false drains and ignores it (202/204 answers). */
  expectJson?: boolean;
  signal?: AbortSignal;
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  data: T;
  /** An earlier attempt may have reached GitLab before this one answered. */
  afterUncertainAttempt: boolean;
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504]);
/** Statuses after which the request may have been carried out although it failed. */
const UNCERTAIN_STATUS = new Set([500, 502, 504]);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const MAX_REDIRECTS = 5;

type AttemptFailure =
  | { type: 'http'; error: GitLabError; status: number; headers: Headers }
  | { type: 'timeout' }
  | { type: 'reset'; code: string }
  | { type: 'refused'; code: string }
  | { type: 'network'; code: string };

/**
 * The HttpClient for a client's options: the base URL normalised, plain http:// to a non-loopback host
 * refused unless allowed (UsageError, nothing sent), and the transport settings passed on.
 */
export function createHttpClient(
  options: Omit<HttpClientOptions, 'baseUrl'> & { baseUrl: string; allowHttp?: boolean; concurrency?: number },
): HttpClient {
  const baseUrl = normalizeInstanceUrl(options.baseUrl);
  assertSafeTransport(baseUrl, options.allowHttp === true);
  const { allowHttp: _ignored, concurrency, ...transport } = options;
  return new HttpClient({ ...transport, baseUrl, maxInFlight: transport.maxInFlight ?? concurrency ?? 8 });
}

export class HttpClient {
  readonly baseUrl: string;
  readonly origin: string;
  readonly host: string;
  private readonly apiRoot: string;
  private readonly fetchFn: FetchFn;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly maxResponseBytes: number;
  /** No request starts before this time (429 Retry-After, RateLimit-Remaining: 0). */
  private pauseUntil = 0;
  private readonly slots?: Slots;
  /** Set once a connection to the instance worked: later "connection refused" is a restart, worth retrying. */
  private connectedOnce = false;

  constructor(private readonly opts: HttpClientOptions) {
    this.baseUrl = opts.baseUrl;
    const parsed = new URL(opts.baseUrl);
    this.origin = parsed.origin;
    this.host = parsed.host;
    this.apiRoot = `${opts.baseUrl}/api/v4`;
    this.fetchFn = opts.fetch ?? (nodeFetch as unknown as FetchFn);
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(0, opts.maxRetries ?? 4) + 1;
    this.retryBaseMs = opts.retryBaseMs ?? 500;
    this.retryMaxDelayMs = opts.retryMaxDelayMs ?? 10_000;
    this.maxRetryAfterMs = (opts.maxRetryAfterSeconds ?? 120) * 1000;
    this.maxResponseBytes = opts.maxResponseBytes ?? 50 * 1024 * 1024;
    if (opts.maxInFlight !== undefined) this.slots = new Slots(opts.maxInFlight);
  }

  get credentialKind(): Credential['kind'] | undefined {
    return this.opts.credential?.kind;
  }

  /** Absolute URL of an API path (below /api/v4) with the query merged in. */
  apiUrl(path: string, query?: Record<string, QueryValue>): string {
    if (!path.startsWith('/') || path.startsWith('//')) throw new Error(`API path must start with one '/': ${path}`);
    const url = new URL(this.apiRoot + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    }
    return url.toString();
  }

  async request<T = unknown>(spec: RequestSpec): Promise<HttpResult<T>> {
    const method = spec.method ?? 'GET';
    const idempotent = spec.idempotent ?? (method === 'GET' || method === 'HEAD');
    const url = this.apiUrl(spec.path, spec.query);
    const signal = spec.signal;
    let uncertain = false;

    for (let attempt = 1; ; attempt++) {
      await this.waitForPause(signal);
      const send = () => this.attempt<T>(method, url, spec, signal);
      const outcome = await (this.slots ? this.slots.run(send) : send());
      if (outcome.ok) return { ...outcome.result, afterUncertainAttempt: uncertain };
      const failure = outcome.failure;
      const canRetry = attempt < this.maxAttempts;

      if (failure.type === 'http') {
        if (failure.status === 429) {
          const retryAfter = parseRetryAfter(failure.headers.get('retry-after'));
          const waitMs = retryAfter !== undefined ? Math.ceil(retryAfter * 1000) : this.backoff(attempt);
          if (canRetry && waitMs <= this.maxRetryAfterMs) {
            this.pause(waitMs);
            continue;
          }
          throw this.finalize(failure.error, uncertain);
        }
        if (UNCERTAIN_STATUS.has(failure.status)) uncertain = true;
        if (idempotent && canRetry && RETRYABLE_STATUS.has(failure.status)) {
          await this.backoffSleep(attempt, signal);
          continue;
        }
        throw this.finalize(failure.error, uncertain);
      }

      const retryable = failure.type === 'timeout' || failure.type === 'reset' || (failure.type === 'refused' && this.connectedOnce);
      if (failure.type === 'timeout' || failure.type === 'reset') uncertain = true;
      if (idempotent && canRetry && retryable) {
        await this.backoffSleep(attempt, signal);
        continue;
      }
      throw this.finalize(this.transportError(failure, method, url), uncertain);
    }
  }

  /** One attempt, following same-origin redirects. Never throws except for caller cancellation. */
  private async attempt<T>(
    method: HttpMethod,
    startUrl: string,
    spec: RequestSpec,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; result: Omit<HttpResult<T>, 'afterUncertainAttempt'> } | { ok: false; failure: AttemptFailure }> {
    if (signal?.aborted) throw cancelledError();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    const started = Date.now();
    let url = startUrl;
    let currentMethod = method;
    let status = 0;
    try {
      for (let hop = 0; ; hop++) {
        const res = await this.fetchFn(url, {
          method: currentMethod,
          headers: this.headers(spec.body !== undefined && currentMethod !== 'GET'),
          body: spec.body !== undefined && currentMethod !== 'GET' ? JSON.stringify(spec.body) : undefined,
          redirect: 'manual',
          compress: true,
          signal: controller.signal as unknown as RequestInit['signal'],
        });
        this.connectedOnce = true;
        status = res.status;
        this.notePacing(res.headers);
        if (status >= 300 && status < 400 && res.headers.get('location')) {
          await discard(res);
          const target = new URL(res.headers.get('location') as string, url);
          if (target.origin !== this.origin) {
            throw new GitLabError('bad_response', status,
              `${this.host} redirected the request to another origin (${target.origin}); not followed, so the token is only sent to ${this.host}. Check the instance URL.`,
              { instance: this.host });
          }
          if (hop >= MAX_REDIRECTS) {
            throw new GitLabError('bad_response', status,
              `${this.host} redirected too many times.`, { instance: this.host });
          }
          if (status === 303 || ((status === 301 || status === 302) && currentMethod !== 'GET' && currentMethod !== 'HEAD')) {
            if (status !== 303) {
              throw new GitLabError('bad_response', status,
                `${this.host} redirected a ${currentMethod} request; not followed.`, { instance: this.host });
            }
            currentMethod = 'GET';
          }
          this.log(`${currentMethod} ${this.logPath(url)} ${status} redirect → ${this.logPath(target.toString())}`);
          url = target.toString();
          continue;
        }

        const text = await this.readBody(res, controller);
        if (status >= 200 && status < 300) {
          const data = spec.expectJson === false ? (undefined as T) : this.parseJson<T>(text, status);
          this.log(`${currentMethod} ${this.logPath(url)} ${status} ${Date.now() - started}ms`);
          return { ok: true, result: { status, headers: res.headers, data } };
        }
        const error = this.describeNonJsonError(mapHttpError(status, text, res.headers, this.host), text);
        this.log(`${currentMethod} ${this.logPath(url)} ${status} ${Date.now() - started}ms`);
        return { ok: false, failure: { type: 'http', error: this.redactError(error), status, headers: res.headers } };
      }
    } catch (err) {
      if (signal?.aborted && !timedOut) {
        this.log(`${currentMethod} ${this.logPath(url)} cancelled ${Date.now() - started}ms`);
        throw cancelledError();
      }
      if (err instanceof GitLabError) {
        // bad_response from body parsing or the size cap: not retried.
        this.log(`${currentMethod} ${this.logPath(url)} ${status || '-'} ${err.kind} ${Date.now() - started}ms`);
        throw this.redactError(err);
      }
      const failure = timedOut ? ({ type: 'timeout' } as const) : classifyNetworkError(err);
      this.log(`${currentMethod} ${this.logPath(url)} ${failure.type}${'code' in failure ? ` ${failure.code}` : ''} ${Date.now() - started}ms`);
      return { ok: false, failure };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private headers(withJsonBody: boolean): Record<string, string> {
    const h: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.opts.userAgent ?? 'glcr (GitLab Container Registry client)',
    };
    if (withJsonBody) h['Content-Type'] = 'application/json';
    const c = this.opts.credential;
    if (c && c.value) h[c.kind === 'job' ? 'JOB-TOKEN' : 'PRIVATE-TOKEN'] = c.value;
    return h;
  }

  /** Reads the body counting bytes; over the cap the request is aborted and refused. */
  private async readBody(res: Response, controller: AbortController): Promise<string> {
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > this.maxResponseBytes) {
      controller.abort();
      throw this.tooLarge();
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const body = res.body as NodeJS.ReadableStream | Buffer | string | null;
    if (!body) return '';
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      // node-fetch keeps a Response built from a Buffer/string as is (wrapped fetches in tests).
      const buf = typeof body === 'string' ? Buffer.from(body) : body;
      if (buf.length > this.maxResponseBytes) throw this.tooLarge();
      return buf.toString('utf8');
    }
    for await (const chunk of body as AsyncIterable<Buffer | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += buf.length;
      if (total > this.maxResponseBytes) {
        controller.abort();
        throw this.tooLarge();
      }
      chunks.push(buf);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private tooLarge(): GitLabError {
    const mb = Math.round(this.maxResponseBytes / (1024 * 1024));
    return new GitLabError('bad_response', undefined,
      `The response from ${this.host} is larger than ${mb > 0 ? `${mb} MB` : `${this.maxResponseBytes} bytes`}; refused.`,
      { instance: this.host });
  }

  private parseJson<T>(text: string, status: number): T {
    const trimmed = text.trim();
    if (trimmed === '') {
      throw new GitLabError('bad_response', status, `${this.host} sent an empty response where GitLab sends JSON.`, { instance: this.host });
    }
    try {
      return JSON.parse(trimmed) as T;
    } catch {
      const what = looksLikeHtml(trimmed)
        ? 'an HTML page (a login page or a proxy page?) instead of GitLab JSON — is this the GitLab instance URL?'
        : 'a response that is not valid JSON (truncated or not GitLab?)';
      throw new GitLabError('bad_response', status, `${this.host} sent ${what}`, { instance: this.host });
    }
  }

  /**
   * An error answered with an HTML page (a proxy's 502, an SSO login page) carries no GitLab message: say
   * which host answered and what it was, instead of a bare status line.
   */
  private describeNonJsonError(error: GitLabError, text: string): GitLabError {
    if (!looksLikeHtml(text.trim()) || error.status === undefined) return error;
    const html = `${error.gitlabMessage} from ${this.host} (an HTML page instead of GitLab's JSON: a proxy or login page in front of GitLab?)`;
    return new GitLabError(error.kind, error.status, html, error.details);
  }

  private transportError(failure: AttemptFailure, method: string, url: string): GitLabError {
    const where = `${method} ${this.logPath(url)}`;
    switch (failure.type) {
      case 'timeout':
        return new GitLabError('timeout', undefined, `${this.host} did not answer within ${this.timeoutMs} ms (${where}).`, { instance: this.host });
      case 'reset':
        return new GitLabError('network', undefined, `The connection to ${this.host} was reset (${failure.code}; ${where}).`, { instance: this.host });
      case 'refused':
      case 'network':
        return new GitLabError('network', undefined, `Cannot reach ${this.host} (${failure.code}; ${where}).`, { instance: this.host });
      default:
        return failure.error;
    }
  }

  private finalize(error: GitLabError, uncertain: boolean): GitLabError {
    if (uncertain) error.details.afterUncertainAttempt = true;
    return error;
  }

  /** Defence in depth: a server echoing the token back must not put it into an error message. */
  private redactError(error: GitLabError): GitLabError {
    const secret = this.opts.credential?.value;
    if (!secret || !error.gitlabMessage.includes(secret)) return error;
    return new GitLabError(error.kind, error.status, this.redact(error.gitlabMessage), error.details);
  }

  private redact(text: string): string {
    const secret = this.opts.credential?.value;
    return secret ? text.split(secret).join('[REDACTED]') : text;
  }

  private logPath(url: string): string {
    try {
      const u = new URL(url);
      return this.redact(u.origin === this.origin ? u.pathname + u.search : u.origin + u.pathname);
    } catch {
      return '?';
    }
  }

  private log(line: string): void {
    this.opts.log?.debug(this.redact(line));
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.retryMaxDelayMs, this.retryBaseMs * 2 ** (attempt - 1));
    return Math.round(base / 2 + Math.random() * (base / 2));
  }

  private async backoffSleep(attempt: number, signal?: AbortSignal): Promise<void> {
    try {
      await sleep(this.backoff(attempt), signal);
    } catch {
      throw cancelledError();
    }
  }

  private pause(ms: number): void {
    this.pauseUntil = Math.max(this.pauseUntil, Date.now() + ms);
  }

  /** RateLimit-Remaining: 0 with a RateLimit-Reset in the near future: hold the next requests until then. */
  private notePacing(headers: Headers): void {
    const remaining = headers.get('ratelimit-remaining');
    const reset = headers.get('ratelimit-reset');
    if (remaining === null || reset === null || Number(remaining) > 0) return;
    const resetMs = Number(reset) * 1000;
    const wait = resetMs - Date.now();
    if (Number.isFinite(wait) && wait > 0 && wait <= this.maxRetryAfterMs) this.pause(wait);
  }

  private async waitForPause(signal?: AbortSignal): Promise<void> {
    // Loop: another request may extend the pause while this one waits.
    for (let i = 0; i < 100; i++) {
      const wait = this.pauseUntil - Date.now();
      if (wait <= 0) return;
      try {
        await sleep(wait, signal);
      } catch {
        throw cancelledError();
      }
    }
  }
}

async function discard(res: Response): Promise<void> {
  try {
    res.body?.resume?.();
  } catch {
    // nothing to drain
  }
}

function classifyNetworkError(err: unknown): AttemptFailure {
  const e = err as { code?: string; errno?: string; type?: string; message?: string } | undefined;
  const code = e?.code ?? e?.errno ?? '';
  if (code === 'ECONNREFUSED') return { type: 'refused', code };
  if (RESET_CODES.has(code) || /socket hang up|premature close|ECONNRESET/i.test(e?.message ?? '')) {
    return { type: 'reset', code: code || 'ECONNRESET' };
  }
  return { type: 'network', code: code || (e?.type ?? 'error') };
}

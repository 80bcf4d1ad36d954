// The HTTP layer of the registry client: one request with a timeout, manual redirects (GET/HEAD only, at most
// 5, never https→http) where `authFor` decides per hop which Authorization header an origin may get, and
// bounded retries of GET/HEAD after network errors, 429 and 502-504. Writes are sent once and never follow a
// redirect: a redirected DELETE could name another manifest.
import fetch, { Headers } from 'node-fetch';
import { RegistryError, type RegistryErrorKind } from './errors';
import { sleep } from '../concurrency';

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  url: string;
}

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** The Authorization header a given origin may get (undefined: none), asked per redirect hop. */
  authFor: (origin: string) => string | undefined;
  /** null: not cancellable (a write runs to its end once sent). */
  signal: AbortSignal | null | undefined;
}

export interface TransportOptions {
  userAgent?: string;
  /** Per request (headers and body), ms. Default 30 000. */
  timeoutMs?: number;
  /** Extra attempts for GET/HEAD after network errors, 429 and 502-504. Default 2. */
  maxRetries?: number;
  /** node-fetch, or a wrapper of it (tests and benchmarks count requests with one). */
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 5;
const MAX_BODY = 16 * 1024 * 1024;

/** Waits, or stops waiting when the caller aborts (the retry loop then sees the signal). */
function pause(ms: number, signal?: AbortSignal | null): Promise<void> {
  return sleep(ms, signal ?? undefined).catch(() => undefined);
}

export class Transport {
  constructor(
    private readonly opts: TransportOptions,
    /** Builds a (redacted) error of the client. */
    private readonly fail: (kind: RegistryErrorKind, message: string, status?: number) => RegistryError,
    private readonly debug: (line: string) => void,
  ) {}

  /**
   * One request with manual redirects (at most 5, GET/HEAD only, no https→http downgrade). `authFor` decides per hop
   * which Authorization header the target origin may get (none when the origin changed).
   */
  private async sendOnce(req: OutgoingRequest): Promise<RawResponse> {
    const { method, url, headers, body, authFor, signal } = req;
    let current = url;
    const m = method;
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
        const res = await (this.opts.fetch ?? fetch)(current, {
          method: m,
          headers: h,
          body,
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
          // A write goes exactly where glcr sent it: a redirected DELETE could name another manifest.
          if (m !== 'GET' && m !== 'HEAD') {
            throw this.fail('bad_response', `${u.origin} answered ${m} ${u.pathname} with a redirect (HTTP ${res.status}); glcr does not follow redirects of writes`, res.status);
          }
          if (u.protocol === 'https:' && next.protocol !== 'https:') {
            throw this.fail('bad_response', `${u.origin} redirected to a plain-HTTP address; refusing to follow it`);
          }
          if (next.protocol !== 'https:' && next.protocol !== 'http:') {
            throw this.fail('bad_response', `${u.origin} redirected to an unsupported address`);
          }
          current = next.toString();
          continue;
        }
        return { status: res.status, headers: res.headers, body: buf, url: current };
      } catch (e) {
        if (e instanceof RegistryError) throw e;
        if (signal?.aborted && !timedOut) throw this.fail('cancelled', 'cancelled');
        const err = e as { code?: string; errno?: string; type?: string; message?: string };
        if (timedOut) throw this.fail('network', `no answer from ${u.origin} within ${Math.round(timeoutMs / 1000)} s`);
        if (err.type === 'max-size') throw this.fail('bad_response', `${u.origin} sent a response larger than 16 MB`);
        const code = err.code ?? err.errno ?? '';
        let hint = '';
        if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/i.test(code)) {
          hint = ' (the TLS certificate is not trusted: add its CA with NODE_EXTRA_CA_CERTS=<file.pem>)';
        } else if (code === 'EPROTO' || /wrong version number|packet length too long/i.test(err.message ?? '')) {
          hint = ' (the server may speak plain HTTP: use --plain-http)';
        }
        const reason = code || (err.message ?? 'error').replace(/^request to \S+ failed, reason: /, '');
        throw this.fail('network', `cannot reach ${u.origin}: ${reason}${hint}`);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    }
    throw this.fail('bad_response', `too many redirects from ${new URL(url).origin}`);
  }

  /** sendOnce plus bounded retries for GET/HEAD (network errors, 429, 502, 503, 504). */
  async send(req: OutgoingRequest): Promise<RawResponse> {
    const { method, signal } = req;
    const idempotent = method === 'GET' || method === 'HEAD';
    const max = idempotent ? this.opts.maxRetries ?? 2 : 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.sendOnce(req);
        if (attempt < max && [429, 502, 503, 504].includes(res.status)) {
          const ra = Number(res.headers.get('retry-after'));
          await pause(Number.isFinite(ra) && ra > 0 ? Math.min(ra * 1000, 5000) : 250 * 3 ** attempt, signal);
          if (signal?.aborted) throw this.fail('cancelled', 'cancelled');
          continue;
        }
        return res;
      } catch (e) {
        if (e instanceof RegistryError && e.kind === 'network' && attempt < max) {
          await pause(250 * 3 ** attempt, signal);
          if (signal?.aborted) throw this.fail('cancelled', 'cancelled');
          continue;
        }
        throw e;
      }
    }
  }

}

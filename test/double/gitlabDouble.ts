// Entry module of the GitLab test double: an HTTP server on 127.0.0.1 that serves GitLab's REST API
// (api.ts) behind the transport effects tests need (latency, in-flight cap, faults, throttling), plus a
// control API under /__double/ for tests running in another process. See README.md.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiRequest, GitLabApi } from './api';
import { RegistryV2 } from './registryV2';
import { garbageCollect } from './registryContent';
import { createGraphqlHandler, GRAPHQL_PATH } from './graphql';
import type {
  DoubleOptions, Fault, GitLabDouble, RandomFaultKind, RandomFaults, RequestLogEntry, SeedMergeRequest, SeedProject, SeedTag, TokenName,
} from './contract';
import { REASONS, REGISTRY_UNREACHABLE_MESSAGE, Reply } from './http';
import { seededRandom } from './model';
import { addProject, addRepository, addTags, addToken } from './seeding';
import { setBranches } from './branches';

export type {
  DoubleOptions, Fault, GitLabDouble, RandomFaultKind, RandomFaults, RequestLogEntry, SeedProject, SeedTag, TokenName,
} from './contract';

export const RANDOM_FAULT_KINDS: readonly RandomFaultKind[] = ['500', '502', '503', 'reset', 'resetAfterProcessing', 'timeout', '429burst'];

/** What nginx in front of GitLab answers when the upstream is gone (an HTML page, not GitLab JSON). */
export const PROXY_502_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
export { REGISTRY_UNREACHABLE_MESSAGE } from './http';

const MAX_BODY_BYTES = 1_000_000;
const WINDOW_MS = 60_000;

/** A fault that answers 503 with GitLab's "trouble connecting to the Container Registry" message. */
export function registryUnreachableFault(path: RegExp | string, times = 1, method?: string): Fault {
  return { path, method, times, status: 503, body: JSON.stringify({ message: REGISTRY_UNREACHABLE_MESSAGE }) };
}

export async function startGitLabDouble(opts: DoubleOptions = {}): Promise<GitLabDouble> {
  const double = new Double(opts);
  await double.listen(opts.port ?? 0);
  return double;
}

/** Sliding one-minute window per credential; throttled requests do not count (see README). */
class Throttle {
  private windows = new Map<string, number[]>();

  constructor(private readonly perMinute: number, private readonly prefill: number) {}

  /** Records the request unless throttled; returns the RateLimit headers and, when throttled, Retry-After. */
  check(key: string, now: number, authenticated: boolean): { throttled: boolean; headers: Record<string, string> } {
    let window = this.windows.get(key);
    if (!window) {
      window = new Array<number>(Math.min(this.prefill, this.perMinute)).fill(now);
      this.windows.set(key, window);
    }
    while (window.length > 0 && window[0] <= now - WINDOW_MS) window.shift();
    const throttled = window.length >= this.perMinute;
    if (!throttled) window.push(now);
    const observed = throttled ? window.length + 1 : window.length;
    const resetAt = (window.length > 0 ? window[0] : now) + WINDOW_MS;
    const headers: Record<string, string> = {
      'RateLimit-Name': authenticated ? 'throttle_authenticated_api' : 'throttle_unauthenticated_api',
      'RateLimit-Limit': String(this.perMinute),
      'RateLimit-Observed': String(observed),
      'RateLimit-Remaining': String(Math.max(0, this.perMinute - observed)),
      'RateLimit-Reset': String(Math.ceil(resetAt / 1000)),
      'RateLimit-ResetTime': new Date(resetAt).toUTCString(),
    };
    if (throttled) headers['Retry-After'] = String(Math.max(1, Math.ceil((resetAt - now) / 1000)));
    return { throttled, headers };
  }

  clear(): void {
    this.windows.clear();
  }
}

/** Caps requests processed at once; the rest wait in arrival order. */
class Gate {
  private active = 0;
  private waiting: Array<() => void> = [];

  constructor(private readonly max: number) {}

  async enter(): Promise<void> {
    if (this.active < this.max) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

interface ActiveFault extends Omit<Fault, 'path'> {
  path: RegExp;
  /** For the request log. */
  label?: string;
}

/** The random fault mode with its PRNG and the state of a running 429 burst. */
class RandomFaultSource {
  private readonly random: () => number;
  private readonly kinds: readonly RandomFaultKind[];
  private readonly methods?: Set<string>;
  private readonly path?: RegExp;
  private burstLeft = 0;

  constructor(private readonly config: RandomFaults) {
    if (!(config.rate >= 0 && config.rate <= 1)) throw new Error('randomFaults.rate must be within 0..1');
    this.random = seededRandom(config.seed ?? 1);
    this.kinds = config.kinds && config.kinds.length > 0 ? config.kinds : RANDOM_FAULT_KINDS;
    for (const k of this.kinds) if (!RANDOM_FAULT_KINDS.includes(k)) throw new Error(`unknown random fault kind ${k}`);
    if (config.methods) this.methods = new Set(config.methods.map((m) => m.toUpperCase()));
    if (config.pathPattern !== undefined) {
      this.path = typeof config.pathPattern === 'string' ? new RegExp(config.pathPattern) : config.pathPattern;
    }
  }

  /** The fault for this request, if any, as an ActiveFault (times is irrelevant here). */
  draw(method: string, path: string): ActiveFault | undefined {
    if (this.methods && !this.methods.has(method.toUpperCase())) return undefined;
    if (this.path && !this.path.test(path)) return undefined;
    let kind: RandomFaultKind | undefined;
    if (this.burstLeft > 0) {
      this.burstLeft--;
      kind = '429burst';
    } else if (this.random() < this.config.rate) {
      kind = this.kinds[Math.min(this.kinds.length - 1, Math.floor(this.random() * this.kinds.length))];
      if (kind === '429burst') this.burstLeft = Math.max(1, this.config.burst ?? 3) - 1;
    }
    if (kind === undefined) return undefined;
    const base = { path: /.*/, times: 1, label: `random:${kind}` };
    switch (kind) {
      case '500':
        return { ...base, status: 500 };
      case '502':
        return { ...base, status: 502, body: PROXY_502_PAGE, headers: { 'Content-Type': 'text/html' } };
      case '503':
        return { ...base, status: 503 };
      case 'reset':
        return { ...base, reset: true };
      case 'resetAfterProcessing':
        return { ...base, resetAfterProcessing: true };
      case 'timeout':
        return { ...base, hangMs: this.config.hangMs ?? 2000 };
      case '429burst':
        return {
          ...base, status: 429, body: 'Retry later',
          headers: { 'Retry-After': String(this.config.retryAfterSeconds ?? 1), 'Content-Type': 'text/plain' },
        };
      default:
        return undefined;
    }
  }
}

class Double implements GitLabDouble {
  url = '';
  readonly requests: RequestLogEntry[] = [];
  private readonly api: GitLabApi;
  /** POST /api/graphql (absent with `graphql: false`: the REST router then answers 404). */
  private readonly graphql?: (req: ApiRequest) => Reply;
  private readonly server: http.Server;
  private faults: ActiveFault[] = [];
  private randomFaults?: RandomFaultSource;
  private readonly throttle?: Throttle;
  private readonly gate?: Gate;
  /** Sockets that have carried a request (connectLatencyMs is charged once per socket). */
  private readonly connected = new WeakSet<object>();
  private readonly now: () => number;
  /** Registry V2 and its /jwt/auth realm on the double's own origin (registryV2.ts). */
  private readonly registryV2: RegistryV2;

  constructor(private readonly opts: DoubleOptions) {
    this.now = opts.now ?? Date.now;
    this.registryV2 = new RegistryV2(() => this.api.state, () => this.now());
    this.api = new GitLabApi({
      scenario: opts.scenario ?? 'small',
      legacyRegistry: opts.legacyRegistry ?? false,
      registryHost: opts.registryHost ?? 'registry.example.test:5050',
      now: this.now,
      bulkJobDelayMs: opts.bulkJobDelayMs ?? 50,
      repositoryDeletionStepMs: opts.repositoryDeletionStepMs ?? 1000,
      seed: opts.seed ?? 1,
    });
    this.graphql = opts.graphql === false ? undefined : createGraphqlHandler(this.api, {
      scheduleRepositoryDeletion: (id) => this.api.scheduleDeletionStep(id),
      without: opts.graphqlWithout,
    });
    this.applyFailingDeletions();
    if (opts.randomFaults) this.randomFaults = new RandomFaultSource(opts.randomFaults);
    if (opts.rateLimit) this.throttle = new Throttle(opts.rateLimit.perMinute, opts.rateLimit.prefill ?? 0);
    if (opts.maxInFlight && opts.maxInFlight > 0) this.gate = new Gate(opts.maxInFlight);
    this.server = http.createServer((req, res) => {
      this.onRequest(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: '500 Internal Server Error' }));
      });
    });
  }

  get tokens(): Record<TokenName, string> {
    return { ...this.api.state.tokenNames };
  }

  get bulkJobs() {
    return this.api.bulkJobs;
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    // registryHost 'self': `location` fields name the double's own origin, which serves Registry V2.
    if (this.opts.registryHost === 'self') this.api.settings.registryHost = new URL(this.url).host;
  }

  // --- GitLabDouble ----------------------------------------------------------------------------------------

  repository(id: number) {
    return this.api.repository(id);
  }

  repositoryByPath(path: string) {
    return this.api.repositoryByPath(path);
  }

  injectFault(fault: Fault): void {
    const path = typeof fault.path === 'string' ? new RegExp(fault.path) : fault.path;
    this.faults.push({ ...fault, path });
  }

  clearFaults(): void {
    this.faults = [];
  }

  async runBulkJobs(): Promise<void> {
    this.api.runBulkJobs();
  }

  advanceRepositoryDeletions(): void {
    this.api.advanceRepositoryDeletions();
  }

  failRepositoryDeletion(id: number, fail = true): void {
    this.api.failRepositoryDeletion(id, fail);
  }

  resetLog(): void {
    this.requests.length = 0;
  }

  setRandomFaults(config: RandomFaults | null): void {
    this.randomFaults = config ? new RandomFaultSource(config) : undefined;
  }

  setBranches(projectId: number, branches: string[], mergeRequests: SeedMergeRequest[]): void {
    setBranches(this.api.state, projectId, branches, mergeRequests);
  }

  addTags(repositoryId: number, tags: SeedTag[]): void {
    addTags(this.api.state, repositoryId, tags, this.now());
  }

  addProject(spec: SeedProject): number {
    return addProject(this.api.state, spec, this.now());
  }

  addRepository(projectId: number, name: string, tags: SeedTag[] = []): number {
    return addRepository(this.api.state, projectId, name, tags, this.now());
  }

  addToken(value: string, like: TokenName): void {
    addToken(this.api.state, value, like);
  }

  garbageCollect(): { manifests: number; blobs: number; bytes: number } {
    return garbageCollect(this.api.state);
  }

  reset(): void {
    this.api.reset();
    this.applyFailingDeletions();
    this.clearFaults();
    this.setRandomFaults(this.opts.randomFaults ?? null);
    this.throttle?.clear();
    this.resetLog();
  }

  async close(): Promise<void> {
    this.api.clearTimers();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private applyFailingDeletions(): void {
    for (const id of this.opts.failRepositoryDeletions ?? []) this.api.failRepositoryDeletion(id, true);
  }

  // --- request pipeline ------------------------------------------------------------------------------------

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    if (url.pathname.startsWith('/__double/')) {
      send(res, this.control(req, url, body));
      return;
    }
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET', path: url.pathname, query: url.search.replace(/^\?/, ''), status: 0,
      auth: credentialKind(req, url.searchParams), start: Date.now(), end: 0,
    };
    this.requests.push(entry);
    if (this.opts.connectLatencyMs && !this.connected.has(req.socket)) {
      this.connected.add(req.socket);
      await sleep(this.opts.connectLatencyMs);
    }
    await this.gate?.enter();
    try {
      const fault = this.takeFault(entry.method, url.pathname) ?? this.randomFaults?.draw(entry.method, url.pathname);
      if (fault) entry.fault = fault.label ?? `inject:${describeFault(fault)}`;
      if (fault?.delayMs) await sleep(fault.delayMs);
      if (this.opts.latencyMs) await sleep(this.opts.latencyMs);
      if (fault?.hangMs !== undefined) {
        // A hung upstream: nothing is processed, nothing is answered, then the connection drops.
        await sleep(fault.hangMs, true);
        entry.end = Date.now();
        req.socket.destroy();
        return;
      }
      if (fault?.reset) {
        entry.end = Date.now();
        req.socket.destroy();
        return;
      }
      let reply: Reply;
      if (fault?.status) {
        reply = faultReply(fault);
      } else {
        const tagsBefore = this.opts.serverWork ? this.tagTotal() : 0;
        reply = this.process(req, url, body);
        const work = this.serverWorkMs(tagsBefore - (this.opts.serverWork ? this.tagTotal() : 0), reply);
        if (work > 0) await sleep(work);
      }
      if (fault?.headers) reply.headers = { ...reply.headers, ...fault.headers };
      entry.end = Date.now();
      if (fault?.resetAfterProcessing) {
        req.socket.destroy();
        return;
      }
      entry.status = reply.status;
      send(res, reply);
    } finally {
      this.gate?.leave();
    }
  }

  private tagTotal(): number {
    let n = 0;
    for (const r of this.api.state.repos.values()) n += r.tags.length;
    return n;
  }

  /** Time GitLab would spend on this request's registry work (DoubleOptions.serverWork). */
  private serverWorkMs(deletedTags: number, reply: Reply): number {
    const w = this.opts.serverWork ?? {};
    const body = reply.body as { tags?: unknown } | undefined;
    const listed = body && typeof body === 'object' && Array.isArray(body.tags) ? body.tags.length : 0;
    return Math.max(0, deletedTags) * (w.perDeletedTagMs ?? 0) + listed * (w.perListedTagMs ?? 0);
  }

  /** Throttle, then the API. */
  private process(req: http.IncomingMessage, url: URL, body: string): Reply {
    let rateHeaders: Record<string, string> = {};
    if (this.throttle) {
      const credential = credentialValue(req, url.searchParams);
      const verdict = this.throttle.check(credential ?? 'ip:127.0.0.1', this.now(), credential !== undefined);
      if (verdict.throttled) return { status: 429, body: 'Retry later', headers: verdict.headers };
      rateHeaders = verdict.headers;
    }
    if (this.registryV2.handles(url.pathname)) {
      const raw = this.registryV2.handle(req.method ?? 'GET', url, req.headers, Buffer.from(body, 'utf8'), `http://${req.headers.host ?? '127.0.0.1'}`);
      return { status: raw.status, headers: { ...rateHeaders, ...raw.headers }, body: raw.body as unknown as Reply['body'] };
    }
    const apiReq: ApiRequest = {
      method: req.method ?? 'GET', rawPath: url.pathname, query: url.searchParams, headers: req.headers, body,
      origin: this.opts.linkOrigin ?? `http://${req.headers.host ?? '127.0.0.1'}`,
    };
    const reply = url.pathname === GRAPHQL_PATH && this.graphql ? this.graphql(apiReq) : this.api.handle(apiReq);
    return { ...reply, headers: { ...rateHeaders, ...reply.headers } };
  }

  private takeFault(method: string, path: string): ActiveFault | undefined {
    const fault = this.faults.find((f) =>
      f.times > 0 && (!f.method || f.method.toUpperCase() === method.toUpperCase()) && f.path.test(path));
    if (!fault) return undefined;
    if (fault.skip !== undefined && fault.skip > 0) {
      fault.skip--;
      return undefined;
    }
    fault.times--;
    if (fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  // --- control API -----------------------------------------------------------------------------------------

  private control(req: http.IncomingMessage, url: URL, body: string): Reply {
    if (!isLoopback(req.socket.remoteAddress)) return { status: 403, body: { message: 'loopback only' } };
    const route = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
    const ok: Reply = { status: 204 };
    const repoMatch = /^GET \/__double\/repositories\/(\d+)$/.exec(route);
    if (repoMatch) return found(this.repository(Number(repoMatch[1])));
    const tagsMatch = /^POST \/__double\/repositories\/(\d+)\/tags$/.exec(route);
    if (tagsMatch) return seedReply(() => this.addTags(Number(tagsMatch[1]), JSON.parse(body) as SeedTag[]));
    const newRepoMatch = /^POST \/__double\/projects\/(\d+)\/repositories$/.exec(route);
    if (newRepoMatch) {
      return seedReply(() => {
        const { name, tags } = JSON.parse(body) as { name?: string; tags?: SeedTag[] };
        return { id: this.addRepository(Number(newRepoMatch[1]), name ?? '', tags ?? []) };
      });
    }
    const failMatch = /^POST \/__double\/repositories\/(\d+)\/fail-deletion$/.exec(route);
    if (failMatch) {
      const fail = body.trim() === '' ? true : (JSON.parse(body) as { fail?: boolean }).fail !== false;
      this.failRepositoryDeletion(Number(failMatch[1]), fail);
      return ok;
    }
    switch (route) {
      case 'GET /__double/repositories':
        return found(this.repositoryByPath(url.searchParams.get('path') ?? ''));
      case 'GET /__double/requests':
        return { status: 200, body: this.requests };
      case 'GET /__double/tokens':
        return { status: 200, body: this.tokens };
      case 'GET /__double/bulk-jobs':
        return { status: 200, body: this.bulkJobs };
      case 'POST /__double/faults': {
        let fault: Fault;
        try {
          fault = JSON.parse(body) as Fault;
        } catch {
          return { status: 400, body: { message: 'fault must be JSON' } };
        }
        if (typeof fault.path !== 'string' || typeof fault.times !== 'number') {
          return { status: 400, body: { message: 'fault needs path (regex source) and times' } };
        }
        try {
          this.injectFault(fault);
        } catch {
          return { status: 400, body: { message: 'fault path is not a valid regex' } };
        }
        return ok;
      }
      case 'DELETE /__double/faults':
        this.clearFaults();
        return ok;
      case 'PUT /__double/random-faults': {
        try {
          const config = JSON.parse(body) as RandomFaults | null;
          if (config !== null && (typeof config !== 'object' || typeof config.rate !== 'number')) {
            return { status: 400, body: { message: 'random faults need a numeric rate (or null)' } };
          }
          this.setRandomFaults(config);
        } catch (e) {
          return { status: 400, body: { message: `bad random faults: ${(e as Error).message}` } };
        }
        return ok;
      }
      case 'DELETE /__double/random-faults':
        this.setRandomFaults(null);
        return ok;
      case 'POST /__double/projects':
        return seedReply(() => ({ id: this.addProject(JSON.parse(body) as SeedProject) }));
      case 'POST /__double/tokens':
        return seedReply(() => {
          const { value, like } = JSON.parse(body) as { value: string; like: TokenName };
          this.addToken(value, like);
        });
      case 'POST /__double/reset-log':
        this.resetLog();
        return ok;
      case 'POST /__double/run-bulk-jobs':
        this.api.runBulkJobs();
        return ok;
      case 'POST /__double/advance-deletions':
        this.advanceRepositoryDeletions();
        return ok;
      case 'POST /__double/registry/gc':
        return { status: 200, body: this.garbageCollect() };
      case 'POST /__double/reset':
        this.reset();
        return ok;
      default:
        return { status: 404, body: { message: `unknown control route ${route}` } };
    }
  }
}

/** Runs a seeding call for the control API: 200 with its result, 204 without, 400 with the reason. */
function seedReply(fn: () => unknown): Reply {
  try {
    const result = fn();
    return result === undefined ? { status: 204 } : { status: 200, body: result };
  } catch (e) {
    return { status: 400, body: { message: (e as Error).message } };
  }
}

function describeFault(f: ActiveFault): string {
  if (f.reset) return 'reset';
  if (f.resetAfterProcessing) return 'resetAfterProcessing';
  if (f.status) return String(f.status);
  return f.delayMs ? `delay ${f.delayMs}ms` : 'headers';
}

function found(value: unknown): Reply {
  return value === undefined ? { status: 404, body: { message: 'not found' } } : { status: 200, body: value };
}

function faultReply(fault: ActiveFault): Reply {
  const status = fault.status!;
  if (fault.body === undefined) return { status, body: { message: `${status} ${REASONS[status] ?? 'Error'}` } };
  const looksJson = /^\s*[[{"]/.test(fault.body);
  return { status, body: fault.body, headers: { 'Content-Type': looksJson ? 'application/json' : 'text/plain' } };
}

function send(res: http.ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = {};
  let payload: string | Buffer = '';
  if (Buffer.isBuffer(reply.body)) {
    payload = reply.body; // Registry V2: exact bytes, headers set by the handler
  } else if (typeof reply.body === 'string') {
    headers['Content-Type'] = 'text/plain';
    payload = reply.body;
  } else if (reply.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(reply.body);
  }
  Object.assign(headers, reply.headers);
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function credentialKind(req: http.IncomingMessage, query: URLSearchParams): RequestLogEntry['auth'] {
  if (header(req, 'job-token') !== undefined || query.has('job_token')) return 'job';
  if (header(req, 'private-token') !== undefined || query.has('private_token')) return 'private';
  if (/^Bearer\s/i.test(header(req, 'authorization') ?? '') || query.has('access_token')) return 'bearer';
  return 'none';
}

function credentialValue(req: http.IncomingMessage, query: URLSearchParams): string | undefined {
  return header(req, 'job-token') ?? header(req, 'private-token')
    ?? /^Bearer\s+(\S+)/i.exec(header(req, 'authorization') ?? '')?.[1]
    ?? query.get('job_token') ?? query.get('private_token') ?? query.get('access_token') ?? undefined;
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `unref`: a hung request does not keep the test process alive after close(). */
function sleep(ms: number, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    if (unref) t.unref();
  });
}

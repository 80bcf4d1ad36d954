// HttpClient against a scripted local server (127.0.0.1): the transport behaviours that a GitLab double
// does not model — HTML pages, truncated and oversized bodies, redirects, timeouts, pacing.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, HttpClientOptions } from '../../src/core/http';
import { GitLabError } from '../../src/core/errors';

const TOKEN = 'glpat-SECRET-xyzzy-1234567890';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;
interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; at: number }

async function serve(handler: Handler): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, at: Date.now() });
    req.resume();
    req.on('end', () => handler(req, res, seen.length));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const logs: string[] = [];
const client = (url: string, extra: Partial<HttpClientOptions> = {}) => new HttpClient({
  baseUrl: url, credential: { kind: 'private', value: TOKEN }, retryBaseMs: 5, retryMaxDelayMs: 20, timeoutMs: 2000,
  log: { debug: (m) => logs.push(m), info: (m) => logs.push(m), warn: (m) => logs.push(m), error: (m) => logs.push(m) },
  ...extra,
});

const isKind = (kind: string) => (e: unknown) => {
  assert.ok(e instanceof GitLabError, `expected GitLabError, got ${String(e)}`);
  assert.equal(e.kind, kind, e.message);
  assert.ok(!e.message.includes(TOKEN));
  return true;
};

describe('HttpClient', () => {
  after(() => {
    assert.ok(logs.length > 0, 'requests were logged');
    for (const line of logs) assert.ok(!line.includes(TOKEN), `token in log line: ${line}`);
  });

  test('sends PRIVATE-TOKEN or JOB-TOKEN headers, never a query token, and logs method/path/status', async () => {
    const s = await serve((_q, res) => json(res, 200, { ok: true }));
    try {
      await client(s.url).request({ path: '/user' });
      await client(s.url, { credential: { kind: 'job', value: 'job-tok' } }).request({ path: '/projects/1/registry/repositories' });
      await client(s.url, { credential: undefined }).request({ path: '/projects' });
      assert.equal(s.seen[0].headers['private-token'], TOKEN);
      assert.equal(s.seen[0].url, '/api/v4/user');
      assert.equal(s.seen[1].headers['job-token'], 'job-tok');
      assert.equal(s.seen[1].headers['private-token'], undefined);
      assert.equal(s.seen[2].headers['private-token'], undefined);
      for (const r of s.seen) assert.ok(!/token/i.test(r.url));
      assert.ok(logs.some((l) => /^GET \/api\/v4\/user 200 \d+ms$/.test(l)), logs.join('\n'));
    } finally { await s.close(); }
  });

  test('keeps a sub-path and merges query parameters', async () => {
    const s = await serve((_q, res) => json(res, 200, []));
    try {
      await client(`${s.url}/gitlab`).request({ path: '/projects?page=2', query: { per_page: 50, search: 'a b', skip: undefined } });
      assert.equal(s.seen[0].url, '/gitlab/api/v4/projects?page=2&per_page=50&search=a+b');
    } finally { await s.close(); }
  });

  test('HTML login page, empty body and truncated JSON are bad_response naming the host', async () => {
    const bodies = ['<!DOCTYPE html><html><body>Sign in</body></html>', '', '[{"name":"a"},{"na'];
    const s = await serve((_q, res, n) => { res.writeHead(200, { 'Content-Type': n === 1 ? 'text/html' : 'application/json' }); res.end(bodies[n - 1]); });
    try {
      const c = client(s.url);
      const host = new URL(s.url).host;
      await assert.rejects(c.request({ path: '/projects' }), (e: unknown) => isKind('bad_response')(e) && /HTML page/.test((e as Error).message) && (e as Error).message.includes(host));
      await assert.rejects(c.request({ path: '/projects' }), (e: unknown) => isKind('bad_response')(e) && /empty/.test((e as Error).message));
      await assert.rejects(c.request({ path: '/projects' }), (e: unknown) => isKind('bad_response')(e) && /not valid JSON/.test((e as Error).message));
      assert.equal(s.seen.length, 3, 'bad responses are not retried');
    } finally { await s.close(); }
  });

  test('a body over the cap is refused while streaming (no Content-Length)', async () => {
    let aborted = false;
    const s = await serve((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('[');
      const chunk = `${'"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",'.repeat(100)}`;
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => { aborted = true; clearInterval(timer); });
      req.socket.on('close', () => clearInterval(timer));
    });
    try {
      await assert.rejects(client(s.url, { maxResponseBytes: 64 * 1024 }).request({ path: '/projects' }),
        (e: unknown) => isKind('bad_response')(e) && /larger than/.test((e as Error).message));
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(aborted, 'the connection was closed instead of reading on');
    } finally { await s.close(); }
  });

  test('same-origin redirects are followed with the token; another origin is never contacted', async () => {
    const other = await serve((_q, res) => json(res, 200, { stolen: true }));
    const s = await serve((req, res) => {
      if (req.url === '/api/v4/old') { res.writeHead(301, { Location: '/api/v4/new' }); res.end(); return; }
      if (req.url === '/api/v4/away') { res.writeHead(302, { Location: `${other.url}/api/v4/new` }); res.end(); return; }
      json(res, 200, { moved: true });
    });
    try {
      const c = client(s.url);
      const r = await c.request<{ moved: boolean }>({ path: '/old' });
      assert.deepEqual(r.data, { moved: true });
      assert.equal(s.seen[1].headers['private-token'], TOKEN);
      await assert.rejects(c.request({ path: '/away' }), (e: unknown) => isKind('bad_response')(e) && /another origin/.test((e as Error).message));
      assert.equal(other.seen.length, 0);
    } finally { await s.close(); await other.close(); }
  });

  test('idempotent requests retry 502/503/504 a bounded number of times', async () => {
    const s = await serve((_q, res) => json(res, 503, { message: '503 Service Unavailable' }));
    try {
      await assert.rejects(client(s.url, { maxRetries: 3 }).request({ path: '/projects' }), isKind('registry_unavailable'));
      assert.equal(s.seen.length, 4);
    } finally { await s.close(); }
  });

  test('non-idempotent requests are not retried on 5xx', async () => {
    const s = await serve((_q, res) => json(res, 502, { message: '502 Bad Gateway' }));
    try {
      await assert.rejects(client(s.url).request({ method: 'DELETE', path: '/projects/1/registry/repositories/2', expectJson: false }), isKind('server_error'));
      assert.equal(s.seen.length, 1);
    } finally { await s.close(); }
  });

  test('429 is retried for every method after Retry-After as an HTTP date', async () => {
    const s = await serve((_q, res, n) => {
      if (n === 1) {
        res.writeHead(429, { 'Content-Type': 'text/plain', 'Retry-After': new Date(Date.now() + 1500).toUTCString() });
        res.end('Retry later');
        return;
      }
      res.writeHead(202); res.end();
    });
    try {
      await client(s.url).request({ method: 'DELETE', path: '/projects/1/registry/repositories/2/tags', body: { name_regex_delete: '.*' }, expectJson: false });
      assert.equal(s.seen.length, 2);
      assert.ok(s.seen[1].at - s.seen[0].at >= 400, 'waited for the date (1 s resolution)');
    } finally { await s.close(); }
  });

  test('429 with a Retry-After longer than the cap fails at once as rate_limited', async () => {
    const s = await serve((_q, res) => { res.writeHead(429, { 'Retry-After': '3600' }); res.end('Retry later'); });
    try {
      await assert.rejects(client(s.url).request({ path: '/projects' }), (e: unknown) => isKind('rate_limited')(e) && (e as GitLabError).details.retryAfterSeconds === 3600);
      assert.equal(s.seen.length, 1);
    } finally { await s.close(); }
  });

  test('RateLimit-Remaining: 0 holds the next request until RateLimit-Reset', async () => {
    const s = await serve((_q, res, n) => json(res, 200, [], n === 1
      ? { 'RateLimit-Remaining': '0', 'RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 1) } : {}));
    try {
      const c = client(s.url);
      await c.request({ path: '/a' });
      await c.request({ path: '/b' });
      const resetAt = Math.ceil(s.seen[0].at / 1000) * 1000;
      assert.ok(s.seen[1].at >= resetAt, `second request (${s.seen[1].at}) not before reset (${resetAt})`);
    } finally { await s.close(); }
  });

  test('timeouts: retried for GET, then reported as timeout', async () => {
    const s = await serve(() => { /* never answers */ });
    try {
      const started = Date.now();
      await assert.rejects(client(s.url, { timeoutMs: 100, maxRetries: 2 }).request({ path: '/projects' }),
        (e: unknown) => isKind('timeout')(e) && (e as GitLabError).details.afterUncertainAttempt === true);
      assert.equal(s.seen.length, 3);
      assert.ok(Date.now() - started < 2000);
    } finally { await s.close(); }
  });

  test('a caller abort cancels the request in flight and the backoff', async () => {
    const s = await serve(() => { /* never answers */ });
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      await assert.rejects(client(s.url).request({ path: '/projects', signal: controller.signal }), isKind('cancelled'));
      assert.equal(s.seen.length, 1);
    } finally { await s.close(); }
  });

  test('a server echoing the token never puts it into the error', async () => {
    const s = await serve((req, res) => json(res, 401, { message: `401 Unauthorized token ${String(req.headers['private-token'])}` }));
    try {
      await assert.rejects(client(s.url).request({ path: '/user' }), (e: unknown) => isKind('unauthorized')(e) && /\[REDACTED\]/.test((e as Error).message));
    } finally { await s.close(); }
  });

  test('connection refused before any connection is a network error without retries', async () => {
    const s = await serve(() => undefined);
    const url = s.url;
    await s.close();
    await assert.rejects(client(url).request({ path: '/projects' }), (e: unknown) => isKind('network')(e) && /ECONNREFUSED/.test((e as Error).message));
  });
});

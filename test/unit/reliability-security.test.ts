// Token hygiene through the core client: a distinctive token must never show in a log line (debug level),
// an error message, String(err) or err.stack, or a request URL; it is sent only to the instance's own
// origin — Link headers naming another origin are taken onto the instance, cross-origin redirects are not
// followed, `location`/`delete_api_path`/`web_url` fields are data and never called.
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { DoubleOptions, GitLabDouble } from '../double/contract';
import { GitLabError } from '../../src/core/errors';
import { RestClientOptions, RestRegistryApi } from '../../src/core/restClient';

const CANARY = 'glpat-SECRET-canary-token-9b1c44e0';
const WRONG = 'glpat-SECRET-canary-wrong-5a5a5a5a';

/** Everything the tests capture: log lines, error messages, String(err), stacks, request URLs. */
const captured: string[] = [];
const log = {
  debug: (m: string) => captured.push(m), info: (m: string) => captured.push(m),
  warn: (m: string) => captured.push(m), error: (m: string) => captured.push(m),
};

function captureError(e: unknown): void {
  captured.push(String(e));
  if (e instanceof Error) {
    captured.push(e.message, String(e.stack));
    captured.push(JSON.stringify(e, Object.getOwnPropertyNames(e)));
  }
}

async function settle<T>(p: Promise<T>): Promise<T | GitLabError> {
  try {
    return await p;
  } catch (e) {
    captureError(e);
    if (!(e instanceof GitLabError)) throw e;
    return e;
  }
}

let double: GitLabDouble | undefined;
const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  if (double) {
    for (const r of double.requests) captured.push(`${r.method} ${r.path}?${r.query}`);
    await double.close();
  }
  double = undefined;
  for (const s of servers.splice(0)) await s.close();
  const texts = captured.splice(0);
  for (const text of texts) {
    assert.ok(!text.includes(CANARY) && !text.includes(WRONG), `a token leaked into: ${text.slice(0, 300)}`);
    assert.ok(!/[?&](private_token|job_token|access_token)=/.test(text), `a token query parameter in: ${text.slice(0, 300)}`);
  }
});

async function start(opts: DoubleOptions = {}): Promise<GitLabDouble> {
  double = await startGitLabDouble({ scenario: 'small', ...opts });
  double.addToken(CANARY, 'owner');
  return double;
}

function api(url: string, token = CANARY, extra: Partial<RestClientOptions> = {}): RestRegistryApi {
  return new RestRegistryApi({
    baseUrl: url, credential: { kind: 'private', value: token }, log, retryBaseMs: 5, retryMaxDelayMs: 10, timeoutMs: 3000, maxRetries: 2, ...extra,
  });
}

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders }
async function server(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, res) => { res.writeHead(200); res.end('[]'); }) {
  const seen: Seen[] = [];
  const s = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    handler(req, res);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const handle = {
    origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    host: `127.0.0.1:${(s.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }),
  };
  servers.push(handle);
  return handle;
}

describe('token hygiene: nothing captured carries the token', () => {
  test('a full session with faults and failures: debug log, errors and request URLs are clean', async () => {
    const d = await start({ randomFaults: { rate: 0.3, seed: 11, kinds: ['500', '502', 'reset', '429burst'], retryAfterSeconds: 0 } });
    const c = api(d.url);
    const outcomes = [
      await settle(c.checkToken()),
      await settle(c.listProjects({})),
      await settle(c.listProjectRepositories('acme/platform/My.Project')),
      await settle(c.listAllTags('acme/platform/My.Project', 1)),
      await settle(c.listTagDetails('acme/platform/My.Project', 1)),
      await settle(c.getTagDetails('acme/platform/My.Project', 1, 'no-such-tag')),
      await settle(c.deleteTags('acme/platform/My.Project', 1, ['dev-0001', 'v1.2.3', 'nope'])),
      await settle(c.getRepository(999)),
      await settle(api(d.url, WRONG).listProjects({})),
      await settle(api(d.url, WRONG).deleteTags('acme/platform/My.Project', 1, ['main'])),
      await settle(api(d.url, CANARY, { maxRetries: 0 }).listGroups({})),
    ];
    captured.push(JSON.stringify(outcomes));
    assert.ok(captured.some((l) => /^GET \/api\/v4\/projects\?/.test(l)), 'debug lines were captured');
    assert.ok(outcomes.some((o) => o instanceof GitLabError && o.kind === 'unauthorized'), 'the wrong token failed');
    assert.ok(d.requests.every((r) => r.auth === 'private'), 'the token always travels in the PRIVATE-TOKEN header');
    assert.ok(d.requests.some((r) => r.fault), 'faults happened');
  });

  test('a server echoing the token back (error JSON, plain text, HTML) never gets it into a message', async () => {
    const echo = await server((req, res) => {
      const token = String(req.headers['private-token']);
      if (req.url?.includes('/projects?')) {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `400 Bad request - token ${token} is not allowed here` }));
      } else if (req.url?.includes('/groups?')) {
        res.writeHead(403, { 'Content-Type': 'text/plain' });
        res.end(`forbidden for ${token}`);
      } else {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end(`<html><body>Hello ${token}</body></html>`);
      }
    });
    const c = api(echo.origin);
    const e1 = await settle(c.listProjects({}));
    const e2 = await settle(c.listGroups({}));
    const e3 = await settle(c.currentUser());
    for (const e of [e1, e2, e3]) assert.ok(e instanceof GitLabError);
    assert.match((e1 as GitLabError).message, /\[REDACTED\]/);
    assert.ok(echo.seen.every((s) => s.headers['private-token'] === CANARY && !s.url.includes(CANARY)));
  });
});

describe('the token goes only to the instance origin', () => {
  test('offset and keyset Link headers naming another origin are followed on the instance origin only', async () => {
    const other = await server();
    const d = await start({ linkOrigin: other.origin });
    const c = api(d.url, CANARY, { perPage: 2 });
    const tags = await c.listAllTags('acme/platform/tools/builder', 4); // keyset Link
    assert.equal(tags.length, 30);
    const projects: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) { // offset Link
      const page = await c.listProjects({}, { cursor, perPage: 2 });
      projects.push(...page.items.map((p) => p.id));
      cursor = page.next;
      if (!cursor) break;
    }
    assert.equal(projects.length, 6);
    assert.equal(other.seen.length, 0, 'the other origin received nothing');
    assert.ok(d.requests.filter((r) => /(^|&)(last|page)=/.test(r.query)).length >= 15, 'the pages were fetched from the instance');
  });

  test('a Link header to another origin with a path outside /api/v4 is not followed anywhere', async () => {
    const other = await server();
    const s = await server((_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', Link: `<${other.origin}/steal?page=2>; rel="next"` });
      res.end('[{"id":1,"name":"g","full_path":"g"}]');
    });
    const page = await api(s.origin).listGroups({});
    assert.equal(page.next, undefined);
    assert.equal(other.seen.length, 0);
  });

  for (const status of [301, 302, 303, 307, 308]) {
    test(`a ${status} redirect to another origin is not followed with the token`, async () => {
      const other = await server();
      const s = await server((req, res) => {
        res.writeHead(status, { Location: `${other.origin}${req.url}` });
        res.end();
      });
      const c = api(s.origin);
      const e = await settle(c.listProjects({}));
      assert.ok(e instanceof GitLabError && e.kind === 'bad_response');
      assert.match(e.message, /another origin/);
      const del = await settle(c.deleteTags('acme/x', 1, ['a']));
      assert.ok(del instanceof GitLabError);
      assert.equal(other.seen.length, 0, 'the other origin received nothing');
    });
  }

  test('a redirect to the same host on another port is another origin', async () => {
    const other = await server();
    const s = await server((req, res) => {
      res.writeHead(302, { Location: `http://127.0.0.1:${new URL(other.origin).port}${req.url}` });
      res.end();
    });
    assert.ok((await settle(api(s.origin).currentUser())) instanceof GitLabError);
    assert.equal(other.seen.length, 0);
  });

  test('location, delete_api_path, web_url and _links are data: nothing is ever sent to them', async () => {
    const other = await server();
    const d = await start({ registryHost: other.host, linkOrigin: other.origin, repositoryDeletionStepMs: 0 });
    const c = api(d.url);
    const repos = await c.listProjectRepositories('acme/platform/My.Project');
    assert.ok(repos.items[0].location.startsWith(other.host), 'the location names the other server');
    const repo = await c.getRepository(1, { tagsCount: true, size: true });
    assert.equal(repo.id, 1);
    const project = await c.getProject('acme/platform/My.Project');
    assert.ok(project.web_url.startsWith(other.origin));
    await c.listTagDetails('acme/platform/My.Project', 2);
    const report = await c.deleteTags('acme/platform/My.Project', 2, ['nightly']);
    assert.deepEqual(report.deleted, ['nightly']);
    const gone = await c.deleteRepository('acme/website', 6);
    assert.equal(gone.id, 6);
    assert.equal(other.seen.length, 0, 'the other origin received nothing');
  });
});

// Bad input and bad answers: instance URLs as people type them, answers that are not GitLab JSON (login
// pages, proxy pages, empty/truncated/oversized bodies, items with missing fields), and names with
// unusual but legal characters. Every failure is a typed error with a clear message naming the instance;
// nothing crashes with a TypeError.
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { GitLabDouble } from '../double/contract';
import { GitLabError, UsageError } from '../../src/core/errors';
import { RestClientOptions, RestRegistryApi } from '../../src/core/restClient';
import { assertSafeTransport, normalizeInstanceUrl } from '../../src/core/url';

const CANARY = 'glpat-SECRET-canary-input-41d2e8';
const warnings: string[] = [];
const lines: string[] = [];
const log = {
  debug: (m: string) => lines.push(m), info: (m: string) => lines.push(m),
  warn: (m: string) => { lines.push(m); warnings.push(m); }, error: (m: string) => lines.push(m),
};

let double: GitLabDouble | undefined;
afterEach(async () => {
  await double?.close();
  double = undefined;
  for (const l of lines) assert.ok(!l.includes(CANARY), `token in log: ${l}`);
});

async function small(): Promise<GitLabDouble> {
  double = await startGitLabDouble({ scenario: 'small' });
  double.addToken(CANARY, 'owner');
  return double;
}

function api(d: { url: string }, extra: Partial<RestClientOptions> = {}): RestRegistryApi {
  return new RestRegistryApi({
    baseUrl: d.url, credential: { kind: 'private', value: CANARY }, log, retryBaseMs: 5, retryMaxDelayMs: 10, timeoutMs: 5000, maxRetries: 1, ...extra,
  });
}

async function rejection(p: Promise<unknown>): Promise<GitLabError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  assert.ok(e instanceof GitLabError, `expected a GitLabError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  assert.ok(!(e instanceof TypeError));
  assert.ok(!String(e.stack).includes(CANARY) && !e.message.includes(CANARY));
  return e;
}

describe('instance URLs: accepted and normalised', () => {
  const cases: Array<[string, string]> = [
    ['gitlab.example.com', 'https://gitlab.example.com'],
    ['gitlab.example.com/', 'https://gitlab.example.com'],
    ['https://gitlab.example.com////', 'https://gitlab.example.com'],
    ['\thttps://gitlab.example.com/ \n', 'https://gitlab.example.com'],
    ['https://GITLAB.example.com/Tools/GitLab/', 'https://gitlab.example.com/Tools/GitLab'],
    ['https://gitlab.example.com/gitlab/api/v4//', 'https://gitlab.example.com/gitlab'],
    ['https://gitlab.example.com/API/V4', 'https://gitlab.example.com'],
    ['HTTPS://gitlab.example.com', 'https://gitlab.example.com'],
    ['http://gitlab.example.com:80/', 'http://gitlab.example.com'],
    ['https://gitlab.example.com:8443', 'https://gitlab.example.com:8443'],
    ['gitlab.example.com:8443', 'https://gitlab.example.com:8443'],
    ['localhost', 'https://localhost'],
    ['127.0.0.1:8080', 'https://127.0.0.1:8080'],
    ['[::1]:8443', 'https://[::1]:8443'],
    ['http://[::1]:8080/', 'http://[::1]:8080'],
    ['https://[2001:DB8:0:0::1]/gitlab', 'https://[2001:db8::1]/gitlab'],
    ['https://gitläb.example/', 'https://xn--gitlb-jra.example'],
    ['https://gitlab.example.com./', 'https://gitlab.example.com.'],
    ['https://gitlab.example.com/@group', 'https://gitlab.example.com/@group'],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(normalizeInstanceUrl(input), expected));
  }
  test('normalisation is idempotent', () => {
    for (const [, expected] of cases) assert.equal(normalizeInstanceUrl(expected), expected);
  });
});

describe('instance URLs: refused with a clear message, never quoting a secret', () => {
  const refused: Array<[string, RegExp]> = [
    ['javascript:alert(document.cookie)', /https:\/\/.*scheme "javascript:"/],
    ['JavaScript://gitlab.example.com/%0aalert(1)', /scheme "javascript:"/],
    ['file:///etc/passwd', /scheme "file:"/],
    ['ftp://gitlab.example.com', /scheme "ftp:"/],
    ['ws://gitlab.example.com', /scheme "ws:"/],
    ['data:text/html,<script>alert(1)</script>', /scheme "data:"/],
    ['mailto:admin@example.com', /credentials|scheme/],
    ['ssh://git@gitlab.example.com', /credentials|scheme/],
    ['https://gitlab example.com', /spaces/],
    ['https://gitlab.example.com/my group', /spaces/],
    ['https://gitlab.example.com\\evil.example', /backslash/],
    ['https://gitlab.example.com/\u0000', /control/],
    ['https://gitlab.example.com:99999', /not a valid URL/],
    ['https://gitlab.example.com:port', /not a valid URL|scheme/],
    ['https://[::1', /not a valid URL/],
    ['https://', /valid|host/],
    ['http:/gitlab.example.com', /malformed/],
    ['https://user:glpat-SECRET-url-1@gitlab.example.com', /credentials/],
    ['https://glpat-SECRET-url-1@gitlab.example.com', /credentials/],
    ['glpat-SECRET-url-1:x@gitlab.example.com', /credentials/],
    ['user:glpat-SECRET-url-1@gitlab.example.com:8443', /credentials/],
    ['https://user:glpat-SECRET-url-1@gitlab example.com', /credentials/],
    ['https://gitlab.example.com/?private_token=glpat-SECRET-url-1', /query/],
    ['https://gitlab.example.com/#glpat-SECRET-url-1', /fragment/],
  ];
  for (const [input, message] of refused) {
    test(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => normalizeInstanceUrl(input), (e: unknown) => {
        assert.ok(e instanceof UsageError, `UsageError, got ${String(e)}`);
        assert.match(e.message, message);
        assert.ok(!e.message.includes('glpat-SECRET'), `the message quotes a secret: ${e.message}`);
        return true;
      });
    });
  }
  test('a client is never built from such a URL (nothing is sent)', () => {
    assert.throws(() => new RestRegistryApi({ baseUrl: 'file:///etc/passwd' }), UsageError);
    assert.throws(() => new RestRegistryApi({ baseUrl: 'http://gitlab.example.com' }), /plain http/);
    assert.doesNotThrow(() => new RestRegistryApi({ baseUrl: 'http://gitlab.example.com', allowHttp: true }));
  });
  test('plain http: loopback in every spelling passes, other hosts need allowHttp', () => {
    for (const u of ['http://localhost:8080', 'http://127.0.0.1', 'http://127.9.9.9', 'http://[::1]', 'http://[::ffff:127.0.0.1]']) {
      assert.doesNotThrow(() => assertSafeTransport(normalizeInstanceUrl(u), false), u);
    }
    for (const u of ['http://0.0.0.0:8080', 'http://10.0.0.1', 'http://[::2]', 'http://localhost.example.com', 'http://127.0.0.1.nip.io']) {
      assert.throws(() => assertSafeTransport(normalizeInstanceUrl(u), false), /plain http/, u);
    }
  });
});

describe('answers that are not GitLab JSON', () => {
  const SSO = '<!DOCTYPE html><html><head><title>Sign in · Okta</title></head><body><form action="/sso"></form></body></html>';
  const cases: Array<[string, { status: number; body: string; headers?: Record<string, string> }, string, RegExp]> = [
    ['an HTML SSO login page (200 text/html)', { status: 200, body: SSO, headers: { 'Content-Type': 'text/html' } }, 'bad_response', /HTML page/],
    ['a proxy error page (502 HTML)', { status: 502, body: '<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>', headers: { 'Content-Type': 'text/html' } }, 'server_error', /^502 Bad Gateway from .* HTML page/],
    ['a 401 HTML page from an auth proxy', { status: 401, body: '<html><body>Authentication required</body></html>', headers: { 'Content-Type': 'text/html' } }, 'unauthorized', /^401 Unauthorized from .* HTML page/],
    ['an empty body (200)', { status: 200, body: '', headers: { 'Content-Type': 'application/json' } }, 'bad_response', /empty response/],
    ['truncated JSON', { status: 200, body: '[{"id":1,"name":"","path":"acme/platf', headers: { 'Content-Type': 'application/json' } }, 'bad_response', /not valid JSON/],
    ['JSON null', { status: 200, body: 'null', headers: { 'Content-Type': 'application/json' } }, 'bad_response', /list/],
    ['a JSON object where a list belongs', { status: 200, body: '{"message":"ok"}', headers: { 'Content-Type': 'application/json' } }, 'bad_response', /list/],
  ];
  for (const [what, fault, kind, message] of cases) {
    test(`${what} → ${kind}, naming the instance`, async () => {
      const d = await small();
      d.injectFault({ method: 'GET', path: /\/registry\/repositories$/, times: 10, ...fault });
      const e = await rejection(api(d).listProjectRepositories('acme/platform/My.Project'));
      assert.equal(e.kind, kind);
      assert.match(e.message, message);
      assert.ok(e.message.includes(new URL(d.url).host), `names the instance: ${e.message}`);
      assert.ok(!/<(html|body|form)/i.test(e.message), 'no HTML quoted');
    });
  }

  test('list items with missing fields are skipped (with a warning), never a TypeError or a NaN id', async () => {
    const d = await small();
    const repos = JSON.stringify([
      null, 'text', 42, [], { name: 'no-id', path: 'acme/x' }, { id: 'abc', name: 'bad-id' }, { id: -3, name: 'neg' },
      { id: 1, name: '', path: 'acme/platform/my.project', project_id: 1, location: 'r/acme', created_at: 'garbage' },
    ]);
    d.injectFault({ method: 'GET', path: /\/projects\/[^/]+\/registry\/repositories$/, status: 200, body: repos, times: 1 });
    warnings.length = 0;
    const page = await api(d).listProjectRepositories('acme/platform/My.Project');
    assert.deepEqual(page.items.map((r) => r.id), [1]);
    assert.equal(page.items[0].created_at, null, 'an unparseable timestamp becomes null');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /127\.0\.0\.1:\d+ sent 7 repository entries without a numeric id; skipped/);

    const tags = JSON.stringify([{ path: 'x:y', location: 'r/x:y' }, null, { name: '' }, { name: 'a/b' }, { name: 'ok', path: 'p:ok', location: 'l' }]);
    d.injectFault({ method: 'GET', path: /\/repositories\/1\/tags$/, status: 200, body: tags, times: 1 });
    const list = await api(d).listTags('acme/platform/My.Project', 1);
    assert.deepEqual(list.items.map((t) => t.name), ['ok']);

    d.injectFault({ method: 'GET', path: /\/groups$/, status: 200, body: '[null,{"full_path":"g"},{"id":4,"name":"G","full_path":"g"}]', times: 1 });
    const groups = await api(d).listGroups({});
    assert.deepEqual(groups.items.map((g) => g.id), [4]);
  });

  test('a single object without its identity is bad_response, not a half-filled entity', async () => {
    const d = await small();
    d.injectFault({ method: 'GET', path: /\/registry\/repositories\/1$/, status: 200, body: '{"name":"","path":"acme/x"}', times: 1 });
    const e1 = await rejection(api(d).getRepository(1));
    assert.equal(e1.kind, 'bad_response');
    assert.match(e1.message, /127\.0\.0\.1:\d+ sent a repository without a numeric id/);
    d.injectFault({ method: 'GET', path: /\/tags\/latest$/, status: 200, body: '{"digest":"sha256:00"}', times: 1 });
    const e2 = await rejection(api(d).getTagDetails('acme/platform/My.Project', 1, 'latest'));
    assert.equal(e2.kind, 'bad_response');
    d.injectFault({ method: 'GET', path: /\/tags\/latest$/, status: 200, body: '["latest"]', times: 1 });
    assert.equal((await rejection(api(d).getTagDetails('acme/platform/My.Project', 1, 'latest'))).kind, 'bad_response');
  });

  test('a delete whose tag listing is garbage sends no DELETE for names it cannot see', async () => {
    const d = await small();
    d.injectFault({ method: 'GET', path: /\/repositories\/1\/tags$/, status: 200, body: '[{"path":"x"},null]', times: 1 });
    const report = await api(d).deleteTags('acme/platform/My.Project', 1, ['main']);
    assert.deepEqual(report.deleted, []);
    assert.deepEqual(report.failed.map((f) => f.tag), ['main']);
    assert.ok(!d.requests.some((r) => r.method === 'DELETE'));
    assert.ok(d.repository(1)!.tags.some((t) => t.name === 'main'));
  });

  describe('a body over 50 MB from a tiny junk server', () => {
    async function junkServer(declareLength: boolean): Promise<{ url: string; sentBytes: () => number; close(): Promise<void> }> {
      let sent = 0;
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      const server = http.createServer((req, res) => {
        req.resume();
        const total = 60;
        res.writeHead(200, { 'Content-Type': 'application/json', ...(declareLength ? { 'Content-Length': String(total * chunk.length) } : {}) });
        let i = 0;
        const pump = (): void => {
          while (i < total) {
            i++;
            sent += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('close', () => undefined);
        pump();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        sentBytes: () => sent,
        close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
      };
    }
    for (const declared of [false, true]) {
      test(`${declared ? 'declared' : 'streamed'} → refused as bad_response "larger than 50 MB", the instance named`, async () => {
        const s = await junkServer(declared);
        try {
          const e = await rejection(api(s).listProjects({}));
          assert.equal(e.kind, 'bad_response');
          assert.match(e.message, /^The response from 127\.0\.0\.1:\d+ is larger than 50 MB; refused\.$/);
          if (declared) assert.ok(s.sentBytes() < 60 * 1024 * 1024, 'stopped reading early');
        } finally { await s.close(); }
      });
    }
  });
});

describe('names with unusual but legal characters', () => {
  const LONG = `A${'b_c-d.e9'.repeat(15)}-012345`; // 128 characters
  const TAGS = ['Release_1.0-RC.1', 'UPPER', '_leading-underscore', 'v1.2.3-beta.4+x'.replace('+x', ''), '0', LONG];

  test('listing, details and delete encode them correctly (project path with dots, dashes, underscores, upper case)', async () => {
    assert.equal(LONG.length, 128);
    const d = await small();
    const projectId = d.addProject({ namespace: 'acme/platform', path: 'Odd_Name-2.0.x' });
    const repoId = d.addRepository(projectId, 'Sub.Dir_x/img-1', TAGS.map((name) => ({ name })));
    const c = api(d);
    const project = 'acme/platform/Odd_Name-2.0.x';

    const p = await c.getProject(project);
    assert.equal(p.path_with_namespace, project);
    const repos = await c.listProjectRepositories(project);
    assert.deepEqual(repos.items.map((r) => [r.id, r.path]), [[repoId, 'acme/platform/odd_name-2.0.x/sub.dir_x/img-1']]);
    const tags = await c.listAllTags(project, repoId);
    assert.deepEqual(tags.map((t) => t.name), [...TAGS].sort());
    for (const name of TAGS) {
      const details = await c.getTagDetails(project, repoId, name);
      assert.equal(details.name, name);
      assert.match(details.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    }
    d.resetLog();
    const report = await c.deleteTags(project, repoId, [LONG, 'Release_1.0-RC.1', 'UPPER']);
    assert.deepEqual(report.failed, []);
    assert.deepEqual([...report.deleted].sort(), [LONG, 'Release_1.0-RC.1', 'UPPER'].sort());
    assert.deepEqual(d.repository(repoId)!.tags.map((t) => t.name).sort(), ['0', '_leading-underscore', 'v1.2.3-beta.4'].sort());
    const paths = d.requests.filter((r) => r.method === 'DELETE').map((r) => r.path).sort();
    assert.deepEqual(paths, [LONG, 'Release_1.0-RC.1', 'UPPER'].sort()
      .map((t) => `/api/v4/projects/acme%2Fplatform%2FOdd_Name-2.0.x/registry/repositories/${repoId}/tags/${t}`).sort());
  });

  test('names that cannot be tags are refused before anything is sent', async () => {
    const d = await small();
    const c = api(d);
    for (const bad of ['', 'a/b', '../latest']) {
      await assert.rejects(c.getTagDetails('acme/platform/My.Project', 1, bad), UsageError, JSON.stringify(bad));
    }
    assert.equal(d.requests.length, 0);
  });
});

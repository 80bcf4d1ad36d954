// Control characters from the server (issue 11 item 8, core side): free text is stripped where JSON becomes
// domain types and in GitLab's error text; identifiers are never altered — an entry whose name or path
// holds a control character is skipped, so it can be neither shown nor deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Response } from 'node-fetch';
import { extractGitLabMessage, mapHttpError } from '../../src/core/errorMapping';
import { GitLabError } from '../../src/core/errors';
import type { FetchFn } from '../../src/core/http';
import { createRegistryApi } from '../../src/core/client';
import { RestRegistryApi } from '../../src/core/restClient';
import { stripControls } from '../../src/core/text';
import { toProject, toTagDetails } from '../../src/core/entities';

const ESC = '\u001b[2J';
const OSC = '\u001b]0;pwned\u0007';
const C1 = '\u009b31m\u0085';
const HOSTILE = `${ESC}${OSC}${C1}`;
const CLEAN = '[2J]0;pwned31m';

/** Answers from a table of `METHOD path` → JSON; records what was asked. */
function canned(table: Record<string, { status?: number; body: unknown }>, asked: string[]): FetchFn {
  return async (url, init) => {
    const u = new URL(url);
    const key = `${init.method ?? 'GET'} ${u.pathname}`;
    asked.push(`${key}${u.search}`);
    const hit = table[key];
    if (!hit) return new Response(JSON.stringify({ message: '404 Not found' }), { status: 404, headers: { 'content-type': 'application/json' } });
    return new Response(JSON.stringify(hit.body), { status: hit.status ?? 200, headers: { 'content-type': 'application/json' } });
  };
}

test('GitLab\'s error text loses ESC, OSC and C1 controls, in the message and in every GitLabError', () => {
  const body = JSON.stringify({ message: `403 Forbidden${HOSTILE} - nope` });
  assert.equal(extractGitLabMessage(body), `403 Forbidden${CLEAN} - nope`);
  const e = mapHttpError(403, body, { get: () => null }, 'gitlab.example.com');
  assert.equal(e.message, `403 Forbidden${CLEAN} - nope`);
  assert.equal(new GitLabError('bad_request', 200, `graphql says${HOSTILE}`).gitlabMessage, `graphql says${CLEAN}`);
});

test('free text is stripped in the conversions; a digest that is not one becomes null', () => {
  const p = toProject({ id: 1, path_with_namespace: 'g/p', name: `n${HOSTILE}`, web_url: `https://x/${ESC}` });
  assert.equal(p.name, `n${CLEAN}`);
  assert.equal(p.web_url, 'https://x/[2J');
  const t = toTagDetails({ name: 'v1', path: `g/p:v1${OSC}`, location: `r/g/p:v1${C1}`, digest: `sha256:ab${ESC}`, revision: `r${ESC}` });
  assert.deepEqual([t.name, t.path, t.location, t.digest, t.revision], ['v1', 'g/p:v1]0;pwned', 'r/g/p:v131m', null, 'r[2J']);
  assert.equal(stripControls(t.location), t.location);
});

test('a tag whose name holds a control character is skipped (with a warning) and never deleted', async () => {
  const asked: string[] = [];
  const warnings: string[] = [];
  const tags = [{ name: 'ok', path: 'g/p:ok', location: 'r/g/p:ok' }, { name: `bad${ESC}`, path: 'g/p:bad', location: 'r/g/p:bad' }];
  const fetch = canned({
    'GET /api/v4/projects/1/registry/repositories/5/tags': { body: tags },
    'DELETE /api/v4/projects/1/registry/repositories/5/tags/ok': { body: {} },
  }, asked);
  const log = { debug: () => undefined, info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };
  const api = new RestRegistryApi({ baseUrl: 'https://gitlab.example.com', fetch, log, maxRetries: 0 });
  assert.deepEqual((await api.listAllTags(1, 5)).map((t) => t.name), ['ok']);
  assert.match(warnings.join('\n'), /sent 1 tag entry without a valid name; skipped/);
  const report = await api.deleteTags(1, 5, ['ok', `bad${ESC}`]);
  assert.deepEqual(report.deleted, ['ok']);
  assert.deepEqual(report.failed.map((f) => f.error), ['404 Tag Not Found']);
  assert.equal(asked.filter((a) => a.startsWith('DELETE')).length, 1);
  // A repository with a control character in its path is not GitLab's: refused, not half-shown.
  const bad = canned({ 'GET /api/v4/registry/repositories/5': { body: { id: 5, path: `g/p${ESC}`, name: '' } } }, []);
  const e = await new RestRegistryApi({ baseUrl: 'https://gitlab.example.com', fetch: bad }).getRepository(5).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof GitLabError && e.kind === 'bad_response' && /control character in its path/.test(e.message));
});

test('fast path: tag nodes with control characters are skipped; mutation payload errors are stripped', async () => {
  const asked: string[] = [];
  let call = 0;
  const graphql = async (url: string, init: { method?: string; body?: unknown }) => {
    const body = JSON.parse(String(init.body)) as { query: string };
    call++;
    if (body.query.includes('glcrTagDetails(')) {
      return { data: { containerRepository: { tagsCount: 2, project: { id: 'gid://gitlab/Project/1', fullPath: 'g/p' }, tags: {
        nodes: [{ name: 'ok', path: 'g/p:ok', location: `r${HOSTILE}`, digest: null, revision: null, shortRevision: null, totalSize: null, createdAt: null },
          { name: `bad${OSC}`, path: 'x', location: 'x', digest: null, revision: null, shortRevision: null, totalSize: null, createdAt: null }],
        pageInfo: { hasNextPage: false, endCursor: null } } } } };
    }
    return { data: { destroyContainerRepositoryTags: { deletedTagNames: [], errors: [`could not delete tags: ok${HOSTILE}`] } } };
  };
  const fetch: FetchFn = async (url, init) => {
    const u = new URL(url);
    asked.push(`${init.method} ${u.pathname}`);
    if (u.pathname === '/api/graphql') return new Response(JSON.stringify(await graphql(url, init as never)), { status: 200, headers: { 'content-type': 'application/json' } });
    if (u.pathname === '/api/v4/registry/repositories/5') {
      return new Response(JSON.stringify({ id: 5, name: '', path: 'g/p', project_id: 1, tags: [{ name: 'ok' }, { name: `bad${ESC}` }] }), { status: 200 });
    }
    return new Response(JSON.stringify({ message: '404 Not found' }), { status: 404 });
  };
  const api = createRegistryApi({ baseUrl: 'https://gitlab.example.com', credential: { kind: 'private', value: 't' }, fetch, maxRetries: 0 });
  const details = await api.listTagDetails('g/p', 5);
  assert.deepEqual(details.map((t) => [t.name, t.location]), [['ok', `r${CLEAN}`]]);
  const report = await api.deleteTags('g/p', 5, ['ok', `bad${ESC}`]);
  assert.deepEqual(report.failed.map((f) => [f.tag, f.error]), [['ok', `could not delete tags: ok${CLEAN}`], [`bad${ESC}`, '404 Tag Not Found']]);
  assert.ok(call >= 2);
});

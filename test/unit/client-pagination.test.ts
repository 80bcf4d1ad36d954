import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { apiPathFromLink, collectAll, nextKeysetCursor, nextOffsetCursor, parseLinkHeader } from '../../src/core/pagination';
import { GitLabError } from '../../src/core/errors';

const h = (o: Record<string, string>) => ({ get: (n: string) => o[n.toLowerCase()] ?? null });
const BASE = 'https://gitlab.example.com/gitlab';

describe('Link header', () => {
  test('parses GitLab order prev,next,first,last', () => {
    const v = '<https://g/api/v4/projects?page=1&per_page=2>; rel="prev", <https://g/api/v4/projects?page=3&per_page=2>; rel="next", '
      + '<https://g/api/v4/projects?page=1&per_page=2>; rel="first", <https://g/api/v4/projects?page=5&per_page=2>; rel="last"';
    const links = parseLinkHeader(v);
    assert.equal(links.next, 'https://g/api/v4/projects?page=3&per_page=2');
    assert.equal(links.last, 'https://g/api/v4/projects?page=5&per_page=2');
    assert.deepEqual(parseLinkHeader(null), {});
  });
  test('a Link onto another host is taken onto the instance (path+query only)', () => {
    assert.equal(apiPathFromLink('http://internal-gitlab:8080/api/v4/projects/5/registry/repositories/2/tags?last=a&pagination=keyset', BASE),
      '/projects/5/registry/repositories/2/tags?last=a&pagination=keyset');
    assert.equal(apiPathFromLink('https://gitlab.example.com/gitlab/api/v4/groups?page=2', BASE), '/groups?page=2');
    assert.equal(apiPathFromLink('https://evil.example/steal', BASE), undefined);
  });
});

describe('next cursors', () => {
  test('empty X-Next-Page on the last page ends paging', () => {
    assert.equal(nextOffsetCursor(h({ 'x-next-page': '', 'x-page': '3' }), '/projects?page=3&per_page=2', 2, 2, BASE), undefined);
  });
  test('X-Next-Page without totals (10,000+ items) continues', () => {
    assert.equal(nextOffsetCursor(h({ 'x-next-page': '101', 'x-page': '100' }), '/projects/1/registry/repositories/2/tags?per_page=100&page=100', 100, 100, BASE),
      '/projects/1/registry/repositories/2/tags?per_page=100&page=101');
  });
  test('Link rel=next preferred and taken onto the instance', () => {
    assert.equal(nextOffsetCursor(h({ link: '<http://10.0.0.5/api/v4/projects?page=2&per_page=2>; rel="next"', 'x-next-page': '2' }), '/projects?page=1&per_page=2', 2, 2, BASE),
      '/projects?page=2&per_page=2');
  });
  test('no pagination headers at all: a full page means try the next one', () => {
    assert.equal(nextOffsetCursor(h({}), '/projects?per_page=2&page=1', 2, 2, BASE), '/projects?per_page=2&page=2');
    assert.equal(nextOffsetCursor(h({}), '/projects?per_page=2&page=2', 1, 2, BASE), undefined);
  });
  test('keyset follows only Link rel=next', () => {
    assert.equal(nextKeysetCursor(h({}), BASE), undefined);
    assert.equal(nextKeysetCursor(h({ link: '<https://gitlab.example.com/gitlab/api/v4/x?last=b&pagination=keyset>; rel="next"' }), BASE), '/x?last=b&pagination=keyset');
  });
});

describe('collectAll', () => {
  test('follows cursors to the end', async () => {
    const pages: Record<string, { items: number[]; next?: string }> = { start: { items: [1, 2], next: 'b' }, b: { items: [3], next: 'c' }, c: { items: [] } };
    assert.deepEqual(await collectAll((c) => Promise.resolve(pages[c ?? 'start']), 'h'), [1, 2, 3]);
  });
  test('is bounded and detects a repeating cursor', async () => {
    await assert.rejects(collectAll(() => Promise.resolve({ items: [1], next: 'same' }), 'h'), (e: unknown) => e instanceof GitLabError && e.kind === 'bad_response');
    let n = 0;
    await assert.rejects(collectAll(() => Promise.resolve({ items: [1], next: String(n++) }), 'h', { maxPages: 5 }), /after 5/);
    assert.equal(n, 5);
  });
});

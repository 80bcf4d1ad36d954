// Pure parts of the tree: tag descriptions, sorting, filtering, repository labels, the poller's backoff.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { dateWithExact, firstNames, formatAge, formatCount, formatSize, sizeWithBytes, matchesFilter, shortDigest, sortTags, tagDescription } from '../../src/extension/tree/format';
import { repositoryLabel } from '../../src/extension/tree/nodes';
import { accountFromCheck, instanceHost, missingScope } from '../../src/extension/accounts/account';
import type { Repository, Tag, TagDetails } from '../../src/core/types';

const tag = (name: string): Tag => ({ name, path: `g/p:${name}`, location: `reg.example:5050/g/p:${name}` });
const details = (name: string, created_at: string | null): TagDetails => ({
  ...tag(name), digest: 'sha256:0123456789abcdef0123', revision: null, short_revision: null, created_at, total_size: 350224384,
});

describe('tag descriptions', () => {
  test('short digest, size, age', () => {
    assert.equal(shortDigest('sha256:0123456789abcdef0123'), '0123456789ab');
    assert.equal(formatSize(350224384), '350.2 MB');
    assert.equal(formatSize(512), '512 B');
    assert.equal(formatSize(null), undefined);
    const now = Date.parse('2024-07-04T00:00:00Z');
    assert.equal(formatAge('2024-07-01T00:00:00Z', now, 'en'), '3 days ago');
    assert.equal(tagDescription(details('a', '2024-07-01T00:00:00Z'), now, 'en'), '3 days ago · 350.2 MB · 01234567');
    assert.equal(tagDescription(details('a', '2024-07-01T00:00:00Z'), now, 'en', ['protected']), '3 days ago · 350.2 MB · 01234567 · protected');
    assert.equal(tagDescription(undefined, now, 'en'), '');
  });

  test('tag rows abbreviate the age in the language\'s short style (a 300 px sidebar); the long style stays the default', () => {
    const now = Date.parse('2024-07-04T00:00:00Z');
    assert.equal(formatAge('2024-06-13T00:00:00Z', now, 'en'), '3 weeks ago');
    assert.equal(formatAge('2024-06-13T00:00:00Z', now, 'en', 'short'), '3 wk. ago');
    assert.equal(formatAge('2024-05-30T00:00:00Z', now, 'en', 'short'), 'last mo.');
    assert.equal(formatAge('2024-05-30T00:00:00Z', now, 'ru', 'short'), 'в прошлом мес.');
    assert.equal(tagDescription(details('a', '2023-12-01T00:00:00Z'), now, 'en'), '7 mo. ago · 350.2 MB · 01234567');
    assert.equal(tagDescription(details('a', '2023-12-01T00:00:00Z'), now, 'en', ['+2 tags']), '7 mo. ago · 350.2 MB · 01234567 · +2 tags');
  });
});

describe('human values with the exact ones beside them', () => {
  test('size, date, count', () => {
    assert.equal(sizeWithBytes(198727348, 'en', 'bytes'), '198.7 MB (198,727,348 bytes)');
    assert.equal(dateWithExact('2026-11-30T14:51:32.887Z', 'en'), 'Nov 30, 2026, 2:51 PM UTC (2026-11-30T14:51:32.887Z)');
    assert.equal(formatCount(10050, 'en'), '10,050');
  });
});

describe('sorting and filtering', () => {
  const tags = [tag('b'), tag('a'), tag('c'), tag('old')];
  const d: Record<string, TagDetails> = {
    a: details('a', '2024-01-01T00:00:00.000Z'), b: details('b', '2024-03-01T00:00:00.000Z'),
    old: details('old', '2020-01-01T00:00:00.000Z'),
  };
  test('newest first, undated last', () => {
    assert.deepEqual(sortTags(tags, (n) => d[n], 'newest').map((t) => t.name), ['b', 'a', 'old', 'c']);
  });
  test('by name', () => {
    assert.deepEqual(sortTags(tags, (n) => d[n], 'name').map((t) => t.name), ['a', 'b', 'c', 'old']);
  });
  test('substring or glob, case-insensitive', () => {
    assert.ok(matchesFilter('v1.2.3', 'V1'));
    assert.ok(matchesFilter('v1.2.3', 'v1.*'));
    assert.ok(!matchesFilter('xv1.2', 'v1.*'));
    assert.ok(matchesFilter('main', undefined));
    assert.ok(matchesFilter('feature-x', 'feat?re-*'));
  });
  test('first names for confirmations', () => {
    assert.deepEqual(firstNames(['a', 'b', 'c'], 2), { shown: ['a', 'b'], more: 1 });
  });
});

describe('labels and accounts', () => {
  const repo = (name: string, path: string): Repository => ({
    id: 1, name, path, project_id: 9, location: `reg/${path}`, created_at: null, cleanup_policy_started_at: null, status: null,
  });
  test('repository labels under a project and under a group', () => {
    assert.equal(repositoryLabel(repo('', 'grp/app'), { kind: 'project', path: 'Grp/App' }), 'Grp/App');
    assert.equal(repositoryLabel(repo('api', 'grp/app/api'), { kind: 'project', path: 'grp/app' }), 'api');
    assert.equal(repositoryLabel(repo('api', 'grp/sub/app/api'), { kind: 'group', fullPath: 'Grp' }), 'sub/app/api');
  });
  test('host label and scopes', () => {
    assert.equal(instanceHost('https://gitlab.example.com:8443/gitlab'), 'gitlab.example.com:8443');
    const user = { id: 3, username: 'alice', name: 'Alice' };
    const check = (scopes: string[] | null, readOnly = false) => ({ user, token: null, scopes, readOnly });
    assert.equal(missingScope(check(['read_user'])), 'api');
    assert.equal(missingScope(check(['read_api'], true)), undefined);
    assert.equal(missingScope(check(null)), undefined);
    const a = accountFromCheck('https://gitlab.com', check(['read_api'], true), false, 'stored');
    assert.equal(a.id, 'https://gitlab.com|3');
    assert.equal(a.readOnly, true);
  });
});

describe('repository deletion polling', () => {
  test('backoff doubles up to the cap', async () => {
    const { backoffDelay } = await import('../../src/extension/deletion/repositoryDeletionPoller');
    const o = { initialDelayMs: 2000, maxDelayMs: 30000, maxAttempts: 40 };
    assert.deepStrictEqual([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, o)), [2000, 4000, 8000, 16000, 30000, 30000]);
  });
});

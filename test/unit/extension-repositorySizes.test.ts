// The tree's repository sizes (src/extension/tree/repositorySizes.ts; no vscode import): GitLab's own figure
// wins over a computed one, a change is announced once, an account's figures are forgotten with it (account
// ids contain "|"), and load() reads GitLab's `size` or says why there is none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RepositorySizes } from '../../src/extension/tree/repositorySizes';
import type { ClientPool } from '../../src/extension/accounts/clientPool';
import type { Repository } from '../../src/core/types';

const repo = (id: number): Repository => ({
  id, name: '', path: `g/p${id}`, project_id: 1, location: `r.example/g/p${id}`, created_at: null, cleanup_policy_started_at: null, status: null,
});

function sizes(getRepository: (id: number, opts: unknown) => Promise<Partial<Repository>> = async () => ({})) {
  const asked: unknown[] = [];
  const changed: string[] = [];
  const clients = {
    api: () => ({
      getRepository: async (id: number, opts: unknown) => {
        asked.push(opts);
        return { ...repo(id), ...(await getRepository(id, opts)) };
      },
    }),
  } as unknown as ClientPool;
  return { s: new RepositorySizes(clients, (a, r) => changed.push(`${a}#${r}`)), asked, changed };
}

test('GitLab\'s figure is not replaced by a computed one; the same figure twice is one change', () => {
  const { s, changed } = sizes();
  s.set('acc', 1, { bytes: 100, source: 'computed' });
  s.set('acc', 1, { bytes: 100, source: 'computed' });
  s.set('acc', 1, { bytes: 90, source: 'gitlab' });
  s.set('acc', 1, { bytes: 120, source: 'computed' });
  assert.deepEqual(s.get('acc', 1), { bytes: 90, source: 'gitlab' });
  assert.deepEqual(changed, ['acc#1', 'acc#1']);
});

test('a deletion estimate over complete digests tells the size; one with uncounted tags does not', () => {
  const { s } = sizes();
  const estimate = (uncounted: string[]) => ({
    available: true as const,
    value: { reclaimable_bytes: 1, shared_bytes: 2, perTag: new Map<string, number>(), manifests: 3, bytes: 4242, uncounted },
  });
  s.learned('acc', 2, estimate(['no-digest']));
  assert.equal(s.get('acc', 2), undefined);
  s.learned('acc', 2, estimate([]));
  assert.deepEqual(s.get('acc', 2), { bytes: 4242, source: 'computed' });
  s.learned('acc', 2, { available: false, reason: 'denied' });
  assert.deepEqual(s.get('acc', 2), { bytes: 4242, source: 'computed' });
});

test('forgetting an account keeps the others, also when one id is a prefix of another ("|" inside ids)', () => {
  const { s } = sizes();
  s.set('https://a|x', 1, { bytes: 1, source: 'gitlab' });
  s.set('https://a|x|y', 1, { bytes: 2, source: 'gitlab' });
  s.forget('https://a|x');
  assert.equal(s.get('https://a|x', 1), undefined);
  assert.deepEqual(s.get('https://a|x|y', 1), { bytes: 2, source: 'gitlab' });
  s.forget();
  assert.equal(s.get('https://a|x|y', 1), undefined);
});

test('load: GitLab\'s size when given (asked with size=true); without one and without compute: "not computed"', async () => {
  const { s, asked } = sizes(async (id) => ({ size: id === 1 ? 643_569_766 : null }));
  assert.deepEqual(await s.load('acc', repo(1)), { available: true, value: { bytes: 643_569_766, source: 'gitlab' } });
  assert.deepEqual(asked[0], { size: true, signal: undefined });
  assert.deepEqual(await s.load('acc', repo(2)), { available: false, reason: 'not computed' });
  // A computed figure already known stands in for GitLab's missing one.
  s.set('acc', 2, { bytes: 84_007_365, source: 'computed' });
  assert.deepEqual(await s.load('acc', repo(2)), { available: true, value: { bytes: 84_007_365, source: 'computed' } });
});

test('load: a GitLab error is the reason when nothing else is known', async () => {
  const { s } = sizes(async () => {
    throw new Error('403 Forbidden');
  });
  assert.deepEqual(await s.load('acc', repo(3)), { available: false, reason: '403 Forbidden' });
});

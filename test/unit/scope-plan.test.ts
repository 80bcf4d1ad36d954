// The rule over many repositories (src/core/rules/scope.ts) keeps the account's one concurrency bound,
// and the HttpClient holds it whatever the callers fan out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistryApi } from '../../src/core/client';
import { compileRule } from '../../src/core/rules';
import { planScope } from '../../src/core/rules/scope';
import { compileRe2 } from '../../src/core/rules/regex';
import { countingFetch, startDouble } from './client-support';

test('planScope over a group: every repository previewed, never more than `concurrency` requests in flight', async () => {
  const double = await startDouble({ scenario: 'large', latencyMs: 5 });
  try {
    const counting = countingFetch();
    const api = createRegistryApi({ baseUrl: double.url, credential: { kind: 'private', value: double.tokens.owner }, concurrency: 3, fetch: counting.fetch } as never);
    const plan = await planScope(api, { kind: 'group', group: 'org-01' }, compileRule({ deleteRegex: 'v.*' }), {
      concurrency: 3, repositories: compileRe2('service-\\d+$', { anchored: false }),
    });
    // Projects go round 20 groups; org-01 and its three teams take 4 of every 20 of the 250: 52 root images,
    // each with one v1.0.0 (big and huge of service-001 are filtered out by the path search).
    assert.equal(plan.plans.length, 52);
    assert.equal(plan.deleteCount, 52);
    assert.equal(plan.plans[0].repository.path, 'org-01/service-001');
    assert.ok(counting.peak() <= 3, `peak ${counting.peak()} requests in flight`);
    assert.ok(counting.peak() === 3, 'the bound is used, not one request at a time');
  } finally {
    await double.close();
  }
});

test('planScope: each project\'s protection is read once, however many of its repositories are previewed', async () => {
  const double = await startDouble({ scenario: 'protected' });
  try {
    const api = createRegistryApi({ baseUrl: double.url, credential: { kind: 'private', value: double.tokens.maintainer }, concurrency: 4 } as never);
    double.resetLog();
    const plan = await planScope(api, { kind: 'project', project: 'acme/platform/vault' }, compileRule({ deleteRegex: 'v1|dev-.*' }));
    assert.deepEqual(plan.plans.map((p) => p.repository.path), ['acme/platform/vault', 'acme/platform/vault/scratch', 'acme/platform/vault/secure-api']);
    const gets = (suffix: RegExp) => double.requests.filter((q) => q.method === 'GET' && suffix.test(q.path)).length;
    assert.equal(gets(/\/registry\/protection\/tag\/rules$/), 1);
    assert.equal(gets(/\/registry\/protection\/repository\/rules$/), 1);
    // The rule secure-* (delete: Owner) guards secure-api from a Maintainer: its v1 is kept, marked, not counted.
    const secure = plan.plans[2];
    assert.deepEqual(secure.protectedBy, { deletable: false, reason: 'protected', rule: 'acme/platform/vault/secure-*', needs: 'owner' });
    assert.deepEqual(secure.preview.delete, []);
    assert.deepEqual(secure.preview.decisions.map((d) => [d.name, d.action, d.reason, d.protection]),
      [['v1', 'keep', 'protected', { rule: 'acme/platform/vault/secure-*', needs: 'owner' }]]);
    assert.equal(plan.plans[0].protectedBy, undefined);
    assert.equal(plan.deleteCount, plan.plans[0].preview.delete.length);
  } finally {
    await double.close();
  }
});

test('planScope: an Owner is not guarded by a rule that needs Owner', async () => {
  const double = await startDouble({ scenario: 'protected' });
  try {
    const api = createRegistryApi({ baseUrl: double.url, credential: { kind: 'private', value: double.tokens.owner } } as never);
    const plan = await planScope(api, { kind: 'project', project: 'acme/platform/vault' }, compileRule({ deleteRegex: 'v1' }));
    const secure = plan.plans.find((p) => p.repository.path.endsWith('/secure-api'))!;
    assert.equal(secure.protectedBy, undefined);
    assert.deepEqual(secure.preview.delete, ['v1']);
  } finally {
    await double.close();
  }
});

// How the fast path spreads names over requests (src/core/graphql/deleteTags.ts planRequests): mutations
// of at most 20 names, at most 5 per request, the fewest rounds over `concurrency` slots, names spread
// evenly, never more requests than one per 20 names, and fewer when the rate-limit window is nearly spent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRequests } from '../../src/core/graphql/deleteTags';

const names = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
const shape = (plan: string[][][]) => plan.map((request) => request.map((mutation) => mutation.length));

test('1,000 names at concurrency 8: 16 requests of 62–63 names, two per slot, each as 4 mutations', () => {
  const plan = planRequests(names(1000), 8, undefined);
  assert.equal(plan.length, 16);
  assert.deepEqual(shape(plan).slice(0, 8), Array(8).fill([16, 16, 16, 15]));
  assert.deepEqual(shape(plan).slice(8), Array(8).fill([16, 16, 15, 15]));
  assert.deepEqual(plan.flat(2), names(1000), 'every name once, in order');
});

test('few names: never more requests than one per 20 names', () => {
  assert.deepEqual(shape(planRequests(names(30), 8, undefined)), [[15], [15]]);
  assert.deepEqual(shape(planRequests(names(160), 8, undefined)), Array(8).fill([20]), 'one round holds them all');
  assert.deepEqual(shape(planRequests(names(1), 8, undefined)), [[1]]);
  assert.deepEqual(planRequests([], 8, undefined), []);
});

test('two rounds at least once one round of 20-name requests is not enough, so Cancel has something to hold back', () => {
  assert.deepEqual(shape(planRequests(names(170), 8, undefined)), Array(8).fill([19]).concat([[18]]));
  const plan = planRequests(names(600), 8, undefined);
  assert.equal(plan.length, 16);
  assert.ok(plan.every((r) => r.flat().length === 37 || r.flat().length === 38));
});

test('at most 100 names per request, also for large deletions', () => {
  const plan = planRequests(names(10_000), 8, undefined);
  assert.equal(plan.length, 104);
  assert.ok(plan.every((r) => r.flat().length <= 100 && r.every((m) => m.length <= 20)));
});

test('a nearly spent rate-limit window: just enough requests to fit (one left in reserve), at most 100 names each', () => {
  assert.equal(planRequests(names(1000), 8, 20).length, 16, 'fits already');
  assert.equal(planRequests(names(1000), 8, 12).length, 11);
  assert.equal(planRequests(names(1000), 8, 3).length, 10, 'cannot go below 100 names per request');
  assert.equal(planRequests(names(1000), 8, 1).length, 16, 'no room at all: the window has to roll over anyway');
});

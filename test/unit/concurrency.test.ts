import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mapLimit, sleep } from '../../src/core/concurrency';

describe('mapLimit', () => {
  test('never runs more than `limit` at once and keeps result order', async () => {
    let inFlight = 0;
    let peak = 0;
    const items = Array.from({ length: 40 }, (_, i) => i);
    const { results, notStarted, aborted } = await mapLimit(items, 5, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await sleep(1 + (n % 3));
      inFlight--;
      return n * 2;
    });
    assert.equal(peak, 5);
    assert.deepEqual(results, items.map((n) => n * 2));
    assert.deepEqual(notStarted, []);
    assert.equal(aborted, false);
  });

  test('runs in parallel, not one after the other', async () => {
    const started = Date.now();
    await mapLimit(Array.from({ length: 10 }), 10, () => sleep(50));
    assert.ok(Date.now() - started < 400, 'ten 50 ms tasks with limit 10 take about 50 ms');
  });

  test('stops starting on abort, lets running items finish, reports the rest', async () => {
    const controller = new AbortController();
    const finished: number[] = [];
    const items = Array.from({ length: 20 }, (_, i) => i);
    const outcome = await mapLimit(items, 3, async (n) => {
      if (n === 4) controller.abort();
      await sleep(5);
      finished.push(n);
      return n;
    }, { signal: controller.signal });
    assert.equal(outcome.aborted, true);
    const started = items.filter((i) => !outcome.notStarted.includes(i));
    assert.deepEqual(finished.sort((a, b) => a - b), started, 'every started item finished');
    assert.ok(outcome.notStarted.length >= 20 - 7, `most items not started (${outcome.notStarted.length})`);
    assert.deepEqual(outcome.notStarted, items.slice(started.length));
  });

  test('an already aborted signal starts nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    const outcome = await mapLimit([1, 2, 3], 2, async () => { calls++; }, { signal: controller.signal });
    assert.equal(calls, 0);
    assert.deepEqual(outcome.notStarted, [1, 2, 3]);
    assert.equal(outcome.aborted, true);
  });

  test('a rejection stops new work and is re-thrown after running items settle', async () => {
    let running = 0;
    let started = 0;
    await assert.rejects(mapLimit(Array.from({ length: 50 }, (_, i) => i), 4, async (n) => {
      started++;
      running++;
      await sleep(2);
      running--;
      if (n === 2) throw new Error('boom');
    }), /boom/);
    assert.equal(running, 0);
    assert.ok(started < 50);
  });

  test('empty input and silly limits', async () => {
    assert.deepEqual((await mapLimit([], 4, async () => 1)).results, []);
    assert.deepEqual((await mapLimit([1, 2], 0, async (n) => n)).results, [1, 2]);
  });

  test('onSettled counts progress', async () => {
    const seen: Array<[number, number]> = [];
    await mapLimit([1, 2, 3], 2, async () => undefined, { onSettled: (d, t) => seen.push([d, t]) });
    assert.deepEqual(seen.map(([d]) => d), [1, 2, 3]);
    assert.ok(seen.every(([, t]) => t === 3));
  });
});

describe('sleep', () => {
  test('rejects on abort', async () => {
    const c = new AbortController();
    const p = sleep(10_000, c.signal);
    c.abort();
    await assert.rejects(p);
  });
});

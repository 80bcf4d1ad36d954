import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../../src/core/rules';
import { UsageError } from '../../src/core/errors';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration accepts ChronicDuration forms', () => {
  const cases: Array<[string, number]> = [
    ['1h', H],
    ['7d', 7 * D],
    ['14d', 14 * D],
    ['30d', 30 * D],
    ['60d', 60 * D],
    ['90d', 90 * D],
    ['1month', 30 * D],
    ['3month', 90 * D],
    ['1 day', D],
    ['2 weeks', 14 * D],
    ['1d12h', D + 12 * H],
    ['1 day 12 hours', D + 12 * H],
    ['1 day, 12 hours', D + 12 * H],
    ['1 day and 12 hours', D + 12 * H],
    ['1m', M],
    ['1mo', 30 * D],
    ['2mos', 60 * D],
    ['2 months', 60 * D],
    ['1y', 365.25 * D],
    ['1yr', 365.25 * D],
    ['2 yrs', 2 * 365.25 * D],
    ['1 year', 365.25 * D],
    ['3 years', 3 * 365.25 * D],
    ['1s', S],
    ['5 sec', 5 * S],
    ['5 secs', 5 * S],
    ['1 second', S],
    ['10 seconds', 10 * S],
    ['5min', 5 * M],
    ['5 mins', 5 * M],
    ['1 minute', M],
    ['90 minutes', 90 * M],
    ['2hr', 2 * H],
    ['2 hrs', 2 * H],
    ['1 hour', H],
    ['3 hours', 3 * H],
    ['1 days', D],
    ['1w', 7 * D],
    ['1wk', 7 * D],
    ['2 wks', 14 * D],
    ['1 week', 7 * D],
    ['1.5h', 1.5 * H],
    ['.5d', 12 * H],
    ['0.25 days', 6 * H],
    ['30', 30 * S],
    ['0', 0],
    ['0d', 0],
    ['7D', 7 * D],
    ['1 Month', 30 * D],
    ['  7d  ', 7 * D],
    ['1w2d3h4m5s', 7 * D + 2 * D + 3 * H + 4 * M + 5 * S],
  ];
  for (const [text, ms] of cases) {
    test(`${JSON.stringify(text)} = ${ms} ms`, () => {
      assert.equal(parseDuration(text), ms);
    });
  }
});

describe('parseDuration refuses nonsense with a clear UsageError', () => {
  const cases: Array<[string, RegExp]> = [
    ['abc', /"abc" is not a number followed by a unit/],
    ['7x', /unknown unit "x"/],
    ['', /empty/],
    ['   ', /empty/],
    ['-1d', /negative/],
    ['d7', /unit "d" needs a number before it/],
    ['1d 30', /30 has no unit/],
    ['7 dayz', /unknown unit "dayz"/],
    ['1ms', /unknown unit "ms"/],
    ['1.d', /unexpected/],
    ['+1d', /sign/],
    ['1d,', /ends with/],
    [', 1d', /start/],
    ['1d and', /ends with/],
    ['constructor', /not a number/],
    ['1 toString', /unknown unit "tostring"/],
    ['1e3d', /unknown unit "e"/],
    ['9'.repeat(400) + 'y', /too large/],
  ];
  for (const [text, why] of cases) {
    test(`${JSON.stringify(text.length > 20 ? text.slice(0, 20) + '…' : text)} is refused`, () => {
      assert.throws(
        () => parseDuration(text),
        (err: unknown) => {
          assert.ok(err instanceof UsageError);
          assert.match(err.message, /^Invalid duration /);
          assert.match(err.message, why);
          assert.match(err.message, /e\.g\. 1h, 7d/);
          return true;
        },
      );
    });
  }

  test('non-string input is a UsageError', () => {
    assert.throws(() => parseDuration(7 as unknown as string), UsageError);
    assert.throws(() => parseDuration(null as unknown as string), UsageError);
  });
});

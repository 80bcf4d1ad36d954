import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  CADENCE_VALUES,
  KEEP_N_VALUES,
  OLDER_THAN_VALUES,
  validatePolicyPatch,
  ruleFromPolicy,
  evaluateRule,
  parseDuration,
  type PolicyPatch,
} from '../../src/core/rules';
import { UsageError } from '../../src/core/errors';
import type { CleanupPolicy } from '../../src/core/types';

describe('policy value sets', () => {
  test('match GitLab', () => {
    assert.deepEqual([...CADENCE_VALUES], ['1d', '7d', '14d', '1month', '3month']);
    assert.deepEqual([...KEEP_N_VALUES], [1, 5, 10, 25, 50, 100]);
    assert.deepEqual([...OLDER_THAN_VALUES], ['7d', '14d', '30d', '60d', '90d']);
  });

  test('every cadence and older_than value parses as a duration', () => {
    for (const v of [...CADENCE_VALUES, ...OLDER_THAN_VALUES]) assert.ok(parseDuration(v) > 0, v);
  });
});

describe('validatePolicyPatch accepts what GitLab accepts', () => {
  test('every allowed value', () => {
    for (const cadence of CADENCE_VALUES) assert.deepEqual(validatePolicyPatch({ cadence }), []);
    for (const keep_n of [...KEEP_N_VALUES, null]) assert.deepEqual(validatePolicyPatch({ keep_n }), []);
    for (const older_than of [...OLDER_THAN_VALUES, null]) assert.deepEqual(validatePolicyPatch({ older_than }), []);
    assert.deepEqual(validatePolicyPatch({ enabled: true }), []);
    assert.deepEqual(validatePolicyPatch({ enabled: false }), []);
    assert.deepEqual(validatePolicyPatch({}), []);
  });

  test('a full policy as in the doc example', () => {
    const patch: PolicyPatch = {
      cadence: '1month',
      enabled: true,
      keep_n: 1,
      older_than: '14d',
      name_regex: '.*',
      name_regex_keep: '.*-main',
    };
    assert.deepEqual(validatePolicyPatch(patch), []);
  });

  test('null or empty regexes are accepted', () => {
    assert.deepEqual(validatePolicyPatch({ name_regex: null, name_regex_keep: null }), []);
    assert.deepEqual(validatePolicyPatch({ name_regex_keep: '' }), []);
  });

  test('undefined values mean unchanged', () => {
    assert.deepEqual(validatePolicyPatch({ cadence: undefined, keep_n: undefined }), []);
  });

  test('top-level alternation is accepted with a warning', () => {
    const w = validatePolicyPatch({ name_regex: 'v1|main', name_regex_keep: '(a|b)' });
    assert.equal(w.length, 1);
    assert.match(w[0], /name_regex/);
    assert.match(w[0], /\(v1\|main\)/);
  });
});

describe('validatePolicyPatch rejects what GitLab would reject', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['cadence 2d', { cadence: '2d' }, /Invalid cadence "2d".*1d, 7d, 14d, 1month, 3month/],
    ['cadence 1 month', { cadence: '1 month' }, /Invalid cadence/],
    ['cadence null (required)', { cadence: null }, /Invalid cadence null/],
    ['keep_n 2', { keep_n: 2 }, /Invalid keep_n 2.*1, 5, 10, 25, 50, 100 or null/],
    ['keep_n 0', { keep_n: 0 }, /Invalid keep_n 0/],
    ['keep_n "10"', { keep_n: '10' }, /Invalid keep_n "10"/],
    ['older_than 1d', { older_than: '1d' }, /Invalid older_than "1d".*7d, 14d, 30d, 60d, 90d or null/],
    ['older_than 1month', { older_than: '1month' }, /Invalid older_than/],
    ['older_than 7 days', { older_than: '7 days' }, /Invalid older_than/],
    ['enabled "yes"', { enabled: 'yes' }, /enabled must be true or false/],
    ['name_regex look-ahead', { name_regex: '(?=v).*' }, /name_regex.*RE2 rejects.*Look-ahead/],
    ['name_regex_keep backreference', { name_regex_keep: '(a)\\1' }, /name_regex_keep.*Backreferences/],
    ['name_regex unbalanced', { name_regex: 'v[0-9' }, /missing closing \]/],
    ['name_regex number', { name_regex: 5 }, /name_regex must be a string or null/],
    ['name_regex_delete (dropped by GitLab)', { name_regex_delete: '.*' }, /use name_regex/],
    ['next_run_at (read-only)', { next_run_at: '2025-01-01T00:00:00Z' }, /next_run_at cannot be set/],
    ['unknown key', { keepN: 5 }, /Unknown cleanup policy setting "keepN"/],
    ['not an object', null, /must be an object/],
    ['an array', [], /must be an object/],
  ];
  for (const [what, patch, why] of cases) {
    test(what, () => {
      assert.throws(
        () => validatePolicyPatch(patch as PolicyPatch),
        (err: unknown) => {
          assert.ok(err instanceof UsageError, 'UsageError');
          assert.match(err.message, why);
          return true;
        },
      );
    });
  }
});

describe('ruleFromPolicy', () => {
  const policy: CleanupPolicy = {
    cadence: '1d',
    enabled: true,
    keep_n: 1,
    older_than: '14d',
    name_regex: '.*',
    name_regex_keep: '.*-main',
    next_run_at: '2022-06-25T17:11:26.865Z',
  };

  test('name_regex is the delete regex and name_regex_keep the keep regex', () => {
    assert.deepEqual(ruleFromPolicy(policy), { deleteRegex: '.*', keepRegex: '.*-main', keepN: 1, olderThan: '14d' });
  });

  test('nulls carry over; a missing name_regex deletes nothing (GitLab anchors it as \\A\\z)', () => {
    const rule = ruleFromPolicy({ keep_n: null, older_than: null, name_regex: null, name_regex_keep: null });
    assert.deepEqual(rule, { deleteRegex: '', keepRegex: null, keepN: null, olderThan: null });
    const now = Date.parse('2025-06-01T00:00:00Z');
    assert.deepEqual(evaluateRule([{ name: 'a', created_at: null }], rule, { now }).delete, []);
  });

  test('end to end: the doc example policy', () => {
    const now = Date.parse('2025-06-01T00:00:00Z');
    const day = 86_400_000;
    const at = (d: number) => new Date(now - d * day).toISOString();
    const ev = evaluateRule(
      [
        { name: 'latest', created_at: at(100) },
        { name: 'x-main', created_at: at(100) },
        { name: 'newest', created_at: at(1) },
        { name: 'recent', created_at: at(5) },
        { name: 'old', created_at: at(20) },
        { name: 'nots', created_at: null },
      ],
      ruleFromPolicy(policy),
      { now },
    );
    assert.deepEqual(
      Object.fromEntries(ev.decisions.map((d) => [d.name, d.reason])),
      { latest: 'latest', 'x-main': 'keep_regex', nots: 'keep_n', newest: 'too_new', recent: 'too_new', old: 'matched' },
    );
  });
});

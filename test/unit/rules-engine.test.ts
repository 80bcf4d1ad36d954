import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  evaluateRule,
  compileRule,
  validateRule,
  bulkParamsFromRule,
  compareCodePoints,
  type EvaluableTag,
  type Evaluation,
  type Reason,
  type Rule,
} from '../../src/core/rules';
import { UsageError } from '../../src/core/errors';
import type { TagDetails, TagProtectionRule } from '../../src/core/types';

const DAY = 86_400_000;
const NOW = Date.parse('2025-06-01T12:00:00.000Z');

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A tag `daysAgo` days old (null = no timestamp). */
function tag(name: string, daysAgo: number | null, extra: Partial<TagDetails> = {}): EvaluableTag {
  return { name, created_at: daysAgo === null ? null : iso(NOW - daysAgo * DAY), ...extra };
}

function reasons(ev: Evaluation): Record<string, Reason> {
  return Object.fromEntries(ev.decisions.map((d) => [d.name, d.reason]));
}

function protRule(
  id: number,
  pattern: string,
  del: TagProtectionRule['minimum_access_level_for_delete'],
  push: TagProtectionRule['minimum_access_level_for_push'] = 'maintainer',
): TagProtectionRule {
  return {
    id,
    project_id: 7,
    tag_name_pattern: pattern,
    minimum_access_level_for_push: push,
    minimum_access_level_for_delete: del,
  };
}

describe('evaluateRule reasons', () => {
  test('latest is never deleted, even when everything else would be', () => {
    const ev = evaluateRule([tag('latest', 400), tag('v1', 400)], { deleteRegex: '.*', keepN: 0, olderThan: '1d' }, { now: NOW });
    assert.deepEqual(reasons(ev), { latest: 'latest', v1: 'matched' });
    assert.deepEqual(ev.delete, ['v1']);
    assert.deepEqual(ev.keep, ['latest']);
  });

  test('only the exact name latest is special', () => {
    const ev = evaluateRule([tag('latest-1', 1), tag('Latest', 1)], { deleteRegex: '.*' }, { now: NOW });
    assert.deepEqual(ev.delete, ['Latest', 'latest-1']);
  });

  test('no_match: the delete regex is anchored (v1 does not match v10)', () => {
    const ev = evaluateRule([tag('v1', 1), tag('v10', 1), tag('xv1', 1)], { deleteRegex: 'v1' }, { now: NOW });
    assert.deepEqual(reasons(ev), { v1: 'matched', v10: 'no_match', xv1: 'no_match' });
  });

  test('keep_regex overrides the delete regex, and is anchored', () => {
    const ev = evaluateRule(
      [tag('main-1', 1), tag('main', 1), tag('dev-1', 1), tag('release-main', 1)],
      { deleteRegex: '.*', keepRegex: 'main.*' },
      { now: NOW },
    );
    assert.deepEqual(reasons(ev), {
      'main-1': 'keep_regex',
      main: 'keep_regex',
      'dev-1': 'matched',
      'release-main': 'matched',
    });
  });

  test('empty or null keep regex means none', () => {
    for (const keepRegex of ['', null, undefined]) {
      const ev = evaluateRule([tag('a', 1)], { deleteRegex: '.*', keepRegex }, { now: NOW });
      assert.deepEqual(ev.delete, ['a']);
    }
  });

  test('keep_n keeps the N newest candidates only (non-candidates do not count)', () => {
    const ev = evaluateRule(
      [tag('latest', 0), tag('keep-me', 0), tag('a', 1), tag('b', 2), tag('c', 3), tag('d', 4)],
      { deleteRegex: '[a-d]', keepN: 2 },
      { now: NOW },
    );
    assert.deepEqual(reasons(ev), {
      latest: 'latest',
      'keep-me': 'no_match',
      a: 'keep_n',
      b: 'keep_n',
      c: 'matched',
      d: 'matched',
    });
  });

  test('keep_n 0 keeps none; keep_n larger than the candidates keeps all', () => {
    assert.deepEqual(evaluateRule([tag('a', 1)], { deleteRegex: '.*', keepN: 0 }, { now: NOW }).delete, ['a']);
    assert.deepEqual(evaluateRule([tag('a', 1)], { deleteRegex: '.*', keepN: 50 }, { now: NOW }).delete, []);
  });

  test('tags without timestamp count as newest for keep_n', () => {
    const ev = evaluateRule(
      [tag('old', 10), tag('nots', null), tag('new', 0.5)],
      { deleteRegex: '.*', keepN: 1 },
      { now: NOW },
    );
    assert.deepEqual(reasons(ev), { nots: 'keep_n', new: 'matched', old: 'matched' });
  });

  test('null timestamps sort as "now" (GitLab: created_at || now): a future-dated tag ranks above them', () => {
    const ev = evaluateRule(
      [tag('nots', null), tag('future', -1)],
      { deleteRegex: '.*', keepN: 1 },
      { now: NOW },
    );
    assert.deepEqual(reasons(ev), { future: 'keep_n', nots: 'matched' });
  });

  test('ties on timestamp are broken by name (code-point order), stable across input orders', () => {
    const tags = [tag('b', 1), tag('a', 1), tag('c', 1), tag('n2', null), tag('n1', null)];
    const rule: Rule = { deleteRegex: '.*', keepN: 3 };
    const ev1 = evaluateRule(tags, rule, { now: NOW });
    const ev2 = evaluateRule([...tags].reverse(), rule, { now: NOW });
    assert.deepEqual(reasons(ev1), { n1: 'keep_n', n2: 'keep_n', a: 'keep_n', b: 'matched', c: 'matched' });
    assert.deepEqual(ev1, ev2);
  });

  test('older_than never deletes a tag without a timestamp (no_timestamp)', () => {
    const ev = evaluateRule([tag('nots', null), tag('old', 100)], { deleteRegex: '.*', olderThan: '7d' }, { now: NOW });
    assert.deepEqual(reasons(ev), { nots: 'no_timestamp', old: 'matched' });
  });

  test('an unparseable created_at counts as no timestamp', () => {
    const ev = evaluateRule(
      [{ name: 'weird', created_at: 'not a date' }],
      { deleteRegex: '.*', olderThan: '7d' },
      { now: NOW },
    );
    assert.deepEqual(reasons(ev), { weird: 'no_timestamp' });
  });

  test('older_than is strictly older: exactly at the cutoff is too_new, 1 ms older is deleted', () => {
    const cutoff = NOW - 7 * DAY;
    const ev = evaluateRule(
      [
        { name: 'at', created_at: iso(cutoff) },
        { name: 'older', created_at: iso(cutoff - 1) },
        { name: 'newer', created_at: iso(cutoff + 1) },
      ],
      { deleteRegex: '.*', olderThan: '7d' },
      { now: NOW },
    );
    assert.deepEqual(reasons(ev), { at: 'too_new', older: 'matched', newer: 'too_new' });
  });

  test('keep_n applies before older_than: kept slots go to the newest even when they are old', () => {
    const ev = evaluateRule(
      [tag('a', 100), tag('b', 200), tag('c', 300), tag('fresh', 1)],
      { deleteRegex: '.*', keepN: 2, olderThan: '30d' },
      { now: NOW },
    );
    assert.deepEqual(reasons(ev), { fresh: 'keep_n', a: 'keep_n', b: 'matched', c: 'matched' });
  });

  test('decisions carry created_at, total_size and digest (null when absent)', () => {
    const t: TagDetails = {
      name: 'v1',
      path: 'g/p:v1',
      location: 'reg/g/p:v1',
      digest: 'sha256:abc',
      revision: 'r',
      short_revision: 's',
      created_at: iso(NOW - DAY),
      total_size: 1234,
    };
    const ev = evaluateRule([t, { name: 'bare', created_at: null }], { deleteRegex: '.*' }, { now: NOW });
    assert.deepEqual(ev.decisions, [
      { name: 'bare', action: 'delete', reason: 'matched', created_at: null, total_size: null, digest: null },
      { name: 'v1', action: 'delete', reason: 'matched', created_at: t.created_at, total_size: 1234, digest: 'sha256:abc' },
    ]);
  });

  test('outputs are sorted in code-point order (not UTF-16 order)', () => {
    const names = ['b', 'B', 'a', '\uFFFD', '\u{1F600}', 'é', '10', '9'];
    const ev = evaluateRule(names.map((n) => tag(n, 1)), { deleteRegex: '.*' }, { now: NOW });
    const expected = ['10', '9', 'B', 'a', 'b', 'é', '\uFFFD', '\u{1F600}'];
    assert.deepEqual(ev.delete, expected);
    assert.deepEqual(ev.decisions.map((d) => d.name), expected);
    assert.ok(compareCodePoints('\uFFFD', '\u{1F600}') < 0);
    assert.ok(compareCodePoints('\u{1F600}', '\uFFFD') > 0);
    assert.ok(compareCodePoints('a', 'ab') < 0);
    assert.equal(compareCodePoints('x', 'x'), 0);
  });

  test('empty tag list', () => {
    assert.deepEqual(evaluateRule([], { deleteRegex: '.*' }, { now: NOW }), {
      decisions: [],
      delete: [],
      keep: [],
      warnings: [],
    });
  });
});

describe('top-level alternation', () => {
  test('behaves like GitLab (starts with OR ends with) and warns', () => {
    const tags = [tag('v1', 1), tag('v10', 1), tag('v1-rc', 1), tag('old-stable', 1), tag('stable-old', 1), tag('x', 1)];
    const ev = evaluateRule(tags, { deleteRegex: 'v1|stable' }, { now: NOW });
    assert.deepEqual(ev.delete, ['old-stable', 'v1', 'v1-rc', 'v10']);
    assert.equal(ev.warnings.length, 1);
    assert.match(ev.warnings[0], /delete regex "v1\|stable" has a top-level "\|"/);
    assert.match(ev.warnings[0], /\(v1\|stable\)/);

    const grouped = evaluateRule(tags, { deleteRegex: '(v1|stable)' }, { now: NOW });
    assert.deepEqual(grouped.delete, ['v1']);
    assert.deepEqual(grouped.warnings, []);
  });

  test('in the keep regex too', () => {
    const ev = evaluateRule([tag('main-x', 1), tag('x-prod', 1), tag('x', 1)], { deleteRegex: '.*', keepRegex: 'main|prod' }, { now: NOW });
    assert.deepEqual(ev.delete, ['x']);
    assert.equal(ev.warnings.length, 1);
    assert.match(ev.warnings[0], /keep regex/);
  });
});

describe('tag protection', () => {
  const tags = [tag('v1.0-release', 10), tag('v2.0', 10), tag('pre-release-3', 10)];

  test('a maintainer-delete rule protects from developers but not from maintainers; patterns are unanchored RE2', () => {
    const rules = [protRule(1, 'release', 'maintainer')];
    const dev = evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: rules, callerAccessLevel: 30 });
    assert.deepEqual(reasons(dev), { 'v1.0-release': 'protected', 'v2.0': 'matched', 'pre-release-3': 'protected' });
    const maint = evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: rules, callerAccessLevel: 40 });
    assert.deepEqual(maint.delete, ['pre-release-3', 'v1.0-release', 'v2.0']);
  });

  test('owner and admin levels', () => {
    const owner = [protRule(1, '^v1', 'owner')];
    assert.deepEqual(
      evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: owner, callerAccessLevel: 40 }).keep,
      ['v1.0-release'],
    );
    assert.deepEqual(
      evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: owner, callerAccessLevel: 50 }).keep,
      [],
    );
    const admin = [protRule(1, '.*', 'admin')];
    assert.equal(evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: admin, callerAccessLevel: 50 }).delete.length, 0);
    assert.equal(evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: admin, callerAccessLevel: 60 }).delete.length, 3);
  });

  test('the most restrictive matching rule wins', () => {
    const rules = [protRule(1, 'v', 'maintainer'), protRule(2, 'v2', 'owner')];
    const ev = evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: rules, callerAccessLevel: 40 });
    assert.deepEqual(reasons(ev), { 'v1.0-release': 'matched', 'v2.0': 'protected', 'pre-release-3': 'matched' });
  });

  test('an immutable rule keeps the tag for an Owner with its own reason; both name their rule', () => {
    const rules = [protRule(1, '^v2', null, null), protRule(2, 'release', 'admin')];
    const ev = evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: rules, callerAccessLevel: 50 });
    assert.deepEqual(reasons(ev), { 'v1.0-release': 'protected', 'v2.0': 'immutable', 'pre-release-3': 'protected' });
    assert.deepEqual(ev.decisions.find((d) => d.name === 'v2.0')?.protection, { rule: '^v2', needs: null });
    assert.deepEqual(ev.decisions.find((d) => d.name === 'pre-release-3')?.protection, { rule: 'release', needs: 'admin' });
  });

  test('unknown caller level: every delete-protected tag is protected', () => {
    const ev = evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: [protRule(1, 'v2', 'maintainer')] });
    assert.deepEqual(ev.keep, ['v2.0']);
  });

  test('a push-only rule does not protect deletion; an immutable rule (both levels null) protects from everyone', () => {
    const pushOnly = [protRule(1, '.*', null, 'maintainer')];
    assert.equal(evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: pushOnly, callerAccessLevel: 30 }).delete.length, 3);
    const immutable = [protRule(2, '^v2', null, null)];
    assert.deepEqual(
      evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: immutable, callerAccessLevel: 60 }).keep,
      ['v2.0'],
    );
  });

  test('a protection pattern RE2 rejects protects everything and warns', () => {
    const ev = evaluateRule(tags, { deleteRegex: '.*' }, { now: NOW, protectionRules: [protRule(9, '(?=x)', 'maintainer')], callerAccessLevel: 30 });
    assert.equal(ev.delete.length, 0);
    assert.match(ev.warnings.join('\n'), /rule 9/);
  });

  test('protection sits after keep_n: a protected tag inside keep_n is reported as keep_n and still uses a slot', () => {
    const t = [tag('p-newest', 1), tag('a-mid', 2), tag('b-old', 3)];
    const ev = evaluateRule(t, { deleteRegex: '.*', keepN: 1 }, { now: NOW, protectionRules: [protRule(1, '^p-', 'maintainer')], callerAccessLevel: 30 });
    assert.deepEqual(reasons(ev), { 'p-newest': 'keep_n', 'a-mid': 'matched', 'b-old': 'matched' });
  });

  test('protection sits after keep_n: a protected tag outside keep_n does not free a slot for an older tag', () => {
    const t = [tag('n-newest', 1), tag('p-mid', 2), tag('a-old', 3)];
    const ev = evaluateRule(t, { deleteRegex: '.*', keepN: 1 }, { now: NOW, protectionRules: [protRule(1, '^p-', 'maintainer')], callerAccessLevel: 30 });
    assert.deepEqual(reasons(ev), { 'n-newest': 'keep_n', 'p-mid': 'protected', 'a-old': 'matched' });
  });

  test('protection sits after older_than: a too-new protected tag is reported as too_new', () => {
    const t = [tag('p-new', 1), tag('p-old', 100)];
    const ev = evaluateRule(t, { deleteRegex: '.*', olderThan: '30d' }, { now: NOW, protectionRules: [protRule(1, '^p-', 'maintainer')], callerAccessLevel: 30 });
    assert.deepEqual(reasons(ev), { 'p-new': 'too_new', 'p-old': 'protected' });
  });
});

describe('validation comes first', () => {
  const badRules: Array<[string, Rule]> = [
    ['look-ahead delete regex', { deleteRegex: '(?=x)' }],
    ['backreference keep regex', { deleteRegex: '.*', keepRegex: '(a)\\1' }],
    ['bad duration', { deleteRegex: '.*', olderThan: '7x' }],
    ['empty duration', { deleteRegex: '.*', olderThan: '' }],
    ['negative keep_n', { deleteRegex: '.*', keepN: -1 }],
    ['fractional keep_n', { deleteRegex: '.*', keepN: 1.5 }],
    ['string keep_n', { deleteRegex: '.*', keepN: '3' as unknown as number }],
    ['NaN keep_n', { deleteRegex: '.*', keepN: Number.NaN }],
    ['missing delete regex', { deleteRegex: undefined as unknown as string }],
    ['non-string keep regex', { deleteRegex: '.*', keepRegex: 5 as unknown as string }],
  ];
  for (const [what, rule] of badRules) {
    test(`${what} → UsageError before anything else`, () => {
      // Even with an invalid context and invalid tags, the rule error is what surfaces.
      assert.throws(
        () => evaluateRule(null as unknown as EvaluableTag[], rule, { now: Number.NaN }),
        (err: unknown) => err instanceof UsageError && !/\(now\)|Tags must/.test(err.message),
      );
      assert.throws(() => validateRule(rule), UsageError);
      assert.throws(() => bulkParamsFromRule(rule), UsageError);
    });
  }

  test('invalid now is a UsageError', () => {
    assert.throws(() => evaluateRule([], { deleteRegex: '.*' }, { now: Number.NaN }), UsageError);
  });

  test('empty delete regex is valid but matches nothing, with a warning', () => {
    const ev = evaluateRule([tag('a', 1)], { deleteRegex: '' }, { now: NOW });
    assert.deepEqual(ev.delete, []);
    assert.match(ev.warnings[0], /empty/);
  });

  test('validateRule returns warnings; a compiled rule can be reused', () => {
    assert.equal(validateRule({ deleteRegex: 'a|b' }).length, 1);
    const compiled = compileRule({ deleteRegex: 'v.*', keepN: 1 });
    const ev = evaluateRule([tag('v1', 1), tag('v2', 2)], compiled, { now: NOW });
    assert.deepEqual(ev.delete, ['v2']);
  });

  test('bulkParamsFromRule maps to GitLab parameter names', () => {
    assert.deepEqual(bulkParamsFromRule({ deleteRegex: '.*', keepRegex: 'main', keepN: 5, olderThan: '7d' }), {
      name_regex_delete: '.*',
      name_regex_keep: 'main',
      keep_n: 5,
      older_than: '7d',
    });
    assert.deepEqual(bulkParamsFromRule({ deleteRegex: 'v.*', keepRegex: null, keepN: null }), { name_regex_delete: 'v.*' });
  });
});

describe('warnings about GitLab server-side runs', () => {
  test('more than 1,000 tags', () => {
    const many = Array.from({ length: 1001 }, (_, i) => tag(`t${i}`, i));
    const ev = evaluateRule(many, { deleteRegex: '.*', keepN: 5 }, { now: NOW });
    assert.ok(ev.warnings.some((w) => /1,?000 tags at a time, so keep_n may apply per 1,?000 names/.test(w)));
    const few = evaluateRule(many.slice(0, 1000), { deleteRegex: '.*', keepN: 5 }, { now: NOW });
    assert.deepEqual(few.warnings, []);
  });

  test('legacy registry', () => {
    const ev = evaluateRule([tag('a', 1)], { deleteRegex: '.*', keepN: 5 }, { now: NOW, legacyRegistry: true });
    assert.equal(ev.warnings.length, 1);
    assert.match(ev.warnings[0], /samples at most 200 \+ keep_n candidates at random/);
    const big = Array.from({ length: 300 }, (_, i) => tag(`t${i}`, i));
    const ev2 = evaluateRule(big, { deleteRegex: '.*', keepN: 10 }, { now: NOW, legacyRegistry: true });
    assert.match(ev2.warnings[0], /300 candidates/);
    assert.match(ev2.warnings[0], /random 210/);
  });
});

describe('performance', () => {
  test('10,050 tags evaluate well under 200 ms', () => {
    const tags: EvaluableTag[] = [];
    for (let i = 0; i < 10_050; i++) {
      const kind = i % 4;
      const name = kind === 0 ? `v${i % 50}.${i % 7}.${i}` : kind === 1 ? `main-${i.toString(16).padStart(8, '0')}` : kind === 2 ? `feature-${i}-build` : `release-${i}`;
      tags.push({ name, created_at: i % 97 === 0 ? null : iso(NOW - (i * 3_600_000) % (400 * DAY)), total_size: i, digest: `sha256:${i}` });
    }
    const rule: Rule = { deleteRegex: '(v\\d+\\.\\d+\\.\\d+|main-[0-9a-f]+|feature-.*)', keepRegex: '.*-1\\d*', keepN: 25, olderThan: '30d' };
    const ctx = { now: NOW, protectionRules: [protRule(1, '^release-', 'maintainer'), protRule(2, '\\.0\\.', 'owner')], callerAccessLevel: 40 };
    // Best of three wall-clock runs, so that a loaded CI machine (or the first run's JIT warm-up) does
    // not make the test flaky; warm runs take ~15-30 ms on a 2-core machine.
    let ms = Number.POSITIVE_INFINITY;
    let ev = evaluateRule(tags.slice(0, 10), rule, ctx);
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      ev = evaluateRule(tags, rule, ctx);
      ms = Math.min(ms, performance.now() - t0);
    }
    assert.equal(ev.decisions.length, 10_050);
    assert.equal(ev.delete.length + ev.keep.length, 10_050);
    assert.ok(ev.delete.length > 1000);
    assert.ok(ms < 200, `took ${ms.toFixed(1)} ms`);
  });
});

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { compileRe2, hasTopLevelAlternation, isValidRe2, RegexSyntaxError } from '../../src/core/rules';
import { UsageError } from '../../src/core/errors';
import { RE2JS } from 're2js';

function rejects(pattern: string): RegexSyntaxError {
  try {
    compileRe2(pattern, { anchored: true, label: 'delete regex' });
  } catch (err) {
    assert.ok(err instanceof UsageError, 'a UsageError');
    assert.ok(err instanceof RegexSyntaxError);
    return err;
  }
  assert.fail(`expected ${pattern} to be rejected`);
}

describe('compileRe2 anchoring', () => {
  test('anchored pattern must match the whole name: v1 does not match v10', () => {
    const re = compileRe2('v1', { anchored: true });
    assert.equal(re.test('v1'), true);
    assert.equal(re.test('v10'), false);
    assert.equal(re.test('av1'), false);
    assert.equal(re.compiled, '\\Av1\\z');
    assert.equal(re.source, 'v1');
  });

  test('unanchored pattern matches anywhere', () => {
    const re = compileRe2('release', { anchored: false });
    assert.equal(re.test('pre-release-1'), true);
    assert.equal(re.test('rel'), false);
    assert.equal(re.compiled, 'release');
  });

  test('top-level alternation is wrapped literally: starts with v1 OR ends with latest', () => {
    const re = compileRe2('v1|latest', { anchored: true });
    assert.equal(re.test('v1'), true);
    assert.equal(re.test('v10'), true, 'starts with v1');
    assert.equal(re.test('v1-anything'), true);
    assert.equal(re.test('not-latest'), true, 'ends with latest');
    assert.equal(re.test('latest-not'), false);
    assert.equal(re.test('x'), false);
    const grouped = compileRe2('(v1|latest)', { anchored: true });
    assert.equal(grouped.test('v10'), false);
    assert.equal(grouped.test('not-latest'), false);
    assert.equal(grouped.test('latest'), true);
  });

  test('\\z is end of text: no trailing newline allowance', () => {
    const re = compileRe2('v1', { anchored: true });
    assert.equal(re.test('v1\n'), false);
  });

  test('.* matches everything including the empty name', () => {
    const re = compileRe2('.*', { anchored: true });
    for (const n of ['', 'a', 'v1.2.3', 'latest']) assert.equal(re.test(n), true);
  });

  test('empty pattern anchored matches only the empty name', () => {
    const re = compileRe2('', { anchored: true });
    assert.equal(re.test(''), true);
    assert.equal(re.test('a'), false);
  });

  test('\\Q…\\E quoting is wrapped literally too: an unterminated \\Q swallows the \\z, as on GitLab', () => {
    const re = compileRe2('\\Qa.b', { anchored: true });
    assert.equal(re.test('a.b'), false);
    assert.equal(re.test('a.b\\z'), true);
    const closed = compileRe2('\\Qa.b\\E', { anchored: true });
    assert.equal(closed.test('a.b'), true);
    assert.equal(closed.test('axb'), false);
  });

  test('matching agrees with the literally wrapped pattern compiled directly', () => {
    const patterns = ['v1', 'v1|latest', '(v1|latest)', '.*', '', 'v\\d+', '(?i)v1', 'a*', 'a$', '^a', 'x{2,', 'main-[0-9a-f]+|dev', '[|]a', '\\Qa|b\\E', '(?s).', 'a|', '|a'];
    const names = ['', 'v1', 'V1', 'v10', 'xv1', 'latest', 'x-latest', 'latest-x', 'a', 'aa', 'x{2,', 'main-abc', 'main-xyz', 'dev', 'xdev', '|a', 'a|b', 'b', '\n'];
    for (const p of patterns) {
      const ours = compileRe2(p, { anchored: true });
      const direct = RE2JS.compile('\\A' + p + '\\z');
      for (const n of names) assert.equal(ours.test(n), direct.test(n), `${JSON.stringify(p)} on ${JSON.stringify(n)}`);
    }
  });

  test('RE2 syntax such as (?i), named groups and \\d is accepted', () => {
    assert.equal(compileRe2('(?i)V\\d+', { anchored: true }).test('v12'), true);
    assert.equal(compileRe2('(?P<x>a+)b', { anchored: true }).test('aab'), true);
    assert.equal(compileRe2('[[:alpha:]]+-[0-9a-f]{7}', { anchored: true }).test('main-abc1234'), true);
  });

  test('regex metacharacters are not JS-specific: $ in the middle', () => {
    // In RE2 $ without (?m) is end of text, like \z.
    assert.equal(compileRe2('a$', { anchored: true }).test('a'), true);
  });
});

describe('compileRe2 rejections', () => {
  test('look-ahead (?=x) is rejected with its position', () => {
    const e = rejects('ab(?=x)');
    assert.equal(e.position, 2);
    assert.equal(e.offending, '(?=');
    assert.match(e.message, /position 3/);
    assert.match(e.message, /Look-ahead/);
    assert.match(e.message, /delete regex/);
  });

  test('negative look-ahead and look-behind are rejected', () => {
    assert.match(rejects('(?!x)a').message, /Look-ahead/);
    const lb = rejects('a(?<=x)b');
    assert.equal(lb.position, 1);
    assert.match(lb.message, /Look-behind/);
    assert.match(rejects('(?<!x)b').message, /Look-behind/);
  });

  test('backreference (a)\\1 is rejected at the \\1', () => {
    const e = rejects('(a)\\1');
    assert.equal(e.position, 3);
    assert.equal(e.offending, '\\1');
    assert.match(e.message, /Backreferences/);
  });

  test('position skips an escaped occurrence of the offending text', () => {
    const e = rejects('\\\\1(a)\\1');
    assert.equal(e.position, 6);
  });

  test('bad syntax: unbalanced parentheses and brackets, dangling repetition', () => {
    assert.match(rejects('a(b').message, /missing closing \)/);
    assert.match(rejects('a)b').message, /unexpected \)/);
    const br = rejects('v[0-9');
    assert.equal(br.position, 1);
    assert.match(br.message, /missing closing \]/);
    assert.match(rejects('*a').message, /repetition/);
    assert.match(rejects('a**').message, /repetition/);
    assert.match(rejects('x{1001}').message, /repeat count/);
  });

  test('a trailing backslash is rejected on the raw pattern, as GitLab validates it', () => {
    // Anchored, "a\\" + "\\z" would compile as a literal backslash then z; the raw pattern is invalid.
    rejects('a\\');
  });

  test('\\Z (Ruby/Perl) is not RE2', () => {
    rejects('a\\Z');
  });

  test('unanchored rejections too, and isValidRe2', () => {
    assert.throws(() => compileRe2('(?=x)', { anchored: false }), UsageError);
    assert.equal(isValidRe2('(?=x)'), false);
    assert.equal(isValidRe2('v.*'), true);
  });

  test('non-string pattern is a UsageError', () => {
    assert.throws(() => compileRe2(undefined as unknown as string, { anchored: true }), UsageError);
  });
});

describe('hasTopLevelAlternation', () => {
  const cases: Array<[string, boolean]> = [
    ['v1|latest', true],
    ['a|', true],
    ['|a', true],
    ['(v1|latest)', false],
    ['(?:a|b)c', false],
    ['x(a|b)|c', true],
    ['[|]', false],
    ['[a|b]+', false],
    ['\\|', false],
    ['a\\|b', false],
    ['\\\\|b', true],
    ['[]|]x', false],
    ['[^]|]x', false],
    ['[\\]|]x', false],
    ['[[:alpha:]|]x', false],
    ['[[:alpha:]]|x', true],
    ['\\Qa|b\\E', false],
    ['\\Qa|b\\E|c', true],
    ['\\Qa|b', false],
    ['((a)|(b))', false],
    ['', false],
    ['.*', false],
  ];
  for (const [pattern, expected] of cases) {
    test(`${JSON.stringify(pattern)} → ${expected}`, () => {
      assert.equal(hasTopLevelAlternation(pattern), expected);
    });
  }
});

// Pure parts of the CLI, without a process or a server: option parsing, the command table, settings,
// report building and ordering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors';
import { buildOptionTable, checkArgs, matchCommand, parseArgv } from '../../src/cli/args';
import { COMMANDS } from '../../src/cli/commands';
import { stripOneNewline } from '../../src/cli/registryLogin';
import { NOT_ATTEMPTED, explainFailure, toRmReport } from '../../src/cli/commands/rm';
import { compareCodePoints, formatTable, jsonForTerminal } from '../../src/cli/output';
import { parseProjectRef } from '../../src/cli/resolve';
import { parseConcurrency, resolveCredential, resolveInstanceUrl } from '../../src/cli/settings';
import { codePointSorted } from './helpers';

const table = buildOptionTable(COMMANDS);

test('the command table is consistent: unique words, declared usage, one type per option name', () => {
  const seen = new Set<string>();
  for (const c of COMMANDS) {
    const key = c.words.join(' ');
    assert.ok(!seen.has(key), `duplicate command ${key}`);
    seen.add(key);
    assert.ok(c.usage.startsWith(`glcr ${key}`), `usage of ${key} starts with its words`);
    assert.ok(c.summary.length > 0);
  }
  // buildOptionTable throws when two commands declare one option differently.
  assert.doesNotThrow(() => buildOptionTable(COMMANDS));
});

test('options before and after the command parse the same', () => {
  const a = parseArgv(['--json', '--url', 'https://x', 'tags', 'g/p', 'app', '--details'], table);
  const b = parseArgv(['tags', 'g/p', '--details', 'app', '--url=https://x', '--json'], table);
  assert.deepEqual(a.positionals, ['tags', 'g/p', 'app']);
  assert.deepEqual(b.positionals, a.positionals);
  assert.deepEqual(b.flags, a.flags);
});

test('multi-word commands match by longest prefix; -- ends options', () => {
  const p = parseArgv(['image', 'rm', '-u', 'me', '--password-stdin', 'r.example/a/b:1'], table);
  assert.equal(matchCommand(COMMANDS, p.positionals)?.words.join(' '), 'image rm');
  assert.equal(p.flags.username, 'me');
  const q = parseArgv(['rm', 'p', 'r', '--', '--yes'], table);
  assert.deepEqual(q.positionals, ['rm', 'p', 'r', '--yes']);
  assert.equal(q.flags.yes, undefined);
  assert.equal(matchCommand(COMMANDS, ['image']), undefined);
  assert.equal(matchCommand(COMMANDS, ['nope']), undefined);
});

test('bad options are usage errors and never echo a value', () => {
  assert.throws(() => parseArgv(['--nope'], table), UsageError);
  assert.throws(() => parseArgv(['--url'], table), /needs a value/);
  assert.throws(() => parseArgv(['--json=yes'], table), /takes no value/);
  assert.throws(() => parseArgv(['--url', 'a', '--url', 'b'], table), /more than once/);
  assert.throws(
    () => parseArgv(['--token=glpat-secret-value'], table),
    (e: Error) => e instanceof UsageError && /--token-file/.test(e.message) && !e.message.includes('glpat-secret-value'),
  );
  assert.throws(() => parseArgv(['--password', 'hunter2'], table), (e: Error) => !e.message.includes('hunter2'));
});

test('argument counts are checked against the command', () => {
  const tags = COMMANDS.find((c) => c.words[0] === 'tags')!;
  const rm = COMMANDS.find((c) => c.words[0] === 'rm')!;
  assert.throws(() => checkArgs(tags, ['p']), /missing argument <repo>/);
  assert.throws(() => checkArgs(tags, ['p', 'r', 'x']), /unexpected argument "x"/);
  assert.doesNotThrow(() => checkArgs(tags, ['p', 'r']));
  assert.throws(() => checkArgs(rm, ['p', 'r']), /missing argument <tag>/);
  assert.doesNotThrow(() => checkArgs(rm, ['p', 'r', 'a', 'b', 'c']));
});

test('code-point order differs from locale order and from UTF-16 order', () => {
  const values = ['b', 'B', 'a', 'é', 'z', '_x', '-x', '\u{1F600}', '\uFF61', 'a-b', 'a.b', 'aB', 'ab'];
  const sorted = [...values].sort(compareCodePoints);
  assert.deepEqual(sorted, codePointSorted(values));
  assert.ok(compareCodePoints('B', 'a') < 0, 'upper case first');
  assert.ok(compareCodePoints('\uFF61', '\u{1F600}') < 0, 'BMP character before an astral one');
});

test('URL precedence: --url, GITLAB_URL, CI_SERVER_URL, gitlab.com; http to a remote host refused', () => {
  assert.equal(resolveInstanceUrl({}, {}), 'https://gitlab.com');
  assert.equal(resolveInstanceUrl({}, { CI_SERVER_URL: 'https://ci.example/' }), 'https://ci.example');
  assert.equal(resolveInstanceUrl({}, { CI_SERVER_URL: 'https://ci.example', GITLAB_URL: 'gl.example/api/v4' }), 'https://gl.example');
  assert.equal(resolveInstanceUrl({ url: 'https://flag.example/' }, { GITLAB_URL: 'https://env.example' }), 'https://flag.example');
  assert.throws(() => resolveInstanceUrl({ url: 'http://gitlab.example' }, {}), /--allow-http/);
  assert.equal(resolveInstanceUrl({ url: 'http://gitlab.example', 'allow-http': true }, {}), 'http://gitlab.example');
  assert.equal(resolveInstanceUrl({ url: 'http://127.0.0.1:8080' }, {}), 'http://127.0.0.1:8080');
  assert.throws(() => resolveInstanceUrl({ url: 'ftp://x' }, {}), UsageError);
});

test('credential precedence: --token-file, GITLAB_TOKEN (private), CI_JOB_TOKEN (job), else none', () => {
  const read = (p: string) => (p === 'tok' ? '  file-token\n' : p === 'empty' ? '\n' : (() => { throw Object.assign(new Error('x'), { code: 'ENOENT' }); })());
  const env = { GITLAB_TOKEN: 'env-token', CI_JOB_TOKEN: 'job-token' };
  assert.deepEqual(resolveCredential({ 'token-file': 'tok' }, env, read).credential, { kind: 'private', value: 'file-token' });
  assert.deepEqual(resolveCredential({}, env, read).credential, { kind: 'private', value: 'env-token' });
  assert.deepEqual(resolveCredential({}, { CI_JOB_TOKEN: 'job-token' }, read).credential, { kind: 'job', value: 'job-token' });
  assert.equal(resolveCredential({}, {}, read).credential, undefined);
  assert.throws(() => resolveCredential({ 'token-file': 'empty' }, {}, read), /is empty/);
  assert.throws(() => resolveCredential({ 'token-file': 'missing' }, {}, read), /no such file/);
});

test('--concurrency accepts 1..64 only', () => {
  assert.equal(parseConcurrency(undefined), undefined);
  assert.equal(parseConcurrency('4'), 4);
  for (const bad of ['0', '65', '-1', '1.5', 'x', '']) assert.throws(() => parseConcurrency(bad), UsageError);
});

test('project references: digits are ids, anything else a path', () => {
  assert.equal(parseProjectRef('42'), 42);
  assert.equal(parseProjectRef('group/sub/My.Project/'), 'group/sub/My.Project');
  assert.throws(() => parseProjectRef(' '), UsageError);
});

test('the rm report lists every requested tag once, sorted, with not-attempted ones failed', () => {
  const r = toRmReport(['b', 'a', 'c', 'd', 'e'], {
    deleted: ['b', 'a'],
    failed: [{ tag: 'c', error: '403 Forbidden - cannot delete protected tag(s)', status: 403 }],
    notAttempted: ['e', 'd'],
  });
  assert.deepEqual(r.deleted, ['a', 'b']);
  assert.deepEqual(r.failed, [
    { tag: 'c', error: '403 Forbidden - cannot delete protected tag(s)' },
    { tag: 'd', error: NOT_ATTEMPTED },
    { tag: 'e', error: NOT_ATTEMPTED },
  ]);
  // A name the core did not report on is never counted as deleted.
  assert.deepEqual(toRmReport(['x'], { deleted: [], failed: [] }).failed.map((f) => f.tag), ['x']);
});

test('insufficient_scope failures name the missing api scope', () => {
  const text = '403 The request requires higher privileges than provided by the access token.';
  assert.match(explainFailure(text), /insufficient_scope.*"api"/);
  assert.equal(explainFailure('404 Tag Not Found'), '404 Tag Not Found');
});

test('--password-stdin strips exactly one trailing newline', () => {
  assert.equal(stripOneNewline('secret\n'), 'secret');
  assert.equal(stripOneNewline('secret\r\n'), 'secret');
  assert.equal(stripOneNewline('secret\n\n'), 'secret\n');
  assert.equal(stripOneNewline('secret'), 'secret');
});

test('tables align columns and show missing values as -', () => {
  const text = formatTable([{ a: 1, b: 'x' }, { a: 100, b: null }], [
    { header: 'ID', get: (r) => r.a, right: true },
    { header: 'NAME', get: (r) => r.b },
  ]);
  assert.equal(text, ' ID  NAME\n  1  x\n100  -');
});

test('JSON for the terminal: C1 controls and bidi overrides escaped as \\uXXXX, the value unchanged', () => {
  const value = { a: 'x\u009b31my\u202ez', b: 'plain' };
  const text = jsonForTerminal(value);
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u007f-\u009f\u202a-\u202e]/);
  assert.ok(text.includes('"x\\u009b31my\\u202ez"'));
  assert.deepEqual(JSON.parse(text), value);
});

test('tables show server strings without control characters', () => {
  const table = formatTable([{ n: 'a\u001b]0;t\u0007b\u009bc' }], [{ header: 'N', get: (r) => r.n }]);
  assert.equal(table, 'N\na]0;tbc');
});

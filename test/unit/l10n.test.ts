// Localization completeness, without a script or a generated file: scans src/extension/**/*.ts for the
// strings handed to `l10n.t(...)` or to a translator `t(...)` (string literal, template literal without ${},
// or `{ message: ... }`), and
// checks them against l10n/bundle.l10n.json (English) and l10n/bundle.l10n.ru.json (Russian); checks that
// every %key% of package.json has an entry in package.nls.json and package.nls.ru.json; and that
// placeholders ({0}, {1}, ...) are the same in English and Russian. Plain Node: no vscode import.
//
// When a test here fails after you added a string: add it to l10n/bundle.l10n.json (key = value = the
// English text) and translate it in l10n/bundle.l10n.ru.json. The CLI (src/cli) stays English.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '../../..');
const readJson = (rel: string): Record<string, unknown> => JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
const LOCALES = ['ru'];

/** Strings that may read the same in Russian (nothing to translate: names, codes, punctuation only). */
const SAME_IN_RUSSIAN = new Set<string>([]);

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

interface Extracted {
  strings: Map<string, string[]>; // message → where
  problems: string[]; // calls whose message cannot be extracted
}

/**
 * `l10n.t` / `vscode.l10n.t` (any receiver whose last name is l10n), and a bare `t(...)`: the translator
 * handed around as a value (`const t = vscode.l10n.t`, or a parameter `t: Translate` of pure modules such as
 * src/extension/rules/*), which VS Code's own `l10n-dev export` would miss.
 */
function isL10nT(expr: ts.Expression): boolean {
  if (ts.isIdentifier(expr)) return expr.text === 't';
  if (!ts.isPropertyAccessExpression(expr) || expr.name.text !== 't') return false;
  const recv = expr.expression;
  return (ts.isIdentifier(recv) && recv.text === 'l10n') || (ts.isPropertyAccessExpression(recv) && recv.name.text === 'l10n');
}

/** The message of a call's first argument: a string literal, a template without ${}, or { message: literal }. */
function messageOf(arg: ts.Expression | undefined): string | undefined {
  if (!arg) return undefined;
  if (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg)) return arg.text;
  if (ts.isObjectLiteralExpression(arg)) {
    for (const p of arg.properties) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === 'message') {
        return messageOf(p.initializer);
      }
    }
  }
  return undefined;
}

/** Parses the files with TypeScript's own parser (no regex guessing about strings, comments or templates). */
export function extractL10nStrings(files: string[]): Extracted {
  const strings = new Map<string, string[]>();
  const problems: string[] = [];
  for (const file of files) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const rel = path.relative(root, file);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && isL10nT(node.expression)) {
        const where = `${rel}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
        const message = messageOf(node.arguments[0]);
        if (message === undefined) problems.push(`${where}: the message of ${node.getText(sf).slice(0, 80)} is not a literal and cannot be extracted`);
        else strings.set(message, [...(strings.get(message) ?? []), where]);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { strings, problems };
}

/** {0}, {1}, … as a sorted multiset (named placeholders {name} too). */
function placeholders(s: string): string[] {
  return (s.match(/\{[A-Za-z0-9_]+\}/g) ?? []).sort();
}

/** `[text](command:...)` / `[text](https://...)` targets must survive translation unchanged. */
function linkTargets(s: string): string[] {
  return (s.match(/\]\(([^)]+)\)/g) ?? []).sort();
}

const files = walk(path.join(root, 'src', 'extension'));
const { strings, problems } = extractL10nStrings(files);
const bundleEn = readJson('l10n/bundle.l10n.json') as Record<string, string>;
const pkg = readJson('package.json');
const nlsEn = readJson('package.nls.json') as Record<string, string>;

describe('l10n extraction (src/extension/**/*.ts)', () => {
  test('the scan finds the extension\'s strings', () => {
    assert.ok(files.length > 10, `${files.length} files`);
    assert.ok(strings.size > 50, `only ${strings.size} strings found: the extraction is broken`);
    assert.ok(strings.has('Delete'));
  });

  test('the extractor reads every literal form', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'l10n-'));
    const f = path.join(tmp, 'x.ts');
    fs.writeFileSync(f, [
      'vscode.l10n.t(\'single {0} \\\'q\\\'\', a);',
      'l10n.t("double \\"q\\"");',
      'vscode.l10n.t(`template`);',
      'vscode.l10n.t({ message: \'object {0}\', args: [1], comment: [\'c\'] });',
      '// vscode.l10n.t(\'in a comment\')',
      'vscode.l10n.t(`bad ${x}`);',
      'vscode.l10n.t(message);',
      'const f = (t: (m: string) => string) => t(\'via a translator\');',
      'x.t(\'not a translator\');',
    ].join('\n'));
    const r = extractL10nStrings([f]);
    fs.rmSync(tmp, { recursive: true, force: true });
    assert.deepEqual([...r.strings.keys()].sort(), ['double "q"', 'object {0}', 'single {0} \'q\'', 'template', 'via a translator']);
    assert.equal(r.problems.length, 2, r.problems.join('\n'));
  });

  test('every l10n.t message is a literal (so that it can be extracted)', () => {
    assert.deepEqual(problems, []);
  });

  test('every string is in l10n/bundle.l10n.json (key = English text)', () => {
    const missing = [...strings.keys()].filter((s) => bundleEn[s] === undefined);
    assert.deepEqual(missing, [], `missing from bundle.l10n.json (used at ${missing.map((s) => strings.get(s)![0]).join(', ')})`);
    for (const [k, v] of Object.entries(bundleEn)) assert.equal(v, k, `bundle.l10n.json: the English value of "${k}" differs from its key`);
  });

  test('bundle.l10n.json has no stale strings', () => {
    const stale = Object.keys(bundleEn).filter((k) => !strings.has(k));
    assert.deepEqual(stale, [], 'in bundle.l10n.json but no longer used in src/extension');
  });

  for (const locale of LOCALES) {
    const file = `l10n/bundle.l10n.${locale}.json`;
    test(`${file}: every string translated, same placeholders, nothing extra`, () => {
      const bundle = readJson(file) as Record<string, string>;
      const missing = [...strings.keys()].filter((s) => typeof bundle[s] !== 'string' || bundle[s].trim() === '');
      assert.deepEqual(missing, [], `untranslated in ${file}`);
      const extra = Object.keys(bundle).filter((k) => bundleEn[k] === undefined);
      assert.deepEqual(extra, [], `in ${file} but not in bundle.l10n.json`);
      for (const [k, v] of Object.entries(bundle)) {
        assert.deepEqual(placeholders(v), placeholders(k), `${file}: placeholders of "${k}"`);
        if (/[A-Za-z]{3}/.test(k.replace(/\{\d+\}/g, '')) && !SAME_IN_RUSSIAN.has(k)) {
          assert.notEqual(v, k, `${file}: "${k}" is not translated`);
        }
      }
    });
  }
});

describe('package.json localization (package.nls*.json)', () => {
  const used = [...new Set((JSON.stringify(pkg).match(/"%[^"%]+%"/g) ?? []).map((k) => k.slice(2, -2)))];

  test('every %key% used in package.json has an English entry', () => {
    assert.ok(used.length > 20);
    assert.deepEqual(used.filter((k) => nlsEn[k] === undefined), []);
  });

  for (const locale of LOCALES) {
    const file = `package.nls.${locale}.json`;
    test(`${file}: every key of package.nls.json, same placeholders and links, nothing extra`, () => {
      const nls = readJson(file) as Record<string, string>;
      assert.deepEqual(Object.keys(nlsEn).filter((k) => typeof nls[k] !== 'string' || nls[k].trim() === ''), [], `missing in ${file}`);
      assert.deepEqual(used.filter((k) => nls[k] === undefined), [], `%key% of package.json missing in ${file}`);
      assert.deepEqual(Object.keys(nls).filter((k) => nlsEn[k] === undefined), [], `in ${file} but not in package.nls.json`);
      for (const [k, v] of Object.entries(nls)) {
        const en = nlsEn[k];
        if (en === undefined) continue;
        assert.deepEqual(placeholders(v), placeholders(en), `${file}: placeholders of ${k}`);
        assert.deepEqual(linkTargets(v), linkTargets(en), `${file}: links of ${k} (command: and https: targets stay as they are)`);
      }
    });

    test(`${file}: walkthrough media exist in both languages`, () => {
      const nls = readJson(file) as Record<string, string>;
      const walkthroughs = ((pkg.contributes as Record<string, unknown>).walkthroughs ?? []) as Array<{ steps: Array<{ media: Record<string, string> }> }>;
      for (const w of walkthroughs) {
        for (const s of w.steps) {
          for (const v of Object.values(s.media)) {
            if (typeof v !== 'string' || !/^%.+%$/.test(v)) continue;
            const key = v.slice(1, -1);
            for (const p of [nlsEn[key], nls[key]]) {
              assert.ok(p && fs.existsSync(path.join(root, p)), `${key} → ${p} exists`);
            }
          }
        }
      }
    });
  }
});

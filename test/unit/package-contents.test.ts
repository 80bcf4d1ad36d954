// What the .vsix carries: exactly what the installed extension runs or shows. `vsce ls --no-dependencies`
// (the pinned @vscode/vsce, the same file selection `npm run package` packs, decided by .vscodeignore) is
// checked against an allow-list; no sources, tests, source maps, out/, node_modules, .vscode-test/, scripts,
// screenshots or docs. A .vsix at the repository root (from `npm run package`) is read too (zip central
// directory, no unzip needed) and must hold nothing outside the allow-list.
//
// Adding a file the extension needs at run time (e.g. a webview asset under media/): add it to ALLOWED.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));

/** Every file allowed in the package, relative to the extension root. */
const ALLOWED: ReadonlyArray<string | RegExp> = [
  'package.json',
  'package.nls.json',
  /^package\.nls\.[a-z]{2}(-[a-z]{2})?\.json$/,   // package.nls.ru.json, ...
  'dist/extension.js',                            // the bundle (dist/cli.js stays out, see .vscodeignore)
  'dist/re2js.js',                                // re2js, loaded at the first regex (scripts/build.js)
  /^l10n\/bundle\.l10n(\.[a-z]{2}(-[a-z]{2})?)?\.json$/,
  'media/icon.png',
  'media/registry.svg',
  /^media\/walkthrough\/[a-z0-9-]+(\.[a-z]{2})?\.md$/,
  'README.md',
  'CHANGELOG.md',
  /^LICENSE(\.md|\.txt)?$/,
];

/** Must be in the package. */
const REQUIRED = [
  'package.json', 'package.nls.json', 'package.nls.ru.json', 'dist/extension.js', 'dist/re2js.js',
  'l10n/bundle.l10n.json', 'l10n/bundle.l10n.ru.json', 'media/icon.png', 'media/registry.svg',
  'README.md', 'CHANGELOG.md', 'LICENSE',
];

const FORBIDDEN = /(^|\/)(src|test|out|node_modules|\.vscode-test|scripts|test-results|bench|docs)\/|\.map$|\.ts$|tsconfig|\.vsix$|(^|\/)\.(git|vscode)/;

const allowed = (f: string): boolean => ALLOWED.some((a) => (typeof a === 'string' ? a === f : a.test(f)));

function vsceLs(): string[] {
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `vsce ls failed: ${r.stderr}`);
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean).map((s) => s.replace(/\\/g, '/')).sort();
}

/** File names in a zip, from its central directory (the .vsix is a plain zip). */
export function zipEntries(buf: Buffer): string[] {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'not a zip file (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'central directory entry');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.subarray(p + 46, p + 46 + nameLen).toString('utf8'));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** Paths package.json itself points at (icons, walkthrough media in every language). */
function referencedFiles(): string[] {
  const out = [pkg.icon, pkg.main.replace(/^\.\//, '')];
  for (const c of pkg.contributes.viewsContainers?.activitybar ?? []) out.push(c.icon);
  const locales = fs.readdirSync(root).filter((f) => /^package\.nls\..+\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')) as Record<string, string>);
  for (const w of pkg.contributes.walkthroughs ?? []) {
    for (const s of w.steps) {
      for (const v of Object.values(s.media as Record<string, string>)) {
        if (typeof v !== 'string' || /^https?:/.test(v)) continue;
        const m = /^%(.+)%$/.exec(v);
        if (!m) out.push(v);
        else for (const table of [nls, ...locales]) if (table[m[1]]) out.push(table[m[1]]);
      }
    }
  }
  return [...new Set(out.map((f) => f.replace(/^\.\//, '')))].sort();
}

describe('.vsix contents (vsce ls --no-dependencies)', () => {
  const files = vsceLs();

  test('only allow-listed files', () => {
    assert.deepEqual(files.filter((f) => !allowed(f)), [], `not allow-listed (exclude them in .vscodeignore, or add them to ALLOWED): ${files.join(', ')}`);
    assert.deepEqual(files.filter((f) => FORBIDDEN.test(f)), []);
  });

  test('everything the extension needs is in', () => {
    assert.deepEqual(REQUIRED.filter((f) => !files.includes(f)), [], 'required files missing from the package (npm run build first for dist/)');
    assert.deepEqual(referencedFiles().filter((f) => !files.includes(f)), [], 'files package.json refers to are missing from the package');
  });

  test('no stray media: every media file is referenced by package.json or its nls files', () => {
    const referenced = new Set(referencedFiles());
    assert.deepEqual(files.filter((f) => f.startsWith('media/') && !referenced.has(f)), []);
  });

  test('a built .vsix holds nothing outside the allow-list', (t) => {
    const vsix = path.join(root, `${pkg.name}-${pkg.version}.vsix`);
    if (!fs.existsSync(vsix)) {
      t.skip('no .vsix (npm run package)');
      return;
    }
    const entries = zipEntries(fs.readFileSync(vsix));
    const inExtension = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
    const outside = entries.filter((e) => !e.startsWith('extension/'));
    assert.deepEqual(outside.sort(), ['[Content_Types].xml', 'extension.vsixmanifest']);
    // vsce stores README.md / CHANGELOG.md as readme.md / changelog.md and LICENSE as LICENSE.txt.
    const vsceName = (f: string): string => ({ 'readme.md': 'README.md', 'changelog.md': 'CHANGELOG.md' } as Record<string, string>)[f] ?? f;
    assert.deepEqual(inExtension.filter((f) => !allowed(vsceName(f))), [], 'the .vsix carries files outside the allow-list');
    assert.ok(inExtension.includes('dist/extension.js'));
  });

  test('the zip reader reads a zip', () => {
    // A minimal stored zip with one entry "a.txt", built by hand (local header + central directory + EOCD).
    const name = Buffer.from('a.txt');
    const data = Buffer.from('hi');
    const crc = 0; // not checked by the reader
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt32LE(crc, 14); local.writeUInt32LE(2, 18); local.writeUInt32LE(2, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt32LE(crc, 16); central.writeUInt32LE(2, 20); central.writeUInt32LE(2, 24);
    central.writeUInt16LE(name.length, 28);
    const cdOffset = local.length + name.length + data.length;
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0); eocd.writeUInt16LE(1, 8); eocd.writeUInt16LE(1, 10);
    eocd.writeUInt32LE(central.length + name.length, 12); eocd.writeUInt32LE(cdOffset, 16);
    assert.deepEqual(zipEntries(Buffer.concat([local, name, data, central, name, eocd])), ['a.txt']);
  });
});

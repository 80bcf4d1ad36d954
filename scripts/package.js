#!/usr/bin/env node
// `npm run package`: builds (npm run build) and packages the extension with the pinned @vscode/vsce into
// gitlab-container-registry-<version>.vsix at the repository root. No prompts (stdin is closed; a missing
// LICENSE is allowed with --skip-license and a warning). What goes in is decided by .vscodeignore; this
// script refuses a package that would carry sources, tests, maps, node_modules, out/ or .vscode-test/.
//   --no-build   package the current dist/ as it is
//   --list       print the packaged files
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const outFile = `${pkg.name}-${pkg.version}.vsix`;
const FORBIDDEN = /^(src\/|test\/|out\/|node_modules\/|\.vscode-test\/|scripts\/|bench\/|test-results\/)|\.map$|\.ts$|tsconfig|\.vsix$/;

function fail(msg) {
  console.error(`[package] ${msg}`);
  process.exit(1);
}

/** Names in a zip file, from its central directory. */
function zipEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) fail(`${file}: bad zip central directory`);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000, ...opts });
  if (r.status !== 0) fail(`failed (exit ${r.status ?? r.signal}): ${cmd} ${cmdArgs.join(' ')}`);
  return r;
}

const t0 = Date.now();
if (!args.includes('--no-build')) run('npm', ['run', 'build', '--silent']);
if (!fs.existsSync(path.join(root, pkg.main))) fail(`${pkg.main} is missing; run npm run build`);
if (!fs.existsSync(vsce)) fail('@vscode/vsce is not installed; run npm ci');

const vsceArgs = ['package', '--no-dependencies', '--out', outFile];
if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => fs.existsSync(path.join(root, f)))) {
  console.warn('[package] warning: no LICENSE file; packaging with --skip-license');
  vsceArgs.push('--skip-license');
}
// vsce prints a tree of the files: keep it for --list or a failure, else only its warnings.
const packed = spawnSync(process.execPath, [vsce, ...vsceArgs], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000 });
const vsceOut = `${packed.stdout ?? ''}${packed.stderr ?? ''}`;
if (packed.status !== 0) {
  process.stderr.write(vsceOut);
  fail(`vsce package failed (exit ${packed.status ?? packed.signal})`);
}
if (args.includes('--list')) process.stdout.write(vsceOut);
else for (const line of vsceOut.split('\n')) if (/WARNING|warn/i.test(line)) console.log(line);

// Check what really went in (the zip's central directory), not what was meant to.
const files = zipEntries(path.join(root, outFile))
  .filter((f) => f.startsWith('extension/') && !f.endsWith('/'))
  .map((f) => f.slice('extension/'.length));
const bad = files.filter((f) => FORBIDDEN.test(f));
if (bad.length) {
  fs.rmSync(path.join(root, outFile), { force: true });
  fail(`.vscodeignore lets in files that do not belong in the .vsix (package removed): ${bad.join(', ')}`);
}
if (!files.includes(pkg.main.replace(/^\.\//, ''))) fail(`${pkg.main} is not in the package (check .vscodeignore)`);
const size = fs.statSync(path.join(root, outFile)).size;
console.log(`[package] ${outFile}: ${files.length} files, ${(size / 1024).toFixed(1)} KB (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

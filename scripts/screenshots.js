#!/usr/bin/env node
// The README's screenshots that UI tests take: copies each from test-results/screenshots/ (written by the
// e2e test named beside it) to docs/images/. With --run it first builds and runs those e2e tests, so
//   node scripts/screenshots.js --run
// reproduces the images from scratch. Without --run it copies what the last e2e run left, and fails
// (naming the test to run) when a screenshot is missing. (docs/images/preview-large.png comes from
// `npm run bench`, scenario 8.)
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const shots = path.join(root, 'test-results', 'screenshots');
const images = path.join(root, 'docs', 'images');

/** docs/images/<image> ← test-results/screenshots/<shot>, taken by the e2e test whose name matches <test>.
 *  Kept sorted by image name: several branches add rows, and sorted rows merge cleanly. */
const SCREENSHOTS = [
  { image: 'delete-tag-modal.png', shot: 'readme-delete-tag-modal.png', test: 'README delete-tag-modal.png' },
  { image: 'group-rule-preview.png', shot: 'group-rule-preview-page.png', test: 'Delete Tags by Rule… on a group' },
  { image: 'policy-summary.png', shot: 'readme-policy-summary.png', test: 'README policy-summary.png' },
  { image: 'preview-storage.png', shot: 'preview-storage.png', test: 'rule preview: the storage figure' },
  { image: 'protection.png', shot: 'protection-tree.png', test: 'right-click a protected tag' },
  { image: 'rule-preview.png', shot: 'readme-rule-preview.png', test: 'README rule-preview.png' },
  { image: 'tree.png', shot: 'readme-tree.png', test: 'README tree.png' },
  { image: 'undo.png', shot: 'restore-undo.png', test: 'Delete Tag, then Undo in the notification' },
];

function run(title, cmd, args, env = {}) {
  process.stderr.write(`[screenshots] ${title}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    process.stderr.write(`[screenshots] ${title} failed (exit ${r.status})\n`);
    process.exit(r.status || 1);
  }
}

if (process.argv.includes('--run')) {
  run('npm run build', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent']);
  run('tsc -p .', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.']);
  const grep = SCREENSHOTS.map((s) => s.test.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  run(`e2e: ${grep}`, process.execPath, [path.join(root, 'out', 'test', 'e2e', 'run.js')], { GLCR_E2E_GREP: grep });
}

let missing = 0;
for (const s of SCREENSHOTS) {
  const from = path.join(shots, s.shot);
  if (!fs.existsSync(from)) {
    process.stderr.write(`[screenshots] missing ${path.relative(root, from)}: run the e2e test "${s.test}" (or node scripts/screenshots.js --run)\n`);
    missing++;
    continue;
  }
  fs.copyFileSync(from, path.join(images, s.image));
  process.stderr.write(`[screenshots] docs/images/${s.image} ← ${path.relative(root, from)}\n`);
}
process.exit(missing ? 1 : 0);

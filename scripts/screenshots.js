#!/usr/bin/env node
// `npm run screenshots`: copies the README's screenshots that the e2e tests make from test-results/screenshots/
// to docs/images/. With --run it first runs those e2e tests (after `npm run build --silent && npx tsc -p .`):
//   npm run build --silent && npx tsc -p . && npm run screenshots -- --run
// A screenshot the last e2e run did not make is reported and left as it is in docs/images/ (exit 1).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const shots = path.join(root, 'test-results', 'screenshots');

/** test-results/screenshots/<from> → docs/images/<to>, and the e2e test that makes it (GLCR_E2E_GREP). */
const IMAGES = [
  { from: 'group-rule-preview-page.png', to: 'group-rule-preview.png', test: 'Delete Tags by Rule… on a group' },
  { from: 'protection-tree.png', to: 'protection.png', test: 'protect' },
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

if (process.argv.includes('--run')) {
  const grep = IMAGES.map((i) => escape(i.test)).join('|');
  const r = spawnSync(process.execPath, [path.join(root, 'out', 'test', 'e2e', 'run.js')], {
    cwd: root, stdio: 'inherit', env: { ...process.env, GLCR_E2E_GREP: grep },
  });
  if (r.status !== 0) {
    console.error(`[screenshots] the e2e run failed (exit ${r.status}); nothing copied`);
    process.exit(r.status || 1);
  }
}

let missing = 0;
for (const i of IMAGES) {
  const src = path.join(shots, i.from);
  const dst = path.join(root, 'docs', 'images', i.to);
  if (!fs.existsSync(src)) {
    console.error(`[screenshots] ${path.relative(root, src)} is missing: run the e2e test "${i.test}" (or add --run)`);
    missing++;
    continue;
  }
  fs.copyFileSync(src, dst);
  console.log(`[screenshots] ${path.relative(root, src)} → ${path.relative(root, dst)}`);
}
process.exit(missing > 0 ? 1 : 0);

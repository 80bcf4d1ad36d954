#!/usr/bin/env node
// `npm run bench`: builds the bundles (npm run build), compiles src/test/bench with tsc into out/, then runs
// out/bench/run.js (the scenarios of the performance issue against the GitLab double). Not part of `npm test`.
// tsc emits even when a file has type errors; those are reported, and the run goes on (the bench files
// themselves are checked: an error in bench/ stops it).
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');

function step(title, cmd, args, { tolerate } = {}) {
  const t0 = Date.now();
  process.stderr.write(`[bench] ${title}…\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: tolerate ? ['ignore', 'pipe', 'pipe'] : 'inherit', encoding: 'utf8', timeout: 10 * 60_000 });
  if (r.error) throw r.error;
  process.stderr.write(`[bench] ${title}: exit ${r.status} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return r;
}

// Scenario 6 measures activate() in code-server: install it (and Chromium) first, untimed, like npm test does.
if (process.env.BENCH_SKIP_HOST !== '1') require('./prereqs').ensure(['code-server', 'chromium']);

const build = step('npm run build', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build', '--silent']);
if (build.status !== 0) process.exit(build.status || 1);

const tsc = step('tsc -p .', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.'], { tolerate: true });
const out = `${tsc.stdout || ''}${tsc.stderr || ''}`;
const errors = out.split('\n').filter((l) => /error TS\d+/.test(l));
const ours = errors.filter((l) => /^bench[\\/]/.test(l));
if (errors.length > 0) {
  process.stderr.write(`[bench] tsc reported ${errors.length} type error(s)${ours.length ? '' : ' outside bench/ (ignored: the files were still emitted)'}\n`);
  for (const l of (ours.length ? ours : errors).slice(0, 10)) process.stderr.write(`  ${l}\n`);
}
if (ours.length > 0) process.exit(1);

const run = spawnSync(process.execPath, [path.join(root, 'out', 'bench', 'run.js')], { cwd: root, stdio: 'inherit', timeout: 15 * 60_000 });
process.exit(run.status === null ? 1 : run.status);

#!/usr/bin/env node
// `npm test`: installs what the suites need (see scripts/prereqs.js), builds, compiles the tests and runs
// every suite, then prints one closing line "N passed, M failed" summing all of them.
// `--only a,b` runs only the named suites (unit, cli, registry, integration, e2e).
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const resultsDir = path.join(root, 'test-results');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : null;

/** Node test-runner suites: compiled test files under out/test/<dir>. */
const nodeSuites = [
  { name: 'unit', dir: 'test/unit' },
  { name: 'cli', dir: 'test/cli' },
  { name: 'registry', dir: 'test/registry', needs: ['registry'] },
];
/** Suites with their own runner script; each writes test-results/<name>.json {passed, failed}. */
const scriptSuites = [
  { name: 'integration', script: 'out/test/integration/run.js', needs: ['code-server', 'chromium'] },
  { name: 'e2e', script: 'out/test/e2e/run.js', needs: ['code-server', 'chromium'] },
];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

function listTests(dir) {
  const abs = path.join(root, 'out', dir);
  if (!fs.existsSync(abs)) return [];
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.test.js')) found.push(p);
    }
  };
  walk(abs);
  return found.sort();
}

function parseTap(file) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const num = (key) => Number((text.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) || [])[1] || 0);
  return { passed: num('pass'), failed: num('fail') + num('cancelled') };
}

function main() {
  const wanted = (s) => !only || only.includes(s.name);
  const suites = [...nodeSuites, ...scriptSuites].filter(wanted);
  const needs = new Set(suites.flatMap((s) => s.needs || []));
  require('./prereqs').ensure([...needs]);

  if (run('npm', ['run', 'build', '--silent']) !== 0) return finish([{ name: 'build', passed: 0, failed: 1 }]);
  if (run('npx', ['tsc', '-p', '.']) !== 0) return finish([{ name: 'typecheck', passed: 0, failed: 1 }]);
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });

  const totals = [];
  for (const s of nodeSuites.filter(wanted)) {
    const files = listTests(s.dir);
    if (files.length === 0) continue;
    console.log(`\n=== ${s.name}: ${files.length} files`);
    const tap = path.join(resultsDir, `${s.name}.tap`);
    const code = run(process.execPath, [
      '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...files,
    ]);
    const r = parseTap(tap);
    if (code !== 0 && r.failed === 0) r.failed = 1; // a crash outside any test still fails the run
    totals.push({ name: s.name, ...r });
  }
  for (const s of scriptSuites.filter(wanted)) {
    const script = path.join(root, s.script);
    if (!fs.existsSync(script)) continue;
    console.log(`\n=== ${s.name}`);
    const code = run(process.execPath, [script]);
    const file = path.join(resultsDir, `${s.name}.json`);
    const r = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { passed: 0, failed: 0 };
    if (code !== 0 && r.failed === 0) r.failed = 1;
    totals.push({ name: s.name, passed: r.passed, failed: r.failed });
  }
  finish(totals);
}

function finish(totals) {
  console.log('\nSuites:');
  for (const t of totals) console.log(`  ${t.name.padEnd(12)} ${t.passed} passed, ${t.failed} failed`);
  const passed = totals.reduce((a, t) => a + t.passed, 0);
  const failed = totals.reduce((a, t) => a + t.failed, 0);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

main();

// The extension-tests module VS Code loads INSIDE the extension host (extensionTestsPath, set by
// test/integration/run.ts). A tiny mocha-free runner: it loads every compiled suite
// out/test/integration/suite/**/*.itest.js in name order, runs their tests one after another, prints
// `ok N - name` / `not ok N - name`, and reports the counts back to the runner in two ways: the JSON file
// named by GLCR_ITEST_RESULT_FILE and a `RESULT {"passed":N,"failed":M}` log line. run() rejects when a test
// failed, which makes the workbench call codeAutomationExit(1).
import * as fs from 'fs';
import * as path from 'path';
import { takeRegistered, InHostTest } from '../harness/inhost';

const DEFAULT_TIMEOUT = Number(process.env.GLCR_ITEST_TEST_TIMEOUT_MS ?? 60_000);

function suiteFiles(): string[] {
  const dirs = (process.env.GLCR_ITEST_DIR ?? path.join(__dirname, 'suite')).split(path.delimiter).filter(Boolean);
  const files: string[] = [];
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.itest.js')) files.push(p);
    }
  };
  dirs.forEach(walk);
  return files.sort();
}

/** Writes a line to stdout of the extension host and to the log file the runner tails. */
function out(line: string): void {
  console.log(line);
  const file = process.env.GLCR_ITEST_LOG_FILE;
  if (file) fs.appendFileSync(file, line + '\n');
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const stack = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l))
      .filter((l) => !/node:internal|harness[/\\]|integration[/\\]index\.js/.test(l)).slice(0, 4).join('\n');
    return `${e.message.trim()}${stack ? `\n${stack}` : ''}`;
  }
  return String(e);
}

async function runOne(t: InHostTest): Promise<void> {
  const timeout = t.timeout ?? DEFAULT_TIMEOUT;
  let timer: NodeJS.Timeout | undefined;
  const work = Promise.resolve().then(() => t.fn());
  work.catch(() => undefined); // a test that timed out may still fail later: already reported
  try {
    await Promise.race([
      work,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeout} ms`)), timeout);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function run(): Promise<void> {
  const t0 = Date.now();
  const grep = process.env.GLCR_ITEST_GREP ? new RegExp(process.env.GLCR_ITEST_GREP, 'i') : undefined;
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const failures: string[] = [];
  let n = 0;
  const files = suiteFiles();
  out(`# ${files.length} suite file(s)`);
  for (const file of files) {
    const suite = path.basename(file, '.itest.js');
    let tests: InHostTest[];
    takeRegistered();
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(file) as { tests?: InHostTest[] };
      tests = [...takeRegistered(), ...(Array.isArray(mod.tests) ? mod.tests : [])];
    } catch (e) {
      n++;
      counts.failed++;
      failures.push(`${suite}: load`);
      out(`not ok ${n} - ${suite}: could not load ${file}\n  # ${describe(e).replace(/\n/g, '\n  # ')}`);
      continue;
    }
    out(`# ${suite}`);
    for (const t of tests) {
      const name = `${suite}: ${t.name}`;
      if (grep && !grep.test(name)) continue;
      n++;
      if (t.skip) {
        counts.skipped++;
        out(`ok ${n} - ${name} # SKIP`);
        continue;
      }
      const started = Date.now();
      try {
        await runOne(t);
        counts.passed++;
        out(`ok ${n} - ${name} (${Date.now() - started} ms)`);
      } catch (e) {
        counts.failed++;
        failures.push(name);
        out(`not ok ${n} - ${name} (${Date.now() - started} ms)\n  # ${describe(e).replace(/\n/g, '\n  # ')}`);
      }
    }
  }
  out(`# ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (process.env.GLCR_ITEST_RESULT_FILE) {
    fs.writeFileSync(process.env.GLCR_ITEST_RESULT_FILE, JSON.stringify({ ...counts, failures }));
  }
  out(`RESULT ${JSON.stringify({ passed: counts.passed, failed: counts.failed })}`);
  if (counts.failed > 0) throw new Error(`${counts.failed} integration test(s) failed: ${failures.join('; ')}`);
}

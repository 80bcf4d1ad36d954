// Integration runner (`npm test` runs out/test/integration/run.js after building dist/ and compiling out/).
// Starts the GitLab double (small scenario) in this process, a fresh code-server whose environment carries
// the double's URL and tokens, and a headless Chromium that opens the workbench with
//   extensionDevelopmentPath = the repository root   (package.json → dist/extension.js)
//   extensionTestsPath       = out/test/integration/index.js
// The extension host runs the suites (test/integration/index.ts); the runner tails their output, waits for
// codeAutomationExit (bounded), and writes test-results/integration.json = {"passed":N,"failed":M}.
//
// Environment knobs: GLCR_ITEST_GREP=<regex> (test names), GLCR_ITEST_TIMEOUT_MS (whole run, default 300000),
// GLCR_ITEST_TEST_TIMEOUT_MS (one test, default 60000), GLCR_VERBOSE=1 (workbench and extension host logs),
// GLCR_KEEP_TMP=1 (keep code-server's user data), GLCR_EXT_DEV_PATH / GLCR_ITEST_DIR (harness self-tests).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, newContext, screenshot } from '../harness/browser';
import { startCodeServer, CodeServer } from '../harness/codeServer';
import { DoubleHost, startHarnessControl } from '../harness/double';
import { elapsed, repoRoot, resultsDir, writeResults } from '../harness/paths';

const SUITE = 'integration';
const OVERALL_TIMEOUT = Number(process.env.GLCR_ITEST_TIMEOUT_MS ?? 300_000);
const verbose = process.env.GLCR_VERBOSE === '1';

function log(msg: string): void {
  console.log(`[integration] ${msg}`);
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-itest-'));
  const resultFile = path.join(tmp, 'result.json');
  const logFile = path.join(tmp, 'tests.log');
  fs.writeFileSync(logFile, '');
  const devPath = process.env.GLCR_EXT_DEV_PATH ?? repoRoot;
  const testsPath = path.join(__dirname, 'index.js');
  if (!fs.existsSync(path.join(devPath, 'package.json'))) throw new Error(`no extension at ${devPath}`);

  let double: DoubleHost | undefined;
  let control: Awaited<ReturnType<typeof startHarnessControl>> | undefined;
  let cs: CodeServer | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let tailTimer: NodeJS.Timeout | undefined;
  let printed = 0;
  const tail = (): void => {
    const text = fs.readFileSync(logFile, 'utf8');
    if (text.length > printed) {
      process.stdout.write(text.slice(printed));
      printed = text.length;
    }
  };
  const cleanup = async (): Promise<void> => {
    clearInterval(tailTimer);
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await cs?.stop().catch(() => undefined);
    await control?.close().catch(() => undefined);
    await double?.close().catch(() => undefined);
    if (process.env.GLCR_KEEP_TMP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    double = await DoubleHost.start({ scenario: 'small' });
    control = await startHarnessControl(double);
    log(`GitLab double at ${double.url}`);
    const t1 = Date.now();
    cs = await startCodeServer({
      env: {
        ...double.env(),
        GLCR_HARNESS_URL: control.url,
        GLCR_ITEST_RESULT_FILE: resultFile,
        GLCR_ITEST_LOG_FILE: logFile,
        GLCR_ITEST_GREP: process.env.GLCR_ITEST_GREP,
        GLCR_ITEST_TEST_TIMEOUT_MS: process.env.GLCR_ITEST_TEST_TIMEOUT_MS,
        GLCR_ITEST_DIR: process.env.GLCR_ITEST_DIR,
      },
      logTo: path.join(resultsDir, 'integration-code-server.log'),
    });
    log(`code-server at ${cs.url} (up in ${elapsed(t1)})`);

    browser = await launchBrowser();
    context = await newContext(browser);
    const page = await context.newPage();
    let exit: (code: number | string) => void = () => undefined;
    const exited = new Promise<number | string>((resolve) => (exit = resolve));
    // The workbench forwards the extension host's log here. The tests' own output comes through the log file
    // (tailed above), so these are printed only with GLCR_VERBOSE=1, or, when the run breaks down, the last
    // errors are shown.
    let finished = false;
    const hostErrors: string[] = [];
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      if (finished) return;
      const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      if (verbose) console.log(`[exthost ${type}] ${text}`);
      else if (type === 'error') hostErrors.push(text.split('\n').slice(0, 6).join('\n'));
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      finished = true;
      exit(code);
    });
    page.on('pageerror', (e) => verbose && console.log('[page error]', e.message));
    if (verbose) page.on('console', (m) => console.log(`[page ${m.type()}]`, m.text().slice(0, 500)));
    const url = cs.workbenchUrl([
      ['extensionDevelopmentPath', cs.remoteUri(devPath)],
      ['extensionTestsPath', cs.remoteUri(testsPath)],
      ['skipWelcome', 'true'],
    ]);
    if (verbose) log(`GET ${url}`);
    const t2 = Date.now();
    tailTimer = setInterval(tail, 200);
    await page.goto(url);
    const timer = setTimeout(() => exit('timeout'), OVERALL_TIMEOUT);
    const code = await exited;
    finished = true;
    clearTimeout(timer);
    tail();

    let counts: { passed: number; failed: number };
    if (fs.existsSync(resultFile)) {
      const r = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { passed: number; failed: number };
      counts = { passed: r.passed, failed: r.failed };
    } else {
      // run() never finished (timeout, crash while loading, extension host died): one failure.
      // Count what was reported before it stopped, plus one failure for the test that never finished.
      const text = fs.readFileSync(logFile, 'utf8');
      counts = {
        passed: (text.match(/^ok \d+ - (?!.*# SKIP$).*$/gm) ?? []).length,
        failed: (text.match(/^not ok \d+ - /gm) ?? []).length + 1,
      };
      log(code === 'timeout' ? `timed out after ${OVERALL_TIMEOUT} ms` : `no results reported (exit code ${code})`);
      if (!verbose) {
        for (const e of hostErrors.slice(-10)) console.log(`[exthost error] ${e}`);
        log(`code-server log tail:\n${cs.logTail(15)}`);
      }
    }
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
    if (code !== 0) {
      const shot = await screenshot(page, 'integration-failure').catch(() => undefined);
      if (shot) log(`screenshot ${path.relative(repoRoot, shot)}`);
    }
    writeResults(SUITE, counts);
    log(`${counts.passed} passed, ${counts.failed} failed (tests ${elapsed(t2)}, total ${elapsed(t0)})`);
    return counts.failed > 0 ? 1 : 0;
  } catch (e) {
    log(`harness error: ${e instanceof Error ? e.stack : String(e)}`);
    writeResults(SUITE, { passed: 0, failed: 1 });
    return 1;
  } finally {
    await cleanup();
  }
}

// Whatever happens, the process ends (cleanup is bounded by the harness; this is the backstop).
const backstop = setTimeout(() => {
  console.error('[integration] runner did not finish; exiting');
  process.exit(1);
}, OVERALL_TIMEOUT + 120_000);
backstop.unref();

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});

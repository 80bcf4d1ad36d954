// UI end-to-end runner (`npm test` runs out/test/e2e/run.js). It packages the extension (scripts/package.js →
// gitlab-container-registry-<version>.vsix at the repository root), installs the .vsix into fresh
// code-servers, and runs every compiled out/test/e2e/*.e2e.js (registered with test/harness/e2e.ts, or
// exported as `tests`) one after another, each in a fresh browser context with a per-test timeout. A failing
// test leaves test-results/screenshots/FAIL-<test>.png. Writes test-results/e2e.json = {"passed","failed"}.
//
// Per test: the double is restarted on the same port (fresh seeded state, same URL and tokens, so the
// code-server environment stays valid); the previous test's extension host is killed (a closed page leaves
// its extension host alive for a reconnection grace period of hours, and it would keep talking to the double);
// a new browser context starts with an empty profile. code-servers are shared by tests with the same
// envAccount/locale/settings and started when first needed.
//
// Environment knobs: GLCR_E2E_GREP=<regex>, GLCR_E2E_TEST_TIMEOUT_MS (default 120000), GLCR_E2E_VSIX=<file>
// (skip packaging), GLCR_E2E_DIR=<dirs> (test files), GLCR_HEADED=1, GLCR_VERBOSE=1, GLCR_KEEP_TMP=1.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchBrowser, newContext, screenshot, Workbench } from '../harness/browser';
import { startCodeServer, CodeServer } from '../harness/codeServer';
import { DoubleHost } from '../harness/double';
import { takeRegistered, E2EContext, E2ETest } from '../harness/e2e';
import { elapsed, repoRoot, resultsDir, slug, vsixPath, writeResults } from '../harness/paths';

const SUITE = 'e2e';
const DEFAULT_TIMEOUT = Number(process.env.GLCR_E2E_TEST_TIMEOUT_MS ?? 120_000);
const verbose = process.env.GLCR_VERBOSE === '1';

function log(msg: string): void {
  console.log(`[e2e] ${msg}`);
}

function testFiles(): string[] {
  const dirs = (process.env.GLCR_E2E_DIR ?? __dirname).split(path.delimiter).filter(Boolean);
  const files: string[] = [];
  for (const d of dirs) {
    if (!fs.existsSync(d)) continue;
    for (const f of fs.readdirSync(d)) if (f.endsWith('.e2e.js')) files.push(path.resolve(d, f));
  }
  return files.sort();
}

function loadTests(): { tests: Array<E2ETest & { file: string }>; loadErrors: string[] } {
  const tests: Array<E2ETest & { file: string }> = [];
  const loadErrors: string[] = [];
  for (const file of testFiles()) {
    takeRegistered();
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(file) as { tests?: E2ETest[] };
      const found = [...takeRegistered(), ...(Array.isArray(mod.tests) ? mod.tests : [])];
      for (const t of found) tests.push({ ...t, file: path.basename(file, '.e2e.js') });
    } catch (e) {
      loadErrors.push(`${path.basename(file)}: ${e instanceof Error ? e.stack : String(e)}`);
    }
  }
  const grep = process.env.GLCR_E2E_GREP ? new RegExp(process.env.GLCR_E2E_GREP, 'i') : undefined;
  return { tests: grep ? tests.filter((t) => grep.test(`${t.file}: ${t.name}`)) : tests, loadErrors };
}

function packageVsix(): string {
  if (process.env.GLCR_E2E_VSIX) return path.resolve(process.env.GLCR_E2E_VSIX);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'package.js')], { cwd: repoRoot, stdio: 'inherit', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`npm run package failed (exit ${r.status})`);
  log(`packaged in ${elapsed(t0)}`);
  return vsixPath();
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const stack = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l))
      .filter((l) => !/node_modules|node:internal|e2e[/\\]run\.js/.test(l)).slice(0, 3).join('\n');
    return `${e.message.replace(/\u001b\[[0-9;]*m/g, '').trim()}${stack ? `\n${stack}` : ''}`;
  }
  return String(e);
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const { tests, loadErrors } = loadTests();
  const counts = { passed: 0, failed: loadErrors.length, skipped: 0 };
  for (const e of loadErrors) console.log(`not ok - could not load ${e}`);
  if (tests.length === 0) {
    log('no e2e tests found');
    writeResults(SUITE, counts);
    return counts.failed > 0 ? 1 : 0;
  }

  const servers = new Map<string, CodeServer>();
  let double: DoubleHost | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const cleanup = async (): Promise<void> => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    for (const cs of servers.values()) await cs.stop().catch(() => undefined);
    await double?.close().catch(() => undefined);
  };
  const onSignal = (): void => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const vsix = packageVsix();
    if (!fs.existsSync(vsix)) throw new Error(`${vsix} not found`);
    double = await DoubleHost.start({ scenario: 'small' });
    log(`GitLab double at ${double.url}; ${tests.length} test(s); vsix ${path.relative(repoRoot, vsix) || vsix}`);
    browser = await launchBrowser();

    const serverFor = async (t: E2ETest): Promise<CodeServer> => {
      const key = JSON.stringify([t.envAccount || null, t.locale ?? null, t.settings ?? null, t.languagePack ?? null]);
      let cs = servers.get(key);
      if (cs) return cs;
      const t1 = Date.now();
      const env: Record<string, string> = { ...double!.env() };
      if (t.envAccount) {
        env.GITLAB_REGISTRY_URL = double!.url;
        env.GITLAB_REGISTRY_TOKEN = double!.tokens[t.envAccount];
      }
      cs = await startCodeServer({
        installExtensions: [vsix], env, locale: t.locale, languagePack: t.languagePack, settings: t.settings,
        logTo: path.join(resultsDir, `e2e-code-server-${servers.size + 1}.log`),
      });
      servers.set(key, cs);
      log(`code-server #${servers.size} at ${cs.url} (envAccount=${t.envAccount || 'none'}${t.locale ? `, locale=${t.locale}` : ''}) up in ${elapsed(t1)}`);
      return cs;
    };

    let n = 0;
    for (const t of tests) {
      n++;
      const name = `${t.file}: ${t.name}`;
      if (t.skip) {
        counts.skipped++;
        console.log(`ok ${n} - ${name} # SKIP`);
        continue;
      }
      const started = Date.now();
      const timeout = t.timeout ?? DEFAULT_TIMEOUT;
      const pageErrors: string[] = [];
      let ctx: E2EContext | undefined;
      let timer: NodeJS.Timeout | undefined;
      try {
        const cs = await serverFor(t);
        for (const s of servers.values()) s.killExtensionHosts();
        const d = await double.restart(t.double ?? { scenario: 'small' });
        context = await newContext(browser);
        const page = await context.newPage();
        page.on('pageerror', (e) => pageErrors.push(e.message));
        if (verbose) page.on('console', (m) => console.log(`  [page ${m.type()}] ${m.text().slice(0, 300)}`));
        const wb = new Workbench(page);
        const url = cs.workbenchUrl([['skipWelcome', 'true']]);
        ctx = {
          page, context, wb, double: d, doubleUrl: d.url, tokens: d.tokens, codeServer: cs, url,
          screenshot: (shotName) => screenshot(page, shotName),
          log: (...args) => console.log('  #', ...args),
          reload: async () => {
            cs.killExtensionHosts();
            await page.reload();
            await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
          },
        };
        const c = ctx;
        const work = (async () => {
          if (t.openWorkbench !== false) await wb.open(url);
          await t.fn(c);
        })();
        // After a timeout the test body keeps running until the context closes; its late failure is moot.
        work.catch(() => undefined);
        await Promise.race([
          work,
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`timed out after ${timeout} ms`)), timeout);
          }),
        ]);
        counts.passed++;
        console.log(`ok ${n} - ${name} (${elapsed(started)})`);
      } catch (e) {
        counts.failed++;
        console.log(`not ok ${n} - ${name} (${elapsed(started)})\n  # ${describe(e).replace(/\n/g, '\n  # ')}`);
        if (ctx) {
          const shot = await screenshot(ctx.page, `FAIL-${slug(name)}`).catch(() => undefined);
          if (shot) console.log(`  # screenshot ${path.relative(repoRoot, shot)}`);
        }
        for (const pe of pageErrors.slice(-5)) console.log(`  # page error: ${pe.split('\n')[0]}`);
      } finally {
        clearTimeout(timer);
        // Closing the context aborts whatever the test still had pending (e.g. after a timeout).
        await context?.close().catch(() => undefined);
        context = undefined;
      }
    }
    log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${elapsed(t0)}`);
  } catch (e) {
    log(`harness error: ${e instanceof Error ? e.stack : String(e)}`);
    counts.failed++;
  } finally {
    writeResults(SUITE, { passed: counts.passed, failed: counts.failed });
    await cleanup();
  }
  return counts.failed > 0 ? 1 : 0;
}

const backstop = setTimeout(() => {
  console.error('[e2e] runner did not finish; exiting');
  process.exit(1);
}, 60 * 60_000);
backstop.unref();

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(1);
});

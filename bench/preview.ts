// Scenario 8: the rule preview of the 10,050-tag repository, from the data to the first paint in Chromium
// (test/harness/browser.ts). Timed from "decisions arrived" (the engine's result in hand) through the view
// model, the HTML, loading, parsing, layout, to Chromium's first-contentful-paint. Also writes docs/images/preview-large.png, the README's screenshot, with VS Code's dark colours.
import * as path from 'path';
import { evaluateRule, type Rule } from '../src/core/rules';
import type { TagDetails } from '../src/core/types';
import { buildPreviewModel, buildSection, englishOnly } from '../src/extension/rules/previewModel';
import { renderPreviewHtml } from '../src/extension/rules/previewHtml';
import { launchBrowser, newContext } from '../test/harness/browser';
import { log, median, startDouble } from './lib';
import { client, HUGE_REPO, PROJECT } from './scenarios';

const PAGE_URL = 'http://preview.bench.invalid/';

export interface S7 {
  tags: number;
  htmlBytes: number;
  /** Per run: model + HTML in Node, then navigation → first-contentful-paint in Chromium (wall clock, one machine). */
  runs: Array<{ modelMs: number; paintMs: number; totalMs: number }>;
  screenshot: string;
}

/** Enough of VS Code's Dark Modern theme for a faithful screenshot (the webview gets these from VS Code). */
const DARK_THEME = ':root{--vscode-font-family:system-ui,sans-serif;--vscode-font-size:13px;--vscode-foreground:#cccccc;'
  + '--vscode-descriptionForeground:#9d9d9d;--vscode-editor-background:#1f1f1f;--vscode-editorWarning-foreground:#cca700;'
  + '--vscode-textLink-foreground:#4daafc;--vscode-button-background:#0078d4;--vscode-button-foreground:#ffffff;'
  + '--vscode-button-secondaryBackground:#313131;--vscode-button-secondaryForeground:#cccccc;--vscode-input-background:#313131;'
  + '--vscode-input-foreground:#cccccc;--vscode-panel-border:#2b2b2b;--vscode-editorWidget-background:#202020;--vscode-editor-font-family:monospace}body{background:#1f1f1f}';

export async function scenario7(repoRoot: string): Promise<S7> {
  const double = await startDouble({ latencyMs: 0 });
  let tags: TagDetails[];
  try {
    tags = await client(double).listTagDetails(PROJECT, HUGE_REPO);
  } finally {
    await double.close();
  }
  const rule: Rule = { deleteRegex: 'build-.*', keepRegex: 'build-0*[1-9]00', keepN: 10, olderThan: '30d' };
  const now = Date.now();
  const evaluation = evaluateRule(tags, rule, { now });
  const render = () => {
    const section = buildSection({ ...evaluation, protection: 'checked', legacyRegistry: false, now }, rule,
      { location: `registry.example.test:5050/${PROJECT}/huge`, id: HUGE_REPO, projectId: 1 }, englishOnly);
    const model = buildPreviewModel({ title: `Delete tags by rule: ${PROJECT}/huge`, rule, instanceUrl: 'https://gitlab.example.test', sections: [section], actions: true, t: englishOnly });
    return renderPreviewHtml(model, { nonce: 'benchnonce0123456789abcdef012345', cspSource: 'https://webview.invalid', t: englishOnly });
  };
  const browser = await launchBrowser();
  const runs: S7['runs'] = [];
  let html = '';
  const screenshot = path.join(repoRoot, 'docs', 'images', 'preview-large.png');
  try {
    const context = await newContext(browser);
    for (let i = 0; i < 4; i++) {
      const page = await context.newPage();
      // Served from a routed URL, so Chromium records a real navigation and its first-contentful-paint.
      await page.route(PAGE_URL, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
      const t0 = Date.now();
      html = render();
      const t1 = Date.now();
      await page.goto(PAGE_URL, { waitUntil: 'load' });
      const fcp = await page.evaluate(() => new Promise<number>((resolve) => {
        const seen = () => performance.getEntriesByName('first-contentful-paint')[0];
        const poll = (k: number) => {
          const e = seen();
          if (e || k > 200) resolve(e ? performance.timeOrigin + e.startTime : NaN);
          else setTimeout(() => poll(k + 1), 10);
        };
        poll(0);
      }));
      if (i > 0) runs.push({ modelMs: t1 - t0, paintMs: fcp - t1, totalMs: fcp - t0 }); // run 0 warms the JIT
      await page.close();
    }
    const page = await context.newPage();
    await page.setContent(html.replace(/(<style nonce="[^"]+">)/, `$1${DARK_THEME}`), { waitUntil: 'load' });
    await page.screenshot({ path: screenshot });
    await context.close();
  } finally {
    await browser.close();
  }
  log(`s7 preview: ${tags.length} tags, ${(html.length / 1e6).toFixed(1)} MB of HTML, first paint median ${median(runs.map((r) => r.totalMs)).toFixed(0)} ms`);
  return { tags: tags.length, htmlBytes: Buffer.byteLength(html), runs, screenshot };
}

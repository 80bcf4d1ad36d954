// Delete Tags by Rule… on a group node through the UI: the repository filter, the four rule boxes, then the
// group preview webview (totals on top, one collapsible section per affected repository, the conditions,
// the space each repository frees read from the double's Registry V2). Cancel deletes nothing.
// Leaves test-results/screenshots/group-rule-preview.png (the whole window) and group-rule-preview-page.png
// (the webview alone): `npm run screenshots` copies the latter to docs/images/group-rule-preview.png.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { test } from '../harness/e2e';
import { screenshotsDir } from '../harness/paths';

const CONTAINER = 'GitLab Registry';
const VIEW = 'Registries';

test('Delete Tags by Rule… on a group: one preview of every affected repository with the space each frees; Cancel deletes nothing', async (ctx) => {
  const { wb, page } = ctx;
  const host = new URL(ctx.doubleUrl).host;
  await wb.openViewContainer(CONTAINER);
  await wb.expandPath([host], VIEW);
  await wb.contextMenu(await wb.waitForRow('acme', VIEW), 'Delete Tags by Rule…');

  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'repositories' }).waitFor({ timeout: 15_000 });
  await wb.typeQuickInput('');
  for (const [step, value] of [[1, '.*'], [2, '(latest|main-.*|v.*)'], [3, '2'], [4, '14d']] as const) {
    await page.locator('.quick-input-widget .quick-input-title', { hasText: `(${step}/4)` }).waitFor({ timeout: 15_000 });
    await wb.typeQuickInput(value);
  }

  const frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  const totals = frame.locator('p.grand-totals');
  await totals.waitFor({ timeout: 30_000 });
  assert.match(await totals.innerText(), /tags are deleted in \d+ repositories/);
  assert.ok(!(await frame.locator('button#schedule').count()), 'no server-side schedule for many repositories');
  assert.ok(await frame.locator('details.repo').count() >= 2, 'one collapsible section per affected repository');
  // The registry's figure arrives after the preview: per repository in the summary, and in the totals.
  await frame.locator('p.grand-totals .storage.total').waitFor({ timeout: 60_000 });
  assert.match(await frame.locator('p.grand-totals .storage.total').innerText(), /^Frees up to .+ after garbage collection\./);
  assert.ok(await frame.locator('table.summary td.reclaim.done').count() >= 1);
  await wb.moveMouseAway();
  await ctx.screenshot('group-rule-preview');
  fs.mkdirSync(screenshotsDir, { recursive: true });
  await page.locator('iframe.webview').screenshot({ path: path.join(screenshotsDir, 'group-rule-preview-page.png') });

  const builder = ctx.double.repositoryByPath('acme/platform/tools/builder')!.tags.length;
  await frame.locator('button#cancel').click();
  await page.locator('iframe.webview').waitFor({ state: 'detached', timeout: 15_000 });
  assert.strictEqual(ctx.double.requests.filter((q) => q.method === 'DELETE').length, 0, 'Cancel deletes nothing');
  assert.strictEqual(ctx.double.repositoryByPath('acme/platform/tools/builder')!.tags.length, builder);
}, { envAccount: 'owner', double: { scenario: 'small', registryHost: 'self' }, timeout: 180_000 });

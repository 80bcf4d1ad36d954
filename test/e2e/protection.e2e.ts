// Protection through the UI (issue 13): a Maintainer right-clicks a protected tag of acme/platform/vault
// (double scenario 'protected') and is not offered Delete Tag; a deletable tag still has it. Leaves
// test-results/screenshots/protection-tree.png for the README (docs/images/protection.png).
import * as assert from 'assert';
import { test } from '../harness/e2e';

const CONTAINER = 'GitLab Registry';
const VIEW = 'Registries';

test('right-click a protected tag: no Delete Tag; a deletable tag keeps it; lock and reason shown', async (ctx) => {
  const { wb, page } = ctx;
  const host = new URL(ctx.doubleUrl).host;
  await wb.openViewContainer(CONTAINER);
  await wb.expandPath([host, 'acme', 'platform', 'vault'], VIEW);
  // The project's root image is labelled "(root image)" (its path is in the tooltip).
  const root = wb.rows(VIEW).filter({ has: page.locator('.label-name', { hasText: /^\s*\(root image\)\s*$/ }) }).first();
  await root.waitFor({ timeout: 15_000 });
  if ((await root.getAttribute('aria-expanded')) !== 'true') await root.locator('.monaco-tl-twistie').click();
  await wb.waitForRow('release-1', VIEW);
  await page.locator('.monaco-list-row .label-description', { hasText: 'protected: release-.* needs Owner' }).first().waitFor({ timeout: 15_000 });
  await page.locator('.monaco-list-row .label-description', { hasText: /\+2 tags/ }).first().waitFor({ timeout: 15_000 });
  assert.ok(await wb.row('release-1', VIEW).locator('.codicon-lock').isVisible(), 'lock icon on release-1');
  await wb.moveMouseAway();
  await ctx.screenshot('protection-tree');

  await wb.row('release-1', VIEW).click({ button: 'right' });
  const items = await wb.contextMenuItems();
  assert.ok(!items.includes('Delete Tag'), items.join(', '));
  assert.ok(items.includes('Copy Image Reference'), items.join(', '));
  await ctx.screenshot('protection-context-menu');
  await page.keyboard.press('Escape');

  await wb.row('dev-1', VIEW).click({ button: 'right' });
  assert.ok((await wb.contextMenuItems()).includes('Delete Tag'));
  await page.keyboard.press('Escape');
  assert.ok(!ctx.double.requests.some((r) => r.method === 'DELETE'), 'no DELETE sent');
}, { envAccount: 'maintainer', double: { scenario: 'protected' }, timeout: 150_000 });

// Delete Tags by Rule… through the UI: context menu → four input boxes → the preview webview (an iframe
// inside an iframe: reached with frameLocator) → "Delete N tags…" → modal → Delete; then the double's state.
// Leaves test-results/screenshots/rules-preview.png for the README.
import * as assert from 'assert';
import { test, E2EContext } from '../harness/e2e';
import { answerStep } from './ruleWizard';

const CONTAINER = 'GitLab Registry';
const VIEW = 'Registries';

function tagNames(ctx: E2EContext, repositoryId: number): string[] {
  return (ctx.double.repository(repositoryId)?.tags ?? []).map((t) => t.name).sort();
}


test('Delete Tags by Rule…: preview webview with the timeline, then Delete removes exactly the previewed tags', async (ctx) => {
  const { wb, page } = ctx;
  const host = new URL(ctx.doubleUrl).host;
  await wb.openViewContainer(CONTAINER);
  await wb.expandPath([host, 'acme', 'platform', 'My.Project'], VIEW);
  await wb.waitForRow('Cleanup policy', VIEW);
  await wb.waitForRow('api', VIEW);
  await wb.contextMenu(wb.row('api', VIEW), 'Delete Tags by Rule…');

  await answerStep(ctx, 1, '.*');
  await answerStep(ctx, 2, '');
  await answerStep(ctx, 3, '');
  // Validation as you type: a bad duration is refused before Enter does anything.
  await ctx.page.locator('.quick-input-widget .quick-input-title', { hasText: '(4/4)' }).waitFor({ timeout: 15_000 });
  await wb.typeQuickInput('10 parsecs', false);
  await page.locator('.quick-input-widget .quick-input-message', { hasText: /\S/ }).waitFor({ timeout: 10_000 });
  await wb.typeQuickInput('10d');

  // The webview: outer iframe.webview → inner #active-frame with the page.
  const frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  const deleteButton = frame.locator('button#delete');
  await deleteButton.waitFor({ timeout: 30_000 });
  assert.strictEqual((await deleteButton.innerText()).trim(), 'Delete 2 tags…');
  assert.ok(await frame.locator('button#schedule', { hasText: 'Schedule GitLab\'s cleanup instead…' }).isVisible());
  const rows = frame.locator('tbody tr');
  assert.strictEqual(await rows.count(), 4);
  const reasons = Object.fromEntries(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-name'), tr.getAttribute('data-reason')])));
  assert.deepStrictEqual(reasons, { 'v2.1.0': 'matched', 'v2.0.0': 'matched', latest: 'latest', nightly: 'no_timestamp' });
  assert.strictEqual(await frame.locator('svg.timeline circle.del').count(), 2);
  assert.strictEqual(await frame.locator('svg.timeline circle.keep').count(), 2);
  assert.ok(await frame.locator('svg.timeline text', { hasText: 'no date' }).isVisible());
  assert.match(await frame.locator('p.gc').innerText(), /garbage collection/);
  // The table's script runs in the real webview (CSP nonce): the filter hides rows, a header sorts.
  await frame.locator('input.filter').fill('v2');
  assert.deepStrictEqual(await frame.locator('tbody tr:not([hidden])').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-name'))), ['v2.1.0', 'v2.0.0']);
  assert.strictEqual((await frame.locator('.shown').innerText()).trim(), '2 of 4 tags shown');
  await frame.locator('input.filter').fill('');
  await frame.locator('th[data-column="name"]').click();
  assert.deepStrictEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-name'))), ['latest', 'nightly', 'v2.0.0', 'v2.1.0']);
  await frame.locator('th[data-column="name"]').click();
  assert.deepStrictEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-name'))), ['v2.1.0', 'v2.0.0', 'nightly', 'latest']);
  await wb.moveMouseAway();
  await ctx.screenshot('rules-preview');

  await deleteButton.click();
  const dialog = await wb.dialog();
  assert.ok(dialog.message.includes(`Delete 2 tags from ${new URL(ctx.doubleUrl).host}/acme/platform/my.project/api`), dialog.message);
  assert.match(dialog.detail, /Deleting is permanent once garbage collection runs/);
  assert.ok(dialog.buttons.includes('Delete'), dialog.buttons.join(', '));
  await ctx.screenshot('rules-delete-modal');
  await wb.dialogButton('Delete'); // one modal: the double serves the registry, the tags are recorded for Undo
  await wb.waitForNotification(/Deleted 2 tags/, 30_000);
  await ctx.screenshot('rules-deleted');
  assert.deepStrictEqual(tagNames(ctx, 2), ['latest', 'nightly']);
  assert.strictEqual(tagNames(ctx, 1).length, 8, 'other repositories untouched');
}, { envAccount: 'owner', double: { scenario: 'small', registryHost: 'self' }, timeout: 180_000 });

// The extension through its UI: the packaged .vsix in code-server, driven by Chromium. Each step leaves a
// screenshot in test-results/screenshots/ (named ext-*.png).
import * as assert from 'assert';
import { test, E2EContext } from '../harness/e2e';

const CONTAINER = 'GitLab Registry';
const VIEW = 'Registries';

function tagNames(ctx: E2EContext, repositoryId: number): string[] {
  return (ctx.double.repository(repositoryId)?.tags ?? []).map((t) => t.name).sort();
}

/** Opens the view and expands host → My.Project → the given repository; waits for a tag row. */
async function openRepository(ctx: E2EContext, repository: string, waitForTag: string): Promise<void> {
  const host = new URL(ctx.doubleUrl).host;
  if (!(await ctx.wb.view(VIEW).isVisible())) await ctx.wb.openViewContainer(CONTAINER);
  await ctx.wb.expandPath([host, 'acme', 'platform', 'My.Project'], VIEW);
  const row = ctx.wb.row(repository, VIEW);
  await row.waitFor({ timeout: 15_000 });
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
  await ctx.wb.waitForRow(waitForTag, VIEW);
  // Tag details (digest · size · age) arrive after the names.
  await ctx.page.locator('.monaco-list-row .label-description', { hasText: /·/ }).first().waitFor({ timeout: 15_000 });
  // Once all details are in, newest-first re-sorts the rows once: let that happen before clicking rows.
  await ctx.page.waitForTimeout(1500);
}

test('add an account with the two input boxes, then delete one tag from the context menu', async (ctx) => {
  const { wb } = ctx;
  await wb.openViewContainer(CONTAINER);
  await ctx.page.locator('.welcome-view-content', { hasText: 'Add Account' }).waitFor({ timeout: 30_000 });
  await ctx.screenshot('ext-01-welcome');

  await wb.runCommand('GitLab Registry: Add Account');
  await wb.waitForQuickInput();
  assert.strictEqual(await ctx.page.locator('.quick-input-widget .quick-input-box input').inputValue(), 'https://gitlab.com');
  await wb.typeQuickInput('not a url', false);
  await ctx.page.waitForTimeout(300);
  await ctx.screenshot('ext-02-url-validation');
  await wb.typeQuickInput(ctx.doubleUrl);
  await ctx.page.locator('.quick-input-widget input[type="password"]').waitFor({ timeout: 10_000 });
  await ctx.page.locator('.quick-input-widget .quick-input-action').first().waitFor({ timeout: 10_000 }).catch(() => undefined);
  await ctx.screenshot('ext-03-token-box');
  await wb.typeQuickInput(ctx.tokens.readUser);
  await ctx.page.locator('.quick-input-widget .quick-input-message', { hasText: 'api' }).waitFor({ timeout: 15_000 });
  await ctx.screenshot('ext-04-missing-scope');
  await wb.typeQuickInput(ctx.tokens.owner);

  const host = new URL(ctx.doubleUrl).host;
  await wb.waitForRow(host, VIEW, 20_000);
  await ctx.page.locator('.monaco-list-row .label-description', { hasText: '@alice' }).waitFor({ timeout: 10_000 });
  await ctx.screenshot('ext-05-account-added');

  await openRepository(ctx, 'api', 'nightly');
  await ctx.screenshot('ext-06-tags');
  await wb.contextMenu(wb.row('nightly', VIEW), 'Delete Tag');
  const dialog = await wb.dialog();
  assert.match(dialog.message, /nightly/);
  assert.match(dialog.detail, /Deleting is permanent once garbage collection runs; until then you can restore it with Undo or Restore Deleted Tags…/);
  assert.ok(dialog.buttons.includes('Delete'), dialog.buttons.join(', '));
  await ctx.screenshot('ext-07-delete-tag-modal');
  await wb.dialogButton('Delete'); // one modal: the double serves the registry, the tag is recorded for Undo
  await wb.waitForNotification(/Deleted/, 20_000);
  await wb.row('nightly', VIEW).waitFor({ state: 'detached', timeout: 10_000 });
  await ctx.screenshot('ext-08-tag-deleted');
  assert.deepStrictEqual(tagNames(ctx, 2), ['latest', 'v2.0.0', 'v2.1.0']);
  assert.strictEqual(tagNames(ctx, 1).length, 8, 'other repositories untouched');
}, { double: { scenario: 'small', registryHost: 'self' }, timeout: 150_000 });

test('multi-select two tags, right-click one: Delete Tag deletes both', async (ctx) => {
  const { wb } = ctx;
  await openRepository(ctx, '(root image)', 'dev-0001');
  await wb.row('dev-0001', VIEW).click();
  await wb.row('dev-0002', VIEW).click({ modifiers: ['Control'] });
  await ctx.screenshot('ext-09-multi-select');
  await wb.contextMenu(wb.row('dev-0002', VIEW), 'Delete Tag');
  const dialog = await wb.dialog();
  assert.match(dialog.message, /2 tags/);
  assert.match(dialog.detail, /dev-0001/);
  assert.match(dialog.detail, /dev-0002/);
  await ctx.screenshot('ext-10-multi-delete-modal');
  await wb.dialogButton('Delete');
  await wb.waitForNotification(/Deleted 2 tags/, 20_000);
  await ctx.screenshot('ext-11-multi-deleted');
  assert.deepStrictEqual(tagNames(ctx, 1), ['feature-login', 'latest', 'main', 'v1.0.0', 'v1.2.2', 'v1.2.3']);
}, { envAccount: 'owner', double: { scenario: 'small', registryHost: 'self' }, timeout: 150_000 });

test('Cancel in the modal (opened with the Delete key) deletes nothing', async (ctx) => {
  const { wb } = ctx;
  await openRepository(ctx, 'tools/cli', 'v0.1.0');
  await wb.row('v0.1.0', VIEW).click();
  await ctx.page.keyboard.press('Delete');
  const dialog = await wb.dialog();
  assert.match(dialog.message, /v0\.1\.0/);
  await ctx.screenshot('ext-12-cancel-modal');
  await wb.dialogButton('Cancel');
  await ctx.page.waitForTimeout(1000);
  assert.deepStrictEqual(tagNames(ctx, 3), ['latest', 'v0.1.0']);
  assert.ok(!ctx.double.requests.some((r) => r.method === 'DELETE'), 'no DELETE sent');
}, { envAccount: 'owner', timeout: 150_000 });

test('delete a repository: modal with location and tag count, status in the tree, then gone', async (ctx) => {
  const { wb } = ctx;
  await openRepository(ctx, 'tools/cli', 'latest');
  await wb.contextMenu(wb.row('tools/cli', VIEW), 'Delete Repository');
  const dialog = await wb.dialog();
  assert.match(dialog.message, /registry\.example\.test:5050\/acme\/platform\/my\.project\/tools\/cli/);
  assert.match(dialog.detail, /2 tags/);
  await ctx.screenshot('ext-13-delete-repository-modal');
  await wb.dialogButton('Delete');
  await ctx.page.locator('.monaco-list-row .label-description', { hasText: /deletion (scheduled|ongoing)/ }).waitFor({ timeout: 10_000 });
  await ctx.screenshot('ext-14-deletion-scheduled');
  await wb.row('tools/cli', VIEW).waitFor({ state: 'detached', timeout: 45_000 });
  await ctx.screenshot('ext-15-repository-gone');
  assert.strictEqual(ctx.double.repository(3), undefined);
  assert.deepStrictEqual(tagNames(ctx, 2), ['latest', 'nightly', 'v2.0.0', 'v2.1.0']);
}, { envAccount: 'owner', timeout: 150_000 });

// The README's pictures, taken through the real UI (scripts/screenshots.js copies them to docs/images/), and
// what they show asserted: the tree at a 300 px sidebar (tag rows keep age and size visible), the rule
// preview of acme/platform/My.Project's root image, the Delete Tag modal, and Edit Cleanup Policy through
// its quick picks (Enter at every step keeps every value and saves nothing; one change ends in the
// old → new summary; Cancel there sends no PUT).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import { test, E2EContext } from '../harness/e2e';
import { screenshotsDir, slug } from '../harness/paths';

const CONTAINER = 'GitLab Registry';
const VIEW = 'Registries';
const PROJECT = 'acme/platform/My.Project';
const SIDEBAR_WIDTH = 300;

/** Drags the sash between the sidebar and the editor until the sidebar is `width` px wide (bounded). */
async function setSidebarWidth(page: Page, width: number): Promise<number> {
  const sidebar = page.locator('.part.sidebar');
  let box = await sidebar.boundingBox();
  for (let attempt = 0; attempt < 3 && box && Math.abs(box.width - width) > 1; attempt++) {
    const right = box.x + box.width;
    const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((els) => els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2, height: r.height };
    }));
    const sash = sashes.find((s) => Math.abs(s.x - right) <= 4 && s.height > box!.height / 2);
    if (!sash) throw new Error(`no sash at the sidebar's right edge (x=${right})`);
    await page.mouse.move(sash.x, sash.y);
    await page.mouse.down();
    await page.mouse.move(sash.x + (box.x + width - right) / 2, sash.y, { steps: 4 });
    await page.mouse.move(box.x + width, sash.y, { steps: 4 });
    await page.mouse.up();
    await page.waitForTimeout(300);
    box = await sidebar.boundingBox();
  }
  return box?.width ?? 0;
}

/** Saves test-results/screenshots/<name>.png cut to the activity bar and the sidebar, down to `bottom` px. */
async function sidebarScreenshot(page: Page, name: string, bottom: number): Promise<void> {
  const sidebar = (await page.locator('.part.sidebar').boundingBox())!;
  fs.mkdirSync(screenshotsDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotsDir, `${slug(name)}.png`), clip: { x: 0, y: 0, width: Math.ceil(sidebar.x + sidebar.width), height: Math.ceil(bottom) } });
}

/** Opens the view, expands account → acme → platform → My.Project → `repository`, waits for its tag details. */
async function openRepository(ctx: E2EContext, repository: string | RegExp, waitForTag: string): Promise<Locator> {
  const { wb, page } = ctx;
  await wb.openViewContainer(CONTAINER);
  await wb.expandPath([new URL(ctx.doubleUrl).host, 'acme', 'platform', 'My.Project', repository], VIEW);
  await wb.waitForRow(waitForTag, VIEW);
  await page.locator('.monaco-list-row .label-description', { hasText: /·/ }).first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(1000);
  return wb.row(waitForTag, VIEW);
}

/** How a tree row's description fits its row: the whole of it, and its "age · size" part. */
interface Fit { name: string; description: string; full: boolean; ageAndSize: boolean; overflow: number }

async function descriptionFit(row: Locator): Promise<Fit> {
  return row.evaluate((el) => {
    const name = el.querySelector('.label-name')?.textContent?.trim() ?? '';
    const desc = el.querySelector('.label-description');
    const container = el.querySelector('.monaco-icon-label-container');
    if (!desc || !container) return { name, description: '', full: false, ageAndSize: false, overflow: NaN };
    const description = desc.textContent ?? '';
    const visibleRight = Math.min(container.getBoundingClientRect().right, el.getBoundingClientRect().right);
    // The rendered end of the text up to (not including) the second " · ": age and size.
    const text = desc.firstChild;
    const parts = description.split(' · ');
    const end = parts.length >= 3 ? parts[0].length + 3 + parts[1].length : description.length;
    let ageAndSizeRight = desc.getBoundingClientRect().right;
    if (text && text.nodeType === Node.TEXT_NODE) {
      const range = document.createRange();
      range.setStart(text, 0);
      range.setEnd(text, Math.min(end, text.textContent!.length));
      ageAndSizeRight = range.getBoundingClientRect().right;
    }
    const full = container.scrollWidth <= container.clientWidth && desc.getBoundingClientRect().right <= visibleRight + 0.5;
    // A cut text ends in "…", drawn over its last characters: age and size must end before it.
    const probe = document.createElement('span');
    probe.textContent = '…';
    desc.appendChild(probe);
    const ellipsis = full ? 0 : probe.getBoundingClientRect().width;
    probe.remove();
    const room = visibleRight - ellipsis;
    return { name, description, full, ageAndSize: ageAndSizeRight <= room + 0.5, overflow: Math.round(ageAndSizeRight - room) };
  });
}

test('README tree.png: the Registries view at a 300 px sidebar, tag rows read age · size · digest', async (ctx) => {
  const { wb, page } = ctx;
  await wb.openViewContainer(CONTAINER);
  assert.ok(Math.abs(await setSidebarWidth(page, SIDEBAR_WIDTH) - SIDEBAR_WIDTH) <= 1, 'sidebar is 300 px wide');
  await openRepository(ctx, '(root image)', 'dev-0001');
  await wb.waitForRow('api', VIEW);
  const labels = await wb.rowLabels(VIEW);
  for (const l of ['acme', 'platform', 'My.Project', 'Cleanup policy', '(root image)', 'latest', 'v1.2.3', 'dev-0001', 'api']) {
    assert.ok(labels.includes(l), `${l} in ${labels.join(', ')}`);
  }
  const tags = ['latest', 'main', 'v1.2.3', 'v1.2.2', 'dev-0002', 'dev-0001', 'v1.0.0'];
  const fits: Fit[] = [];
  for (const name of tags) fits.push(await descriptionFit(wb.row(name, VIEW)));
  ctx.log(fits.map((f) => `${f.name}: "${f.description}" full=${f.full} ageAndSize=${f.ageAndSize} overflow=${f.overflow}px`).join('\n  # '));
  for (const f of fits) {
    // age · size · short digest, in that order ("2 days ago · 198.7 MB · c9197b5a")
    assert.match(f.description, /^[^·]+ · \d+(\.\d)? [kMG]?B · [0-9a-f]{8}( · (\+\d+ tags|= \S+))?$/, f.description);
    assert.ok(f.ageAndSize, `${f.name}: age and size visible at 300 px ("${f.description}")`);
  }
  await wb.moveMouseAway();
  const last = (await wb.row('oss', VIEW).boundingBox())!;
  await sidebarScreenshot(page, 'readme-tree', last.y + last.height + 16);
}, { envAccount: 'owner', double: { scenario: 'small', registryHost: 'self' }, timeout: 150_000 });

test('README rule-preview.png: Delete Tags by Rule… on My.Project\'s root image, nothing deleted', async (ctx) => {
  const { wb, page } = ctx;
  await openRepository(ctx, '(root image)', 'dev-0001');
  await wb.contextMenu(wb.row('(root image)', VIEW), 'Delete Tags by Rule…');
  const answers = ['.*', 'v\\d+\\.\\d+\\.\\d+', '', '7d'];
  for (const [i, value] of answers.entries()) {
    const title = page.locator('.quick-input-widget .quick-input-title', { hasText: `(${i + 1}/4)` });
    await title.waitFor({ timeout: 15_000 });
    assert.match(await title.innerText(), /my\.project|My\.Project/i);
    await wb.typeQuickInput(value);
  }
  const frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  const deleteButton = frame.locator('button#delete');
  await deleteButton.waitFor({ timeout: 30_000 });
  const reasons = Object.fromEntries(await frame.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-name'), tr.getAttribute('data-reason')])));
  assert.deepStrictEqual(reasons, {
    latest: 'latest', main: 'too_new', 'v1.2.3': 'keep_regex', 'v1.2.2': 'keep_regex', 'v1.0.0': 'keep_regex',
    'feature-login': 'no_timestamp', 'dev-0001': 'matched', 'dev-0002': 'matched',
  });
  assert.strictEqual((await deleteButton.innerText()).trim(), 'Delete 2 tags…');
  // The space freed is computed after the first paint (a progress toast): the picture shows it done.
  await frame.locator('p.totals .storage.done').waitFor({ timeout: 30_000 });
  await page.locator('.notifications-toasts .notification-toast', { hasText: 'Computing the space freed' }).waitFor({ state: 'detached', timeout: 15_000 });
  const totals = frame.locator('p.totals');
  assert.match(await totals.innerText(), /^2 of 8 tags are deleted .* Frees up to [\d.]+ [kMG]?B after garbage collection/);
  // The summary, the chart and the whole table in one picture: the sidebar hidden, the page scrolled.
  await wb.runCommand('View: Toggle Primary Side Bar Visibility');
  await page.locator('.part.sidebar').waitFor({ state: 'hidden', timeout: 10_000 });
  await totals.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await wb.moveMouseAway();
  await page.waitForTimeout(500);
  await ctx.screenshot('readme-rule-preview');
  assert.ok(!ctx.double.requests.some((r) => r.method === 'DELETE'), 'the preview deletes nothing');
}, { envAccount: 'owner', double: { scenario: 'small', registryHost: 'self' }, timeout: 150_000 });

test('README delete-tag-modal.png: the Delete Tag modal names the tag; Cancel deletes nothing', async (ctx) => {
  const { wb } = ctx;
  await openRepository(ctx, '(root image)', 'dev-0002');
  await wb.contextMenu(wb.row('dev-0002', VIEW), 'Delete Tag');
  const dialog = await wb.dialog();
  assert.match(dialog.message, /dev-0002/);
  assert.match(dialog.detail, /Deleting is permanent once garbage collection runs/);
  assert.deepStrictEqual([...dialog.buttons].sort(), ['Cancel', 'Delete']);
  await wb.moveMouseAway();
  await ctx.screenshot('readme-delete-tag-modal');
  await wb.dialogButton('Cancel');
  await ctx.page.waitForTimeout(500);
  assert.ok(!ctx.double.requests.some((r) => r.method === 'DELETE'), 'no DELETE sent');
  assert.ok((ctx.double.repositoryByPath('acme/platform/my.project')?.tags ?? []).some((t) => t.name === 'dev-0002'));
}, { envAccount: 'owner', double: { scenario: 'small', registryHost: 'self' }, timeout: 150_000 });

/** Waits for step n of Edit Cleanup Policy; returns the highlighted row's label (pick steps) or the box's value. */
async function policyStep(ctx: E2EContext, step: number): Promise<string> {
  const { page } = ctx;
  await page.locator('.quick-input-widget .quick-input-title', { hasText: `(${step}/6)` }).waitFor({ timeout: 15_000 });
  if (step <= 4) {
    const active = page.locator('.quick-input-widget .quick-input-list .monaco-list-row.focused');
    await active.waitFor({ timeout: 10_000 });
    return (await active.locator('.label-name').innerText()).trim();
  }
  return page.locator('.quick-input-widget .quick-input-box input').inputValue();
}

function puts(ctx: E2EContext): string[] {
  return ctx.double.requests.filter((r) => r.method === 'PUT').map((r) => `${r.method} ${r.path}`);
}

async function savedPolicy(ctx: E2EContext): Promise<Record<string, unknown>> {
  const res = await fetch(`${ctx.doubleUrl}/api/v4/projects/${encodeURIComponent(PROJECT)}`, { headers: { 'PRIVATE-TOKEN': ctx.tokens.owner } });
  assert.strictEqual(res.status, 200);
  return ((await res.json()) as { container_expiration_policy: Record<string, unknown> }).container_expiration_policy;
}

test('README policy-summary.png: Edit Cleanup Policy — Enter through keeps every value; one change shows old → new; Cancel sends nothing', async (ctx) => {
  const { wb, page } = ctx;
  const before = await savedPolicy(ctx);
  assert.deepStrictEqual(
    [before.enabled, before.cadence, before.keep_n, before.older_than, before.name_regex, before.name_regex_keep],
    [true, '7d', 5, '30d', '.*', 'v\\d+\\.\\d+\\.\\d+'],
    'the seeded policy of My.Project',
  );
  await wb.openViewContainer(CONTAINER);
  await wb.expandPath([new URL(ctx.doubleUrl).host, 'acme', 'platform', 'My.Project'], VIEW);
  const policyRow = await wb.waitForRow('Cleanup policy', VIEW);
  const putsBefore = puts(ctx).length;

  // 1. Enter at every step: each opens on the current value, so nothing changes and nothing is saved.
  await wb.contextMenu(policyRow, 'Edit Cleanup Policy');
  const current = ['On', 'every week', 'Keep the 5 newest tags', 'Older than 30d', '.*', 'v\\d+\\.\\d+\\.\\d+'];
  for (const [i, expected] of current.entries()) {
    assert.strictEqual(await policyStep(ctx, i + 1), expected, `step ${i + 1} opens on the current value`);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: `(${i + 1}/6)` }).waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  }
  await wb.waitForNotification(/is unchanged; nothing was saved/, 15_000);
  assert.strictEqual(await page.locator('.monaco-dialog-box').count(), 0, 'no summary modal when nothing changed');
  assert.deepStrictEqual(puts(ctx).slice(putsBefore), [], 'Enter-through sends no write');
  await wb.clearNotifications();

  // 2. Change one value (keep 5 → keep 10): the summary modal shows old → new; Cancel saves nothing.
  await wb.contextMenu(wb.row('Cleanup policy', VIEW), 'Edit Cleanup Policy');
  for (let step = 1; step <= 6; step++) {
    await policyStep(ctx, step);
    if (step === 3) await wb.pickQuickItem('Keep the 10 newest tags');
    else await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: `(${step}/6)` }).waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
  }
  const dialog = await wb.dialog();
  assert.match(dialog.message, /Save these changes to the cleanup policy of acme\/platform\/My\.Project\?/i);
  assert.strictEqual(dialog.detail, 'Keep the newest: 5 → 10');
  assert.ok(dialog.buttons.includes('Save') && dialog.buttons.includes('Cancel'), dialog.buttons.join(', '));
  await wb.moveMouseAway();
  await ctx.screenshot('readme-policy-summary');
  await wb.dialogButton('Cancel');
  await page.waitForTimeout(1000);
  assert.deepStrictEqual(puts(ctx).slice(putsBefore), [], 'Cancel sends no PUT /projects/:id');
  assert.deepStrictEqual(await savedPolicy(ctx), before, 'the saved policy is untouched');
}, { envAccount: 'owner', timeout: 150_000 });

// The extension in Russian: code-server runs with `--locale ru` and a minimal Russian language pack
// (test/e2e/fixtures/ru-language-pack, packed and installed by the harness before the extension). Then the
// extension's contributions come from package.nls.ru.json (view, context menu) and its messages from
// l10n/bundle.l10n.ru.json (modal, input box, notifications); the modal's Cancel button is VS Code's own,
// translated by the fixture pack. Screenshots: test-results/screenshots/russian-*.png.
import * as assert from 'assert';
import * as path from 'path';
import { test, E2EContext } from '../harness/e2e';
import { repoRoot } from '../harness/paths';

const CONTAINER = 'Реестр GitLab';
const VIEW = 'Реестры';
const RU = { locale: 'ru', languagePack: path.join(repoRoot, 'test', 'e2e', 'fixtures', 'ru-language-pack') };

function tagNames(ctx: E2EContext, repositoryId: number): string[] {
  return (ctx.double.repository(repositoryId)?.tags ?? []).map((t) => t.name).sort();
}

async function openApiRepository(ctx: E2EContext): Promise<void> {
  const { wb, page } = ctx;
  await wb.openViewContainer(CONTAINER);
  await wb.expandPath([new URL(ctx.doubleUrl).host, 'acme', 'platform', 'My.Project', 'api'], VIEW);
  await wb.waitForRow('nightly', VIEW);
  // Tag details (digest · size · age) arrive after the names; then newest-first re-sorts once.
  await page.locator('.monaco-list-row .label-description', { hasText: /·/ }).first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(1500);
}

test('Russian UI: view, context menu, delete modal, typed confirmation and notices in Russian', async (ctx) => {
  const { wb, page } = ctx;
  await openApiRepository(ctx);
  // The tree's own texts: the repository's tag count and the tags' relative ages in Russian.
  await page.locator('.monaco-list-row .label-description', { hasText: /тегов: 4/ }).waitFor({ timeout: 10_000 });
  await page.locator('.monaco-list-row .label-description', { hasText: /назад|вчера|сегодня/ }).first().waitFor({ timeout: 10_000 });
  await wb.moveMouseAway();
  await ctx.screenshot('russian-01-tree');

  // Context menu of a tag: the commands' titles from package.nls.ru.json.
  const nightly = wb.row('nightly', VIEW);
  await nightly.click({ button: 'right' });
  const items = await wb.contextMenuItems();
  for (const title of ['Удалить тег', 'Копировать ссылку на образ', 'Копировать дайджест', 'Открыть в браузере']) {
    assert.ok(items.includes(title), `context menu has "${title}": ${items.join(' | ')}`);
  }
  assert.ok(!items.some((i) => /Delete Tag|Copy Image Reference|Open in Browser/.test(i)), `no English titles: ${items.join(' | ')}`);
  await ctx.screenshot('russian-02-context-menu');

  // The delete modal: message and detail from bundle.l10n.ru.json, Cancel from the language pack.
  await wb.clickMenuItem('Удалить тег');
  const dialog = await wb.dialog();
  assert.strictEqual(dialog.message, 'Удалить тег «nightly»?');
  assert.match(dialog.detail, /nightly/);
  assert.match(dialog.detail, /Удаление становится окончательным после сборки мусора/);
  assert.ok(dialog.buttons.includes('Удалить'), dialog.buttons.join(', '));
  assert.ok(dialog.buttons.includes('Отмена'), `VS Code's own Cancel button in Russian: ${dialog.buttons.join(', ')}`);
  await ctx.screenshot('russian-03-delete-modal');
  await wb.dialogButton('Удалить'); // one modal: the double serves the registry, the tag is recorded for Undo
  await wb.waitForNotification(/Удалено: .*nightly/, 20_000);
  await wb.waitForNotification(/только после сборки мусора/, 10_000);
  await nightly.waitFor({ state: 'detached', timeout: 10_000 });
  await wb.moveMouseAway();
  await ctx.screenshot('russian-04-deleted-gc-notice');
  assert.deepStrictEqual(tagNames(ctx, 2), ['latest', 'v2.0.0', 'v2.1.0']);
  await wb.clearNotifications();

  // More tags than gitlabRegistry.confirmTypingThreshold (1 here): after the modal, type the number.
  await wb.row('v2.0.0', VIEW).click();
  await wb.row('v2.1.0', VIEW).click({ modifiers: ['Control'] });
  await wb.contextMenu(wb.row('v2.1.0', VIEW), 'Удалить тег');
  const many = await wb.dialog();
  assert.strictEqual(many.message, 'Удалить выбранные теги (2)?');
  await wb.dialogButton('Удалить');
  await wb.waitForQuickInput();
  assert.match(await page.locator('.quick-input-widget').innerText(), /Будет удалено тегов: 2\. Для подтверждения введите 2\./);
  await wb.typeQuickInput('3', false);
  await page.locator('.quick-input-widget', { hasText: 'Введите 2 для подтверждения' }).waitFor({ timeout: 5000 });
  await ctx.screenshot('russian-05-type-to-confirm');
  await wb.typeQuickInput('2');
  await wb.waitForNotification(/Удалено тегов: 2/, 20_000);
  assert.deepStrictEqual(tagNames(ctx, 2), ['latest']);
}, { ...RU, envAccount: 'owner', double: { scenario: 'small', registryHost: 'self' }, settings: { 'gitlabRegistry.confirmTypingThreshold': 1 }, timeout: 150_000 });

test('Russian UI: the walkthrough shows its Russian titles and Russian step pages', async (ctx) => {
  const { wb, page } = ctx;
  await wb.runCommand('Welcome: Open Walkthrough...');
  await wb.pickQuickItem(/Начало работы с реестром контейнеров GitLab/);
  const editor = page.locator('.gettingStartedContainer');
  await editor.locator('.getting-started-step', { hasText: 'Добавьте учётную запись GitLab' }).first().waitFor({ timeout: 20_000 });
  for (const title of ['Просматривайте реестры', 'Удаляйте безопасно', 'Проверьте правило очистки', 'Разберитесь со сборкой мусора']) {
    assert.ok(await editor.locator('.getting-started-step', { hasText: title }).count() > 0, `step "${title}"`);
  }
  // The step's markdown page (media.markdown is an nls key: media/walkthrough/*.ru.md in Russian) renders in a webview.
  let found = false;
  for (let i = 0; i < 60 && !found; i++) {
    for (const frame of page.frames()) {
      const text = await frame.locator('body').innerText({ timeout: 500 }).catch(() => '');
      if (text.includes('Добавление учётной записи GitLab')) found = true;
    }
    if (!found) await page.waitForTimeout(250);
  }
  assert.ok(found, 'the Russian markdown page of the first step is shown');
  await wb.moveMouseAway();
  await ctx.screenshot('russian-06-walkthrough');
}, { ...RU, envAccount: 'owner', settings: { 'gitlabRegistry.confirmTypingThreshold': 1 }, timeout: 120_000 });

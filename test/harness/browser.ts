// Debian's Chromium driven by playwright-core, and helpers for the VS Code 1.100 workbench DOM.
// Selectors were checked against code-server 4.100.3; keep them here so that a VS Code update is one fix.
import * as fs from 'fs';
import * as path from 'path';
import { chromium, Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { screenshotsDir, slug } from './paths';

export const CHROMIUM = process.env.GLCR_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-dev-shm-usage', '--disable-extensions',
  '--disable-default-apps', '--mute-audio', '--lang=en-US',
];
export const VIEWPORT = { width: 1280, height: 800 };

/** A headless Chromium with a fresh, temporary profile (Playwright deletes it on close). */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing; run: node scripts/prereqs.js chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: process.env.GLCR_HEADED !== '1' });
}

/** A fresh context: empty IndexedDB, so SecretStorage and globalState start empty. */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: VIEWPORT, locale: 'en-US', timezoneId: 'UTC', deviceScaleFactor: 1 });
  // Nothing waits silently for Playwright's 30 s default: actions fail fast, navigation gets a minute.
  ctx.setDefaultTimeout(15_000);
  ctx.setDefaultNavigationTimeout(60_000);
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
  return ctx;
}

/** Saves test-results/screenshots/<name>.png and returns the path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotsDir, { recursive: true });
  const file = path.join(screenshotsDir, `${slug(name)}.png`);
  await page.screenshot({ path: file });
  return file;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Matches a label exactly when given a string, by the regex otherwise. */
function exact(text: string | RegExp): RegExp {
  return typeof text === 'string' ? new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) : text;
}

export const SEL = {
  workbench: '.monaco-workbench',
  activityEntry: (title: string) => `.activitybar .action-item a.action-label[aria-label^="${title}"]`,
  sidebar: '.part.sidebar',
  pane: (viewName: string) => `.part.sidebar .pane:has(.pane-header[aria-label^="${viewName}"])`,
  row: '.monaco-list-row',
  rowLabel: '.label-name',
  contextMenu: '.context-view .monaco-menu',
  contextMenuItem: '.context-view .monaco-menu .action-label',
  dialog: '.monaco-dialog-box',
  dialogMessage: '.dialog-message-text',
  dialogDetail: '.dialog-message-detail',
  dialogButton: '.dialog-buttons .monaco-button',
  dialogCheckbox: '.dialog-checkbox-row',
  toast: '.notifications-toasts .notification-toast',
  toastMessage: '.notifications-toasts .notification-list-item-message',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .quick-input-list .monaco-list-row',
  quickInputMessage: '.quick-input-widget .quick-input-message',
  statusBar: '.part.statusbar',
  welcome: '.welcome-view-content',
};

/** Helpers over one workbench page. Every wait is bounded (default 15 s, WORKBENCH_TIMEOUT). */
export class Workbench {
  timeout = 15_000;
  constructor(readonly page: Page) {}

  /** Opens the workbench URL and waits until the workbench and its activity bar are there. */
  async open(url: string, timeoutMs = 60_000): Promise<void> {
    await this.page.goto(url, { timeout: timeoutMs });
    await this.page.waitForSelector(SEL.workbench, { timeout: timeoutMs });
    await this.page.waitForSelector('.part.activitybar .action-item', { timeout: timeoutMs });
  }

  screenshot(name: string): Promise<string> {
    return screenshot(this.page, name);
  }

  // --- views and trees ---------------------------------------------------------------------------------

  activityEntry(containerTitle: string): Locator {
    return this.page.locator(SEL.activityEntry(containerTitle));
  }

  /** Shows a view container from the activity bar (without toggling it closed when it is already shown). */
  async openViewContainer(containerTitle: string): Promise<void> {
    const entry = this.activityEntry(containerTitle);
    await entry.waitFor({ timeout: 60_000 });
    const active = await entry.evaluate((el) => !!el.closest('.action-item')?.classList.contains('checked'));
    const sidebarVisible = await this.page.locator(SEL.sidebar).isVisible();
    if (!(active && sidebarVisible)) await entry.click();
    await this.page.locator(SEL.sidebar).waitFor({ state: 'visible', timeout: this.timeout });
    await this.moveMouseAway();
  }

  /** A view pane by its name (works also when the pane header is hidden: single view in a container). */
  view(viewName: string): Locator {
    return this.page.locator(SEL.pane(viewName));
  }

  /** Tree rows of a view (or of the whole sidebar). */
  rows(viewName?: string): Locator {
    return (viewName ? this.view(viewName) : this.page.locator(SEL.sidebar)).locator(SEL.row);
  }

  /** A tree row by its label (exact text when a string). */
  row(label: string | RegExp, viewName?: string): Locator {
    return this.rows(viewName).filter({ has: this.page.locator(SEL.rowLabel, { hasText: exact(label) }) }).first();
  }

  async waitForRow(label: string | RegExp, viewName?: string, timeoutMs = this.timeout): Promise<Locator> {
    const row = this.row(label, viewName);
    await row.waitFor({ timeout: timeoutMs });
    return row;
  }

  /** Labels of the visible rows, top to bottom. */
  async rowLabels(viewName?: string): Promise<string[]> {
    return this.rows(viewName).locator(SEL.rowLabel).allInnerTexts();
  }

  /** Expands a collapsed row (clicks its twistie) and waits for aria-expanded=true. */
  async expand(label: string | RegExp, viewName?: string): Promise<Locator> {
    const row = await this.waitForRow(label, viewName);
    // The locator is re-resolved on every poll: tree rows are re-rendered while children load.
    for (let attempt = 0; attempt < 3; attempt++) {
      const state = await row.getAttribute('aria-expanded');
      if (state === 'true' || state === null) return row;
      await row.locator('.monaco-tl-twistie').click();
      for (let i = 0; i < 50; i++) {
        if ((await row.getAttribute('aria-expanded').catch(() => undefined)) === 'true') return row;
        await sleep(100);
      }
    }
    throw new Error(`row ${String(label)} did not expand`);
  }

  /** Expands rows one level after another: expandPath(['alice', 'group', 'project']). */
  async expandPath(labels: Array<string | RegExp>, viewName?: string): Promise<Locator> {
    let row: Locator | undefined;
    for (const l of labels) row = await this.expand(l, viewName);
    return row!;
  }

  /** Right-clicks the row and runs the context-menu entry. */
  async contextMenu(target: Locator, item: string | RegExp): Promise<void> {
    await target.scrollIntoViewIfNeeded();
    await target.click({ button: 'right' });
    await this.clickMenuItem(item);
  }

  /** Labels of the open context menu. */
  async contextMenuItems(): Promise<string[]> {
    await this.page.locator(SEL.contextMenuItem).first().waitFor({ timeout: this.timeout });
    return (await this.page.locator(SEL.contextMenuItem).allInnerTexts()).map((s) => s.trim()).filter(Boolean);
  }

  /** Clicks an entry of the open context menu. A click right after the menu opens is swallowed by VS Code:
   *  hover, wait, click; if the menu is still open afterwards, click once more. */
  async clickMenuItem(item: string | RegExp): Promise<void> {
    const entry = this.page.locator(SEL.contextMenuItem, { hasText: exact(item) }).first();
    await entry.waitFor({ timeout: this.timeout });
    await entry.hover();
    await sleep(400);
    await entry.click();
    const menu = this.page.locator(SEL.contextMenu);
    try {
      await menu.waitFor({ state: 'detached', timeout: 2000 });
    } catch {
      if (await entry.isVisible()) await entry.click();
      await menu.waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
    }
  }

  /** Clicks an inline action (icon on hover) of a row, by its title (aria-label starts with it). */
  async inlineAction(target: Locator, title: string): Promise<void> {
    await target.hover();
    const action = target.locator(`.actions .action-label[aria-label^="${title}"]`).first();
    await action.waitFor({ timeout: this.timeout });
    await action.click();
  }

  /** Clicks a view title action (the icons at the top of a view), by its title. */
  async viewTitleAction(viewName: string, title: string): Promise<void> {
    const pane = this.view(viewName);
    await pane.hover();
    const inPane = pane.locator(`.pane-header .actions .action-label[aria-label^="${title}"]`).first();
    // With a single view in a container, its actions are in the sidebar's title bar.
    const inTitle = this.page.locator(`.part.sidebar .composite.title .actions .action-label[aria-label^="${title}"]`).first();
    const action = (await inPane.count()) > 0 && (await inPane.isVisible()) ? inPane : inTitle;
    await action.waitFor({ timeout: this.timeout });
    await action.click();
  }

  // --- dialogs, notifications, quick input -------------------------------------------------------------

  /** Waits for the modal dialog and returns what it shows. */
  async dialog(timeoutMs = this.timeout): Promise<{ message: string; detail: string; buttons: string[]; checkbox?: string }> {
    const box = this.page.locator(SEL.dialog);
    await box.waitFor({ timeout: timeoutMs });
    const detail = box.locator(SEL.dialogDetail);
    const checkbox = box.locator(SEL.dialogCheckbox);
    return {
      message: (await box.locator(SEL.dialogMessage).innerText()).trim(),
      detail: (await detail.count()) ? (await detail.innerText()).trim() : '',
      buttons: (await box.locator(SEL.dialogButton).allInnerTexts()).map((s) => s.trim()),
      checkbox: (await checkbox.count()) ? (await checkbox.innerText()).trim() : undefined,
    };
  }

  /** Clicks a dialog button by its text and waits for the dialog to close. */
  async dialogButton(text: string | RegExp): Promise<void> {
    const box = this.page.locator(SEL.dialog);
    await box.locator(SEL.dialogButton, { hasText: exact(text) }).first().click();
    await box.waitFor({ state: 'detached', timeout: this.timeout });
  }

  /** Texts of the notification toasts on screen. */
  async notifications(): Promise<string[]> {
    return (await this.page.locator(SEL.toastMessage).allInnerTexts()).map((s) => s.trim());
  }

  /** Waits for a toast whose message contains the text (or matches the regex); returns the toast. */
  async waitForNotification(text: string | RegExp, timeoutMs = this.timeout): Promise<Locator> {
    const toast = this.page.locator(SEL.toast, { has: this.page.locator('.notification-list-item-message', { hasText: text }) }).first();
    await toast.waitFor({ timeout: timeoutMs });
    return toast;
  }

  /** Clicks a button of a notification toast. */
  async notificationButton(toast: Locator, button: string | RegExp): Promise<void> {
    await toast.hover();
    await toast.locator('.monaco-button', { hasText: exact(button) }).first().click();
  }

  /** Closes every toast (Notifications: Clear All Notifications). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
  }

  quickInput(): Locator {
    return this.page.locator(SEL.quickInput);
  }

  async waitForQuickInput(timeoutMs = this.timeout): Promise<void> {
    await this.page.locator(SEL.quickInputBox).waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** Types into the quick input (replacing its value) and presses Enter unless submit=false. */
  async typeQuickInput(text: string, submit = true): Promise<void> {
    await this.waitForQuickInput();
    const box = this.page.locator(SEL.quickInputBox);
    await box.fill(text);
    if (submit) await box.press('Enter');
  }

  /** Labels of the quick pick rows. */
  async quickPickItems(): Promise<string[]> {
    await this.waitForQuickInput();
    return (await this.page.locator(`${SEL.quickInputRow} .label-name`).allInnerTexts()).map((s) => s.trim());
  }

  /** Clicks a quick pick row by its label. */
  async pickQuickItem(label: string | RegExp): Promise<void> {
    await this.waitForQuickInput();
    const row = this.page.locator(SEL.quickInputRow, { has: this.page.locator('.label-name', { hasText: exact(label) }) }).first();
    await row.waitFor({ timeout: this.timeout });
    await row.click();
  }

  /** The validation message under the quick input box ('' when none). */
  async quickInputMessage(): Promise<string> {
    const m = this.page.locator(SEL.quickInputMessage);
    return (await m.count()) ? (await m.innerText()).trim() : '';
  }

  /** Runs a command from the command palette by its title ("Category: Title"). */
  async runCommand(title: string): Promise<void> {
    await this.page.locator(SEL.workbench).focus().catch(() => undefined);
    await this.page.keyboard.press('F1');
    await this.waitForQuickInput();
    const box = this.page.locator(SEL.quickInputBox);
    await box.fill(`>${title}`);
    const row = this.page.locator(SEL.quickInputRow, { has: this.page.locator('.label-name', { hasText: exact(title) }) }).first();
    await row.waitFor({ timeout: this.timeout });
    await row.click();
  }

  /** Parks the mouse over the editor area so that no hover or tooltip is left in a screenshot. */
  async moveMouseAway(): Promise<void> {
    await this.page.mouse.move(VIEWPORT.width - 10, VIEWPORT.height / 2);
  }

  /** Presses Escape until no quick input, menu or dialog is left (bounded). */
  async dismissAll(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      const open = await this.page.locator(`${SEL.quickInput}:visible, ${SEL.contextMenu}:visible, ${SEL.dialog}`).count();
      if (!open) return;
      await this.page.keyboard.press('Escape');
      await sleep(150);
    }
  }

  /** Texts of the status bar entries. */
  async statusBarTexts(): Promise<string[]> {
    return (await this.page.locator(`${SEL.statusBar} .statusbar-item`).allInnerTexts()).map((s) => s.trim()).filter(Boolean);
  }
}

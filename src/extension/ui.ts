import * as vscode from 'vscode';
import { stripControls } from '../core/text';
import { normalizeInstanceUrl } from '../core/url';
import { describeError } from './errors';
import { multilineText } from './shownText';
import type { PreviewChoice } from './rules/previewHtml';
import type { PreviewModel } from './rules/previewModel';
import { showPreviewPanel } from './rules/previewPanel';
import type { ScopeReport } from './rules/scopeReport';
import { showScopeReportPanel } from './rules/scopeReportPanel';

/** Where a personal access token with the `api` scope pre-selected is created on an instance. */
export function tokenPageUrl(baseUrl: string): string {
  return `${baseUrl}/-/user_settings/personal_access_tokens?name=VS+Code+Container+Registry&scopes=api`;
}

export interface TokenPrompt {
  baseUrl: string;
  title: string;
  prompt: string;
  step?: { step: number; totalSteps: number };
  /** Checks the token while the box shows progress; returns an error message to keep the box open. */
  validate(token: string): Promise<string | undefined>;
}

export interface PickOptions<T> {
  title?: string;
  /** The value highlighted when the list opens. */
  active?: T;
}

export type NotificationLevel = 'info' | 'warning' | 'error';

export interface PickItem<T> extends vscode.QuickPickItem {
  value: T;
}

/**
 * Every message and interactive prompt the extension shows: nothing else calls `vscode.window.show*`.
 * Messages and pick items often carry server strings (names, locations, GitLab's error text), so the
 * seam strips control characters from what it shows (line breaks of a modal's detail stay).
 * Integration tests replace members of the instance exported by the test API (e.g.
 * `api.ui.confirm = async () => true`, or `api.ui.info` to record notifications) instead of driving VS
 * Code's widgets; the end-to-end tests drive the real widgets.
 */
export class Ui {
  /** An information notification; resolves with the button chosen (undefined when dismissed). */
  info(message: string, ...buttons: string[]): Thenable<string | undefined> {
    return this.notify('info', stripControls(message), buttons);
  }

  /** A warning notification (not modal); resolves with the button chosen. */
  warn(message: string, ...buttons: string[]): Thenable<string | undefined> {
    return this.notify('warning', stripControls(message), buttons);
  }

  /** An error notification; resolves with the button chosen. */
  error(message: string, ...buttons: string[]): Thenable<string | undefined> {
    return this.notify('error', stripControls(message), buttons);
  }

  /** Shows a notification as given (info/warn/error clean it first). Tests replace this to record messages. */
  notify(level: NotificationLevel, message: string, buttons: string[]): Thenable<string | undefined> {
    switch (level) {
      case 'info': return vscode.window.showInformationMessage(message, ...buttons);
      case 'warning': return vscode.window.showWarningMessage(message, ...buttons);
      case 'error': return vscode.window.showErrorMessage(message, ...buttons);
    }
  }

  /** Opens a web page in the user's browser (callers check the URL first). */
  openExternal(url: string): Thenable<boolean> {
    return vscode.env.openExternal(vscode.Uri.parse(url, true));
  }

  /** A short note in the status bar (e.g. "Copied …"), gone after a few seconds. */
  status(message: string): void {
    vscode.window.setStatusBarMessage(stripControls(message), 3000);
  }

  /** Runs a program (not a shell line) in a new integrated terminal, e.g. docker with ['pull', ref]. */
  runInTerminal(name: string, program: string, args: string[]): void {
    vscode.window.createTerminal({ name: stripControls(name), shellPath: program, shellArgs: args }).show();
  }

  /** A modal warning; true only when the user chose the confirming button. */
  async confirm(message: string, detail: string, confirmLabel: string): Promise<boolean> {
    const choice = await vscode.window.showWarningMessage(stripControls(message), { modal: true, detail: multilineText(detail) }, confirmLabel);
    return choice === confirmLabel;
  }

  /** Step 1 of Add Account: the instance URL, validated as the user types. Resolves the normalised URL. */
  promptInstanceUrl(): Promise<string | undefined> {
    return new Promise((resolve) => {
      const box = vscode.window.createInputBox();
      box.title = vscode.l10n.t('Add GitLab Account');
      box.step = 1;
      box.totalSteps = 2;
      box.prompt = vscode.l10n.t('URL of the GitLab instance, e.g. https://gitlab.com or https://gitlab.example.com/gitlab');
      box.placeholder = 'https://gitlab.com';
      box.value = 'https://gitlab.com';
      box.ignoreFocusOut = true;
      const validate = (value: string): string | undefined => {
        try {
          normalizeInstanceUrl(value);
          return undefined;
        } catch (err) {
          return describeError(err);
        }
      };
      let done = false;
      const finish = (value: string | undefined): void => {
        if (done) return;
        done = true;
        resolve(value);
        box.hide();
      };
      box.onDidChangeValue((value) => { box.validationMessage = validate(value); });
      box.onDidAccept(() => {
        const message = validate(box.value);
        if (message) {
          box.validationMessage = message;
          return;
        }
        finish(normalizeInstanceUrl(box.value));
      });
      box.onDidHide(() => { finish(undefined); box.dispose(); });
      box.show();
    });
  }

  /** A password box with a button that opens the instance's token page; stays open until the token checks out. */
  promptToken(options: TokenPrompt): Promise<string | undefined> {
    return new Promise((resolve) => {
      const box = vscode.window.createInputBox();
      box.title = options.title;
      if (options.step) {
        box.step = options.step.step;
        box.totalSteps = options.step.totalSteps;
      }
      box.prompt = options.prompt;
      box.placeholder = vscode.l10n.t('Personal access token (glpat-…)');
      box.password = true;
      box.ignoreFocusOut = true;
      const createToken: vscode.QuickInputButton = {
        iconPath: new vscode.ThemeIcon('link-external'),
        tooltip: vscode.l10n.t('Create a token with the api scope on {0}', options.baseUrl),
      };
      box.buttons = [createToken];
      let done = false;
      box.onDidTriggerButton((button) => {
        if (button === createToken) void vscode.env.openExternal(vscode.Uri.parse(tokenPageUrl(options.baseUrl), true));
      });
      box.onDidChangeValue(() => { box.validationMessage = undefined; });
      box.onDidAccept(async () => {
        const token = box.value.trim();
        if (token === '') {
          box.validationMessage = vscode.l10n.t('Enter a token, or use the button to create one.');
          return;
        }
        box.busy = true;
        box.enabled = false;
        const problem = await options.validate(token).catch((err: unknown) => describeError(err));
        box.busy = false;
        box.enabled = true;
        if (problem) {
          box.validationMessage = problem;
          return;
        }
        done = true;
        resolve(token);
        box.hide();
      });
      box.onDidHide(() => {
        if (!done) resolve(undefined);
        done = true;
        box.dispose();
      });
      box.show();
    });
  }

  /**
   * One item; `options.active` is the value highlighted when the list opens (the current one, so that
   * Enter keeps it), `options.title` names the step, e.g. "Cleanup policy of acme/web (2/6)".
   */
  async pickOne<T>(items: PickItem<T>[], placeHolder: string, options?: PickOptions<T>): Promise<T | undefined> {
    if (!options) {
      const picked = await vscode.window.showQuickPick(items.map(shownItem), { placeHolder, ignoreFocusOut: true, matchOnDescription: true });
      return picked?.value;
    }
    const shown = items.map(shownItem);
    return new Promise((resolve) => {
      const pick = vscode.window.createQuickPick<PickItem<T>>();
      pick.items = shown;
      pick.placeholder = stripControls(placeHolder);
      if (options.title !== undefined) pick.title = stripControls(options.title);
      pick.ignoreFocusOut = true;
      pick.matchOnDescription = true;
      const active = 'active' in options ? shown.find((i) => i.value === options.active) : undefined;
      if (active) pick.activeItems = [active];
      let done = false;
      pick.onDidAccept(() => {
        done = true;
        resolve(pick.selectedItems[0]?.value ?? pick.activeItems[0]?.value);
        pick.hide();
      });
      pick.onDidHide(() => {
        if (!done) resolve(undefined);
        done = true;
        pick.dispose();
      });
      pick.show();
    });
  }

  async pickMany<T>(items: PickItem<T>[], placeHolder: string): Promise<T[] | undefined> {
    const picked = await vscode.window.showQuickPick(items.map(shownItem), { placeHolder, canPickMany: true, ignoreFocusOut: true, matchOnDescription: true });
    return picked?.map((p) => p.value);
  }

  /** The deletion preview in a webview panel; resolves with the button pressed ('cancel' when closed). */
  showPreview(model: PreviewModel, storage?: (changed: () => void) => Promise<void>): Promise<PreviewChoice> {
    return showPreviewPanel(model, storage);
  }

  /** The report of a deletion over many repositories, grouped per repository (a read-only webview). */
  showScopeReport(report: ScopeReport): void {
    showScopeReportPanel(report);
  }

  inputText(options: vscode.InputBoxOptions): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showInputBox(options));
  }

  /**
   * Long work with a progress notification whose Cancel button trips `token`. Tests replace it to pass
   * their own CancellationTokenSource's token (and so press Cancel at a chosen moment).
   */
  withProgress<R>(
    options: vscode.ProgressOptions,
    task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
  ): Thenable<R> {
    return vscode.window.withProgress(options, task);
  }
}

/** A pick item as shown: label, description and detail (names, locations from GitLab) without controls. */
function shownItem<T>(item: PickItem<T>): PickItem<T> {
  return {
    ...item,
    label: stripControls(item.label),
    description: item.description === undefined ? undefined : stripControls(item.description),
    detail: item.detail === undefined ? undefined : stripControls(item.detail),
  };
}

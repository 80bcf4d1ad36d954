// The API for UI end-to-end tests (test/e2e/*.e2e.ts), run by test/e2e/run.ts against the packaged .vsix
// installed into a real code-server, driven through Debian's Chromium.
//
//   import * as assert from 'assert';
//   import { test } from '../harness/e2e';
//   test('deletes a tag', async ({ wb, double, screenshot }) => {
//     await wb.openViewContainer('GitLab Registry');
//     await wb.waitForRow(/alice/);
//     await screenshot('tree-with-env-account');
//     assert.ok(double.requests.length > 0);
//   }, { envAccount: 'owner', timeout: 90_000 });
//
// Isolation, per test: a freshly seeded double (same URL and tokens), a fresh browser context (empty
// SecretStorage/globalState) and a fresh extension host (the previous one is killed). code-server instances
// are shared between tests with the same envAccount/locale/settings.
import type { BrowserContext, Page } from 'playwright-core';
import type { Workbench } from './browser';
import type { CodeServer } from './codeServer';
import type { DoubleOptions, GitLabDouble, TokenName } from '../double/contract';

export interface E2EOptions {
  /** ms for the whole test including opening the workbench; default 120 000 (GLCR_E2E_TEST_TIMEOUT_MS). */
  timeout?: number;
  /** Start code-server with GITLAB_REGISTRY_URL=<double> and GITLAB_REGISTRY_TOKEN=<this token>
   *  (the extension's environment account). Default: none. */
  envAccount?: TokenName | false;
  /** VS Code display language (code-server --locale), e.g. 'ru'. Default: English. */
  locale?: string;
  /** With `locale`: a language pack extension folder to install and register (see CodeServerOptions.languagePack),
   *  e.g. test/e2e/fixtures/ru-language-pack, so that the workbench's own strings are translated too. */
  languagePack?: string;
  /** User settings for this test's code-server (merged over the harness defaults). */
  settings?: Record<string, unknown>;
  /** Options of the double for this test; default { scenario: 'small' }. */
  double?: DoubleOptions;
  /** Open the workbench before calling the test (default true). */
  openWorkbench?: boolean;
  skip?: boolean;
}

export interface E2EContext {
  page: Page;
  context: BrowserContext;
  /** Workbench helpers (test/harness/browser.ts): views, tree rows, menus, dialogs, notifications, quick input. */
  wb: Workbench;
  /** The in-process GitLab double of this test (fresh state): requests, repository(), injectFault(), ... */
  double: GitLabDouble;
  /** double.url / double.tokens, for convenience. */
  doubleUrl: string;
  tokens: Record<TokenName, string>;
  codeServer: CodeServer;
  /** The workbench URL this test opened. */
  url: string;
  /** Saves test-results/screenshots/<name>.png; returns the path. */
  screenshot(name: string): Promise<string>;
  log(...args: unknown[]): void;
  /** Reloads the window with a fresh extension host (the browser profile, so secrets, stay). */
  reload(): Promise<void>;
}

export interface E2ETest extends E2EOptions {
  name: string;
  fn: (ctx: E2EContext) => Promise<void>;
}

const pending: E2ETest[] = [];

/** Registers a UI test; tests run one after another in file order, files in name order. */
export function test(name: string, fn: (ctx: E2EContext) => Promise<void>, opts: E2EOptions = {}): void {
  pending.push({ name, fn, ...opts });
}

test.skip = (name: string, fn: (ctx: E2EContext) => Promise<void>, opts: E2EOptions = {}): void => {
  pending.push({ name, fn, ...opts, skip: true });
};

/** Hands over (and forgets) the tests registered so far. Used by test/e2e/run.ts. */
export function takeRegistered(): E2ETest[] {
  return pending.splice(0, pending.length);
}

// Shared by the extension's integration suites (*.itest.ts): reach the test API activate() returns, add
// accounts without UI (the prompts are replaced through `api.ui`), and walk the tree by labels.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { harness } from '../../harness/inhost';
import type { TokenName } from '../../double/contract';
import type { GitLabRegistryApi } from '../../../src/extension/extension';
import type { Account } from '../../../src/extension/accounts/account';
import type { TreeNode } from '../../../src/extension/tree/nodes';
import type { NotificationLevel, TokenPrompt, Ui } from '../../../src/extension/ui';

export type { GitLabRegistryApi, TreeNode };

export async function api(): Promise<GitLabRegistryApi> {
  const exports = await harness.activate<GitLabRegistryApi>();
  assert.ok(exports?.provider, 'activate() returns the test API');
  return exports;
}

/** Puts the Ui's prototype methods back (tests assign instance properties to answer prompts): all, or `only` these. */
export function restoreUi(a: GitLabRegistryApi, only?: (keyof Ui)[]): void {
  for (const key of only ?? Object.keys(a.ui)) delete (a.ui as unknown as Record<string, unknown>)[key];
}

/** Answers the next confirmation(s) with `answer` and records what was asked. */
export function answerConfirm(a: GitLabRegistryApi, answer: boolean): { message: string; detail: string; button: string }[] {
  const asked: { message: string; detail: string; button: string }[] = [];
  a.ui.confirm = async (message, detail, button) => {
    asked.push({ message, detail, button });
    return answer;
  };
  return asked;
}

export interface ShownMessage {
  level: NotificationLevel;
  text: string;
  buttons: string[];
}

/**
 * Records every notification the extension shows through its Ui seam (info, warning, error) as it would
 * appear, answered as if dismissed; `restore()` puts the Ui's own method back.
 */
export function captureMessages(a: GitLabRegistryApi): { messages: ShownMessage[]; restore: () => void } {
  const messages: ShownMessage[] = [];
  a.ui.notify = async (level, text, buttons) => {
    messages.push({ level, text, buttons });
    return undefined;
  };
  return { messages, restore: () => restoreUi(a, ['notify']) };
}

/**
 * Runs "Add Account" with the two input boxes answered: the URL box returns `url` (default: the double),
 * the token box runs the command's own validation on `token` like pressing Enter would and returns the
 * validation message (if any) through `problems`.
 */
export async function addAccount(a: GitLabRegistryApi, token: TokenName | string, url = harness.doubleUrl()):
  Promise<{ account: Account | undefined; problems: string[]; prompts: TokenPrompt[] }> {
  const problems: string[] = [];
  const prompts: TokenPrompt[] = [];
  const value = (harness.tokens() as Record<string, string>)[token] ?? token;
  a.ui.promptInstanceUrl = async () => url;
  a.ui.promptToken = async (options) => {
    prompts.push(options);
    const problem = await options.validate(value);
    if (problem) {
      problems.push(problem);
      return undefined;
    }
    return value;
  };
  try {
    const account = (await vscode.commands.executeCommand('gitlabRegistry.addAccount')) as Account | undefined;
    return { account, problems, prompts };
  } finally {
    restoreUi(a, ['promptInstanceUrl', 'promptToken']); // other replacements (e.g. captureMessages) stay
  }
}

export async function removeAllAccounts(a: GitLabRegistryApi): Promise<void> {
  await a.store.ready();
  for (const account of a.store.list()) if (account.source === 'stored') await a.store.remove(account.id);
  a.model.refresh();
}

export function label(a: GitLabRegistryApi, node: TreeNode): string {
  const l = a.provider.getTreeItem(node).label;
  return typeof l === 'string' ? l : l?.label ?? '';
}

export function description(a: GitLabRegistryApi, node: TreeNode): string {
  const d = a.provider.getTreeItem(node).description;
  return typeof d === 'string' ? d : '';
}

export function contextValue(a: GitLabRegistryApi, node: TreeNode): string {
  return a.provider.getTreeItem(node).contextValue ?? '';
}

/** The children, once a repository's "sorting N tags…" row (newest first reading every date) has given way. */
export async function children(a: GitLabRegistryApi, node?: TreeNode): Promise<TreeNode[]> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const kids = await a.provider.getChildren(node);
    if (!(kids.length === 1 && kids[0].kind === 'message' && /^(sorting |reading the newest )/.test(label(a, kids[0])))) return kids;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`still sorting the tags of ${node?.id}`);
}

export async function labels(a: GitLabRegistryApi, node?: TreeNode): Promise<string[]> {
  return (await children(a, node)).map((n) => label(a, n));
}

/**
 * Walks the tree by labels. A step that is a project's full path ("acme/platform/My.Project") also walks
 * down the groups it is nested in, as a user expanding them would.
 */
export async function path(a: GitLabRegistryApi, ...steps: string[]): Promise<TreeNode> {
  let node: TreeNode | undefined;
  for (const step of steps) {
    let at = node;
    let next: TreeNode | undefined;
    for (let depth = 0; depth < 10 && next === undefined; depth++) {
      const kids = await children(a, at);
      next = kids.find((k) => label(a, k) === step)
        ?? kids.find((k) => k.kind === 'project' && k.project.path_with_namespace.toLowerCase() === step.toLowerCase());
      if (next) break;
      const group = kids.find((k) => k.kind === 'group' && step.toLowerCase().startsWith(`${k.group.full_path.toLowerCase()}/`));
      assert.ok(group, `"${step}" not among [${kids.map((k) => label(a, k)).join(', ')}]`);
      at = group;
    }
    assert.ok(next, `"${step}" not found`);
    node = next;
  }
  return node!;
}

export function doubleHost(): string {
  return new URL(harness.doubleUrl()).host;
}

export interface DoubleRepo {
  id: number;
  status: string | null;
  tags: { name: string; digest: string }[];
}

export async function doubleRepo(id: number): Promise<DoubleRepo | undefined> {
  try {
    return (await harness.control('GET', `/__double/repositories/${id}`)) as DoubleRepo;
  } catch {
    return undefined;
  }
}

export async function doubleTagNames(id: number): Promise<string[]> {
  return ((await doubleRepo(id))?.tags ?? []).map((t) => t.name).sort();
}

export async function requests(): Promise<{ method: string; path: string; query: string; status: number }[]> {
  return (await harness.control('GET', '/__double/requests')) as { method: string; path: string; query: string; status: number }[];
}

/** A fresh double and no accounts: every test starts from the seeded state. */
export async function fresh(): Promise<GitLabRegistryApi> {
  const a = await api();
  restoreUi(a);
  await harness.resetDouble();
  await removeAllAccounts(a);
  return a;
}

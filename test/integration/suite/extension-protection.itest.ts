// Protection decided up front (issue 13) in the extension host, against the double's 'protected' scenario:
// acme/platform/vault has tag rules release-.* (delete: owner), ^v\d (maintainer), an immutable ^stable$ and
// a repository rule acme/platform/vault/secure-* (delete: owner); main, stable and v1.4.0 are one image.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import type { TagDeletionOutcome } from '../../../src/extension/commands/deleteTag';
import {
  addAccount, answerConfirm, children, contextValue, description, doubleHost, fresh, label, labels, path, requests, restoreUi,
  type GitLabRegistryApi, type TreeNode,
} from './extension-helpers';

const VAULT = 'acme/platform/vault';

async function inProtectedScenario(body: () => Promise<void>, options: { graphqlWithout?: string[] } = {}): Promise<void> {
  await harness.restartDouble({ scenario: 'protected', ...options });
  try {
    await body();
  } finally {
    await harness.restartDouble({ scenario: 'small' });
  }
}

async function tagNodes(a: GitLabRegistryApi, repo: TreeNode): Promise<Map<string, TreeNode>> {
  return new Map((await children(a, repo)).map((n) => [label(a, n), n]));
}

const iconOf = (a: GitLabRegistryApi, n: TreeNode) => (a.provider.getTreeItem(n).iconPath as vscode.ThemeIcon | undefined)?.id;

test('protected tags and repositories: lock, reason, no Delete context; deletable ones unchanged (Maintainer)', async () => {
  await inProtectedScenario(async () => {
    const a = await fresh();
    await addAccount(a, 'maintainer');
    const project = await path(a, doubleHost(), VAULT);
    const repos = new Map((await children(a, project)).map((n) => [label(a, n), n]));
    // The Protection child lists every rule with its levels (a Maintainer may read them).
    assert.strictEqual(a.provider.getTreeItem(repos.get('Protection')!).tooltip, [
      'tag release-.*: delete Owner, push Owner', 'tag ^v\\d: delete Maintainer, push Maintainer', 'tag ^stable$: immutable',
      'repository acme/platform/vault/secure-*: delete Owner, push Maintainer',
    ].join('\n'));
    const secure = repos.get('secure-api')!;
    assert.strictEqual(iconOf(a, secure), 'lock');
    assert.match(description(a, secure), /protected: acme\/platform\/vault\/secure-\* needs Owner/);
    assert.match(contextValue(a, secure), /(^|;)protected(;|$)/);
    assert.doesNotMatch(contextValue(a, repos.get('scratch')!), /protected/);

    const tags = await tagNodes(a, repos.get('(root image)')!);
    assert.strictEqual(iconOf(a, tags.get('release-1')!), 'lock');
    assert.match(description(a, tags.get('release-1')!), /^protected: release-\.\* needs Owner/);
    assert.match(description(a, tags.get('stable')!), /^immutable/);
    assert.match(contextValue(a, tags.get('stable')!), /(^|;)protected(;|$)/);
    assert.strictEqual(iconOf(a, tags.get('v1.4.0')!), 'tag'); // ^v\d needs Maintainer: deletable
    assert.doesNotMatch(contextValue(a, tags.get('dev-1')!), /protected/);
    // The menus' when clause that hides Delete Tag / Delete Repository rejects exactly these context values.
    const hide = /^(?!(.*;)?protected(;|$))/;
    assert.strictEqual(hide.test(contextValue(a, tags.get('stable')!)), false);
    assert.strictEqual(hide.test(contextValue(a, tags.get('dev-1')!)), true);
  });
});

test('mixed multi-selection: protected tags listed as skipped in the modal and never sent; shared image noted', async () => {
  await inProtectedScenario(async () => {
    const a = await fresh();
    await addAccount(a, 'maintainer');
    const repo = await path(a, doubleHost(), VAULT, '(root image)');
    const tags = await tagNodes(a, repo);
    // Shared-image marks once the details are in: main = stable = v1.4.0, dev-2 = dev-3.
    await harness.waitFor(() => /\+2 tags/.test(description(a, tags.get('main')!)), { timeoutMs: 15_000, message: 'shared-image mark' });
    assert.match(description(a, tags.get('dev-2')!), /= dev-3/);
    const tooltip = a.provider.getTreeItem(tags.get('main')!).tooltip as vscode.MarkdownString;
    assert.match(tooltip.value, /Same image as\\: `stable`, `v1\.4\.0`/);

    const selected = ['release-1', 'stable', 'dev-1', 'main'].map((n) => tags.get(n)!);
    const asked = answerConfirm(a, true);
    let outcome: TagDeletionOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', selected[0], selected);
    } finally {
      restoreUi(a);
    }
    assert.match(asked[0].message, /Delete 2 tags\?/);
    assert.match(asked[0].detail, /2 will be skipped \(protected\): release-1, stable/);
    assert.match(asked[0].detail, /main: the image stays: stable, v1\.4\.0 still points to it/);
    assert.deepStrictEqual(outcome?.deleted.map((l) => l.split(':').pop()).sort(), ['dev-1', 'main']);
    const sent = (await requests()).filter((q) => q.method === 'DELETE' || q.method === 'POST').map((q) => q.path);
    assert.ok(!sent.some((p) => /release-1|stable/.test(p)), sent.join('\n'));
  });
});

test('a Developer (rules not readable): GraphQL\'s per-tag levels lock protected tags; nothing is sent for them', async () => {
  await inProtectedScenario(async () => {
    const a = await fresh();
    await addAccount(a, 'developer');
    assert.ok(!(await labels(a, await path(a, doubleHost(), VAULT))).includes('Protection'));
    const repo = await path(a, doubleHost(), VAULT, '(root image)');
    let tags = await tagNodes(a, repo);
    await harness.waitFor(async () => {
      tags = await tagNodes(a, repo);
      return iconOf(a, tags.get('release-1')!) === 'lock';
    }, { timeoutMs: 15_000, message: 'per-tag levels lock release-1' });
    assert.match(description(a, tags.get('release-1')!), /^protected: needs Owner/);
    assert.match(description(a, tags.get('v1.4.0')!), /^protected: needs Maintainer/, 'a Developer is below ^v\\d\'s Maintainer');
    assert.match(description(a, tags.get('stable')!), /^immutable/);
    assert.match(contextValue(a, tags.get('release-1')!), /(^|;)protected(;|$)/);
    assert.doesNotMatch(contextValue(a, tags.get('dev-1')!), /protected/);
    const asked = answerConfirm(a, true);
    let outcome: TagDeletionOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', tags.get('release-1')!, [tags.get('release-1')!, tags.get('dev-1')!]);
    } finally {
      restoreUi(a);
    }
    assert.match(asked[0].detail, /1 will be skipped \(protected\): release-1/);
    assert.deepStrictEqual(outcome?.deleted.map((l) => l.split(':').pop()), ['dev-1']);
    const sent = (await requests()).filter((q) => q.method === 'DELETE').map((q) => q.path);
    assert.ok(!sent.some((p) => /release-1/.test(p)), sent.join('\n'));
  });
});

test('unknown protection (no rules readable, no per-tag levels: GitLab before 17.9): Delete is offered and GitLab\'s reason is reported', async () => {
  await inProtectedScenario(async () => {
    const a = await fresh();
    await addAccount(a, 'developer');
    // A Developer may not read the rules: no Protection child.
    assert.ok(!(await labels(a, await path(a, doubleHost(), VAULT))).includes('Protection'));
    const repo = await path(a, doubleHost(), VAULT, '(root image)');
    const tags = await tagNodes(a, repo);
    assert.doesNotMatch(contextValue(a, tags.get('release-1')!), /protected/);
    answerConfirm(a, true);
    let outcome: TagDeletionOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', tags.get('release-1')!);
    } finally {
      restoreUi(a);
    }
    assert.deepStrictEqual(outcome?.deleted, []);
    assert.match(outcome!.failed[0].error, /^403 Forbidden - cannot delete protected tag\(s\)/);
  }, { graphqlWithout: ['ContainerRepositoryTag.protection'] });
});

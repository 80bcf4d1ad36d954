// Deleting tags and repositories from the tree, verified in the double's state.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import type { TagDeletionOutcome } from '../../../src/extension/commands/deleteTag';
import type { RepositoryDeletionOutcome } from '../../../src/extension/commands/deleteRepository';
import type { TagNode } from '../../../src/extension/tree/nodes';
import {
  addAccount, answerConfirm, children, contextValue, description, doubleHost, doubleRepo, doubleTagNames, fresh, label, labels, path, requests, restoreUi,
} from './extension-helpers';

const tagNode = async (a: Awaited<ReturnType<typeof fresh>>, repo: Awaited<ReturnType<typeof path>>, name: string) => {
  const found = (await children(a, repo)).find((n) => label(a, n) === name);
  assert.ok(found, `tag ${name}`);
  return found;
};

test('Delete Tag: modal names the tag and says it is restorable until GC; recorded for Undo from the manifests the modal read; only that tag goes', async () => {
  const a = await fresh();
  await harness.restartDouble({ scenario: 'small', registryHost: 'self' }); // the double serves Registry V2 itself
  try {
    await addAccount(a, 'owner');
    const repo = await path(a, doubleHost(), 'acme/website', '(root image)');
    const staging = await tagNode(a, repo, 'staging');
    // The tree has loaded every tag's details (in the background): the modal can show the freed-space figure.
    const all = (await children(a, repo)) as TagNode[];
    const loaded = () => all.every((t) => a.model.tagDetails(t.accountId, t.repositoryId, t.tag.name));
    for (let i = 0; i < 200 && !loaded(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(loaded(), 'details loaded');
    const asked: { message: string; detail: string; button: string }[] = [];
    let seenAtModal = 0; // requests the double had answered when the modal (with the freed-space figure) was shown
    a.ui.confirm = async (message, detail, button) => {
      asked.push({ message, detail, button });
      seenAtModal = (await requests()).length;
      return true;
    };
    let outcome: TagDeletionOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', staging);
    } finally {
      restoreUi(a);
    }
    assert.strictEqual(asked.length, 1, 'one modal: the tag was recorded for Undo');
    assert.strictEqual(asked[0].button, 'Delete');
    assert.match(asked[0].message, /staging/);
    assert.match(asked[0].detail, /Deleting is permanent once garbage collection runs; until then you can restore it with Undo or Restore Deleted Tags…/);
    assert.match(asked[0].detail, /Frees up to .* after garbage collection/, 'the modal read the manifests for its figure');
    // Recording went through the same manifest store: no manifest GET after the modal.
    const after = (await requests()).slice(seenAtModal);
    assert.deepStrictEqual(after.filter((q) => q.method === 'GET' && q.path.includes('/manifests/')).map((q) => q.path), []);
    assert.deepStrictEqual(outcome?.deleted, [`${doubleHost()}/acme/website:staging`]);
    assert.deepStrictEqual(await doubleTagNames(5), ['latest', 'prod', 'v2024.01']);
    // The tree changed under the repository only, without the deleted tag.
    assert.deepStrictEqual((await labels(a, repo)).sort(), ['latest', 'prod', 'v2024.01']);
  } finally {
    await harness.restartDouble({});
  }
});

test('Delete Tag when the registry cannot be read (the one deliberate "Delete Anyway" test): a second modal; No keeps the tag, Yes deletes it', async () => {
  const a = await fresh();
  // The default double names registry.example.test:5050 in its locations: no such host. A tag of its own, so
  // that no earlier test has put its manifest in the extension's (content-addressed) manifest store.
  await harness.control('POST', '/__double/repositories/5/tags', [{ name: 'unrecordable' }]);
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), 'acme/website', '(root image)');
  const staging = await tagNode(a, repo, 'unrecordable');
  const answers = [true, false, true, true];
  const asked: { message: string; button: string }[] = [];
  a.ui.confirm = async (message, _detail, button) => {
    asked.push({ message, button });
    return answers.shift() ?? false;
  };
  try {
    const kept = await vscode.commands.executeCommand<TagDeletionOutcome | undefined>('gitlabRegistry.deleteTag', staging);
    assert.deepStrictEqual(asked.map((q) => q.button), ['Delete', 'Delete Anyway']);
    assert.match(asked[1].message, /1 tag\(s\) cannot be recorded, so they cannot be restored after deleting/);
    assert.ok(!kept?.deleted.length, 'nothing deleted after No');
    assert.ok((await doubleTagNames(5)).includes('unrecordable'));
    const outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', staging);
    assert.deepStrictEqual(asked.map((q) => q.button), ['Delete', 'Delete Anyway', 'Delete', 'Delete Anyway']);
    assert.deepStrictEqual(outcome?.deleted, ['registry.example.test:5050/acme/website:unrecordable']);
    assert.deepStrictEqual(await doubleTagNames(5), ['latest', 'prod', 'staging', 'v2024.01']);
  } finally {
    restoreUi(a);
  }
});

test('Cancel in the modal deletes nothing', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), 'acme/website', '(root image)');
  const prod = await tagNode(a, repo, 'prod');
  answerConfirm(a, false);
  try {
    assert.strictEqual(await vscode.commands.executeCommand('gitlabRegistry.deleteTag', prod), undefined);
  } finally {
    restoreUi(a);
  }
  assert.deepStrictEqual(await doubleTagNames(5), ['latest', 'prod', 'staging', 'v2024.01']);
});

test('multi-selection across repositories: count and first names in the modal; siblings (same digest too) kept', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const website = await path(a, doubleHost(), 'acme/website', '(root image)');
  const api = await path(a, doubleHost(), 'acme/platform/My.Project', 'api');
  const prod = await tagNode(a, website, 'prod');
  const nightly = await tagNode(a, api, 'nightly');
  const v200 = await tagNode(a, api, 'v2.0.0');
  const asked = answerConfirm(a, true);
  let outcome: TagDeletionOutcome | undefined;
  try {
    outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', prod, [prod, nightly, v200]);
  } finally {
    restoreUi(a);
  }
  assert.match(asked[0].message, /3 tags/);
  assert.match(asked[0].detail, /acme\/website:prod/);
  assert.strictEqual(outcome?.deleted.length, 3);
  assert.deepStrictEqual(await doubleTagNames(5), ['latest', 'staging', 'v2024.01']);
  assert.deepStrictEqual(await doubleTagNames(2), ['latest', 'v2.1.0']);
});

test('a developer\'s protected tag (known from GraphQL\'s per-tag levels) is skipped up front, the other deleted', async () => {
  const a = await fresh();
  await addAccount(a, 'developer');
  const repo = await path(a, doubleHost(), 'acme/platform/My.Project', '(root image)');
  await harness.waitFor(async () => /protected/.test(contextValue(a, await tagNode(a, repo, 'v1.2.3'))), { timeoutMs: 15_000, message: 'v1.2.3 locked' });
  const v123 = await tagNode(a, repo, 'v1.2.3');
  const dev1 = await tagNode(a, repo, 'dev-0001');
  const asked = answerConfirm(a, true);
  let outcome: TagDeletionOutcome | undefined;
  try {
    outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', v123, [v123, dev1]);
  } finally {
    restoreUi(a);
  }
  assert.deepStrictEqual(outcome?.deleted, ['registry.example.test:5050/acme/platform/my.project:dev-0001']);
  assert.match(asked[0].detail, /1 will be skipped \(protected\): v1\.2\.3/);
  assert.ok(!(await requests()).some((q) => q.method === 'DELETE' && q.path.includes('v1.2.3')), 'nothing sent for v1.2.3');
  const names = await doubleTagNames(1);
  assert.ok(names.includes('v1.2.3') && !names.includes('dev-0001'));
});

test('Delete Repository: modal with location and tag count; status "deletion scheduled", then gone', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  a.poller.options = { initialDelayMs: 200, maxDelayMs: 500, maxAttempts: 60 };
  const project = await path(a, doubleHost(), 'acme/website');
  const repo = await path(a, doubleHost(), 'acme/website', '(root image)');
  await children(a, repo);
  const asked = answerConfirm(a, true);
  let outcome: RepositoryDeletionOutcome | undefined;
  try {
    outcome = await vscode.commands.executeCommand<RepositoryDeletionOutcome>('gitlabRegistry.deleteRepository', repo);
  } finally {
    restoreUi(a);
  }
  assert.match(asked[0].message, /registry\.example\.test:5050\/acme\/website/);
  assert.match(asked[0].detail, /4 tags/);
  assert.deepStrictEqual(outcome?.scheduled, ['registry.example.test:5050/acme/website']);
  assert.match(description(a, repo), /deletion (scheduled|ongoing)/);
  assert.strictEqual((await doubleRepo(5))?.status !== null, true);
  await harness.waitFor(async () => (await doubleRepo(5)) === undefined, { timeoutMs: 15_000, message: 'double removed the repository' });
  await harness.waitFor(async () => !(await labels(a, project)).includes('(root image)'), { timeoutMs: 15_000, message: 'node gone' });
  assert.deepStrictEqual(await labels(a, project), ['Cleanup policy', 'cache']);
});

test('a repository whose deletion fails shows "deletion failed"', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  a.poller.options = { initialDelayMs: 200, maxDelayMs: 500, maxAttempts: 60 };
  await harness.control('POST', '/__double/repositories/7/fail-deletion');
  const repo = await path(a, doubleHost(), 'globex/backend', '(root image)');
  answerConfirm(a, true);
  try {
    await vscode.commands.executeCommand('gitlabRegistry.deleteRepository', repo);
  } finally {
    restoreUi(a);
  }
  await harness.waitFor(() => /deletion failed/.test(description(a, repo)), { timeoutMs: 15_000, message: 'deletion failed status' });
});

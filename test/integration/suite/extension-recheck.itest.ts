// The re-check before deleting, in a real VS Code against the double: a tag re-pushed after the preview
// (Delete Tags by Rule) or after the tree showed it (Delete Tag on a selection) is not deleted and is
// reported "changed since … — not deleted"; a preview older than five minutes is read again and shown.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import type { TagDeletionOutcome } from '../../../src/extension/commands/deleteTag';
import type { RuleDeletionOutcome } from '../../../src/extension/commands/deleteTagsByRule';
import type { PreviewModel } from '../../../src/extension/rules/previewModel';
import type { TagNode, TreeNode } from '../../../src/extension/tree/nodes';
import {
  addAccount, children, doubleHost, doubleRepo, doubleTagNames, fresh, label, path, restoreUi, type GitLabRegistryApi,
} from './extension-helpers';

const BUILDER = 'acme/platform/tools/builder';
const PROJECT_ID = 2;
const REPO_ID = 4;
const LOCATION = 'registry.example.test:5050/acme/platform/tools/builder';

/** Someone else deletes `name`, then pushes it again as the image of `sameImageAs` (other digest and date). */
async function repush(name: string, sameImageAs: string): Promise<void> {
  const res = await fetch(`${harness.doubleUrl()}/api/v4/projects/${PROJECT_ID}/registry/repositories/${REPO_ID}/tags/${name}`, {
    method: 'DELETE', headers: { 'PRIVATE-TOKEN': harness.token('owner') },
  });
  assert.strictEqual(res.status, 200);
  await harness.control('POST', `/__double/repositories/${REPO_ID}/tags`, [{ name, sameImageAs }]);
}

async function digestOf(name: string): Promise<string | undefined> {
  return (await doubleRepo(REPO_ID))?.tags.find((t) => t.name === name)?.digest;
}

function answerRule(a: GitLabRegistryApi, answers: string[]): void {
  let i = 0;
  a.ui.inputText = async () => answers[i++];
}

/** Captures error and information messages shown while `run` runs. */
async function withMessages<T>(run: () => Promise<T>): Promise<{ result: T; messages: string[] }> {
  const messages: string[] = [];
  const w = vscode.window as unknown as Record<string, unknown>;
  const saved = { error: w.showErrorMessage, info: w.showInformationMessage };
  w.showErrorMessage = async (m: string) => { messages.push(m); return undefined; };
  w.showInformationMessage = async (m: string) => { messages.push(m); return undefined; };
  try {
    return { result: await run(), messages };
  } finally {
    w.showErrorMessage = saved.error;
    w.showInformationMessage = saved.info;
  }
}

test('Delete Tags by Rule: a tag re-pushed while the modal was open is not deleted and is reported', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), BUILDER, '(root image)');
  answerRule(a, ['feature-.*', '', '2', '']);
  a.ui.showPreview = async () => 'delete';
  a.ui.confirm = async () => {
    await repush('feature-delta', 'main-a1c2c6'); // between the preview and the deletion
    return true;
  };
  let run: { result: RuleDeletionOutcome | undefined; messages: string[] };
  try {
    run = await withMessages(() => Promise.resolve(vscode.commands.executeCommand<RuleDeletionOutcome>('gitlabRegistry.deleteTagsByRule', repo)));
  } finally {
    restoreUi(a);
  }
  const outcome = run.result;
  assert.deepStrictEqual(outcome?.preview.delete, ['feature-delta', 'feature-epsilon', 'feature-eta', 'feature-gamma', 'feature-theta', 'feature-zeta']);
  assert.deepStrictEqual([...(outcome?.deletion?.deleted ?? [])].sort(), [
    `${LOCATION}:feature-epsilon`, `${LOCATION}:feature-eta`, `${LOCATION}:feature-gamma`, `${LOCATION}:feature-theta`, `${LOCATION}:feature-zeta`,
  ]);
  assert.deepStrictEqual(outcome?.deletion?.failed, [
    { location: `${LOCATION}:feature-delta`, error: 'changed since the preview — not deleted (it now points to another image)' },
  ]);
  assert.ok(run.messages.some((m) => m.includes('Deleted 5 of 6 tags.') && m.includes('changed since the preview — not deleted')), run.messages.join('\n'));
  assert.deepStrictEqual((await doubleTagNames(REPO_ID)).filter((n) => n.startsWith('feature-')), ['feature-alpha', 'feature-beta', 'feature-delta']);
  assert.strictEqual(await digestOf('feature-delta'), await digestOf('main-a1c2c6'));
});

test('Delete Tags by Rule: a preview older than five minutes is read again and shown before anything is deleted', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), BUILDER, '(root image)');
  answerRule(a, ['feature-.*', '', '2', '']);
  const shown: PreviewModel[] = [];
  const realNow = Date.now;
  a.ui.showPreview = async (model) => {
    shown.push(model);
    if (shown.length === 1) {
      await repush('feature-alpha', 'v1.0.0'); // now old: it drops out of the 2 newest
      Date.now = () => realNow() + 6 * 60_000; // the user comes back six minutes later
      return 'delete';
    }
    Date.now = realNow;
    return 'cancel';
  };
  let confirms = 0;
  a.ui.confirm = async () => { confirms++; return true; };
  let run: { result: RuleDeletionOutcome | undefined; messages: string[] };
  try {
    run = await withMessages(() => Promise.resolve(vscode.commands.executeCommand<RuleDeletionOutcome>('gitlabRegistry.deleteTagsByRule', repo)));
  } finally {
    Date.now = realNow;
    restoreUi(a);
  }
  assert.strictEqual(shown.length, 2, 'the preview was shown again');
  assert.strictEqual(confirms, 0, 'no deletion was confirmed from the old preview');
  assert.strictEqual(run.result?.choice, 'cancel');
  assert.ok(run.messages.some((m) => /more than 5 minutes old/.test(m)), run.messages.join('\n'));
  assert.deepStrictEqual(shown[0].sections[0].deleteNames, ['feature-delta', 'feature-epsilon', 'feature-eta', 'feature-gamma', 'feature-theta', 'feature-zeta']);
  // The new preview: feature-alpha (re-pushed as an old image) goes, feature-gamma is now among the 2 newest.
  assert.deepStrictEqual(shown[1].sections[0].deleteNames, ['feature-alpha', 'feature-delta', 'feature-epsilon', 'feature-eta', 'feature-theta', 'feature-zeta']);
  assert.strictEqual((await doubleTagNames(REPO_ID)).filter((n) => n.startsWith('feature-')).length, 8, 'nothing deleted');
});

test('Delete Tag on a tree selection: a tag re-pushed since the tree showed it is not deleted and is reported', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), BUILDER, '(root image)');
  const tags = await children(a, repo);
  const pick = (name: string): TreeNode => {
    const n = tags.find((t) => label(a, t) === name);
    assert.ok(n, name);
    return n;
  };
  const selected = [pick('feature-eta'), pick('feature-theta'), pick('feature-zeta')];
  // The tree has shown their digests and dates (details are loaded in the background).
  const shown = (n: TreeNode) => { const t = n as TagNode; return a.model.tagDetails(t.accountId, t.repositoryId, t.tag.name); };
  for (let i = 0; i < 200 && !selected.every(shown); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(selected.every(shown), 'details loaded');
  a.ui.confirm = async () => {
    await repush('feature-theta', 'main-a1c2c6');
    return true;
  };
  let run: { result: TagDeletionOutcome | undefined; messages: string[] };
  try {
    run = await withMessages(() => Promise.resolve(vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', selected[0], selected)));
  } finally {
    restoreUi(a);
  }
  assert.deepStrictEqual([...(run.result?.deleted ?? [])].sort(), [`${LOCATION}:feature-eta`, `${LOCATION}:feature-zeta`]);
  assert.deepStrictEqual(run.result?.failed, [
    { location: `${LOCATION}:feature-theta`, error: 'changed since it was shown — not deleted (it now points to another image)' },
  ]);
  assert.ok(run.messages.some((m) => m.includes('Deleted 2 of 3 tags.')), run.messages.join('\n'));
  assert.ok((await doubleTagNames(REPO_ID)).includes('feature-theta'));
  assert.ok(!(await doubleTagNames(REPO_ID)).includes('feature-eta'));
});

// The extension's settings inside a real VS Code: contributed with their defaults, and read by the code
// (gitlabRegistry.confirmTypingThreshold by Delete Tag, gitlabRegistry.showGarbageCollectionNotice by the
// garbage-collection notice). Settings are written to the user settings and reset after each test.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import type { TagDeletionOutcome } from '../../../src/extension/commands/deleteTag';
import { showGarbageCollectionNoticeOnce } from '../../../src/extension/deletion/garbageCollectionNotice';
import {
  addAccount, answerConfirm, captureMessages, children, doubleRepo, doubleHost, doubleTagNames, fresh, label, path, restoreUi, type GitLabRegistryApi, type TreeNode,
} from './extension-helpers';

const SECTION = 'gitlabRegistry';

async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

async function withSetting<T>(key: string, value: unknown, fn: () => Promise<T>): Promise<T> {
  await setSetting(key, value);
  try {
    return await fn();
  } finally {
    await setSetting(key, undefined);
  }
}

/** The three non-`latest` tags of acme/website (repository 5: latest, prod, staging, v2024.01). */
async function websiteTags(a: GitLabRegistryApi): Promise<TreeNode[]> {
  const repo = await path(a, doubleHost(), 'acme/website', '(root image)');
  const tags = (await children(a, repo)).filter((n) => ['prod', 'staging', 'v2024.01'].includes(label(a, n)));
  assert.strictEqual(tags.length, 3);
  return tags;
}

/** Answers the typed confirmation with `answer` and records the input box options. */
function answerTyping(a: GitLabRegistryApi, answer: string | undefined): vscode.InputBoxOptions[] {
  const asked: vscode.InputBoxOptions[] = [];
  a.ui.inputText = async (options) => {
    asked.push(options);
    return answer;
  };
  return asked;
}

test('settings are contributed with their defaults', async () => {
  await fresh();
  const config = vscode.workspace.getConfiguration(SECTION);
  const defaults: Record<string, unknown> = {
    pageSize: 100, concurrency: 8, tagSortOrder: 'newest', showGarbageCollectionNotice: true, confirmTypingThreshold: 100,
  };
  for (const [key, value] of Object.entries(defaults)) {
    assert.deepStrictEqual(config.inspect(key)?.defaultValue, value, `${SECTION}.${key}`);
  }
});

test('confirmTypingThreshold: more tags than the threshold → after the modal, typing a wrong number deletes nothing', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const tags = await websiteTags(a);
  await withSetting('confirmTypingThreshold', 2, async () => {
    const modal = answerConfirm(a, true);
    const typed = answerTyping(a, '2');
    try {
      const outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', tags[0], tags);
      assert.strictEqual(outcome, undefined);
    } finally {
      restoreUi(a);
    }
    assert.strictEqual(modal.length, 1, 'the modal comes first');
    assert.strictEqual(typed.length, 1, 'then the input box');
    assert.match(typed[0].prompt ?? '', /\b3\b/);
    assert.strictEqual(typed[0].ignoreFocusOut, true);
    // The box itself says what is expected while typing.
    const validate = typed[0].validateInput!;
    assert.ok(await validate('4'), 'a wrong number gets a message');
    assert.strictEqual(await validate('3'), undefined);
    assert.strictEqual(await validate(' 3 '), undefined);
  });
  assert.deepStrictEqual(await doubleTagNames(5), ['latest', 'prod', 'staging', 'v2024.01']);
});

test('confirmTypingThreshold: Escape in the input box deletes nothing; typing the number deletes', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const tags = await websiteTags(a);
  await withSetting('confirmTypingThreshold', 2, async () => {
    answerConfirm(a, true);
    answerTyping(a, undefined);
    try {
      assert.strictEqual(await vscode.commands.executeCommand('gitlabRegistry.deleteTag', tags[0], tags), undefined);
    } finally {
      restoreUi(a);
    }
    assert.deepStrictEqual(await doubleTagNames(5), ['latest', 'prod', 'staging', 'v2024.01']);

    answerConfirm(a, true);
    const typed = answerTyping(a, '3');
    let outcome: TagDeletionOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', tags[0], tags);
    } finally {
      restoreUi(a);
    }
    assert.strictEqual(typed.length, 1);
    assert.strictEqual(outcome?.deleted.length, 3);
  });
  assert.deepStrictEqual(await doubleTagNames(5), ['latest']);
});

test('confirmTypingThreshold: up to the threshold (default 100, and exactly at it) the modal alone confirms', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const tags = await websiteTags(a);
  // Default threshold 100: three tags need only the modal.
  answerConfirm(a, true);
  const typed = answerTyping(a, undefined);
  try {
    const outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', tags[0], [tags[0], tags[1]]);
    assert.strictEqual(outcome?.deleted.length, 2);
  } finally {
    restoreUi(a);
  }
  assert.strictEqual(typed.length, 0, 'no input box below the default threshold');
  // Exactly at the threshold: still only the modal.
  await withSetting('confirmTypingThreshold', 1, async () => {
    answerConfirm(a, true);
    const typedAtThreshold = answerTyping(a, undefined);
    try {
      const outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', tags[2]);
      assert.strictEqual(outcome?.deleted.length, 1);
    } finally {
      restoreUi(a);
    }
    assert.strictEqual(typedAtThreshold.length, 0);
  });
  assert.deepStrictEqual(await doubleTagNames(5), ['latest']);
});

test('showGarbageCollectionNotice: false → no notice and nothing remembered; true → once per instance', async () => {
  const a = await fresh();
  const shown = captureMessages(a);
  const store = new Map<string, unknown>();
  const memento: vscode.Memento = {
    keys: () => [...store.keys()],
    get: <T>(key: string, fallback?: T) => (store.has(key) ? store.get(key) as T : fallback) as T,
    update: async (key: string, value: unknown) => { store.set(key, value); },
  };
  const url = 'https://gitlab.example.test';
  await withSetting('showGarbageCollectionNotice', false, async () => {
    assert.strictEqual(await showGarbageCollectionNoticeOnce(a.ui, memento, url), false);
    assert.strictEqual(store.size, 0, 'not remembered as shown while turned off');
  });
  assert.strictEqual(shown.messages.length, 0, 'nothing shown while turned off');
  assert.strictEqual(await showGarbageCollectionNoticeOnce(a.ui, memento, url), true, 'default: shown');
  assert.strictEqual(await showGarbageCollectionNoticeOnce(a.ui, memento, url), false, 'only once per instance');
  shown.restore();
  assert.deepStrictEqual(shown.messages.map((m) => [m.level, m.buttons]), [['info', ['Learn more']]]);
  assert.match(shown.messages[0].text, /^Deleted images free storage on gitlab\.example\.test only after garbage collection/);
});

test('confirmTypingThreshold applies to Delete Repository by its tag count: a wrong number deletes nothing, the right one deletes', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), 'acme/website', '(root image)'); // repository 5: 4 tags
  await children(a, repo);
  await withSetting('confirmTypingThreshold', 3, async () => {
    const modal = answerConfirm(a, true);
    const wrong = answerTyping(a, '3');
    try {
      assert.strictEqual(await vscode.commands.executeCommand('gitlabRegistry.deleteRepository', repo), undefined);
    } finally {
      restoreUi(a);
    }
    assert.strictEqual(modal.length, 1, 'the modal comes first');
    assert.strictEqual(wrong.length, 1, 'then the input box');
    assert.strictEqual(wrong[0].prompt, 'This deletes 4 tags. Type 4 to confirm.');
    assert.strictEqual(wrong[0].placeHolder, undefined, 'no placeholder that looks filled in');
    assert.strictEqual((await doubleRepo(5))?.status, null, 'not scheduled for deletion');

    answerConfirm(a, true);
    const right = answerTyping(a, '4');
    try {
      const outcome = await vscode.commands.executeCommand<{ scheduled: string[] }>('gitlabRegistry.deleteRepository', repo);
      assert.deepStrictEqual(outcome?.scheduled, ['registry.example.test:5050/acme/website']);
    } finally {
      restoreUi(a);
    }
    assert.strictEqual(right.length, 1);
  });
});

test('Delete Repository with a tag count GitLab cannot give: typing the number of repositories is required', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), 'acme/website', '(root image)'); // tags not listed: counted by GitLab
  await harness.control('POST', '/__double/faults', { method: 'GET', path: '^/api/v4/registry/repositories/5$', status: 403, times: 10 });
  const modal = answerConfirm(a, true);
  const typed = answerTyping(a, undefined); // Escape
  try {
    assert.strictEqual(await vscode.commands.executeCommand('gitlabRegistry.deleteRepository', repo), undefined);
  } finally {
    restoreUi(a);
    await harness.control('DELETE', '/__double/faults');
  }
  assert.match(modal[0].detail, /unknown number of tags/);
  assert.strictEqual(typed[0]?.prompt, 'This deletes an image repository with an unknown number of tags. Type 1 to confirm.');
  assert.strictEqual((await doubleRepo(5))?.status, null, 'not scheduled for deletion');
});

// Three truths in the extension's reports (issue 11 item 5): a tag whose delete was sent but whose answer was
// lost, and which could not be looked at afterwards, "may have been deleted" — never "failed".
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import type { TagDeletionOutcome } from '../../../src/extension/commands/deleteTag';
import {
  addAccount, answerConfirm, captureMessages, children, doubleHost, doubleTagNames, fresh, label, path, restoreUi,
} from './extension-helpers';

test('a lost delete answer plus a failed look afterwards: reported as "may have been deleted", not failed', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), 'acme/website', '(root image)');
  const staging = (await children(a, repo)).find((n) => label(a, n) === 'staging');
  assert.ok(staging);
  answerConfirm(a, true);
  // Once the deletion itself starts (after the re-check's reads): the write is carried out but its answer is
  // lost, every look afterwards (the tag list, the repository) is refused, and REST DELETEs answer 503.
  const withProgress = a.ui.withProgress.bind(a.ui);
  a.ui.withProgress = async (options, task) => {
    if (options.title === 'Deleting tags') {
      for (const fault of [
        { method: 'POST', path: '^/api/graphql$', resetAfterProcessing: true, times: 1 },
        { method: 'DELETE', path: '/tags/', status: 503, times: 100 },
        { method: 'GET', path: '/registry/repositories/\\d+/tags', status: 403, times: 100 },
        { method: 'GET', path: '^/api/v4/registry/repositories/\\d+$', skip: 1, status: 403, times: 100 }, // the check before sending passes
      ]) await harness.control('POST', '/__double/faults', fault);
    }
    return withProgress(options, task);
  };
  const shown = captureMessages(a);
  let outcome: TagDeletionOutcome | undefined;
  try {
    outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', staging);
  } finally {
    shown.restore();
    restoreUi(a);
    await harness.control('DELETE', '/__double/faults');
  }
  assert.ok(outcome);
  assert.deepStrictEqual(outcome.deleted, []);
  assert.deepStrictEqual(outcome.failed, [], 'nothing is called failed: GitLab did delete it');
  assert.deepStrictEqual(outcome.unknown.map((u) => u.location), ['registry.example.test:5050/acme/website:staging']);
  assert.ok(!(await doubleTagNames(5)).includes('staging'), 'the double did delete it');
  const summary = shown.messages.find((m) => m.level === 'error');
  assert.ok(summary, JSON.stringify(shown.messages));
  assert.match(summary.text, /registry\.example\.test:5050\/acme\/website:staging may have been deleted \(the answer was lost\): check with Refresh\./);
  assert.doesNotMatch(summary.text, /Failed:/);
});

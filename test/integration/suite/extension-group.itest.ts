// Issue 16 in the extension, against the double: Delete Tags by Rule… on a group node (every repository,
// one preview, re-check, deletion) and Apply Cleanup Policy to Projects… on a group. Literal expectations
// from the double's seeded data (test/double/README.md).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import { startGitLabDouble } from '../../double/gitlabDouble';
import type { ScopeRuleOutcome } from '../../../src/extension/commands/deleteTagsByRuleScope';
import type { ApplyPolicyOutcome } from '../../../src/extension/commands/applyPolicyToProjects';
import type { PreviewModel } from '../../../src/extension/rules/previewModel';
import type { ScopeReport } from '../../../src/extension/rules/scopeReport';
import { addAccount, answerConfirm, doubleHost, doubleRepo, fresh, path, restoreUi, type GitLabRegistryApi } from './extension-helpers';

function answerInputs(a: GitLabRegistryApi, answers: string[]): void {
  let i = 0;
  a.ui.inputText = async () => answers[i++];
}

async function tagNames(id: number): Promise<string[]> {
  return ((await doubleRepo(id)) as unknown as { tags: Array<{ name: string }> }).tags.map((t) => t.name);
}

test('group rule: one preview of the affected repositories (biggest first), then exactly those tags deleted', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const acme = await path(a, doubleHost(), 'acme');
  // Repository filter, then the rule: delete v.*, older than 15 days.
  answerInputs(a, ['', 'v.*', '', '', '15d']);
  const shown: PreviewModel[] = [];
  const choices = ['toggleSignatures', 'delete'] as const;
  a.ui.showPreview = async (model) => {
    shown.push(model);
    if (shown.length === 2) {
      // Between the preview and the deletion another client deletes a listed tag: the re-check skips it.
      const website = model.sections.find((s) => s.repository.endsWith('/acme/website'))!;
      const res = await fetch(`${harness.doubleUrl()}/api/v4/projects/${website.projectId}/registry/repositories/${website.repositoryId}/tags/v2024.01`,
        { method: 'DELETE', headers: { 'PRIVATE-TOKEN': 'glpat-double-owner-alice' } });
      assert.strictEqual(res.status, 200);
    }
    return choices[shown.length - 1] ?? 'cancel';
  };
  const reports: ScopeReport[] = [];
  a.ui.showScopeReport = (r) => void reports.push(r);
  const asked = answerConfirm(a, true);
  let outcome: ScopeRuleOutcome | undefined;
  try {
    outcome = await vscode.commands.executeCommand<ScopeRuleOutcome>('gitlabRegistry.deleteTagsByRule', acme);
  } finally {
    restoreUi(a);
  }
  assert.ok(outcome);
  assert.strictEqual(shown.length, 2, 'switching a condition shows the preview again');
  assert.deepStrictEqual(shown[0].conditions, { withSignatures: true, goneBranches: false, orphanedSignatures: false });
  assert.deepStrictEqual(shown[1].conditions, { withSignatures: false, goneBranches: false, orphanedSignatures: false });
  const host = 'registry.example.test:5050';
  assert.deepStrictEqual(shown[1].sections.map((s) => [s.repository, s.deleteNames]), [
    [`${host}/acme/platform/tools/builder`, ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0', 'v1.5.0', 'v1.6.0', 'v1.7.0', 'v1.8.0', 'v1.9.0']],
    [`${host}/acme/platform/my.project/api`, ['v2.0.0', 'v2.1.0']],
    [`${host}/acme/platform/my.project`, ['v1.0.0']],
    [`${host}/acme/website`, ['v2024.01']],
  ]);
  assert.strictEqual(shown[1].schedule, false);
  assert.strictEqual(asked[0].message, 'Delete 14 tags in 4 repositories of acme?');
  // Each tag is recorded for Undo before it goes: restorable until garbage collection, not "cannot be undone".
  assert.match(asked[0].detail, /Deleting is permanent once garbage collection runs; until then you can restore it with Undo or Restore Deleted Tags…/);
  assert.doesNotMatch(asked[0].detail, /cannot be undone/);
  assert.strictEqual(outcome.deletion?.deleted.length, 13);
  // The report, grouped per repository (three truths: deleted, failed with why, may have been deleted).
  assert.strictEqual(reports.length, 1);
  assert.strictEqual(reports[0], outcome.report);
  assert.strictEqual(reports[0].title, 'Deleted by rule: acme');
  assert.deepStrictEqual(reports[0].repositories.map((r) => [r.repository, r.deleted.length, r.failed.map((f) => f.tag), r.unknown.length, r.notAttempted.length]), [
    [`${host}/acme/platform/tools/builder`, 10, [], 0, 0], [`${host}/acme/platform/my.project/api`, 2, [], 0, 0],
    [`${host}/acme/platform/my.project`, 1, [], 0, 0], [`${host}/acme/website`, 0, ['v2024.01'], 0, 0],
  ]);
  assert.match(reports[0].repositories[3].failed[0].error, /^changed since the preview/);
  assert.deepStrictEqual(reports[0].totals, { deleted: 13, failed: 1, unknown: 0, notAttempted: 0 });
  assert.deepStrictEqual(await tagNames(2), ['latest', 'nightly']);
  assert.deepStrictEqual(await tagNames(5), ['latest', 'prod', 'staging']);
}, { timeout: 90_000 });

test('group rule preview: each repository\'s reclaimable bytes from the registry after the preview appears, into the plan', async () => {
  const a = await fresh();
  const d = await startGitLabDouble({ scenario: 'small', registryHost: 'self' });
  try {
    await addAccount(a, harness.tokens().owner, d.url);
    const acme = await path(a, new URL(d.url).host, 'acme');
    // Only the root image of My.Project, whose dev-0001 and dev-0002 free 258393340 bytes (test/cli/storage.test.ts).
    answerInputs(a, ['my\\.project$', 'dev-.*', '', '', '']);
    const states: string[] = [];
    let model: PreviewModel | undefined;
    a.ui.showPreview = async (m, storage) => {
      model = m;
      states.push(m.sections.map((s) => s.storage?.state ?? 'none').join());
      await storage?.(() => states.push(m.sections.map((s) => s.storage?.state ?? 'none').join()));
      return 'cancel';
    };
    let outcome: ScopeRuleOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ScopeRuleOutcome>('gitlabRegistry.deleteTagsByRule', acme);
    } finally {
      restoreUi(a);
    }
    assert.ok(outcome && model);
    assert.strictEqual(states[0], 'pending', 'the preview appears before the figure');
    assert.strictEqual(states[states.length - 1], 'done');
    assert.deepStrictEqual(model.sections.map((s) => [s.repository.replace(/^[^/]+\//, ''), s.deleteNames]), [['acme/platform/my.project', ['dev-0001', 'dev-0002']]]);
    assert.deepStrictEqual(model.sections[0].storage, { state: 'done', reclaimableBytes: 258393340, sharedBytes: 38000000 });
    assert.strictEqual(outcome.plan.plans[0].reclaimableBytes, 258393340);
    assert.ok(!d.requests.some((q) => q.method === 'DELETE'), 'Cancel deletes nothing');
  } finally {
    await d.close();
  }
}, { timeout: 90_000 });

test('group rule as a Maintainer: a repository the repository rule guards is marked, nothing is sent for it, and the report says so', async () => {
  await harness.restartDouble({ scenario: 'protected' });
  const a = await fresh();
  try {
    await addAccount(a, 'maintainer');
    const vault = await path(a, doubleHost(), 'acme/platform/vault');
    answerInputs(a, ['', '(v1|dev-.*)', '', '', '']);
    let model: PreviewModel | undefined;
    a.ui.showPreview = async (m) => {
      model = m;
      return 'delete';
    };
    const reports: ScopeReport[] = [];
    a.ui.showScopeReport = (r) => void reports.push(r);
    const asked = answerConfirm(a, true);
    let outcome: ScopeRuleOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<ScopeRuleOutcome>('gitlabRegistry.deleteTagsByRule', vault);
    } finally {
      restoreUi(a);
    }
    assert.ok(outcome && model);
    const host = 'registry.example.test:5050';
    assert.deepStrictEqual(model.sections.map((s) => [s.repository, s.deleteNames, s.guard]), [
      [`${host}/acme/platform/vault`, ['dev-1', 'dev-2', 'dev-3'], undefined],
      [`${host}/acme/platform/vault/secure-api`, [], 'protected: acme/platform/vault/secure-* needs Owner'],
    ]);
    assert.match(model.sections[1].notes[0], /^protected: acme\/platform\/vault\/secure-\* needs Owner: a repository protection rule forbids you/);
    assert.strictEqual(asked[0].message, 'Delete 3 tags in 1 repositories of acme/platform/vault?');
    assert.deepStrictEqual(reports[0].repositories.map((r) => [r.repository, r.deleted, r.failed.length, r.guard]), [
      [`${host}/acme/platform/vault`, ['dev-1', 'dev-2', 'dev-3'], 0, undefined],
      [`${host}/acme/platform/vault/secure-api`, [], 0, 'protected: acme/platform/vault/secure-* needs Owner'],
    ]);
    assert.deepStrictEqual(await tagNames(model.sections[1].repositoryId), ['v1'], 'nothing sent for the guarded repository');
  } finally {
    await harness.restartDouble({ scenario: 'small' });
  }
}, { timeout: 90_000 });

test('Apply Cleanup Policy to Projects…: per-project diff, one PUT per changed project, unchanged ones left alone', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const acme = await path(a, doubleHost(), 'acme');
  const picks: unknown[] = [true, '7d', 5, '30d'];
  let p = 0;
  a.ui.pickOne = async () => picks[p++] as never;
  answerInputs(a, ['.*', 'v\\d+\\.\\d+\\.\\d+']);
  const asked = answerConfirm(a, true);
  let outcome: ApplyPolicyOutcome | undefined;
  try {
    outcome = await vscode.commands.executeCommand<ApplyPolicyOutcome>('gitlabRegistry.applyCleanupPolicyToProjects', acme);
  } finally {
    restoreUi(a);
  }
  assert.ok(outcome?.applied);
  assert.deepStrictEqual(outcome.applied.map((r) => [r.project, r.status]), [
    ['acme/docs', 'changed'], ['acme/platform/My.Project', 'unchanged'], ['acme/platform/tools/builder', 'changed'], ['acme/website', 'changed'],
  ]);
  assert.strictEqual(asked[0].message, 'Change the cleanup policy of 3 projects in acme?');
  assert.match(asked[0].detail, /acme\/docs: cadence 1d → 7d, enabled false → true, keep_n 10 → 5, older_than 90d → 30d, name_regex_keep — → v\\d\+/);
  assert.match(asked[0].detail, /acme\/platform\/My\.Project: unchanged/);
  const res = await fetch(`${harness.doubleUrl()}/api/v4/projects/3`, { headers: { 'PRIVATE-TOKEN': 'glpat-double-owner-alice' } });
  const policy = ((await res.json()) as { container_expiration_policy: { cadence: string; enabled: boolean } }).container_expiration_policy;
  assert.deepStrictEqual([policy.cadence, policy.enabled], ['7d', true]);
}, { timeout: 90_000 });

test('an empty delete regex is the preset for signatures whose image has no tag left: only those are previewed', async () => {
  const orphan = `sha256-${'a'.repeat(64)}.sig`;
  const a = await fresh(); // re-seeds the double: the repository is added after
  const created = await harness.control('POST', '/__double/projects/6/repositories', { name: 'signed', tags: [{ name: 'app-1' }, { name: orphan }] }) as { id: number };
  try {
    await addAccount(a, 'owner');
    const repo = await path(a, doubleHost(), 'acme/docs', 'signed');
    answerInputs(a, ['', '', '', '']);
    let model: PreviewModel | undefined;
    a.ui.showPreview = async (m) => {
      model = m;
      return 'cancel';
    };
    try {
      await vscode.commands.executeCommand('gitlabRegistry.deleteTagsByRule', repo);
    } finally {
      restoreUi(a);
    }
    assert.ok(model);
    assert.deepStrictEqual(model.conditions, { withSignatures: true, goneBranches: false, orphanedSignatures: true });
    assert.deepStrictEqual(model.sections[0].deleteNames, [orphan]);
    assert.deepStrictEqual(model.sections[0].rows.map((r) => [r.name, r.reason]), [[orphan, 'orphaned_signature'], ['app-1', 'no_match']]);
    assert.ok(!model.sections[0].notes.some((n) => /delete regex is empty/.test(n)), model.sections[0].notes.join('\n'));
    assert.deepStrictEqual(await tagNames(created.id), ['app-1', orphan], 'Cancel deletes nothing');
  } finally {
    await harness.resetDouble();
  }
}, { timeout: 90_000 });

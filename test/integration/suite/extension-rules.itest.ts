// Delete Tags by Rule…, the cleanup policy node, Edit/Preview Cleanup Policy — against the double, with the
// prompts answered through `api.ui` and the results checked in the double's state and against literal
// expectations worked out from the double's seeded tags (never computed by the engine under test).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import type { RuleDeletionOutcome } from '../../../src/extension/commands/deleteTagsByRule';
import type { PreviewModel } from '../../../src/extension/rules/previewModel';
import type { CleanupPolicy } from '../../../src/core/types';
import {
  addAccount, answerConfirm, captureMessages, children, description, doubleHost, doubleRepo, fresh, label, path, requests, restoreUi,
  type GitLabRegistryApi,
} from './extension-helpers';

interface DoubleTagState { name: string; digest: string; created_at: string | null; total_size: number | null }

async function doubleTags(id: number): Promise<DoubleTagState[]> {
  return ((await doubleRepo(id)) as unknown as { tags: DoubleTagState[] }).tags;
}

/** Answers the input boxes in order; records each box's validation of `probe` values. */
function answerInputs(a: GitLabRegistryApi, answers: string[], probes: Record<number, string[]> = {}): { prompts: string[]; titles: string[]; values: (string | undefined)[]; validations: unknown[][] } {
  const seen = { prompts: [] as string[], titles: [] as string[], values: [] as (string | undefined)[], validations: [] as unknown[][] };
  let i = 0;
  a.ui.inputText = async (options) => {
    const step = i++;
    seen.prompts.push(options.prompt ?? '');
    seen.titles.push(options.title ?? '');
    seen.values.push(options.value);
    const checks: unknown[] = [];
    for (const p of probes[step] ?? []) checks.push(await options.validateInput?.(p));
    seen.validations.push(checks);
    const answer = answers[step];
    // A valid answer: no error (a warning object for a top-level | is fine).
    if (answer !== undefined) assert.notStrictEqual(typeof (await options.validateInput?.(answer)), 'string', `answer ${JSON.stringify(answer)} valid`);
    return answer;
  };
  return seen;
}

function answerPreview(a: GitLabRegistryApi, choice: 'delete' | 'schedule' | 'cancel'): PreviewModel[] {
  const shown: PreviewModel[] = [];
  let first = true;
  a.ui.showPreview = async (model) => {
    shown.push(model);
    const c = first ? choice : 'cancel';
    first = false;
    return c;
  };
  return shown;
}

async function repositoryNode(a: GitLabRegistryApi, project: string, repo: string) {
  return path(a, doubleHost(), project, repo);
}

async function projectPolicy(token: string, projectId: number): Promise<CleanupPolicy> {
  const res = await fetch(`${harness.doubleUrl()}/api/v4/projects/${projectId}`, { headers: { 'PRIVATE-TOKEN': token } });
  return ((await res.json()) as { container_expiration_policy: CleanupPolicy }).container_expiration_policy;
}

test('rule flow: validation as you type, the preview lists the expected tags, Delete removes exactly the previewed tags', async () => {
  const a = await fresh();
  await harness.restartDouble({ scenario: 'small', registryHost: 'self' }); // the double serves Registry V2 itself
  try {
    await addAccount(a, 'developer');
    const repo = await repositoryNode(a, 'acme/platform/tools/builder', '(root image)');
    const before = await doubleTags(4);
    // main-a1b2c3 (1 day old) has the same digest as `latest`: it goes, `latest` stays.
    const inputs = answerInputs(a, ['(main|feature)-.*', 'feature-alpha', '', '12h'], {
      0: ['(?=x)', 'a|b', ''],
      2: ['-1', 'x'],
      3: ['7 parsecs', '1 day', '1month'],
    });
    const shown = answerPreview(a, 'delete');
    const asked = answerConfirm(a, true);
    const notes = captureMessages(a);
    let outcome: RuleDeletionOutcome | undefined;
    try {
      outcome = await vscode.commands.executeCommand<RuleDeletionOutcome>('gitlabRegistry.deleteTagsByRule', repo);
    } finally {
      notes.restore();
      restoreUi(a);
    }
    // The wizard names the repository; the regex box starts empty (Enter alone selects nothing).
    assert.deepStrictEqual(inputs.titles, [1, 2, 3, 4].map((n) => `Delete Tags by Rule: acme/platform/tools/builder (${n}/4)`));
    assert.deepStrictEqual(inputs.values, [undefined, undefined, undefined, undefined]);
    // Validation: RE2 error with a position, a warning (not an error) for a top-level |; empty accepted (it
    // selects no tag: the preset for signatures whose image has no tag left).
    const [bad, alternation, empty] = inputs.validations[0];
    assert.match(String(bad), /RE2|position/i);
    assert.strictEqual((alternation as vscode.InputBoxValidationMessage).severity, vscode.InputBoxValidationSeverity.Warning);
    assert.match((alternation as vscode.InputBoxValidationMessage).message, /\(a\|b\)/);
    assert.strictEqual(empty, undefined, 'an empty delete regex is accepted');
    assert.ok(inputs.validations[2].every((v) => typeof v === 'string'), 'keep N must be a whole number ≥ 0');
    assert.ok(inputs.validations[3][0], 'bad duration refused');
    assert.deepStrictEqual(inputs.validations[3].slice(1), [undefined, undefined]);

    assert.ok(outcome, 'outcome');
    assert.strictEqual(shown.length, 1);
    const section = shown[0].sections[0];
    // The seeded builder repository (no protection rules): every main-* (1–55 days old) and feature-* (3–80
    // days) tag is older than 12h; feature-alpha matches the keep regex; latest, v1.*.0 and pr-123 do not match.
    const MAIN = ['main-a1b2c3', 'main-a1c2c6', 'main-a1d2c9', 'main-a1e2cc', 'main-a1f2cf', 'main-a202d2', 'main-a212d5', 'main-a222d8', 'main-a232db', 'main-a242de'];
    const FEATURES = ['feature-beta', 'feature-gamma', 'feature-delta', 'feature-epsilon', 'feature-zeta', 'feature-eta', 'feature-theta'];
    assert.deepStrictEqual([...section.deleteNames].sort(), [...MAIN, ...FEATURES].sort());
    const reason = (name: string): string | undefined => section.rows.find((r) => r.name === name)?.reason;
    assert.deepStrictEqual(
      ['latest', 'feature-alpha', 'v1.0.0', 'pr-123', 'main-a1b2c3', 'feature-theta'].map(reason),
      ['latest', 'keep_regex', 'no_match', 'no_match', 'matched', 'matched'],
    );
    assert.strictEqual(section.totals.deleteCount, 17);
    assert.strictEqual(section.totals.deleteCount + section.totals.keepCount, 30);
    assert.strictEqual(before.length, 30);
    assert.match(shown[0].garbageCollection.text, /garbage collection.*registry-garbage-collect/);
    // The modal: count, restorable until garbage collection, Delete (one modal: the tags were recorded for Undo).
    assert.strictEqual(asked.length, 1);
    assert.strictEqual(asked[0].button, 'Delete');
    assert.match(asked[0].message, new RegExp(`Delete ${section.deleteNames.length} tags`));
    assert.match(asked[0].detail, /Deleting is permanent once garbage collection runs/);
    // Garbage collection is explained once, in the preview: the modal says how much space, no notice after.
    assert.match(asked[0].detail, /Garbage collection can reclaim at most \d[\d.]* [kMG]?B \(see the preview\)\./);
    assert.doesNotMatch(asked[0].detail, /registry-garbage-collect|free storage only after/);
    assert.deepStrictEqual(notes.messages.filter((m) => /garbage collection/i.test(m.text)), []);
    // Exactly the previewed tags are gone; `latest` (same digest as a deleted main-* tag) and the rest stay.
    assert.deepStrictEqual([...outcome.deletion!.deleted].sort(), section.deleteNames.map((n) => `${doubleHost()}/acme/platform/tools/builder:${n}`).sort());
    const after = (await doubleTags(4)).map((t) => t.name).sort();
    assert.deepStrictEqual(after, before.map((t) => t.name).filter((n) => !section.deleteNames.includes(n)).sort());
    assert.ok(after.includes('latest'));
    const latestDigest = before.find((t) => t.name === 'latest')!.digest;
    assert.ok(before.some((t) => t.digest === latestDigest && section.deleteNames.includes(t.name)), 'a deleted tag shared latest\'s digest');
    assert.strictEqual(label(a, repo), '(root image)');
  } finally {
    await harness.restartDouble({});
  }
}, { timeout: 90_000 });

test('server-side choice: one bulk job is scheduled; a second within the hour gets GitLab\'s hourly-limit message', async () => {
  const a = await fresh();
  await addAccount(a, 'maintainer');
  const repo = await repositoryNode(a, 'acme/website', '(root image)');
  const run = async (): Promise<{ outcome?: RuleDeletionOutcome; asked: ReturnType<typeof answerConfirm> }> => {
    answerInputs(a, ['staging', '', '', '']);
    answerPreview(a, 'schedule');
    const asked = answerConfirm(a, true);
    try {
      return { outcome: await vscode.commands.executeCommand<RuleDeletionOutcome>('gitlabRegistry.deleteTagsByRule', repo), asked };
    } finally {
      restoreUi(a);
    }
  };
  const first = await run();
  assert.strictEqual(first.outcome?.scheduled, true);
  assert.strictEqual(first.asked[0].button, 'Schedule');
  assert.match(first.asked[0].detail, /Maintainer/);
  assert.match(first.asked[0].detail, /once an hour/);
  assert.match(first.asked[0].detail, /asynchronous/);
  assert.match(first.asked[0].detail, /1,000 tags/);
  assert.match(first.asked[0].detail, /random/);
  const jobs = (await harness.control('GET', '/__double/bulk-jobs')) as { repositoryId: number; params: { nameRegexDelete: string } }[];
  assert.strictEqual(jobs.length, 1);
  assert.strictEqual(jobs[0].repositoryId, 5);
  assert.strictEqual(jobs[0].params.nameRegexDelete, 'staging');
  const second = await run();
  assert.strictEqual(second.outcome?.scheduled, false);
  assert.match(second.outcome!.scheduleError!, /once an hour|last hour/);
  assert.match(second.outcome!.scheduleError!, /at most once an hour for a given container repository/);
  assert.strictEqual(((await harness.control('GET', '/__double/bulk-jobs')) as unknown[]).length, 1);
}, { timeout: 90_000 });

test('the project\'s cleanup policy is a child node with GitLab\'s values', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const project = await path(a, doubleHost(), 'acme/platform/My.Project');
  const kids = await children(a, project);
  assert.strictEqual(kids[0].kind, 'policy');
  assert.strictEqual(label(a, kids[0]), 'Cleanup policy');
  assert.strictEqual(description(a, kids[0]), 'on · every week · keep 5 · older than 30d');
  const tooltip = (a.provider.getTreeItem(kids[0]).tooltip as vscode.MarkdownString).value;
  const policy = await projectPolicy(harness.token('owner'), 1);
  assert.ok(policy.next_run_at);
  const nextRun = /Next run: (\S+)/.exec(tooltip.replace(/\\(.)/g, '$1'));
  assert.ok(Math.abs(Date.parse(nextRun?.[1] ?? '') - Date.parse(policy.next_run_at!)) < 1000, tooltip);
  assert.match(tooltip, /Keep regex/);
  assert.match(a.provider.getTreeItem(kids[0]).contextValue ?? '', /(^|;)policy(;|$)/);
  // Repository tooltips say when the policy last started on them.
  const repo = kids.find((k) => k.kind === 'repository')!;
  assert.match((a.provider.getTreeItem(repo).tooltip as vscode.MarkdownString).value, /Cleanup policy last started/);
}, { timeout: 60_000 });

test('Edit Cleanup Policy: only GitLab\'s values offered, one PUT, the node shows the saved policy', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const project = await path(a, doubleHost(), 'acme/website');
  const policyNode = (await children(a, project))[0];
  assert.strictEqual(description(a, policyNode), 'off');
  const offered: unknown[][] = [];
  const steps: { title?: string; active?: unknown }[] = [];
  const picks: unknown[] = [true, '14d', 10, '60d'];
  a.ui.pickOne = async (items, _placeHolder, options) => {
    offered.push(items.map((i) => i.value));
    steps.push({ title: options?.title, active: options?.active });
    return picks[offered.length - 1] as never;
  };
  const boxes: { title?: string; value?: string }[] = [];
  const inputs = ['.*', 'prod|v.*'];
  a.ui.inputText = async (o) => { boxes.push({ title: o.title, value: o.value }); return inputs[boxes.length - 1]; };
  const asked = answerConfirm(a, true);
  await harness.control('POST', '/__double/reset-log');
  let saved: CleanupPolicy | undefined;
  try {
    saved = await vscode.commands.executeCommand<CleanupPolicy>('gitlabRegistry.editCleanupPolicy', policyNode);
  } finally {
    restoreUi(a);
  }
  assert.deepStrictEqual(offered, [[true, false], ['1d', '7d', '14d', '1month', '3month'], [1, 5, 10, 25, 50, 100, null], ['7d', '14d', '30d', '60d', '90d', null]]);
  // Each step highlights the saved value (Enter keeps it) and says where the user is.
  assert.deepStrictEqual(steps, [
    { title: 'Cleanup policy of acme/website (1/6)', active: false },
    { title: 'Cleanup policy of acme/website (2/6)', active: '1d' },
    { title: 'Cleanup policy of acme/website (3/6)', active: 10 },
    { title: 'Cleanup policy of acme/website (4/6)', active: '90d' },
  ]);
  assert.deepStrictEqual(boxes, [
    { title: 'Cleanup policy of acme/website (5/6)', value: '.*' },
    { title: 'Cleanup policy of acme/website (6/6)', value: '' },
  ]);
  assert.deepStrictEqual(asked.map((q) => q.detail.split('\n')), [[
    'Enabled: no → yes', 'Runs: every day → every 2 weeks', 'Delete tags older than: 90d → 60d', 'Keep regex: none → prod|v.*',
  ]]);
  assert.strictEqual(saved?.cadence, '14d');
  const puts = (await requests()).filter((r) => r.method === 'PUT');
  assert.strictEqual(puts.length, 1);
  assert.strictEqual(puts[0].path, '/api/v4/projects/3');
  const policy = await projectPolicy(harness.token('owner'), 3);
  assert.deepStrictEqual(
    { enabled: policy.enabled, cadence: policy.cadence, keep_n: policy.keep_n, older_than: policy.older_than, name_regex: policy.name_regex, name_regex_keep: policy.name_regex_keep },
    { enabled: true, cadence: '14d', keep_n: 10, older_than: '60d', name_regex: '.*', name_regex_keep: 'prod|v.*' },
  );
  assert.strictEqual(description(a, policyNode), 'on · every 2 weeks · keep 10 · older than 60d');
}, { timeout: 60_000 });

test('Edit Cleanup Policy as a developer: "needs the Maintainer role" before the first step, nothing sent', async () => {
  const a = await fresh();
  await addAccount(a, 'developer');
  const project = await path(a, doubleHost(), 'acme/website');
  const policyNode = (await children(a, project))[0];
  let offered = 0;
  a.ui.pickOne = async () => { offered++; return undefined; };
  const errors: string[] = [];
  const originalError = a.log.error.bind(a.log);
  a.log.error = (m: string) => { errors.push(m); originalError(m); };
  await harness.control('POST', '/__double/reset-log');
  let saved: unknown;
  try {
    saved = await vscode.commands.executeCommand('gitlabRegistry.editCleanupPolicy', policyNode);
  } finally {
    restoreUi(a);
    delete (a.log as unknown as Record<string, unknown>).error;
  }
  assert.strictEqual(saved, undefined);
  assert.strictEqual(offered, 0);
  assert.deepStrictEqual(errors, ['Editing the cleanup policy of acme/website needs the Maintainer role on the project; your role is below it.']);
  assert.strictEqual((await requests()).filter((r) => r.method === 'PUT').length, 0);
  assert.strictEqual(description(a, policyNode), 'off');
}, { timeout: 60_000 });

test('Edit Cleanup Policy: Enter through every step changes nothing; Cancel at the summary saves nothing', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const project = await path(a, doubleHost(), 'acme/website');
  const policyNode = (await children(a, project))[0];
  const run = async (answers: unknown[], confirm: boolean): Promise<{ saved: unknown; asked: number }> => {
    let n = 0;
    a.ui.pickOne = async (_items, _p, options) => { const x = answers[n++]; return (x === 'enter' ? options?.active : x) as never; };
    a.ui.inputText = async (o) => o.value;
    const asked = answerConfirm(a, confirm);
    try {
      return { saved: await vscode.commands.executeCommand('gitlabRegistry.editCleanupPolicy', policyNode), asked: asked.length };
    } finally {
      restoreUi(a);
    }
  };
  await harness.control('POST', '/__double/reset-log');
  assert.deepStrictEqual(await run(['enter', 'enter', 'enter', 'enter'], true), { saved: undefined, asked: 0 });
  assert.deepStrictEqual(await run([true, 'enter', 'enter', 'enter'], false), { saved: undefined, asked: 1 });
  assert.strictEqual((await requests()).filter((r) => r.method === 'PUT').length, 0);
  assert.strictEqual((await projectPolicy(harness.token('owner'), 3)).enabled, false);
}, { timeout: 60_000 });

test('Preview Cleanup Policy: one section per repository, the tags the policy\'s rule selects', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const project = await path(a, doubleHost(), 'acme/platform/My.Project');
  const policyNode = (await children(a, project))[0];
  // The seeded policy keeps everything here; a stricter one saved through the API is what the preview must read.
  const put = await fetch(`${harness.doubleUrl()}/api/v4/projects/1`, {
    method: 'PUT', headers: { 'PRIVATE-TOKEN': harness.token('owner'), 'Content-Type': 'application/json' },
    body: JSON.stringify({ container_expiration_policy_attributes: { keep_n: 1, older_than: '7d' } }),
  });
  assert.strictEqual(put.status, 200);
  const shown = answerPreview(a, 'cancel');
  let model: PreviewModel | undefined;
  try {
    model = await vscode.commands.executeCommand<PreviewModel>('gitlabRegistry.previewCleanupPolicy', policyNode);
  } finally {
    restoreUi(a);
  }
  assert.ok(model);
  assert.strictEqual(shown.length, 1);
  assert.strictEqual(model.actions, false);
  assert.deepStrictEqual(model.sections.map((s) => s.repositoryId), [1, 2, 3]);
  // Keep N 1, older than 7 days, keep regex v\d+\.\d+\.\d+ on the seeded tags: in the root image only the
  // dev-* tags (35 and 40 days) go (main is 2 days old, feature-login has no date); api keeps its
  // versions, nightly (no date) and latest; tools/cli has only latest and a version.
  assert.deepStrictEqual(model.sections.map((s) => [...s.deleteNames].sort()), [['dev-0001', 'dev-0002'], [], []]);
  assert.match(model.intro ?? '', /next run/);
  // The policy's regexes as typed, not JSON-escaped ("v\\d+…").
  assert.match(model.ruleSummary, /keep regex v\\d\+\\\.\\d\+\\\.\\d\+/);
  assert.doesNotMatch(model.ruleSummary, /"/);
}, { timeout: 90_000 });

// The Registries tree against the GitLab double, at the VS Code API boundary (provider.getChildren()).
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import {
  addAccount, answerConfirm, children, contextValue, description, doubleHost, fresh, label, labels, path, requests, restoreUi,
  type TreeNode,
} from './extension-helpers';

test('activation is fast, logged, and sends no request before the view is opened', async () => {
  const a = await fresh();
  await harness.control('POST', '/__double/reset-log');
  assert.ok(a.activationMs < 500, `activate() took ${a.activationMs} ms`);
  assert.deepStrictEqual(await requests(), []);
});

test('account → top-level groups by path; subgroups and projects nest under their groups, by path', async () => {
  const a = await fresh();
  const { account, problems } = await addAccount(a, 'owner');
  assert.deepStrictEqual(problems, []);
  assert.ok(account);
  const roots = await children(a);
  assert.strictEqual(roots.length, 1);
  assert.strictEqual(label(a, roots[0]), doubleHost());
  assert.strictEqual(description(a, roots[0]), '@alice');
  // Every member project of alice lies in one of her groups: none is repeated at the top.
  assert.deepStrictEqual(await labels(a, roots[0]), ['acme', 'globex', 'oss']);
  assert.deepStrictEqual(await labels(a, await path(a, doubleHost(), 'acme')), ['platform', 'docs', 'website']);
  assert.deepStrictEqual(await labels(a, await path(a, doubleHost(), 'acme', 'platform')), ['tools', 'My.Project']);
  assert.deepStrictEqual(await labels(a, await path(a, doubleHost(), 'acme', 'platform', 'tools')), ['builder']);
  const project = await path(a, doubleHost(), 'acme', 'platform', 'My.Project');
  assert.match(String(a.provider.getTreeItem(project).tooltip), /^acme\/platform\/My\.Project\n/);
});

test('each repository appears once per account, under its project; a group lists no repositories itself', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  await harness.control('POST', '/__double/reset-log');
  const seen: number[] = [];
  const walk = async (node: TreeNode, depth: number): Promise<void> => {
    for (const kid of await children(a, node)) {
      if (kid.kind === 'repository') seen.push(kid.repositoryId);
      else if ((kid.kind === 'group' || kid.kind === 'project') && depth < 6) await walk(kid, depth + 1);
    }
  };
  await walk(await path(a, doubleHost()), 0);
  assert.ok(seen.length >= 8, `repositories found: ${seen.length}`);
  assert.deepStrictEqual([...new Set(seen)].sort((x, y) => x - y), [...seen].sort((x, y) => x - y), 'no repository twice');
  assert.ok(!(await requests()).some((r) => /\/groups\/\d+\/registry\/repositories$/.test(r.path)), 'no group-wide repository listing for the tree');
});

test('a project lists its repositories: the root image is a short marker, its path in the tooltip', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const project = await path(a, doubleHost(), 'acme/platform/My.Project');
  // The project has a tag protection rule the Owner may read: a Protection child lists it.
  assert.deepStrictEqual(await labels(a, project), ['Cleanup policy', 'Protection', '(root image)', 'api', 'tools/cli']);
  const root = (await children(a, project))[2];
  assert.ok((a.provider.getTreeItem(root).tooltip as vscode.MarkdownString).value.includes('The root image of the project acme/platform/my\\.project'));
  const website = await path(a, doubleHost(), 'acme/website');
  assert.deepStrictEqual(await labels(a, website), ['Cleanup policy', '(root image)', 'cache']);
  const cache = await path(a, doubleHost(), 'acme/website', 'cache');
  assert.deepStrictEqual(await labels(a, cache), ['No tags']);
});

test('tags: newest first of the whole repository, "sorting N tags…" until every date is in, rows never jump; age · size · digest', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), 'acme/platform/My.Project', 'api');
  // Before the rows: the repository row already counts its tags (GitLab's tags_count), unexpanded.
  assert.strictEqual(description(a, repo), '4 tags');
  const first = await a.provider.getChildren(repo);
  assert.deepStrictEqual(first.map((n) => label(a, n)), ['sorting 4 tags…']);
  const tags = await children(a, repo);
  // The first rows shown are already in their final order, every one with its details.
  assert.deepStrictEqual(tags.map((n) => label(a, n)), ['latest', 'v2.1.0', 'v2.0.0', 'nightly']);
  assert.ok(tags.every((n) => description(a, n) !== ''), 'details in with the first rows');
  assert.match(description(a, tags[0]), /^(yesterday|today|\d+ (hr\.|days?|wk\.|mo\.) ago) · [\d.]+ [kMG]?B · [0-9a-f]{8}$/);
  const tooltip = a.provider.getTreeItem(tags[0]).tooltip as vscode.MarkdownString;
  // Human values with the exact ones beside them (Markdown escapes aside).
  const plain = tooltip.value.replace(/\\/g, '');
  assert.match(plain, /Size: [\d.]+ [kMG]?B \([\d,]+ bytes\)/);
  assert.match(plain, /Created: [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M UTC \(\d{4}-\d{2}-\d{2}T[\d:.]+Z\)/);
  assert.match(tooltip.value, /docker pull registry\.example\.test:5050\/acme\/platform\/my\.project\/api:latest/);
  assert.match(tooltip.value, /sha256:[0-9a-f]{64}/);
  assert.match(contextValue(a, tags[0]), /(^|;)tag(;|$)/);
  assert.match(contextValue(a, tags[0]), /(^|;)writable(;|$)/);
});

test('sort by name toggles through the setting; filter shows in the description and clears', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), 'acme/platform/tools/builder', '(root image)');
  await children(a, repo);
  try {
    await vscode.commands.executeCommand('gitlabRegistry.sortTagsByName');
    const byName = await labels(a, repo);
    assert.deepStrictEqual(byName, [...byName].sort());
    a.ui.inputText = async () => 'v1.*';
    await vscode.commands.executeCommand('gitlabRegistry.filterTags', repo);
    assert.strictEqual(description(a, repo), 'filter: v1.* · 10 of 30 tags');
    assert.match(contextValue(a, repo), /filtered/);
    assert.deepStrictEqual(await labels(a, repo), ['v1.0.0', 'v1.1.0', 'v1.2.0', 'v1.3.0', 'v1.4.0', 'v1.5.0', 'v1.6.0', 'v1.7.0', 'v1.8.0', 'v1.9.0']);
    await vscode.commands.executeCommand('gitlabRegistry.clearTagFilter', repo);
    assert.strictEqual((await children(a, repo)).length, 30);
  } finally {
    delete (a.ui as unknown as Record<string, unknown>).inputText;
    await vscode.commands.executeCommand('gitlabRegistry.sortTagsNewestFirst');
  }
});

test('paging: a "Load more…" node instead of everything at once', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const config = vscode.workspace.getConfiguration('gitlabRegistry');
  await config.update('pageSize', 2, vscode.ConfigurationTarget.Global);
  try {
    a.model.refresh();
    const account = await path(a, doubleHost());
    const first = await labels(a, account);
    assert.ok(first.includes('Load more…'), `${first}`);
    // Two groups, then "Load more…" for groups and for member projects (those of the first page lie in groups).
    assert.deepStrictEqual(first.slice(0, 3), ['acme', 'globex', 'Load more…']);
    await vscode.commands.executeCommand('gitlabRegistry.loadMore', (await children(a, account))[2]);
    assert.deepStrictEqual((await labels(a, account)).slice(0, 3), ['acme', 'globex', 'oss']);
    // A group's projects page too: acme has docs and website (2 per page) after its subgroup.
    const acme = await path(a, doubleHost(), 'acme');
    assert.deepStrictEqual(await labels(a, acme), ['platform', 'docs', 'website']);
    const project = await path(a, doubleHost(), 'acme/platform/My.Project');
    const repos = await children(a, project);
    assert.deepStrictEqual(repos.map((n) => label(a, n)), ['Cleanup policy', 'Protection', '(root image)', 'api', 'Load more…']);
    await vscode.commands.executeCommand('gitlabRegistry.loadMore', repos[4]);
    assert.deepStrictEqual(await labels(a, project), ['Cleanup policy', 'Protection', '(root image)', 'api', 'tools/cli']);
    const repo = (await children(a, project))[2];
    const tags = await children(a, repo);
    assert.strictEqual(tags.length, 3);
    assert.strictEqual(label(a, tags[2]), 'Load 2 more (2 of 8)');
    await vscode.commands.executeCommand('gitlabRegistry.loadMore', tags[2]);
    const more = await children(a, repo);
    assert.strictEqual(more.length, 5);
    // The loaded page lands below the rows the user was reading.
    assert.deepStrictEqual(more.slice(0, 2), tags.slice(0, 2));
    assert.strictEqual(label(a, more[4]), 'Load 2 more (4 of 8)');
  } finally {
    await config.update('pageSize', undefined, vscode.ConfigurationTarget.Global);
  }
});

test('"Load more…" limits are forgotten when the account is removed, and on Refresh of the account', async () => {
  const a = await fresh();
  const config = vscode.workspace.getConfiguration('gitlabRegistry');
  await config.update('pageSize', 2, vscode.ConfigurationTarget.Global);
  // The root repository of acme/platform/My.Project has 8 tags: 2 shown, then "Load more…" shows 2 more.
  const tagRows = async () => {
    const repo = await path(a, doubleHost(), 'acme/platform/My.Project', '(root image)');
    const kids = await children(a, repo);
    return { kids, tags: kids.filter((k) => k.kind === 'tag').length, more: kids.find((k) => k.kind === 'loadMore') };
  };
  const loadMoreOnce = async () => {
    const { tags, more } = await tagRows();
    assert.strictEqual(tags, 2, 'first page');
    assert.ok(more, '"Load more…" after the first page');
    await vscode.commands.executeCommand('gitlabRegistry.loadMore', more);
    assert.strictEqual((await tagRows()).tags, 4, 'after "Load more…"');
  };
  try {
    await addAccount(a, 'owner');
    a.model.refresh();
    await loadMoreOnce();
    // Remove the account (the command) and add it again (same account id): the first page only.
    answerConfirm(a, true);
    try {
      assert.strictEqual(await vscode.commands.executeCommand('gitlabRegistry.removeAccount', (await children(a))[0]), true);
    } finally {
      restoreUi(a);
    }
    assert.deepStrictEqual(await children(a), []);
    await addAccount(a, 'owner');
    await loadMoreOnce();
    // Refresh of the account node: the first page again.
    await vscode.commands.executeCommand('gitlabRegistry.refresh', (await children(a))[0]);
    await loadMoreOnce();
    // Refresh of everything (title bar): the first page again.
    await vscode.commands.executeCommand('gitlabRegistry.refresh');
    await loadMoreOnce();
  } finally {
    await config.update('pageSize', undefined, vscode.ConfigurationTarget.Global);
  }
});

test('a 500 while listing becomes an error node with Show Logs, and Refresh recovers', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  await harness.control('POST', '/__double/faults', { path: '^/api/v4/groups/1/(subgroups|projects)$', status: 500, times: 50 });
  const acme = await path(a, doubleHost(), 'acme');
  const kids = await children(a, acme);
  assert.strictEqual(kids.length, 1);
  assert.strictEqual(kids[0].kind, 'error');
  assert.match(contextValue(a, kids[0]), /(^|;)error(;|$)/);
  assert.strictEqual(a.provider.getTreeItem(kids[0]).command?.command, 'gitlabRegistry.showLogs');
  await harness.control('DELETE', '/__double/faults');
  await vscode.commands.executeCommand('gitlabRegistry.refresh', acme);
  assert.ok((await labels(a, acme)).includes('website'));
});

test('tag commands: Copy Pull Command, Copy Reference by Digest, Pull Image (docker as the program, the reference one argument)', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await path(a, doubleHost(), 'acme/platform/My.Project', 'api');
  const latest = (await children(a, repo)).find((n) => label(a, n) === 'latest')!;
  const statuses: string[] = [];
  const terminals: { name: string; program: string; args: string[] }[] = [];
  a.ui.status = (m) => { statuses.push(m); };
  a.ui.runInTerminal = (name, program, args) => { terminals.push({ name, program, args }); };
  const logged: string[] = [];
  const originalInfo = a.log.info.bind(a.log);
  a.log.info = (m: string) => { logged.push(m); originalInfo(m); };
  try {
    const pull = await vscode.commands.executeCommand<string>('gitlabRegistry.copyPullCommand', latest);
    assert.strictEqual(pull, 'docker pull registry.example.test:5050/acme/platform/my.project/api:latest');
    assert.strictEqual(await vscode.env.clipboard.readText(), pull);
    const byDigest = await vscode.commands.executeCommand<string>('gitlabRegistry.copyReferenceByDigest', latest);
    assert.match(byDigest, /^registry\.example\.test:5050\/acme\/platform\/my\.project\/api@sha256:[0-9a-f]{64}$/);
    assert.strictEqual(await vscode.env.clipboard.readText(), byDigest);
    await vscode.commands.executeCommand('gitlabRegistry.pullImage', latest);
  } finally {
    restoreUi(a);
    delete (a.log as unknown as Record<string, unknown>).info;
  }
  // Each user action is in the log, with the node it acted on.
  assert.ok(logged.includes(`gitlabRegistry.copyPullCommand on ${latest.id}`), logged.join('\n'));
  assert.ok(logged.includes(`gitlabRegistry.pullImage on ${latest.id}`), logged.join('\n'));
  assert.deepStrictEqual(statuses.map((s) => s.replace(/sha256:[0-9a-f]{64}/, 'sha256:…')), [
    'Copied docker pull registry.example.test:5050/acme/platform/my.project/api:latest',
    'Copied registry.example.test:5050/acme/platform/my.project/api@sha256:…',
  ]);
  assert.deepStrictEqual(terminals, [{ name: 'docker pull latest', program: 'docker', args: ['pull', 'registry.example.test:5050/acme/platform/my.project/api:latest'] }]);
});

// Reliability and token hygiene of the extension, against the GitLab double's faults: mass deletion under
// random faults, cancelling a deletion, listing under faults, the repository-deletion poller, where a token
// may (not) end up, plain http:// to another host, and accounts removed in another window.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import type { TagDeletionOutcome } from '../../../src/extension/commands/deleteTag';
import type { RepositoryDeletionPoller } from '../../../src/extension/deletion/repositoryDeletionPoller';
import type { AccountStore } from '../../../src/extension/accounts/accountStore';
import type { TagNode } from '../../../src/extension/tree/nodes';
import {
  addAccount, answerConfirm, api, captureMessages, children, description, doubleHost, doubleRepo, doubleTagNames, fresh, label, labels,
  path as treePath, removeAllAccounts, requests, restoreUi, type GitLabRegistryApi, type TreeNode,
} from './extension-helpers';

type Api = GitLabRegistryApi;
interface LogEntry { method: string; path: string; query: string; status: number; start: number; end: number; fault?: string }

const TOKENS_KEY = 'gitlabRegistry.tokens';

const log = async (): Promise<LogEntry[]> => (await requests()) as unknown as LogEntry[];
const tagName = (location: string): string => location.slice(location.lastIndexOf(':') + 1);
const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

/** Every line given to the extension's Log (debug included: the HTTP lines) while active. */
function captureLog(a: Api): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const target = a.log as unknown as Record<string, (m: string) => void>;
  for (const level of ['debug', 'info', 'warn', 'error']) {
    const original = target[level].bind(a.log);
    target[level] = (m: string) => {
      lines.push(`${level}: ${m}`);
      original(m);
    };
  }
  return { lines, restore: () => { for (const level of ['debug', 'info', 'warn', 'error']) delete target[level]; } };
}

/** The code-server logs directory of this extension host (found through its open file descriptors). */
function logsDir(): string | undefined {
  try {
    for (const fd of fs.readdirSync('/proc/self/fd')) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^(.*\/logs\/\d{8}T\d{6})\//.exec(target);
      if (m) return m[1];
    }
  } catch {
    // not Linux
  }
  return undefined;
}

function walkFiles(dir: string, out: string[] = []): string[] {
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkFiles(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function addTagNodesOf(a: Api, repo: TreeNode, wanted: number): Promise<TagNode[]> {
  for (let i = 0; i < 20; i++) {
    const kids = await children(a, repo);
    const tags = kids.filter((k): k is TagNode => k.kind === 'tag');
    const more = kids.find((k) => k.kind === 'loadMore');
    if (tags.length >= wanted || !more || more.kind !== 'loadMore') return tags;
    await a.model.loadMore(more);
    // Newest first sorted by the registry: the next rows arrive when their pages are read.
    await harness.waitFor(async () => (await children(a, repo)).filter((k) => k.kind === 'tag').length > tags.length,
      { timeoutMs: 30_000, message: 'the next rows' });
  }
  throw new Error('could not list enough tags');
}

/**
 * The large scenario's org-01/service-001/big (repository 1, project 1, 2,500 tags) in the tree, for @mary
 * (Maintainer): "Load more" limits are kept per account and repository id, and other suites page @alice's
 * repository 1 of the small scenario.
 */
async function bigRepository(a: Api): Promise<TreeNode> {
  await addAccount(a, 'maintainer');
  const project = await treePath(a, doubleHost(), 'org-01/service-001');
  const repos = await children(a, project);
  const big = repos.find((r) => label(a, r) === 'big');
  assert.ok(big, `big repository among ${repos.map((r) => label(a, r)).join(', ')}`);
  return big;
}

/** Runs Delete Tag on `nodes` with both confirmations answered yes. */
async function deleteNodes(a: Api, nodes: TagNode[]): Promise<TagDeletionOutcome | undefined> {
  answerConfirm(a, true);
  a.ui.inputText = async (o) => /Type (\d+) to confirm/.exec(o.prompt ?? '')?.[1]; // the number the prompt asks for
  return vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', nodes[0], nodes);
}

async function withLargeDouble(fn: (a: Api) => Promise<void>, extra: Record<string, unknown> = {}): Promise<void> {
  const a = await api();
  restoreUi(a);
  await removeAllAccounts(a);
  await harness.restartDouble({ scenario: 'large', ...extra });
  try {
    await fn(a);
  } finally {
    restoreUi(a);
    await removeAllAccounts(a);
    await harness.restartDouble({});
  }
}

// --- 0. newest first on a repository too large to date every tag ----------------------------------------

test('2,500 tags newest first: the registry sorts (metadata database), the first rows are the newest of all; a legacy registry says "by name"', async () => {
  await withLargeDouble(async (a) => {
    const repo = await bigRepository(a);
    const tags = (await children(a, repo)).filter((k): k is TagNode => k.kind === 'tag');
    const all = ((await harness.control('GET', '/__double/repositories/1')) as { tags: Array<{ name: string; created_at: string | null }> }).tags;
    // Newest first as the registry orders (ORDER BY published_at DESC, name DESC in PostgreSQL, where NULLs
    // come first in a descending sort): the 25 undated tags, then the dated ones newest first.
    const desc = (x: string, y: string) => (x < y ? 1 : x > y ? -1 : 0);
    const undated = all.filter((t) => t.created_at === null).map((t) => t.name).sort(desc);
    const dated = all.filter((t) => t.created_at !== null)
      .sort((x, y) => Date.parse(y.created_at!) - Date.parse(x.created_at!) || desc(x.name, y.name))
      .map((t) => t.name);
    const expected = [...undated, ...dated];
    assert.strictEqual(undated.length, 25);
    assert.deepStrictEqual(tags.map((t) => t.tag.name), expected.slice(0, 100));
    assert.strictEqual(description(a, repo), '2,500 tags');
    const more = (await children(a, repo)).find((k) => k.kind === 'loadMore')!;
    assert.strictEqual(label(a, more), 'Load 100 more (100 of 2,500)');
    const next = await addTagNodesOf(a, repo, 200);
    assert.deepStrictEqual(next.map((t) => t.tag.name), expected.slice(0, 200), 'the next page lands below, in order');
  });
  await withLargeDouble(async (a) => {
    const repo = await bigRepository(a);
    const tags = (await children(a, repo)).filter((k): k is TagNode => k.kind === 'tag');
    assert.strictEqual(description(a, repo), '2,500 tags · by name: too many tags to sort by date');
    const names = tags.map((t) => t.tag.name);
    assert.deepStrictEqual(names, [...names].sort());
  }, { legacyRegistry: true });
});

// --- 1. mass deletion under random faults ----------------------------------------------------------------

test('600 selected tags deleted while ~10% of requests fail: exactly those go, same-digest aliases stay, the report is true', async () => {
  await withLargeDouble(async (a) => {
    const repo = await bigRepository(a);
    const nodes = (await addTagNodesOf(a, repo, 700)).filter((n) => n.tag.name !== 'latest').slice(0, 600);
    assert.strictEqual(nodes.length, 600);
    // 2,500 tags are too many to date before the first row: the registry (metadata database) sorts them.
    assert.strictEqual(description(a, repo), '2,500 tags');
    const selected = new Set(nodes.map((n) => n.tag.name));
    // Unselected tags that share the image (digest) of a selected one: deleting by name must keep them.
    const aliases = nodes.filter((_, i) => i % 20 === 0).map((n) => ({ name: `alias-${n.tag.name}`, sameImageAs: n.tag.name }));
    await harness.control('POST', '/__double/repositories/1/tags', aliases);
    const before = await doubleTagNames(1);
    await harness.control('POST', '/__double/reset-log');
    await putRandomFaults({ rate: 0.1, seed: 7, kinds: ['500', '502', '503', 'reset', 'resetAfterProcessing', 'timeout', '429burst'], hangMs: 300, retryAfterSeconds: 1 });
    const shown = captureMessages(a);
    let outcome: TagDeletionOutcome | undefined;
    try {
      outcome = await deleteNodes(a, nodes);
    } finally {
      shown.restore();
      await harness.control('DELETE', '/__double/random-faults');
    }
    const entries = await log();
    const faulted = entries.filter((e) => e.fault?.startsWith('random:'));
    assert.ok(faulted.length >= 5, `random faults were applied (${faulted.length} of ${entries.length} requests)`);
    assert.ok(outcome, 'the command returned a report (no crash)');
    const reported = [...outcome.deleted, ...outcome.failed.map((f) => f.location), ...outcome.notAttempted].map(tagName);
    assert.deepStrictEqual(sorted(reported), sorted(selected), 'every selected tag reported exactly once');
    assert.deepStrictEqual(outcome.failed, [], 'every selected tag deleted despite the faults (retries)');
    assert.deepStrictEqual(outcome.notAttempted, []);

    const after = new Set(await doubleTagNames(1));
    const gone = before.filter((n) => !after.has(n));
    assert.deepStrictEqual(sorted(gone), sorted(outcome.deleted.map(tagName)), 'the report says exactly what the double deleted');
    assert.deepStrictEqual(sorted(gone), sorted(selected), 'exactly the selected tags are gone');
    for (const alias of aliases) assert.ok(after.has(alias.name), `${alias.name} (same digest as ${alias.sameImageAs}) kept`);
    assert.ok(after.has('latest'));
    assert.strictEqual(after.size, before.length - 600);
    // The user was told: one summary, no error.
    assert.ok(shown.messages.some((m) => m.level === 'info' && /Deleted 600 tags/.test(m.text)), JSON.stringify(shown.messages));
    assert.ok(!shown.messages.some((m) => m.level === 'error'), JSON.stringify(shown.messages));
    // The tree no longer lists them.
    const left = (await children(a, repo)).filter((n) => n.kind === 'tag').map((n) => label(a, n));
    assert.ok(!left.some((n) => selected.has(n)), 'deleted tags gone from the tree');
  });
}, { timeout: 120_000 });

async function putRandomFaults(config: unknown): Promise<void> {
  // harness.control() has no PUT: call the control API directly.
  const res = await fetch(`${harness.doubleUrl()}/__double/random-faults`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(config),
  });
  if (!res.ok) throw new Error(`PUT random-faults → ${res.status} ${await res.text()}`);
}

// --- 2. cancelling a long deletion ---------------------------------------------------------------------------

test('Cancel during a long deletion: no new deletion request after it, the report says what was and was not deleted', async () => {
  await withLargeDouble(async (a) => {
    const repo = await bigRepository(a);
    const nodes = (await addTagNodesOf(a, repo, 700)).filter((n) => n.tag.name !== 'latest').slice(0, 600);
    const before = await doubleTagNames(1);
    // Slow deletions (GraphQL mutations and REST DELETEs) so that the deletion is long.
    await harness.control('POST', '/__double/faults', { method: 'POST', path: '^/api/graphql$', delayMs: 400, times: 100_000 });
    await harness.control('POST', '/__double/faults', { method: 'DELETE', path: '/tags/', delayMs: 400, times: 100_000 });
    await harness.control('POST', '/__double/reset-log');
    let cancelledAt = 0;
    let deletingFrom = 0;
    const reports: unknown[] = [];
    a.ui.withProgress = (options, task) => {
      // The re-check's reads (GraphQL queries are POSTs too) come first, under their own progress.
      if (options.title === 'Deleting tags' && deletingFrom === 0) deletingFrom = Date.now();
      const source = new vscode.CancellationTokenSource();
      const progress = {
        report: (value: { message?: string; increment?: number }) => {
          reports.push(value);
          if (cancelledAt === 0) {
            cancelledAt = Date.now();
            source.cancel(); // the notification's Cancel button, pressed after the first progress step
          }
        },
      };
      return task(progress, source.token);
    };
    const shown = captureMessages(a);
    let outcome: TagDeletionOutcome | undefined;
    try {
      outcome = await deleteNodes(a, nodes);
    } finally {
      shown.restore();
      await harness.control('DELETE', '/__double/faults');
    }
    assert.ok(cancelledAt > 0, 'progress was reported, so Cancel was pressed');
    assert.ok(outcome);
    const entries = await log();
    assert.ok(deletingFrom > 0, 'the deletion ran under its own progress');
    const writes = entries.filter((e) => e.method !== 'GET' && e.start >= deletingFrom);
    const late = writes.filter((e) => e.start > cancelledAt + 100);
    assert.deepStrictEqual(late, [], `no deletion request started after Cancel (cancelled at ${cancelledAt})`);
    const inFlightAtCancel = writes.filter((e) => e.start <= cancelledAt + 100).length;
    assert.ok(inFlightAtCancel <= 8, `at most the concurrency (8) in flight: ${inFlightAtCancel}`);

    assert.ok(outcome.notAttempted.length > 0, 'some tags were not attempted');
    assert.ok(outcome.deleted.length > 0, 'the requests in flight finished');
    const reported = [...outcome.deleted, ...outcome.failed.map((f) => f.location), ...outcome.notAttempted].map(tagName);
    assert.deepStrictEqual(sorted(reported), sorted(nodes.map((n) => n.tag.name)));
    const after = new Set(await doubleTagNames(1));
    const gone = before.filter((n) => !after.has(n));
    assert.deepStrictEqual(sorted(gone), sorted(outcome.deleted.map(tagName)), 'report.deleted = what the double deleted');
    for (const l of outcome.notAttempted) assert.ok(after.has(tagName(l)), `${l} not attempted and still there`);
    const summary = shown.messages.find((m) => m.level === 'error');
    assert.ok(summary, JSON.stringify(shown.messages));
    assert.match(summary.text, new RegExp(`Deleted ${outcome.deleted.length} of 600 tags`));
    assert.match(summary.text, new RegExp(`${outcome.notAttempted.length} not attempted \\(cancelled\\)`));
  });
}, { timeout: 90_000 });

// KNOWN DEFECT (src/core/graphql/fastPathApi.ts, outside the extension): GraphQL mutations that failed in
// transit are handed to rest.deleteTags(...) WITHOUT the caller's signal, after mapLimit stopped on Cancel. With
// 3 of the 8 mutations in flight answering 500, Cancel was followed by a tag listing and 60 REST DELETEs
// (+1.6 s). Enable once that hand-over gets opts.signal (or only re-checks existence after a cancel).
test('Cancel while mutations in flight fail (500): still no deletion request after Cancel', async () => {
  await withLargeDouble(async (a) => {
    const repo = await bigRepository(a);
    const nodes = (await addTagNodesOf(a, repo, 300)).filter((n) => n.tag.name !== 'latest').slice(0, 280);
    await harness.control('POST', '/__double/faults', { method: 'POST', path: '^/api/graphql$', delayMs: 400, status: 500, times: 3 });
    await harness.control('POST', '/__double/faults', { method: 'POST', path: '^/api/graphql$', delayMs: 400, times: 100_000 });
    await harness.control('POST', '/__double/reset-log');
    let cancelledAt = 0;
    a.ui.withProgress = (_options, task) => {
      const source = new vscode.CancellationTokenSource();
      return task({ report: () => { if (cancelledAt === 0) { cancelledAt = Date.now(); source.cancel(); } } }, source.token);
    };
    const shown = captureMessages(a);
    let outcome: TagDeletionOutcome | undefined;
    try {
      outcome = await deleteNodes(a, nodes);
    } finally {
      shown.restore();
      await harness.control('DELETE', '/__double/faults');
    }
    assert.ok(outcome && cancelledAt > 0);
    const late = (await log()).filter((e) => e.method !== 'GET' && e.start > cancelledAt + 100);
    assert.deepStrictEqual(late.map((e) => `${e.method} ${e.path} +${e.start - cancelledAt}ms`), [], 'no deletion request after Cancel');
  });
}, { timeout: 60_000 });

// --- 3. listing under faults ---------------------------------------------------------------------------------

test('listing retries a transient 503 (REST and GraphQL) and the children arrive', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  await harness.control('POST', '/__double/reset-log');
  await harness.control('POST', '/__double/faults', { method: 'GET', path: '^/api/v4/groups$', status: 503, times: 1 });
  await harness.control('POST', '/__double/faults', { method: 'POST', path: '^/api/graphql$', status: 503, times: 1 });
  await harness.control('POST', '/__double/faults', { method: 'GET', path: '^/api/v4/projects/3/registry/repositories/5/tags$', status: 503, times: 1 });
  const root = (await children(a))[0];
  assert.ok((await labels(a, root)).includes('acme'));
  const website = await treePath(a, doubleHost(), 'acme/website');
  assert.deepStrictEqual(await labels(a, website), ['Cleanup policy', '(root image)', 'cache']);
  const repo = await treePath(a, doubleHost(), 'acme/website', '(root image)');
  assert.deepStrictEqual(sorted(await labels(a, repo)), ['latest', 'prod', 'staging', 'v2024.01']);
  const entries = await log();
  for (const p of ['/api/v4/groups', '/api/graphql', '/api/v4/projects/3/registry/repositories/5/tags']) {
    const hits = entries.filter((e) => e.path === p);
    assert.ok(hits.some((e) => e.status === 503) && hits.some((e) => e.status === 200), `${p}: 503 then retried: ${JSON.stringify(hits.map((h) => h.status))}`);
  }
}, { timeout: 30_000 });

test('listing that keeps failing (10× 500) shows an error node, no exception; after the faults clear, Refresh lists', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  const repo = await treePath(a, doubleHost(), 'acme/website', '(root image)');
  await harness.control('POST', '/__double/faults', { method: 'GET', path: '^/api/v4/projects/3/registry/repositories/5/tags$', status: 500, times: 10 });
  const kids = await children(a, repo); // must not throw
  assert.strictEqual(kids.length, 1, JSON.stringify(kids.map((k) => k.kind)));
  assert.strictEqual(kids[0].kind, 'error');
  const item = a.provider.getTreeItem(kids[0]);
  const text = `${typeof item.label === 'string' ? item.label : item.label?.label ?? ''} ${typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value ?? ''}`;
  assert.match(text, /500|Internal Server Error/, text);
  assert.doesNotMatch(text, /\bat \S+ \(|Error: /, 'no stack trace in the node');
  // The rest of the tree still works meanwhile.
  assert.ok((await labels(a, await treePath(a, doubleHost(), 'acme/platform/My.Project', 'api'))).includes('latest'));
  await harness.control('DELETE', '/__double/faults');
  await vscode.commands.executeCommand('gitlabRegistry.refresh', repo);
  await harness.waitFor(async () => sorted(await labels(a, repo)).join(',') === 'latest,prod,staging,v2024.01', { timeoutMs: 10_000, message: 'tags after refresh' });
}, { timeout: 45_000 });

test('removing an account while tag details are still queued does not stall the details of later accounts', async () => {
  const a = await fresh();
  await addAccount(a, 'owner');
  // Slow details: most of the 30 tags of tools/builder are still queued when the account goes.
  await harness.control('POST', '/__double/faults', { method: 'GET', path: '^/api/v4/projects/2/registry/repositories/4/tags/', delayMs: 300, times: 1000 });
  const builder = await treePath(a, doubleHost(), 'acme/platform/tools/builder', '(root image)');
  assert.ok((await children(a, builder)).length >= 30);
  await harness.sleep(100);
  await removeAllAccounts(a); // the queued jobs now belong to a removed account
  await harness.sleep(1000);
  await harness.control('DELETE', '/__double/faults');
  await addAccount(a, 'owner');
  const repo = await treePath(a, doubleHost(), 'acme/website', '(root image)');
  await harness.waitFor(async () => (await children(a, repo)).every((n) => description(a, n) !== ''), { timeoutMs: 8000, message: 'details of the new account\'s tags' });
}, { timeout: 30_000 });

// --- 4. repository-deletion poller ---------------------------------------------------------------------------

function newPoller(a: Api, changes: string[]): RepositoryDeletionPoller {
  const Poller = a.poller.constructor as new (...args: unknown[]) => RepositoryDeletionPoller;
  const p = new Poller((id: string) => a.clients.api(id), (_acc: string, repo: number, status: string) => changes.push(`${repo}:${status}`), a.log);
  p.options = { initialDelayMs: 100, maxDelayMs: 200, maxAttempts: 500 };
  return p;
}

test('the deletion poller survives errors on its GET (5xx, resets, 403) and reports the repository gone', async () => {
  const a = await api();
  restoreUi(a);
  await removeAllAccounts(a);
  await harness.restartDouble({ repositoryDeletionStepMs: 0 });
  const changes: string[] = [];
  let poller: RepositoryDeletionPoller | undefined;
  const logged = captureLog(a);
  try {
    const { account } = await addAccount(a, 'owner');
    assert.ok(account);
    await a.clients.api(account.id).deleteRepository(3, 5);
    const route = '^/api/v4/registry/repositories/5$';
    await harness.control('POST', '/__double/faults', { method: 'GET', path: route, status: 500, times: 3 });
    await harness.control('POST', '/__double/faults', { method: 'GET', path: route, reset: true, times: 1 });
    await harness.control('POST', '/__double/faults', { method: 'GET', path: route, status: 403, times: 2 });
    await harness.control('POST', '/__double/faults', { method: 'GET', path: route, status: 502, times: 1 });
    await harness.control('POST', '/__double/reset-log');
    poller = newPoller(a, changes);
    poller.watch(account.id, 5);
    await harness.waitFor(() => changes.includes('5:delete_scheduled'), { timeoutMs: 20_000, message: 'status seen after the errors' });
    assert.ok(logged.lines.some((l) => /Checking repository 5: .*403/.test(l)), 'the failed checks were logged');
    for (let i = 0; i < 10 && (await doubleRepo(5)); i++) await harness.control('POST', '/__double/advance-deletions');
    await harness.waitFor(() => changes.includes('5:gone'), { timeoutMs: 10_000, message: 'gone reported' });
    assert.strictEqual(poller.isWatching(account.id, 5), false);
    const statuses = (await log()).filter((e) => e.path === '/api/v4/registry/repositories/5').map((e) => e.status);
    assert.ok(statuses.includes(500) && statuses.includes(0) && statuses.includes(403) && statuses.includes(502), JSON.stringify(statuses));
  } finally {
    poller?.dispose();
    logged.restore();
    await removeAllAccounts(a);
    await harness.restartDouble({});
  }
}, { timeout: 45_000 });

/** Owner account on a double whose repository deletions only advance on request; repositories 6 and 7 scheduled. */
async function scheduledDeletions(a: Api): Promise<{ accountId: string; count: (id: number, after?: number) => Promise<number> }> {
  restoreUi(a);
  await removeAllAccounts(a);
  await harness.restartDouble({ repositoryDeletionStepMs: 0 });
  const { account } = await addAccount(a, 'owner');
  assert.ok(account);
  const gitlab = a.clients.api(account.id);
  await gitlab.deleteRepository(3, 6);
  await gitlab.deleteRepository(4, 7);
  await harness.control('POST', '/__double/reset-log');
  const count = async (id: number, after = 0) => (await log()).filter((e) => e.path === `/api/v4/registry/repositories/${id}` && e.start > after).length;
  return { accountId: account.id, count };
}

test('a disposed poller sends no further check', async () => {
  const a = await api();
  const pollers: RepositoryDeletionPoller[] = [];
  try {
    const { accountId, count } = await scheduledDeletions(a);
    const quiet = newPoller(a, []);
    pollers.push(quiet);
    quiet.watch(accountId, 6);
    quiet.watch(accountId, 7);
    await harness.waitFor(async () => (await count(6)) >= 3 && (await count(7)) >= 3, { timeoutMs: 10_000, message: 'three checks each' });
    quiet.dispose();
    const disposedAt = Date.now();
    await harness.sleep(1500);
    assert.strictEqual((await count(6, disposedAt + 50)) + (await count(7, disposedAt + 50)), 0, 'no check after dispose');
    assert.strictEqual(quiet.isWatching(accountId, 6), false);
  } finally {
    for (const p of pollers) p.dispose();
    await removeAllAccounts(a);
    await harness.restartDouble({});
  }
}, { timeout: 30_000 });

// KNOWN DEFECT (src/core, outside the extension): RegistryApi.getRepository takes no AbortSignal, so the poller
// cannot stop the client's retries of a check that is in flight when it is disposed: with GitLab answering 500,
// four more GETs went out 0.3–6.4 s after dispose(). Enable once getRepository accepts `signal` and the poller
// passes one that dispose() aborts.
test('a disposed poller sends nothing more even while GitLab keeps failing (client retries of the check in flight)', async () => {
  const a = await api();
  const pollers: RepositoryDeletionPoller[] = [];
  try {
    const { accountId } = await scheduledDeletions(a);
    await harness.control('POST', '/__double/faults', { method: 'GET', path: '^/api/v4/registry/repositories/7$', status: 500, times: 50 });
    const failing = newPoller(a, []);
    pollers.push(failing);
    failing.watch(accountId, 7);
    await harness.waitFor(async () => (await log()).some((e) => e.path === '/api/v4/registry/repositories/7'), { timeoutMs: 10_000, message: 'first check' });
    failing.dispose();
    const disposedAt = Date.now();
    await harness.sleep(8000);
    const late = (await log()).filter((e) => e.path === '/api/v4/registry/repositories/7' && e.start > disposedAt + 50);
    assert.deepStrictEqual(late.map((e) => `${e.method} ${e.status} +${e.start - disposedAt}ms`), [], 'no retry after dispose');
  } finally {
    for (const p of pollers) p.dispose();
    await harness.control('DELETE', '/__double/faults').catch(() => undefined);
    await removeAllAccounts(a);
    await harness.restartDouble({});
  }
}, { timeout: 45_000 });

// --- 5. token hygiene ------------------------------------------------------------------------------------------

test('a distinctive token is only in SecretStorage: not in logs, messages, prompts, globalState, settings, clipboard or URLs', async () => {
  const a = await fresh();
  const canary = `glpat-CANARY${Date.now().toString(36)}x${Math.random().toString(36).slice(2, 10)}`;
  await harness.control('POST', '/__double/tokens', { value: canary, like: 'owner' });
  await harness.control('POST', '/__double/reset-log');
  const logged = captureLog(a);
  const shown = captureMessages(a);
  const asked: string[] = [];
  const haystack: { where: string; text: string }[] = [];
  try {
    const { account, problems } = await addAccount(a, canary);
    assert.deepStrictEqual(problems, []);
    assert.ok(account);
    haystack.push({ where: 'account metadata', text: JSON.stringify(account) });

    // Browse, with details.
    const repo = await treePath(a, doubleHost(), 'acme/website', '(root image)');
    await harness.waitFor(async () => (await children(a, repo)).every((n) => description(a, n) !== ''), { message: 'tag details' });
    const tags = await children(a, repo);
    const visited: TreeNode[] = [...(await children(a)), ...(await children(a, (await children(a))[0])), ...tags];
    for (const n of visited) haystack.push({ where: `tree item ${n.id}`, text: JSON.stringify(a.provider.getTreeItem(n)) });

    // Clipboard after Copy Image Reference and Copy Digest.
    const prod = tags.find((n) => label(a, n) === 'prod')!;
    await vscode.commands.executeCommand('gitlabRegistry.copyImageReference', prod);
    const reference = await vscode.env.clipboard.readText();
    assert.match(reference, /acme\/website:prod$/);
    haystack.push({ where: 'clipboard (image reference)', text: reference });
    await vscode.commands.executeCommand('gitlabRegistry.copyDigest', prod);
    const digest = await vscode.env.clipboard.readText();
    assert.match(digest, /^sha256:/);
    haystack.push({ where: 'clipboard (digest)', text: digest });

    // A failing delete whose error answers echo the token back (a misbehaving proxy): it must not spread.
    const echo = JSON.stringify({ message: `403 Forbidden - token ${canary} is not allowed here` });
    await harness.control('POST', '/__double/faults', { method: 'POST', path: '^/api/graphql$', status: 403, body: echo, times: 5 });
    await harness.control('POST', '/__double/faults', { method: 'DELETE', path: '/tags/', status: 403, body: echo, times: 5 });
    a.ui.confirm = async (message, detail) => {
      asked.push(`${message}\n${detail}`);
      return true;
    };
    const outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', prod);
    restoreUi(a, ['confirm']);
    await harness.control('DELETE', '/__double/faults');
    assert.strictEqual(outcome?.failed.length, 1, JSON.stringify(outcome));
    assert.match(outcome.failed[0].error, /403.*\[REDACTED\]/, 'the echoed token reached the client and was redacted');
    haystack.push({ where: 'delete report', text: JSON.stringify(outcome) });
    assert.ok((await doubleTagNames(5)).includes('prod'));

    // A listing error (echoing too) and a command error (Copy Digest of a tag whose details fail).
    await harness.control('POST', '/__double/faults', { method: 'GET', path: '^/api/v4/projects/1/registry/repositories/2/tags$', status: 403, body: echo, times: 5 });
    const apiRepo = await treePath(a, doubleHost(), 'acme/platform/My.Project', 'api');
    const errorKids = await children(a, apiRepo);
    assert.strictEqual(errorKids[0]?.kind, 'error');
    haystack.push({ where: 'error node', text: JSON.stringify(a.provider.getTreeItem(errorKids[0])) });
    await harness.control('DELETE', '/__double/faults');
    await harness.control('POST', '/__double/faults', { method: 'GET', path: '^/api/v4/projects/1/registry/repositories/3/tags/', status: 403, body: echo, times: 20 });
    const cli = await treePath(a, doubleHost(), 'acme/platform/My.Project', 'tools/cli');
    const cliTags = (await children(a, cli)).filter((n) => n.kind === 'tag');
    assert.ok(cliTags.length > 0);
    await vscode.commands.executeCommand('gitlabRegistry.copyDigest', cliTags[0]);
    await harness.control('DELETE', '/__double/faults');
    await harness.sleep(500);
    assert.ok(shown.messages.some((m) => m.level === 'error'), `errors were shown: ${JSON.stringify(shown.messages)}`);
  } finally {
    shown.restore();
    logged.restore();
    restoreUi(a);
    await harness.control('DELETE', '/__double/faults').catch(() => undefined);
  }

  const state = (a.store as unknown as { state: vscode.Memento }).state;
  const secrets = (a.store as unknown as { secrets: vscode.SecretStorage }).secrets;
  haystack.push({ where: 'log lines (incl. debug)', text: logged.lines.join('\n') });
  haystack.push({ where: 'messages shown', text: JSON.stringify(shown.messages) });
  haystack.push({ where: 'confirmations', text: asked.join('\n') });
  haystack.push({ where: 'globalState', text: JSON.stringify(state.keys().map((k) => [k, state.get(k)])) });
  haystack.push({ where: 'settings (gitlabRegistry)', text: JSON.stringify(vscode.workspace.getConfiguration('gitlabRegistry')) });
  haystack.push({ where: 'settings (all)', text: JSON.stringify(vscode.workspace.getConfiguration()) });
  haystack.push({ where: 'clipboard (now)', text: await vscode.env.clipboard.readText() });
  const entries = await log();
  haystack.push({ where: 'request URLs', text: entries.map((e) => `${e.method} ${e.path}?${e.query}`).join('\n') });
  assert.ok(!entries.some((e) => /private_token|access_token/i.test(e.query)), 'no token query parameter');
  assert.ok(entries.some((e) => e.path === '/api/v4/personal_access_tokens/self'), 'the token was used (header)');
  // Files: the output channel's log file and everything else under the logs and user-data directories.
  const logs = logsDir();
  assert.ok(logs, 'the code-server logs directory (found through /proc/self/fd of the extension host)');
  {
    await harness.sleep(1500); // let the log writers flush
    const files = walkFiles(path.dirname(path.dirname(logs))); // user-data dir (logs, User/settings.json, storage)
    const channelFile = files.find((f) => /GitLab Container Registry\.log$/.test(f));
    assert.ok(channelFile, `the output channel's log file under ${logs}`);
    assert.match(fs.readFileSync(channelFile, 'utf8'), /Saved account/, 'the channel file has this run\'s lines');
    for (const f of files) {
      let text: string;
      try {
        if (fs.statSync(f).size > 50 * 1024 * 1024) continue;
        text = fs.readFileSync(f).toString('latin1');
      } catch {
        continue;
      }
      haystack.push({ where: `file ${f}`, text });
    }
    assert.ok(files.some((f) => f.endsWith(path.join('User', 'settings.json'))), 'user settings.json scanned');
  }

  const leaks = haystack.filter((h) => h.text.includes(canary)).map((h) => h.where);
  assert.deepStrictEqual(leaks, [], 'the token appears nowhere but SecretStorage');
  // ...and it IS in SecretStorage.
  assert.ok((await secrets.get(TOKENS_KEY))?.includes(canary), 'the token is in SecretStorage');
  await removeAllAccounts(a);
}, { timeout: 60_000 });

// --- 6. plain http:// to another host --------------------------------------------------------------------------

test('http:// to a non-loopback host (0.0.0.0): Cancel in the modal sends nothing; Send Token Unencrypted reaches it', async () => {
  const a = await fresh();
  const canary = `glpat-HTTPCANARY${Math.random().toString(36).slice(2, 10)}`;
  await harness.control('POST', '/__double/tokens', { value: canary, like: 'owner' });
  const url = `http://0.0.0.0:${new URL(harness.doubleUrl()).port}`;
  await harness.control('POST', '/__double/reset-log');
  let asked = answerConfirm(a, false);
  let tokenAsked = false;
  a.ui.promptInstanceUrl = async () => url;
  a.ui.promptToken = async () => {
    tokenAsked = true;
    return canary;
  };
  try {
    assert.strictEqual(await vscode.commands.executeCommand('gitlabRegistry.addAccount'), undefined);
  } finally {
    restoreUi(a);
  }
  assert.strictEqual(asked.length, 1);
  assert.match(asked[0].message, /0\.0\.0\.0.*plain http/);
  assert.strictEqual(tokenAsked, false, 'the token box did not open');
  await harness.sleep(300);
  assert.deepStrictEqual(await log(), [], 'no request reached the double');
  assert.deepStrictEqual(a.store.list(), []);

  // Control: the same address does reach the double once the user agrees (so the silence above is meaningful).
  asked = answerConfirm(a, true);
  const { account } = await addAccount(a, canary, url); // sets the URL/token prompts; the confirm stub stays
  assert.ok(account, 'account added after the explicit yes');
  assert.strictEqual(account.allowHttp, true);
  assert.ok((await log()).some((e) => e.path === '/api/v4/personal_access_tokens/self'), 'request reached the double');
  restoreUi(a);
  await removeAllAccounts(a);
}, { timeout: 30_000 });

// --- 7. accounts removed in another window ----------------------------------------------------------------------

test('accounts removed in another window disappear here without a refresh (SecretStorage change events)', async () => {
  const a = await fresh();
  const owner = (await addAccount(a, 'owner')).account;
  const mary = (await addAccount(a, 'maintainer')).account;
  assert.ok(owner && mary);
  assert.deepStrictEqual(sorted((await children(a)).map((n) => description(a, n))), ['@alice', '@mary']);
  const secrets = (a.store as unknown as { secrets: vscode.SecretStorage }).secrets;
  const state = (a.store as unknown as { state: vscode.Memento }).state;
  let fired = 0;
  const sub = a.provider.onDidChangeTreeData(() => fired++);
  try {
    // Window B removes @mary: only the shared secret changes here (its globalState write may arrive later).
    const tokens = JSON.parse((await secrets.get(TOKENS_KEY)) ?? '{}') as Record<string, string>;
    delete tokens[mary.id];
    await secrets.store(TOKENS_KEY, JSON.stringify(tokens));
    await harness.waitFor(async () => fired > 0 && (await children(a)).length === 1, { timeoutMs: 5000, message: '@mary gone without refresh' });
    assert.deepStrictEqual((await children(a)).map((n) => description(a, n)), ['@alice']);
    assert.strictEqual(a.store.token(mary.id), undefined);

    // Window B's own AccountStore (same SecretStorage and globalState) runs Remove Account for @alice.
    const Store = a.store.constructor as new (...args: unknown[]) => AccountStore;
    const other = new Store(secrets, state, {}, a.log);
    await other.ready();
    fired = 0;
    await other.remove(owner.id);
    other.dispose();
    await harness.waitFor(async () => fired > 0 && (await children(a)).length === 0, { timeoutMs: 5000, message: '@alice gone without refresh' });
    assert.strictEqual(a.store.token(owner.id), undefined);
    assert.throws(() => a.clients.api(owner.id), /removed/);
  } finally {
    sub.dispose();
    await removeAllAccounts(a);
  }
}, { timeout: 30_000 });

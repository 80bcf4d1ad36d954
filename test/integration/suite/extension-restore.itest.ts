// Undo and Restore Deleted Tags… in the real extension host: a GitLab double whose repository locations
// point at a real registry (Distribution + skopeo, as in test/registry), so the manifests recorded before
// deleting are the registry's own bytes and the restore is a real PUT. The double deletes tags only in its
// model, so each test also removes the tag from the registry (as GitLab would) before restoring.
import * as assert from 'assert';
import * as vscode from 'vscode';
import * as path from 'path';
import { test, harness } from '../../harness/inhost';
import { startGitLabDouble } from '../../double/gitlabDouble';
import type { GitLabDouble } from '../../double/contract';
import type { TagDeletionOutcome } from '../../../src/extension/commands/deleteTag';
import type { RestoreReport } from '../../../src/core/restore';
import { RegistryClient, removeImage } from '../../../src/core/registry';
import { buildOciImage, pushLayout, startRegistry, type BuiltImage, type RegistryHarness } from '../../registry/harness';
import { addAccount, answerConfirm, children, fresh, label, restoreUi, type GitLabRegistryApi, type TreeNode } from './extension-helpers';

const REPO = 'acme/website/app';

interface Setup {
  a: GitLabRegistryApi;
  h: RegistryHarness;
  d: GitLabDouble;
  app: BuiltImage;
  tag: (name: string) => Promise<TreeNode>;
  digestOf: (tag: string) => Promise<string | undefined>;
  removeFromRegistry: (tag: string) => Promise<void>;
  close: () => Promise<void>;
}

async function setup(): Promise<Setup> {
  const a = await fresh();
  const token = harness.tokens().owner;
  // alice pushes the test images; oauth2 is the user name the extension sends with the account's token (GitLab takes any).
  const user = { password: token, actions: ['pull', 'push', 'delete'] };
  const h = await startRegistry({ users: { alice: user, oauth2: user } });
  const d = await startGitLabDouble({ scenario: 'small', registryHost: h.host });
  const projectId = d.repositoryByPath('acme/website')!.project_id;
  d.addRepository(projectId, 'app', [{ name: 'v1' }, { name: 'v2', sameImageAs: 'v1' }, { name: 'v3', sameImageAs: 'v1' }]);
  const dir = path.join(h.dir, 'layouts', 'app');
  const app = buildOciImage(dir, 'src', 'app');
  for (const t of ['v1', 'v2', 'v3']) await pushLayout(h, dir, 'src', REPO, t, `alice:${token}`);
  await addAccount(a, token, d.url);
  const client = new RegistryClient({ registry: h.host, hostname: '127.0.0.1', repository: REPO, username: 'alice', password: token, actions: ['pull'] });
  const find = async (node: TreeNode | undefined, text: string): Promise<TreeNode> => {
    const kids = await children(a, node);
    const hit = kids.find((k) => label(a, k) === text) ?? kids.find((k) => label(a, k).includes(text));
    assert.ok(hit, `"${text}" not among [${kids.map((k) => label(a, k)).join(', ')}]`);
    return hit;
  };
  return {
    a, h, d, app,
    tag: async (name) => find(await find(await find(await find(await find(undefined, new URL(d.url).host), 'acme'), 'website'), 'app'), name),
    digestOf: async (tag) => (await client.headManifest(tag))?.digest,
    removeFromRegistry: async (tag) => {
      await removeImage({ reference: `${h.host}/${REPO}:${tag}`, digestMode: false, username: 'alice', password: token });
    },
    close: async () => {
      restoreUi(a);
      await d.close();
      await h.close();
    },
  };
}

test('Delete Tag → Undo: the modal says it is restorable until GC; Undo puts the tag back at its digest', async () => {
  const s = await setup();
  try {
    const v1 = await s.tag('v1');
    const asked = answerConfirm(s.a, true);
    let registryDeleted!: () => void;
    const removed = new Promise<void>((r) => (registryDeleted = r));
    const shown: { message: string; buttons: string[] }[] = [];
    s.a.ui.notify = async (_level, message, buttons) => {
      shown.push({ message, buttons });
      if (!buttons.includes('Undo')) return undefined;
      await removed; // the user clicks Undo once GitLab has removed the tag from the registry
      return 'Undo';
    };
    const outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', v1);
    assert.strictEqual(asked.length, 1, JSON.stringify(asked));
    assert.match(asked[0].detail, /Deleting is permanent once garbage collection runs; until then you can restore it with Undo or Restore Deleted Tags…/);
    assert.deepStrictEqual(outcome?.deleted, [`${s.h.host}/${REPO}:v1`]);
    await s.removeFromRegistry('v1');
    assert.strictEqual(await s.digestOf('v1'), undefined);
    registryDeleted();
    // The restore refreshes the tree only where the tag came back: that repository, not the whole tree.
    const refreshed: string[] = [];
    const model = s.a.model as unknown as Record<string, unknown>;
    const { refresh, refreshRepository } = s.a.model;
    model.refresh = (...args: Parameters<typeof refresh>) => {
      refreshed.push(args[0] ? `node ${args[0].kind}` : 'everything');
      return refresh.apply(s.a.model, args);
    };
    model.refreshRepository = (accountId: string, repositoryId: number) => {
      refreshed.push(`repository ${repositoryId}`);
      return refreshRepository.call(s.a.model, accountId, repositoryId);
    };
    let report: RestoreReport;
    try {
      report = (await outcome?.undone) as RestoreReport;
    } finally {
      delete model.refresh;
      delete model.refreshRepository;
    }
    assert.deepStrictEqual(report, { restored: [{ location: `${s.h.host}/${REPO}`, tag: 'v1', digest: s.app.manifestDigest }], failed: [], skipped: [] });
    assert.deepStrictEqual(refreshed, [`repository ${s.d.repositoryByPath(REPO)!.id}`]);
    assert.strictEqual(await s.digestOf('v1'), s.app.manifestDigest);
    assert.strictEqual(await s.digestOf('v2'), s.app.manifestDigest, 'sibling untouched');
    assert.ok(shown.some((m) => m.message === 'Restored 1 of 1 tags.'), JSON.stringify(shown));
  } finally {
    await s.close();
  }
}, { timeout: 120_000 });

test('Restore Deleted Tags…: records grouped by deletion with their age; the chosen tag is restored', async () => {
  const s = await setup();
  try {
    const v2 = await s.tag('v2');
    answerConfirm(s.a, true);
    s.a.ui.notify = async () => undefined; // no Undo
    const outcome = await vscode.commands.executeCommand<TagDeletionOutcome>('gitlabRegistry.deleteTag', v2);
    assert.deepStrictEqual(outcome?.deleted, [`${s.h.host}/${REPO}:v2`]);
    await s.removeFromRegistry('v2');
    const offered: { label: string; kind?: vscode.QuickPickItemKind }[] = [];
    s.a.ui.pickMany = async <T,>(items: { label: string; kind?: vscode.QuickPickItemKind; value: T }[]) => {
      offered.push(...items.map((i) => ({ label: i.label, kind: i.kind })));
      return items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator && i.label.endsWith(':v2')).map((i) => i.value);
    };
    const report = await vscode.commands.executeCommand<RestoreReport>('gitlabRegistry.restoreDeletedTags');
    assert.strictEqual(offered[0].kind, vscode.QuickPickItemKind.Separator);
    assert.match(offered[0].label, /^Deleted /);
    assert.ok(offered.some((o) => o.label === `${s.h.host}/${REPO}:v2`), JSON.stringify(offered));
    assert.deepStrictEqual(report, { restored: [{ location: `${s.h.host}/${REPO}`, tag: 'v2', digest: s.app.manifestDigest }], failed: [], skipped: [] });
    assert.strictEqual(await s.digestOf('v2'), s.app.manifestDigest);
  } finally {
    await s.close();
  }
}, { timeout: 120_000 });

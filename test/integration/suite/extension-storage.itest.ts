// Storage figures in the extension, against the double serving Registry V2 on its own origin (registryHost
// 'self'). Every literal below is worked out by hand from the double's seeded images (test/double/README.md
// "Registry V2": per platform two base layers of 31,000,000 and 7,000,000 bytes shared by a project's images,
// a 4,000,000-byte layer per branch, an own layer and a 1,500-byte config per image; the own layer sizes and
// manifest byte counts come from the seeded tag sizes), never from the code under test:
//   - root image of acme/platform/My.Project: dev-0001 own layer 164,271,170, dev-0002 90,117,405, both on the
//     `dev` branch layer; deleting both frees 164,271,170 + 90,117,405 + 2 × 1,500 + 883 + 882 (manifests) +
//     4,000,000 = 258,393,340 bytes, and 38,000,000 (the amd64 base layers) stay shared with kept images.
//     Deleting dev-0001 alone frees 164,271,170 + 1,500 + 883 = 164,273,553 (164.3 MB); 42.0 MB stay shared
//     (the base layers and the `dev` layer dev-0002 keeps).
//   - tools/cli: one Docker manifest list (529 bytes) of two platform manifests (918 bytes each), each with the
//     two base layers, the `latest` branch layer, a 1,000-byte own layer and a config: 84,007,365 bytes (84.0 MB).
//   - The whole root image, deduplicated: 715,012,867 bytes (715.0 MB): base layers of both platforms 76,000,000,
//     branch layers dev + feature (amd64) and latest + v1 (both platforms) 24,000,000, own layers and configs,
//     manifests. GitLab's own `size` (the double's: 0.7 × the unique images' total_size) is 643,569,766 for the
//     root image, 421,939,956 for api, 23,262,517 for tools/cli.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness } from '../../harness/inhost';
import type { PreviewModel } from '../../../src/extension/rules/previewModel';
import type { RepositorySizeRow } from '../../../src/extension/commands/listRepositoriesBySize';
import type { Repository } from '../../../src/core/types';
import {
  addAccount, answerConfirm, captureMessages, children, description, doubleHost, fresh, label, path, restoreUi, type GitLabRegistryApi,
} from './extension-helpers';

const PROJECT = 'acme/platform/My.Project';

async function withRegistry(fn: (a: GitLabRegistryApi, accountId: string) => Promise<void>, options: { legacyRegistry?: boolean } = {}): Promise<void> {
  await harness.restartDouble({ registryHost: 'self', ...options });
  try {
    const a = await fresh();
    const { account } = await addAccount(a, 'owner');
    assert.ok(account);
    await fn(a, account.id);
  } finally {
    await harness.control('DELETE', '/__double/faults').catch(() => undefined);
    await harness.restartDouble({});
  }
}

/** Expands the repository and waits until the tree has every tag's details (what Delete Tag's figure needs). */
async function rootWithDetails(a: GitLabRegistryApi, accountId: string) {
  const repo = await path(a, doubleHost(), PROJECT, '(root image)');
  const tags = await children(a, repo);
  await harness.waitFor(() => tags.every((t) => a.model.tagDetails(accountId, 1, label(a, t)) !== undefined), { message: 'tag details loaded' });
  return { repo, tags };
}

test('rule preview: "frees up to" and "shared" are the literal bytes of the double\'s images; the tree learns the size', async () => {
  await withRegistry(async (a, accountId) => {
    const repo = await path(a, doubleHost(), PROJECT, '(root image)');
    let i = 0;
    const answers = ['dev-.*', '', '', ''];
    a.ui.inputText = async () => answers[i++];
    const shown: PreviewModel[] = [];
    a.ui.showPreview = async (model, storage) => {
      shown.push(model);
      await storage?.(() => undefined);
      return 'cancel';
    };
    try {
      await vscode.commands.executeCommand('gitlabRegistry.deleteTagsByRule', repo);
    } finally {
      restoreUi(a);
    }
    assert.strictEqual(shown.length, 1);
    const section = shown[0].sections[0];
    assert.deepStrictEqual([...section.deleteNames].sort(), ['dev-0001', 'dev-0002']);
    assert.deepStrictEqual(section.storage, { state: 'done', reclaimableBytes: 258_393_340, sharedBytes: 38_000_000 });
    // Per tag: what only that image holds (dev-0001's own layer, config and manifest; main shares latest's image).
    assert.strictEqual(section.rows.find((r) => r.name === 'dev-0001')?.ownBytes, 164_273_553);
    assert.strictEqual(section.rows.find((r) => r.name === 'main')?.ownBytes, 0);
    // Reading every tag's image told the repository's deduplicated size: the row shows it (GitLab's figure
    // is not read for a row, so the computed one stands).
    assert.deepStrictEqual(a.model.sizes.get(accountId, 1), { bytes: 715_012_867, source: 'computed' });
    assert.match(description(a, repo), /715\.0 MB/);
  });
});

test('Delete Tag modal: the freed-up-to figure and what stays shared, from the double\'s images; Cancel deletes nothing', async () => {
  await withRegistry(async (a, accountId) => {
    const { tags } = await rootWithDetails(a, accountId);
    const dev1 = tags.find((t) => label(a, t) === 'dev-0001');
    assert.ok(dev1);
    const asked = answerConfirm(a, false);
    try {
      await vscode.commands.executeCommand('gitlabRegistry.deleteTag', dev1);
    } finally {
      restoreUi(a);
    }
    assert.strictEqual(asked.length, 1);
    assert.match(asked[0].detail, /Frees up to 164\.3 MB after garbage collection \(42\.0 MB shared with tags you keep\)\./);
    const repo = (await harness.control('GET', '/__double/repositories/1')) as { tags: { name: string }[] };
    assert.ok(repo.tags.some((t) => t.name === 'dev-0001'), 'nothing deleted');
  });
});

test('Delete Repository modal: the figure when it is quick (84.0 MB for tools/cli); Cancel deletes nothing', async () => {
  await withRegistry(async (a) => {
    const cli = await path(a, doubleHost(), PROJECT, 'tools/cli');
    const asked = answerConfirm(a, false);
    try {
      await vscode.commands.executeCommand('gitlabRegistry.deleteRepository', cli);
    } finally {
      restoreUi(a);
    }
    assert.strictEqual(asked.length, 1);
    assert.match(asked[0].detail, /Frees up to 84\.0 MB after garbage collection \(layers other repositories of the namespace use stay\)\./);
    assert.strictEqual(((await harness.control('GET', '/__double/repositories/3')) as { status: string | null }).status, null);
  });
});

test('Delete Repository: a slow registry leaves the modal without the figure; the completion notification says it', async () => {
  await withRegistry(async (a) => {
    // A repository whose images no earlier test read (the manifest cache is content-addressed and outlives a
    // test): `v1` is an OCI index of two platforms, each with the project's two base layers, its `v1` branch
    // layer, a 1,000-byte own layer (the seeded size of v1 is below the fixed layers) and a 1,500-byte config:
    // 2 × 42,002,500 bytes and three manifests of under a kilobyte each — 84.0 MB.
    await harness.control('POST', '/__double/projects/1/repositories', { name: 'slow', tags: [{ name: 'v1' }] });
    const slow = await path(a, doubleHost(), PROJECT, 'slow');
    // Every manifest read takes 1 s: the index and then its platforms need more than the modal's 2 s.
    await harness.control('POST', '/__double/faults', { path: '^/v2/.*/manifests/', delayMs: 1000, times: 20 });
    const asked = answerConfirm(a, true);
    const notes = captureMessages(a);
    try {
      await vscode.commands.executeCommand('gitlabRegistry.deleteRepository', slow);
    } finally {
      notes.restore();
      restoreUi(a);
    }
    assert.doesNotMatch(asked[0].detail, /Frees up to/);
    const done = notes.messages.find((m) => /Deletion of .*my\.project\/slow scheduled/.test(m.text));
    assert.ok(done, notes.messages.map((m) => m.text).join('\n'));
    assert.match(done.text, /Frees up to 84\.0 MB after garbage collection/);
  });
});

test('Inspect Manifest: a read-only document with the platforms and their layers', async () => {
  await withRegistry(async (a, accountId) => {
    const { tags } = await rootWithDetails(a, accountId);
    const v100 = tags.find((t) => label(a, t) === 'v1.0.0');
    assert.ok(v100);
    const text = await vscode.commands.executeCommand<string>('gitlabRegistry.inspectManifest', v100);
    assert.ok(text);
    assert.match(text, /^\/\/ application\/vnd\.oci\.image\.index\.v1\+json sha256:[0-9a-f]{64} \(491 bytes\)$/m);
    assert.match(text, /^\/\/ platforms: 2$/m);
    assert.match(text, /^\/\/ {3}linux\/amd64 {2}sha256:/m);
    assert.match(text, /^\/\/ {3}linux\/arm64 {2}sha256:/m);
    // Each platform: config, the two base layers, the v1 branch layer and its own layer of 45,122,033 bytes.
    assert.strictEqual((text.match(/^\/\/ {5}layer 4 {2}45\.1 MB {2}sha256:/gm) ?? []).length, 2);
    assert.strictEqual((text.match(/^\/\/ {5}layer 1 {2}31\.0 MB {2}sha256:/gm) ?? []).length, 2);
    const editor = vscode.window.activeTextEditor;
    assert.strictEqual(editor?.document.uri.scheme, 'glcr-manifest');
    assert.strictEqual(editor?.document.getText(), text);
  });
});

/** Runs List Repositories by Size… on `node`, answering the pick with the repository `choose` returns. */
async function listBySize(a: GitLabRegistryApi, node: unknown, choose: (items: { label: string; description?: string }[]) => number | undefined) {
  const items: { label: string; description?: string }[] = [];
  a.ui.pickOne = (async (list: { label: string; description?: string; value: unknown }[]) => {
    items.push(...list.map((i) => ({ label: i.label, description: i.description })));
    const at = choose(items);
    return at === undefined ? undefined : list[at].value;
  }) as typeof a.ui.pickOne;
  try {
    const r = await vscode.commands.executeCommand<{ rows: RepositorySizeRow[]; chosen?: Repository }>('gitlabRegistry.listRepositoriesBySize', node);
    return { items, result: r };
  } finally {
    restoreUi(a);
  }
}

test('List Repositories by Size… on a project: GitLab\'s figures, biggest first; choosing one reveals it in the tree', async () => {
  await withRegistry(async (a, accountId) => {
    const project = await path(a, doubleHost(), PROJECT);
    const { items, result } = await listBySize(a, project, () => 1);
    assert.deepStrictEqual(items, [
      { label: PROJECT, description: '643.6 MB' },
      { label: 'api', description: '421.9 MB' },
      { label: 'tools/cli', description: '23.3 MB' },
    ]);
    assert.deepStrictEqual(result?.rows.map((r) => r.size.available && r.size.value), [
      { bytes: 643_569_766, source: 'gitlab' }, { bytes: 421_939_956, source: 'gitlab' }, { bytes: 23_262_517, source: 'gitlab' },
    ]);
    assert.strictEqual(result?.chosen?.path, 'acme/platform/my.project/api');
    await harness.waitFor(() => a.treeView.selection[0]?.id === `${project.id}/r:2`, { timeoutMs: 30_000, message: 'api revealed and selected' }).catch((e) => {
      throw new Error(`${e}: visible ${a.treeView.visible}, selection ${JSON.stringify(a.treeView.selection.map((n) => n.id))}, wanted ${project.id}/r:2`);
    });
    // The tree rows show the sizes now.
    const api = await path(a, doubleHost(), PROJECT, 'api');
    assert.match(description(a, api), /421\.9 MB/);
    assert.deepStrictEqual(a.model.sizes.get(accountId, 3), { bytes: 23_262_517, source: 'gitlab' });
  });
});

test('List Repositories by Size… without GitLab\'s figure (no metadata database): the unique blobs, read from the registry', async () => {
  await withRegistry(async (a) => {
    const project = await path(a, doubleHost(), PROJECT);
    const { items, result } = await listBySize(a, project, () => undefined);
    assert.deepStrictEqual(items.map((i) => [i.label, i.description]), [
      [PROJECT, '715.0 MB'], ['api', '480.6 MB'], ['tools/cli', '84.0 MB'],
    ]);
    assert.deepStrictEqual(result?.rows.map((r) => r.size.available && r.size.value.source), ['computed', 'computed', 'computed']);
    assert.strictEqual(result?.rows[0].size.available && result.rows[0].size.value.bytes, 715_012_867);
    assert.strictEqual(result?.rows[2].size.available && result.rows[2].size.value.bytes, 84_007_365);
  }, { legacyRegistry: true });
});

// Undo through the UI: the packaged extension in code-server, a GitLab double whose repository locations
// point at a real registry (Distribution + skopeo, see test/registry/harness.ts). Clicking Undo in the
// deletion notification puts the tag back at its digest. Screenshot: test-results/screenshots/restore-undo.png.
import * as assert from 'assert';
import * as path from 'path';
import { test } from '../harness/e2e';
import type { DoubleOptions } from '../double/contract';
import { RegistryClient, removeImage } from '../../src/core/registry';
import { buildOciImage, pushLayout, startRegistry, type RegistryHarness, type TestUser } from '../registry/harness';

const VIEW = 'Registries';
const REPO = 'acme/website/app';
const users: Record<string, TestUser> = {};
const double: DoubleOptions = { scenario: 'small' };
const NAME = 'Delete Tag, then Undo in the notification: the tag is back at its digest';
const grep = process.env.GLCR_E2E_GREP ? new RegExp(process.env.GLCR_E2E_GREP, 'i') : undefined;
// Started while the earlier UI tests run (only when this test will run): the double of this test is created
// with its host before the test function is called.
const registry: Promise<RegistryHarness> | undefined = grep && !grep.test(NAME) ? undefined : startRegistry({ users }).then((h) => {
  double.registryHost = h.host;
  return h;
});
registry?.catch(() => undefined); // reported by the test

test(NAME, async (ctx) => {
  const { wb } = ctx;
  assert.ok(registry, 'registry started');
  const h = await registry;
  try {
    assert.strictEqual(double.registryHost, h.host, 'the double points at the registry');
    const token = ctx.tokens.owner;
    users.alice = { password: token, actions: ['pull', 'push', 'delete'] };
    users.oauth2 = users.alice; // the user name the extension sends with the account's token (GitLab takes any)
    const projectId = ctx.double.repositoryByPath('acme/website')!.project_id;
    ctx.double.addRepository(projectId, 'app', [{ name: 'v1' }, { name: 'v2', sameImageAs: 'v1' }]);
    const dir = path.join(h.dir, 'layouts', 'app');
    const app = buildOciImage(dir, 'src', 'app');
    for (const t of ['v1', 'v2']) await pushLayout(h, dir, 'src', REPO, t, `alice:${token}`);
    const client = new RegistryClient({ registry: h.host, hostname: '127.0.0.1', repository: REPO, username: 'alice', password: token, actions: ['pull'] });

    await wb.openViewContainer('GitLab Registry');
    await wb.expandPath([new URL(ctx.doubleUrl).host, 'acme', 'website'], VIEW);
    await wb.expand(/acme\/website\/app$|^app$/, VIEW);
    await wb.waitForRow('v1', VIEW);
    await ctx.page.waitForTimeout(1500); // details arrive and re-sort the rows once
    await wb.contextMenu(wb.row('v1', VIEW), 'Delete Tag');
    const dialog = await wb.dialog();
    assert.match(dialog.detail, /until then you can restore it with Undo or Restore Deleted Tags…/);
    await wb.dialogButton('Delete');
    const toast = await wb.waitForNotification(/Deleted .*app:v1/, 30_000);
    // The double removes the tag only in its model; GitLab would remove it from the registry.
    await removeImage({ reference: `${h.host}/${REPO}:v1`, digestMode: false, username: 'alice', password: token });
    assert.strictEqual(await client.headManifest('v1'), null);
    // The one-time garbage-collection notice follows the report on a first deletion: once it is shown the
    // toasts stop moving, so the click lands on Undo (not on a toast sliding up under the pointer) and the
    // screenshot (docs/images/undo.png, scripts/screenshots.js) shows them settled, not fading in.
    await wb.waitForNotification(/only after garbage collection/, 10_000).catch(() => undefined);
    await ctx.page.waitForTimeout(600);
    await wb.moveMouseAway();
    await ctx.screenshot('restore-undo');
    await wb.notificationButton(toast, 'Undo');
    // Bounded wait for the restore to reach the registry (its toast may be folded into the notification center).
    let digest: string | undefined;
    for (let i = 0; i < 60 && digest !== app.manifestDigest; i++) {
      await ctx.page.waitForTimeout(500);
      digest = (await client.headManifest('v1'))?.digest;
    }
    await ctx.screenshot('restore-undone');
    assert.strictEqual(digest, app.manifestDigest, `v1 restored; notifications: ${(await wb.notifications()).join(' | ')}`);
    assert.strictEqual((await client.headManifest('v2'))?.digest, app.manifestDigest);
  } finally {
    await h.close();
  }
}, { envAccount: 'owner', double, timeout: 180_000 });

// The rule preview's storage figure in the real webview: Delete Tags by Rule… on the root image of
// acme/platform/My.Project with `dev-.*`, the double serving Registry V2 on its own origin. The preview reads
// the images' manifests after the table appears and says "Frees up to 258.4 MB …; 38.0 MB … shared with tags
// you keep" (258,393,340 and 38,000,000 bytes: worked out from the double's images in
// test/integration/suite/extension-storage.itest.ts), with the "Own data" column.
// Leaves test-results/screenshots/preview-storage.png for the README; refresh the README image with
//   node scripts/screenshots.js --run
import * as assert from 'assert';
import { test } from '../harness/e2e';
import { answerStep } from './ruleWizard';

const CONTAINER = 'GitLab Registry';
const VIEW = 'Registries';


test('rule preview: the storage figure (frees up to, shared with kept tags, own data per tag) in the webview', async (ctx) => {
  const { wb, page } = ctx;
  const host = new URL(ctx.doubleUrl).host;
  await wb.openViewContainer(CONTAINER);
  await wb.expandPath([host, 'acme', 'platform', 'My.Project'], VIEW);
  await wb.waitForRow('(root image)', VIEW);
  await wb.contextMenu(wb.row('(root image)', VIEW), 'Delete Tags by Rule…');
  await answerStep(ctx, 1, 'dev-.*');
  await answerStep(ctx, 2, '');
  await answerStep(ctx, 3, '');
  await answerStep(ctx, 4, '');

  const frame = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  const figure = frame.locator('span.storage.done');
  await figure.waitFor({ timeout: 60_000 });
  assert.strictEqual(await figure.getAttribute('data-reclaimable'), '258393340');
  assert.strictEqual(await figure.getAttribute('data-shared'), '38000000');
  assert.match(await figure.innerText(), /Frees up to 258\.4 MB after garbage collection; 38\.0 MB of the selected images' data is shared with tags you keep/);
  // The true figure replaces the naive sum of tag sizes (338.4 MB here): one statement of what is freed.
  assert.doesNotMatch(await frame.locator('p.totals').innerText(), /reclaim at most/);
  assert.ok(await frame.locator('th', { hasText: 'Own data' }).isVisible());
  // dev-0001's own layer, config and manifest: 164,271,170 + 1,500 + 883 bytes.
  assert.match(await frame.locator('tbody tr[data-name="dev-0001"]').innerText(), /164\.3 MB/);
  await wb.moveMouseAway();
  // The progress notification has finished; let the webview settle before the picture.
  await page.waitForTimeout(500);
  await ctx.screenshot('preview-storage');
}, { envAccount: 'owner', double: { scenario: 'small', registryHost: 'self' }, timeout: 180_000 });

// Harness self-test: facts the integration harness promises, nothing about the extension's behaviour.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { test, harness, EXTENSION_ID } from '../../harness/inhost';

test('the extension under development is loaded', () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not found among ${vscode.extensions.all.length} extensions`);
});

test('GLCR_DOUBLE_URL and GLCR_DOUBLE_TOKENS reach the extension host', () => {
  assert.match(harness.doubleUrl(), /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(harness.token('owner'), 'owner token missing');
});

test('the double answers /api/v4/version over HTTP', async () => {
  const res = await fetch(`${harness.doubleUrl()}/api/v4/version`, { headers: { 'PRIVATE-TOKEN': harness.token('owner') } });
  assert.strictEqual(res.status, 200);
  const body = (await res.json()) as { version?: string };
  assert.ok(body.version, `no version in ${JSON.stringify(body)}`);
});

test('restartDouble() gives a fresh double at the same URL', async () => {
  const before = harness.doubleUrl();
  await harness.restartDouble({ scenario: 'small' });
  const res = await fetch(`${before}/api/v4/version`, { headers: { 'PRIVATE-TOKEN': harness.token('owner') } });
  assert.strictEqual(res.status, 200);
});

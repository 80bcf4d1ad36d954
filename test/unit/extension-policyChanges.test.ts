// Edit Cleanup Policy's closing summary: only changed attributes, old → new, in human words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyChanges, policyChangesText } from '../../src/extension/rules/policyChanges';
import { englishOnly } from '../../src/extension/rules/previewModel';
import type { CleanupPolicy } from '../../src/core/types';

const saved: CleanupPolicy = {
  enabled: true, cadence: '7d', keep_n: 10, older_than: '30d', name_regex: '.*', name_regex_keep: 'prod', next_run_at: null,
};
const same = { enabled: true, cadence: '7d', keep_n: 10, older_than: '30d', name_regex: '.*', name_regex_keep: 'prod' };

test('nothing changed: no line (the editor then saves nothing)', () => {
  assert.deepStrictEqual(policyChanges(saved, same, englishOnly), []);
});

test('each changed attribute once, old → new, in the order the editor asks', () => {
  const text = policyChangesText(policyChanges(saved, { ...same, cadence: '1d', keep_n: 1, older_than: '7d', name_regex_keep: null }, englishOnly));
  assert.strictEqual(text, [
    'Runs: every week → every day',
    'Keep the newest: 10 → 1',
    'Delete tags older than: 30d → 7d',
    'Keep regex: prod → none',
  ].join('\n'));
});

test('a project without a policy compares against "none"', () => {
  const text = policyChangesText(policyChanges(null, { enabled: false, cadence: '1d', keep_n: null, older_than: null, name_regex: null, name_regex_keep: null }, englishOnly));
  assert.strictEqual(text, 'Runs: none → every day');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storageText } from '../../src/extension/rules/previewHtml';
import type { PreviewSection } from '../../src/extension/rules/previewModel';

const t = (m: string, ...a: unknown[]) => m.replace(/\{(\d+)\}/g, (_, i) => String(a[Number(i)]));
const section = (storage: PreviewSection['storage']): PreviewSection => ({
  repository: 'r', repositoryId: 1, projectId: 1, rows: [], deleteNames: [], notes: [], storage,
  totals: { tags: 0, deleteCount: 0, keepCount: 0, deleteBytes: 0, keepBytes: 0, reclaimableBytes: 271_500_000, sharedWithKept: 0 },
});

test('preview storage sentence: progress, the true figure with "up to", or why there is none', () => {
  assert.equal(storageText(section({ state: 'pending', done: 3, known: 12 }), t),
    '<span class="storage pending">Computing the space freed… (3 of 12 manifests read)</span>');
  assert.match(storageText(section({ state: 'done', reclaimableBytes: 258_393_340, sharedBytes: 38_000_000 }), t),
    /data-reclaimable="258393340" data-shared="38000000">Frees up to 258.4 MB after garbage collection; 38.0 MB of the selected images&#39; data is shared with tags you keep\.<\/span>$/);
  assert.equal(storageText(section({ state: 'unavailable', reason: 'cancelled' }), t),
    '<span class="storage unavailable">Space freed: size not available (cancelled).</span>');
  assert.equal(storageText(section(undefined), t), 'Garbage collection can reclaim at most 271.5 MB.');
});

// The report of a deletion over many repositories (src/extension/rules/scopeReport.ts) and the group preview's
// storage figures (previewHtml.ts): grouped per repository with the three truths, totals, protected
// repositories marked, "size not available (reason)" instead of a guess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateRule } from '../../src/core/rules/engine';
import type { RulePreview } from '../../src/core/rules/preview';
import type { TagDetails } from '../../src/core/types';
import { buildPreviewModel, buildSection, englishOnly, type PreviewSection } from '../../src/extension/rules/previewModel';
import { renderPreviewHtml } from '../../src/extension/rules/previewHtml';
import { groupByRepository, renderScopeReportHtml } from '../../src/extension/rules/scopeReport';

const R = 'registry.example.test:5050';

test('groupByRepository: per repository deleted / failed (why) / may have been deleted / not attempted, totals', () => {
  const report = groupByRepository('Deleted by rule: g', {
    deleted: [`${R}/g/a:v1`, `${R}/g/a:v2`, `${R}/g/b:v1`],
    failed: [{ location: `${R}/g/b:v2`, error: 'changed since the preview — not deleted (it no longer exists)' }],
    unknown: [{ location: `${R}/g/a:v3`, error: '502 Bad Gateway; the answer was lost: the tag may have been deleted' }],
    notAttempted: [`${R}/g/c:x`],
  }, [{ location: `${R}/g/a`, reclaimableBytes: 1500 }, { location: `${R}/g/b` }, { location: `${R}/g/c` }, { location: `${R}/g/safe`, guard: 'protected: g/safe needs Owner' }]);
  assert.deepEqual(report.repositories.map((r) => [r.repository, r.deleted, r.failed.map((f) => f.tag), r.unknown.map((u) => u.tag), r.notAttempted, r.guard]), [
    [`${R}/g/a`, ['v1', 'v2'], [], ['v3'], [], undefined],
    [`${R}/g/b`, ['v1'], ['v2'], [], [], undefined],
    [`${R}/g/c`, [], [], [], ['x'], undefined],
    [`${R}/g/safe`, [], [], [], [], 'protected: g/safe needs Owner'],
  ]);
  assert.deepEqual(report.totals, { deleted: 3, failed: 1, unknown: 1, notAttempted: 1 });

  const html = renderScopeReportHtml(report, { nonce: 'n0nce', cspSource: 'vscode-resource:', t: englishOnly });
  assert.match(html, /<p class="totals" data-deleted="3" data-failed="1" data-unknown="1" data-not-attempted="1">3 deleted, 1 failed, 1 may have been deleted, 1 not attempted, in 4 repositories\.<\/p>/);
  assert.match(html, new RegExp(`<tr class="unknown" data-repository="${R}/g/a">`));
  assert.match(html, new RegExp(`<tr class="failed" data-repository="${R}/g/b">`));
  assert.match(html, /<li><code>v2<\/code> — changed since the preview — not deleted \(it no longer exists\)<\/li>/);
  assert.match(html, /<h3 class="unknown">May have been deleted/);
  assert.match(html, /protected: g\/safe needs Owner: nothing was sent for this repository\./);
  assert.match(html, /<td class="num">1\.50 kB<\/td>/);
  assert.ok(!html.includes('<script'), 'the report runs no script');
});

test('a tag name with markup is escaped in the report', () => {
  const report = groupByRepository('t', { deleted: [], failed: [{ location: `${R}/g/a:v1`, error: '<img src=x>' }], unknown: [], notAttempted: [] }, [{ location: `${R}/g/a` }]);
  const html = renderScopeReportHtml(report, { nonce: 'n', cspSource: 'c', t: englishOnly });
  assert.ok(!html.includes('<img'));
  assert.match(html, /&lt;img src=x&gt;/);
});

function section(id: number, names: string[], del: string): PreviewSection {
  const now = Date.parse('2025-06-01T00:00:00Z');
  const tags: TagDetails[] = names.map((name) => ({
    name, path: `g/r${id}:${name}`, location: `${R}/g/r${id}:${name}`, digest: `sha256:${id}${name}`, revision: null, short_revision: null,
    created_at: new Date(now - 40 * 86_400_000).toISOString(), total_size: 1000,
  }));
  const e = evaluateRule(tags, { deleteRegex: del }, { now });
  const p: RulePreview = { ...e, tags, protection: 'checked', accessLevel: 40, legacyRegistry: false, now };
  return buildSection(p, { deleteRegex: del }, { location: `${R}/g/r${id}`, id, projectId: 1 }, englishOnly);
}

test('group preview: reclaimable bytes per repository and in the totals as they come in; size not available (reason) is not counted', () => {
  const sections = [section(1, ['a', 'b'], 'a'), section(2, ['a', 'b'], '.*'), section(3, ['x'], 'x')];
  const model = buildPreviewModel({ title: 'g', rule: { deleteRegex: '.*' }, instanceUrl: 'https://gitlab.example', sections, actions: true, schedule: false, manyRepositories: true, t: englishOnly });
  const render = () => renderPreviewHtml(model, { nonce: 'n', cspSource: 'c', t: englishOnly });
  for (const s of sections) s.storage = { state: 'pending', done: 0, known: 0 };
  sections[0].storage = { state: 'done', reclaimableBytes: 4000, sharedBytes: 0 };
  let html = render();
  assert.match(html, /Computing the space freed… \(1 of 3 repositories\)/);
  assert.match(html, /<td class="num reclaim done" data-reclaimable="4000">up to 4/);
  assert.match(html, /<td class="num reclaim pending">…<\/td>/);
  sections[1].storage = { state: 'done', reclaimableBytes: 6000, sharedBytes: 10 };
  sections[2].storage = { state: 'unavailable', reason: 'cannot reach https://registry.example.test:5050: ENOTFOUND' };
  html = render();
  assert.match(html, /<span class="storage total" data-reclaimable="10000" data-unavailable="1">Frees up to 10\.0 kB after garbage collection\. Size not available for 1 of 3 repositories \(cannot reach https:\/\/registry\.example\.test:5050: ENOTFOUND\); they are not counted\.<\/span>/i);
  assert.match(html, /<td class="reclaim unavailable">size not available \(cannot reach https:\/\/registry\.example\.test:5050: ENOTFOUND\)<\/td>/);
});

test('group preview: a repository a repository rule guards is marked in its summary row and section', () => {
  const s = section(4, ['v1'], 'zzz');
  s.guard = 'protected: g/r4 needs Owner';
  const model = buildPreviewModel({ title: 'g', rule: { deleteRegex: '.*' }, instanceUrl: 'https://gitlab.example', sections: [section(1, ['a'], 'a'), s], actions: true, schedule: false, manyRepositories: true, t: englishOnly });
  const html = renderPreviewHtml(model, { nonce: 'n', cspSource: 'c', t: englishOnly });
  assert.equal((html.match(/<span class="guard" data-guard="protected: g\/r4 needs Owner">protected: g\/r4 needs Owner<\/span>/g) ?? []).length, 2);
});

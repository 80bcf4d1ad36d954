// The preview of a rule over many repositories: totals of all repositories on top, each repository a
// collapsible <details> with its counts, no "Schedule GitLab's cleanup" (GitLab's own run is per repository),
// and the conditions' reasons (gone branch, signature) in the rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateRule } from '../../src/core/rules/engine';
import { applyConditions } from '../../src/core/rules/conditions';
import type { RulePreview } from '../../src/core/rules/preview';
import type { TagDetails } from '../../src/core/types';
import { buildPreviewModel, buildSection, englishOnly } from '../../src/extension/rules/previewModel';
import { renderPreviewHtml } from '../../src/extension/rules/previewHtml';

const NOW = Date.parse('2025-06-01T00:00:00Z');
const HEX = 'ab'.repeat(32);

function tags(names: Array<[string, string]>): TagDetails[] {
  return names.map(([name, digest]) => ({
    name, path: `g/p:${name}`, location: `reg.example/g/p:${name}`, digest, revision: null, short_revision: null,
    created_at: new Date(NOW - 40 * 86_400_000).toISOString(), total_size: 1000,
  }));
}

function preview(list: TagDetails[], deleteRegex: string): RulePreview {
  const e = evaluateRule(list, { deleteRegex }, { now: NOW });
  return { ...e, tags: list, protection: 'checked', accessLevel: 40, legacyRegistry: false, now: NOW };
}

test('group preview: totals on top, one collapsible section per repository, no schedule button, condition reasons shown', () => {
  const a = applyConditions(preview(tags([['app-1', `sha256:${HEX}`], [`sha256-${HEX}.sig`, 'sha256:ff'], ['latest', 'sha256:00']]), 'app-.*'), { withSignatures: true });
  const b = applyConditions(preview(tags([['feature-login', 'sha256:11'], ['main', 'sha256:22']]), '.*'), { goneBranches: new Map([['feature-login', 'feature/Login']]) });
  const rule = { deleteRegex: '.*' };
  const sections = [
    buildSection(a, rule, { location: 'reg.example/g/a', id: 1, projectId: 1 }, englishOnly),
    buildSection(b, rule, { location: 'reg.example/g/b', id: 2, projectId: 1 }, englishOnly),
  ];
  const model = buildPreviewModel({ title: 'Delete Tags by Rule: g', rule, instanceUrl: 'https://gitlab.example', sections, actions: true, schedule: false, manyRepositories: true, conditions: { withSignatures: true, goneBranches: false }, t: englishOnly });
  const html = renderPreviewHtml(model, { nonce: 'n0nce', cspSource: 'vscode-resource:', t: englishOnly });
  assert.match(html, /<p class="grand-totals" data-delete-count="3" data-keep-count="2" data-repositories="2">3 tags are deleted in 2 repositories; 2 are kept\. Garbage collection can reclaim at most /);
  // With the registry's figure asked for, it alone says what is freed.
  const asked = buildPreviewModel({ title: 'g', rule, instanceUrl: 'https://gitlab.example', manyRepositories: true, actions: true, schedule: false,
    sections: sections.map((s) => ({ ...s, storage: { state: 'done' as const, reclaimableBytes: 2_000_000, sharedBytes: 0, manifests: 1, ownBytes: {} } })),
    conditions: { withSignatures: true, goneBranches: false }, t: englishOnly });
  const withFigure = renderPreviewHtml(asked, { nonce: 'n0nce', cspSource: 'vscode-resource:', t: englishOnly });
  assert.match(withFigure, />3 tags are deleted in 2 repositories; 2 are kept\. <span class="storage total" data-reclaimable="4000000" data-unavailable="0">Frees up to 4\.00 MB after garbage collection\.<\/span>/);
  assert.doesNotMatch(withFigure, /reclaim at most/);
  assert.equal((html.match(/<details class="repo"/g) ?? []).length, 2);
  assert.match(html, /<summary><h2>reg\.example\/g\/a<\/h2> <span class="counts">2 to delete, 1 to keep<\/span><\/summary>/);
  assert.ok(!html.includes('id="schedule"'), 'no server-side schedule for many repositories');
  assert.match(html, /<button id="delete" data-choice="delete">Delete 3 tags…<\/button>/);
  assert.match(html, new RegExp(`data-name="sha256-${HEX}\\.sig" data-reason="signature">.*?<td>signature of a deleted image</td>`));
  assert.match(html, /data-name="feature-login" data-reason="gone_branch">.*?<td>image of a branch that is gone<\/td>/);
  assert.match(html, /data-name="main" data-reason="branch_exists">.*?<td>not an image of a branch that is gone<\/td>/);
  // The conditions are visible, signatures on by default; switching one posts its choice.
  assert.match(html, /<input type="checkbox" data-choice="toggleSignatures" checked> Also delete the signatures of deleted images/);
  assert.match(html, /<input type="checkbox" data-choice="toggleGoneBranches"> Only images of branches that are gone/);
  assert.match(html, /<input type="checkbox" data-choice="toggleOrphanedSignatures"> Also delete signatures whose image has no tag left/);
});

test('single-repository preview is unchanged: heading-less section, schedule offered', () => {
  const p = preview(tags([['a', 'sha256:1']]), '.*');
  const model = buildPreviewModel({ title: 't', rule: { deleteRegex: '.*' }, instanceUrl: 'https://gitlab.example', sections: [buildSection(p, { deleteRegex: '.*' }, { location: 'r', id: 1, projectId: 1 }, englishOnly)], actions: true, t: englishOnly });
  const html = renderPreviewHtml(model, { nonce: 'n0nce', cspSource: 'vscode-resource:', t: englishOnly });
  assert.ok(html.includes('id="schedule"'));
  assert.ok(!html.includes('<details>') && !html.includes('class="grand-totals"'));
});

// Very large lists: nothing spreads a list into a call (Math.min(...list), push(...list)), which throws
// RangeError ("Maximum call stack size exceeded") somewhere above ~130,000 elements. 200,000 synthetic tags
// go through the rule engine, the preview model, the timeline, the CLI table and the argument parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateRule, type Rule } from '../../src/core/rules/engine';
import type { TagDetails } from '../../src/core/types';
import { buildSection, englishOnly } from '../../src/extension/rules/previewModel';
import { renderTimeline } from '../../src/extension/rules/previewHtml';
import { formatTable } from '../../src/cli/output';
import { buildOptionTable, parseArgv } from '../../src/cli/args';
import { COMMANDS } from '../../src/cli/commands';
import { previewRule } from '../../src/core/rules/preview';
import type { RegistryApi } from '../../src/core/registryApi';
import { RegistryClient } from '../../src/core/registry';
import { collectPages } from '../../src/cli/resolve';
import { startFakeRegistry } from '../registry/fakeRegistry';

const COUNT = 200_000;
const NOW = Date.parse('2025-06-01T00:00:00Z');
const SECOND = 1000;

/** tag-000000 … tag-199999; tag-N is N seconds older than NOW; sizes 1000 + N; every 1000th has no date. */
function syntheticTags(): TagDetails[] {
  const tags: TagDetails[] = [];
  for (let n = 0; n < COUNT; n++) {
    const name = `tag-${String(n).padStart(6, '0')}`;
    tags.push({
      name, path: `g/p:${name}`, location: `reg.example:5050/g/p:${name}`, digest: `sha256:${n.toString(16).padStart(64, '0')}`,
      revision: null, short_revision: null, created_at: n % 1000 === 999 ? null : new Date(NOW - n * SECOND).toISOString(), total_size: 1000 + n,
    });
  }
  return tags;
}

test('200,000 tags: engine → preview model → timeline, with literal totals', () => {
  const tags = syntheticTags();
  const rule: Rule = { deleteRegex: 'tag-.*', keepRegex: null, keepN: 10, olderThan: null };
  const evaluation = evaluateRule(tags, rule, { now: NOW });
  const section = buildSection({ ...evaluation, protection: 'checked', legacyRegistry: false, now: NOW }, rule,
    { location: 'reg.example:5050/g/p', id: 1, projectId: 2 }, englishOnly);
  assert.equal(section.totals.tags, 200_000);
  // keep_n 10: undated tags count as "now", tied with tag-000000 (created at NOW); ties go by name.
  assert.deepEqual(section.rows.filter((r) => r.action === 'keep').map((r) => r.name).sort(), [
    'tag-000000', 'tag-000999', 'tag-001999', 'tag-002999', 'tag-003999', 'tag-004999', 'tag-005999', 'tag-006999', 'tag-007999', 'tag-008999',
  ]);
  assert.equal(section.totals.keepCount, 10);
  assert.equal(section.totals.deleteCount, 199_990);
  assert.equal(section.deleteNames.length, 199_990);
  assert.equal(section.rows[0].name, 'tag-009999'); // the first undated tag past keep_n
  assert.equal(section.rows[199_989].name, 'tag-199998'); // the oldest dated tag
  const svg = renderTimeline(section, englishOnly);
  // 200,000 tags are drawn as weekly bars, not points. Every dated tag (2025-05-29 … 2025-06-01) lies
  // in the week of Monday 2025-05-26; the 200 undated ones are the bar in the "no date" band.
  assert.equal((svg.match(/<circle /g) ?? []).length, 0);
  assert.ok(svg.includes('>2025-05-26<'), 'first week label');
  assert.ok(svg.includes('>2025-06-01<'), 'last day of the last week');
  assert.ok(svg.includes('>199800<'), 'the tallest bar counts the 199,800 dated tags');
  assert.ok(svg.includes('>20.2 GB<'), 'the dated tags add up to 20,179,600,200 bytes');
  assert.ok(svg.includes('no creation date\ndeleted: 191 tags, 20.2 MB\nkept: 9 tags, 54.0 kB'), 'the undated bar (9 of the kept 10 are undated: they count as now)');
});

test('200,000 tags: keep_n boundary check in previewRule does not spread the kept list', async () => {
  const tags = syntheticTags();
  const api = {
    listTagDetails: async () => tags,
    getTagProtectionAccess: async () => ({ rules: [], accessLevel: 40 }),
    getRepository: async () => ({ size: 1 }),
  } as unknown as RegistryApi;
  const preview = await previewRule(api, 'g/p', 1, { deleteRegex: '.*', keepN: 150_000 }, { now: NOW });
  assert.equal(preview.keep.length, 150_000);
  assert.equal(preview.delete.length, 50_000);
});

test('200,000 rows: the CLI table and 200,000 positional arguments', () => {
  const rows: Array<{ name: string }> = [];
  for (let n = 0; n < COUNT; n++) rows.push({ name: `t${n}` });
  const table = formatTable(rows, [{ header: 'TAG', get: (r) => r.name }]);
  assert.equal(table.split('\n').length, 200_001);
  assert.equal(table.split('\n')[200_000], 't199999');

  const argv = ['rm', 'g/p', '.', '--yes', '--', ...rows.map((r) => r.name)];
  const parsed = parseArgv(argv, buildOptionTable(COMMANDS));
  assert.equal(parsed.positionals.length, 200_003);
  assert.equal(parsed.positionals[3], 't0');
  assert.equal(parsed.positionals[200_002], 't199999');
});

test('a registry tag list of 200,000 names in one page (no "n": Distribution sends them all)', async () => {
  const f = await startFakeRegistry({});
  try {
    const d = f.putManifest('tag-0', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { digest: `sha256:${'1'.repeat(64)}`, size: 2 }, layers: [] });
    for (let n = 1; n < COUNT; n++) f.tags.set(`tag-${n}`, d);
    const c = new RegistryClient({ registry: f.host, hostname: '127.0.0.1', repository: 'g/p', username: 'alice', password: 'alice-Pa55', actions: ['pull'] });
    const tags = await c.listTags();
    assert.equal(tags.length, 200_000);
    assert.ok(!f.requests.some((q) => q.url.includes('last=')), 'one page, no Link next');
  } finally {
    await f.close();
  }
});

test('collectPages: a server page of 200,000 items', async () => {
  const items: number[] = [];
  for (let n = 0; n < COUNT; n++) items.push(n);
  const all = await collectPages(async () => ({ items }));
  assert.equal(all.length, 200_000);
  assert.equal(all[199_999], 199_999);
});

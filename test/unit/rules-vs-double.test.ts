// The rule engine (src/core/rules) against the GitLab double's own server-side algorithm
// (test/double/bulk.ts, written independently from the API notes): on generated repositories under 1,000
// tags (the double, like GitLab, works through pages of 1,000 names, so keep_n is per page above that),
// with random timestamps (gaps, ties, nulls) and random rules inside RE2, both must pick the same tags.
//
// One legitimate difference: GitLab sorts candidates by timestamp only and its sort is not stable, so when
// tags with the same timestamp straddle the keep_n boundary, which of them are kept is not defined. The
// engine breaks such ties by name (ascending), the double by name descending. Where that happens the two
// may differ only among those tied tags, and must delete the same number of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RE2JS } from 're2js';
import { selectTagsForBulkDelete, type BulkParams } from '../double/bulk';
import type { TagRec } from '../double/model';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { SeedTag } from '../double/contract';
import { bulkParamsFromRule, evaluateRule, ACCESS_LEVELS, type Rule } from '../../src/core/rules';
import { previewRule } from '../../src/core/rules/preview';
import { createRegistryApi } from '../../src/core';
import type { AccessLevelName, TagProtectionRule } from '../../src/core/types';
import { seededRandom as mulberry32 } from '../double/model';


const DAY = 86_400_000;
const NOW = Date.parse('2025-06-01T12:00:00.000Z');

const DELETE_PATTERNS = [
  '.*', '.+', 'v.*', 'v\\d+\\.\\d+\\.\\d+', 'v[0-9]+(\\.[0-9]+){2}', '(main|dev)-[0-9a-f]+', 'main-.*', 'feature-.*',
  '[a-z]+-\\d+', 'v1|main', 'dev.*|.*-rc\\d*', '.*[02468]', '^v.*', 'v.*$', '\\Av2.*', '(?i)MAIN-.*', '[^v].*', 'x', '',
  'release-\\d{4}\\.\\d{2}', '.{1,6}', '.*-(rc|beta)\\d?', 'latest|v.*',
];
const KEEP_PATTERNS = [null, '', '.*', 'v1\\..*', '.*-rc\\d*', 'main-a.*', '(v\\d+\\.0\\.0|release-.*)', 'stable|v2', '[a-f].*', '.*9'];
const DURATIONS = [null, null, '1h', '7d', '14d', '30d', '1month', '90d', '1 day', '2 weeks', '1d12h', '3600', '1y'];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)];
}

function hex(random: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(random() * 16)];
  return s;
}

function tagName(random: () => number): string {
  switch (Math.floor(random() * 9)) {
    case 0: return `v${Math.floor(random() * 4)}.${Math.floor(random() * 12)}.${Math.floor(random() * 20)}`;
    case 1: return `main-${hex(random, 6)}`;
    case 2: return `dev-${hex(random, 4)}`;
    case 3: return `feature-${pick(random, ['login', 'cart', 'search', 'auth', 'ui', 'api'])}${Math.floor(random() * 50)}`;
    case 4: return `v${Math.floor(random() * 3)}.${Math.floor(random() * 5)}.0-rc${Math.floor(random() * 4)}`;
    case 5: return `release-20${20 + Math.floor(random() * 6)}.${String(1 + Math.floor(random() * 12)).padStart(2, '0')}`;
    case 6: return pick(random, ['latest', 'stable', 'nightly', 'edge', 'MAIN-x1', 'Latest']);
    case 7: return `${hex(random, 7)}`;
    default: return `pr-${Math.floor(random() * 2000)}`;
  }
}

interface GeneratedRepo {
  tags: TagRec[];
  /** 'ms': random milliseconds (ties rare); 'day': whole days (many ties). */
  clock: 'ms' | 'day';
}

function generateRepo(random: () => number, size: number): GeneratedRepo {
  const clock = random() < 0.5 ? 'ms' : 'day';
  const nullRate = pick(random, [0, 0.02, 0.1, 0.3]);
  const byName = new Map<string, TagRec>();
  for (let guard = 0; byName.size < size && guard < size * 20; guard++) {
    const name = tagName(random);
    if (byName.has(name)) continue;
    // Ages with gaps: most within a year, some clustered, some very old.
    const r = random();
    const ageMs = r < 0.6 ? random() * 365 * DAY : r < 0.85 ? random() * 3 * DAY : (365 + random() * 2000) * DAY;
    const created = random() < nullRate ? null : clock === 'day' ? NOW - Math.round(ageMs / DAY) * DAY : NOW - Math.round(ageMs);
    byName.set(name, {
      name, digest: `sha256:${hex(random, 64)}`, revision: hex(random, 64),
      created_at: created === null ? null : new Date(created).toISOString().replace('Z', '+00:00'),
      total_size: Math.floor(random() * 1e8),
    });
  }
  const tags = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { tags, clock };
}

function randomRule(random: () => number): Rule {
  return {
    deleteRegex: pick(random, DELETE_PATTERNS),
    keepRegex: pick(random, KEEP_PATTERNS),
    keepN: random() < 0.4 ? null : pick(random, [0, 1, 2, 5, 10, 25, 50, 100, 500, Math.floor(random() * 300)]),
    olderThan: pick(random, DURATIONS),
  };
}

const LEVELS: AccessLevelName[] = ['maintainer', 'owner', 'admin'];

function randomProtection(random: () => number): { rules: TagProtectionRule[]; caller: number } {
  const n = random() < 0.5 ? 0 : 1 + Math.floor(random() * 3);
  const rules: TagProtectionRule[] = [];
  for (let i = 0; i < n; i++) {
    const immutable = random() < 0.15;
    rules.push({
      id: i + 1, project_id: 1,
      tag_name_pattern: pick(random, ['^v\\d+\\.\\d+\\.\\d+$', 'release', '^main-a', 'rc\\d', '^stable$', 'x']),
      minimum_access_level_for_push: immutable ? null : pick(random, LEVELS),
      minimum_access_level_for_delete: immutable ? null : pick(random, LEVELS),
    });
  }
  return { rules, caller: pick(random, [ACCESS_LEVELS.maintainer, ACCESS_LEVELS.owner, ACCESS_LEVELS.admin]) };
}

/** Tag protection written here from GitLab's documented rule (RE2 unanchored; both levels null = immutable). */
function protectedBy(rules: TagProtectionRule[], caller: number): (name: string) => boolean {
  const value = (l: AccessLevelName | null): number => (l === null ? 0 : ACCESS_LEVELS[l]);
  const active = rules
    .filter((r) => (r.minimum_access_level_for_delete === null && r.minimum_access_level_for_push === null) || value(r.minimum_access_level_for_delete) > caller)
    .map((r) => RE2JS.compile(r.tag_name_pattern));
  return (name) => active.some((re) => re.test(name));
}

function serverParams(rule: Rule): BulkParams {
  const p = bulkParamsFromRule(rule);
  return {
    nameRegexDelete: p.name_regex_delete,
    nameRegexKeep: p.name_regex_keep ?? null,
    keepN: p.keep_n ?? null,
    olderThan: p.older_than ?? null,
  };
}

test('engine = the double\'s server-side algorithm on generated repositories under 1,000 tags (seeded)', (t) => {
  const random = mulberry32(20250601);
  let repos = 0;
  let tagsSeen = 0;
  let runs = 0;
  let exact = 0;
  let tieOnly = 0;
  let deletedTotal = 0;
  let protectedSeen = 0;
  const sizes = [1, 2, 3, 10, 50, 200, 999, 998, 600];
  for (let k = 0; k < 48; k++) {
    const size = k < sizes.length ? sizes[k] : 1 + Math.floor(random() * 999);
    const repo = generateRepo(random, size);
    assert.ok(repo.tags.length < 1000);
    repos++;
    tagsSeen += repo.tags.length;
    for (let j = 0; j < 6; j++) {
      // Server-side bulk deletes need a non-empty delete regex; an empty one is a policy case (nothing deleted).
      let rule = randomRule(random);
      if (rule.deleteRegex === '') rule = { ...rule, deleteRegex: '.*' };
      const prot = randomProtection(random);
      const isProtected = protectedBy(prot.rules, prot.caller);
      const engine = evaluateRule(repo.tags, rule, { now: NOW, protectionRules: prot.rules, callerAccessLevel: prot.caller });
      const server = selectTagsForBulkDelete(repo.tags, serverParams(rule), { now: NOW, legacy: false, random, isProtected });
      runs++;
      deletedTotal += engine.delete.length;
      protectedSeen += engine.decisions.filter((d) => d.reason === 'protected').length;
      const label = `repo ${k} (${repo.tags.length} tags, ${repo.clock}) rule ${JSON.stringify(rule)} caller ${prot.caller} rules ${JSON.stringify(prot.rules.map((r) => r.tag_name_pattern))}`;
      const serverSorted = [...server.toDelete].sort();
      const engineSorted = [...engine.delete].sort();
      if (JSON.stringify(serverSorted) === JSON.stringify(engineSorted)) {
        exact++;
        continue;
      }
      // Only a keep_n tie may explain a difference.
      assert.ok(typeof rule.keepN === 'number' && rule.keepN > 0, `differs without keep_n: ${label}`);
      assert.equal(engine.delete.length, server.toDelete.length, `same number deleted: ${label}`);
      const stampOf = new Map(repo.tags.map((t) => [t.name, t.created_at === null ? NOW : Date.parse(t.created_at)]));
      const a = new Set(engine.delete);
      const b = new Set(server.toDelete);
      const diff = [...engine.delete.filter((n) => !b.has(n)), ...server.toDelete.filter((n) => !a.has(n))];
      const stamps = new Set(diff.map((n) => stampOf.get(n)));
      assert.equal(stamps.size, 1, `the differing tags share one timestamp: ${label} diff ${diff}`);
      // That timestamp is the keep_n boundary: some candidate with it is kept by keep_n in the engine.
      const boundary = [...stamps][0];
      assert.ok(engine.decisions.some((d) => d.reason === 'keep_n' && stampOf.get(d.name) === boundary), `tie at the keep_n boundary: ${label}`);
      tieOnly++;
    }
  }
  assert.ok(tagsSeen > 10_000, `thousands of tags (${tagsSeen})`);
  assert.ok(exact > runs * 0.8, `mostly exact agreement (${exact}/${runs})`);
  assert.ok(deletedTotal > 1000 && protectedSeen > 0, 'the generated rules delete and protect something');
  assert.equal(tieOnly + exact, runs);
  assert.equal(repos, 48);
  t.diagnostic(`${repos} repositories, ${tagsSeen} tags, ${runs} rules: ${exact} identical, ${tieOnly} differing only among keep_n ties`);
});

test('an empty delete regex (a policy without name_regex) deletes nothing in both', () => {
  const random = mulberry32(7);
  const repo = generateRepo(random, 300);
  const engine = evaluateRule(repo.tags, { deleteRegex: '' }, { now: NOW });
  const server = selectTagsForBulkDelete(repo.tags, { nameRegexDelete: '', nameRegexKeep: null, keepN: null, olderThan: null },
    { now: NOW, legacy: false, random, isProtected: () => false });
  assert.deepEqual(engine.delete, []);
  assert.deepEqual(server.toDelete, []);
});

test('end to end: preview through the core, schedule the server-side bulk, run the job: what remains is the preview\'s keep list', async () => {
  const clock = Date.parse('2025-06-01T12:00:00.000Z');
  const d = await startGitLabDouble({ scenario: 'small', bulkJobDelayMs: 0, now: () => clock });
  try {
    const random = mulberry32(99);
    const seen = new Set<string>();
    const tags: SeedTag[] = [];
    const ages = new Set<number>();
    while (tags.length < 700) {
      const name = tagName(random);
      if (seen.has(name) || name === 'latest') continue;
      seen.add(name);
      let age: number | null;
      if (random() < 0.08) age = null;
      else {
        // Distinct ages (no keep_n ties), none within an hour of the 14d cut-off.
        do age = Math.round(random() * 400 * 24) / 24 + random() / 1e4;
        while (ages.has(age) || Math.abs(age - 14) < 0.05);
        ages.add(age);
      }
      tags.push({ name, ageDays: age });
    }
    tags.push({ name: 'latest', sameImageAs: tags[0].name });
    const repoId = d.addRepository(2, 'generated', tags);

    const api = createRegistryApi({ baseUrl: d.url, credential: { kind: 'private', value: d.tokens.maintainer } });
    const rule: Rule = { deleteRegex: '.*', keepRegex: 'v\\d+\\.0\\.\\d+|stable', keepN: 25, olderThan: '14d' };
    const preview = await previewRule(api, 'acme/platform/tools/builder', repoId, rule, { now: clock });
    assert.equal(preview.protection, 'checked');
    assert.equal(preview.legacyRegistry, false);
    assert.equal(preview.tags.length, 701);
    assert.ok(preview.delete.length > 100 && preview.keep.length > 25, `${preview.delete.length} / ${preview.keep.length}`);
    assert.ok(preview.keep.includes('latest'));
    assert.ok(preview.warnings.some((w) => /top-level "\|"/.test(w)), 'the keep regex has a top-level |');

    await api.scheduleBulkDelete('acme/platform/tools/builder', repoId, bulkParamsFromRule(rule));
    await d.runBulkJobs();
    const job = d.bulkJobs[d.bulkJobs.length - 1];
    assert.equal(job.status, 'done');
    assert.deepEqual(job.deleted, preview.delete);
    assert.deepEqual(d.repository(repoId)!.tags.map((t) => t.name), preview.keep);
  } finally {
    await d.close();
  }
});

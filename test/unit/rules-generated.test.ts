// Generated data checked against a tiny reference (sort + filter) written independently of the engine:
// the reference matches with JS RegExp on patterns chosen inside the common subset of RE2 and JS,
// anchoring them literally as ^…$ (JS `$` without the m flag is end of input, like RE2's \z).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateRule, type EvaluableTag, type Rule } from '../../src/core/rules';
import type { AccessLevelName, TagProtectionRule } from '../../src/core/types';
import { seededRandom as mulberry32 } from '../double/model';


const DAY = 86_400_000;
const NOW = Date.parse('2025-06-01T00:00:00.000Z');

const DELETE_PATTERNS = [
  '.*',
  'v.*',
  'v\\d+\\.\\d+\\.\\d+',
  'main-[0-9a-f]+',
  '(main|dev)-[0-9a-f]+',
  'feature-.*',
  '[a-z]+-\\d+',
  'v1|main',
  'dev.*|.*-rc',
  '.*[02468]',
  '',
];
const KEEP_PATTERNS = [null, '', 'v1.*', '.*-rc', 'main-a.*', '(v\\d+\\.0\\.0|release-.*)', 'stable|v2', '.*'];
const DURATIONS: Array<[string, number]> = [
  ['1h', 3_600_000],
  ['7d', 7 * DAY],
  ['14d', 14 * DAY],
  ['30d', 30 * DAY],
  ['90d', 90 * DAY],
  ['2 weeks', 14 * DAY],
  ['1month', 30 * DAY],
  ['1d12h', 36 * 3_600_000],
];
const PROTECTION_PATTERNS = ['^v1', 'rc', '^release-', '\\.0\\.', 'main-a', '[0-9]{3}$'];
const LEVEL: Record<AccessLevelName, number> = { maintainer: 40, owner: 50, admin: 60 };

function makeTags(rand: () => number, count: number): EvaluableTag[] {
  const names = new Set<string>();
  const tags: EvaluableTag[] = [];
  let t = NOW + 2 * DAY; // a few future timestamps too
  while (tags.length < count) {
    const k = Math.floor(rand() * 8);
    const n = Math.floor(rand() * 5000);
    const name =
      k === 0 ? `v${n % 4}.${n % 3}.${n}`
      : k === 1 ? `main-${n.toString(16)}`
      : k === 2 ? `dev-${n.toString(16)}`
      : k === 3 ? `feature-${n}`
      : k === 4 ? `release-${n % 40}`
      : k === 5 ? `v${n % 3}.0.0-rc`
      : k === 6 ? (rand() < 0.05 ? 'latest' : `stable-${n}`)
      : `build-${n}`;
    if (names.has(name)) continue;
    names.add(name);
    const r = rand();
    let created_at: string | null;
    if (r < 0.08) created_at = null; // no timestamp
    else if (r < 0.15 && tags.length > 0 && tags[tags.length - 1].created_at !== null) created_at = tags[tags.length - 1].created_at; // tie
    else {
      t -= rand() < 0.05 ? Math.floor(rand() * 60 * DAY) : Math.floor(rand() * 6 * 3_600_000); // gaps
      created_at = new Date(t).toISOString();
    }
    tags.push({ name, created_at });
  }
  // shuffle input order
  for (let i = tags.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [tags[i], tags[j]] = [tags[j], tags[i]];
  }
  return tags;
}

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}

/** Straightforward reference: GitLab's steps as sort + filter. Returns the names to delete, sorted. */
function reference(
  tags: EvaluableTag[],
  rule: { del: string; keep: string | null; keepN: number | null; olderMs: number | null },
  prot: TagProtectionRule[],
  callerLevel: number,
): string[] {
  const del = new RegExp('^' + rule.del + '$', 'u');
  const keep = rule.keep ? new RegExp('^' + rule.keep + '$', 'u') : null;
  const ts = (t: EvaluableTag) => (t.created_at === null ? null : Date.parse(t.created_at));
  let list = tags.filter((t) => t.name !== 'latest' && del.test(t.name) && !(keep && keep.test(t.name)));
  list = [...list].sort((a, b) => (ts(b) ?? NOW) - (ts(a) ?? NOW) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (rule.keepN !== null) list = list.slice(rule.keepN);
  if (rule.olderMs !== null) list = list.filter((t) => ts(t) !== null && (ts(t) as number) < NOW - (rule.olderMs as number));
  list = list.filter(
    (t) =>
      !prot.some((p) => {
        const d = p.minimum_access_level_for_delete;
        const protects = d === null ? p.minimum_access_level_for_push === null : LEVEL[d] > callerLevel;
        return protects && new RegExp(p.tag_name_pattern, 'u').test(t.name);
      }),
  );
  return list.map((t) => t.name).sort();
}

describe('generated data against a reference implementation', () => {
  for (const seed of [1, 2, 3, 42, 1337, 2024, 31337, 99991]) {
    test(`seed ${seed}: 40 random rules over ${seed % 2 ? 3000 : 1200} tags`, () => {
      const rand = mulberry32(seed);
      const tags = makeTags(rand, seed % 2 ? 3000 : 1200);
      const seen = new Map<string, number>();
      for (let round = 0; round < 40; round++) {
        const del = pick(rand, DELETE_PATTERNS);
        const keep = pick(rand, KEEP_PATTERNS);
        const keepN = rand() < 0.3 ? null : Math.floor(rand() * 60);
        const dur = rand() < 0.3 ? null : pick(rand, DURATIONS);
        const prot: TagProtectionRule[] = [];
        const nProt = Math.floor(rand() * 3);
        for (let i = 0; i < nProt; i++) {
          const r = rand();
          prot.push({
            id: i + 1,
            project_id: 1,
            tag_name_pattern: pick(rand, PROTECTION_PATTERNS),
            minimum_access_level_for_push: r < 0.1 ? null : 'maintainer',
            minimum_access_level_for_delete: r < 0.1 ? null : pick(rand, ['maintainer', 'owner', 'admin'] as const),
          });
        }
        const callerLevel = pick(rand, [30, 40, 50, 60]);
        const rule: Rule = { deleteRegex: del, keepRegex: keep, keepN, olderThan: dur ? dur[0] : null };
        const ev = evaluateRule(tags, rule, { now: NOW, protectionRules: prot, callerAccessLevel: callerLevel });
        const expected = reference(tags, { del, keep, keepN, olderMs: dur ? dur[1] : null }, prot, callerLevel);
        const label = JSON.stringify({ seed, round, rule, prot: prot.map((p) => [p.tag_name_pattern, p.minimum_access_level_for_delete]), callerLevel });
        assert.deepEqual(ev.delete, expected, label);
        // invariants
        assert.equal(ev.decisions.length, tags.length, label);
        assert.equal(ev.delete.length + ev.keep.length, tags.length, label);
        assert.ok(!ev.delete.includes('latest'), label);
        if (keepN !== null) {
          assert.equal(
            ev.decisions.filter((d) => d.reason === 'keep_n').length,
            Math.min(keepN, ev.decisions.filter((d) => !['latest', 'no_match', 'keep_regex'].includes(d.reason)).length),
            label,
          );
        }
        for (const d of ev.decisions) {
          seen.set(d.reason, (seen.get(d.reason) ?? 0) + 1);
          assert.equal(d.action === 'delete', d.reason === 'matched', label);
          if (dur && d.action === 'delete') assert.ok(d.created_at !== null && Date.parse(d.created_at) < NOW - dur[1], label);
        }
      }
      // the generated rules exercise every reason
      for (const reason of ['latest', 'no_match', 'keep_regex', 'keep_n', 'too_new', 'no_timestamp', 'protected', 'matched']) {
        assert.ok((seen.get(reason) ?? 0) > 0, `seed ${seed}: no '${reason}' decision (${JSON.stringify([...seen])})`);
      }
    });
  }
});

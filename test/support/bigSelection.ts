// The reliability suites' fixture: the large scenario's 2,500-tag repository with aliases that share images,
// 1,000 selected names, and the check that a deletion report is true against the double's state.
import assert from 'node:assert/strict';
import type { DoubleTag, GitLabDouble } from '../double/contract';

/** org-01/service-001/big: latest + build-00001 … build-02499. */
export const BIG = 1;

const pad = (n: number) => String(n).padStart(5, '0');
/** The name of build n in the big repository, e.g. build-00007. */
export const build = (n: number) => `build-${pad(n)}`;

/**
 * Adds aliases to the big repository and returns 1,000 selected names:
 * - 900 odd builds; 180 of them (odd multiples of 5) have an unselected `keep-<n>` alias on the same digest;
 * - 100 `gone-<n>` aliases of even builds 2…200, whose build (same digest) is NOT selected.
 */
export function seedBigSelection(d: GitLabDouble): string[] {
  const aliases = [];
  for (let n = 5; n <= 1795; n += 10) aliases.push({ name: `keep-${pad(n)}`, sameImageAs: build(n) });
  for (let n = 2; n <= 200; n += 2) aliases.push({ name: `gone-${pad(n)}`, sameImageAs: build(n) });
  d.addTags(BIG, aliases);
  const selected: string[] = [];
  for (let n = 1; n <= 1799; n += 2) selected.push(build(n));
  for (let n = 2; n <= 200; n += 2) selected.push(`gone-${pad(n)}`);
  assert.equal(selected.length, 1000);
  return selected;
}

export interface ReportLike {
  deleted: string[];
  failed: Array<{ tag: string }>;
  notAttempted?: string[];
}

/** Every selected name reported once; deleted ones gone, failed/not-attempted ones present, nothing else touched. */
export function assertTrueReport(report: ReportLike, selected: string[], before: DoubleTag[], after: DoubleTag[]): void {
  const now = new Map(after.map((t) => [t.name, t]));
  const sel = new Set(selected);
  const failed = report.failed.map((f) => f.tag);
  const accounted = [...report.deleted, ...failed, ...(report.notAttempted ?? [])];
  assert.equal(accounted.length, selected.length, 'every selected name reported once');
  assert.deepEqual(new Set(accounted), sel);
  for (const name of report.deleted) assert.ok(!now.has(name), `reported deleted but present: ${name}`);
  for (const name of failed) assert.ok(now.has(name), `reported failed but gone: ${name}`);
  for (const name of report.notAttempted ?? []) assert.ok(now.has(name), `not attempted but gone: ${name}`);
  for (const t of before) {
    if (sel.has(t.name)) continue;
    const still = now.get(t.name);
    assert.ok(still, `unselected tag deleted: ${t.name}`);
    assert.equal(still.digest, t.digest, `digest of ${t.name} changed`);
  }
  assert.equal(after.length, before.length - report.deleted.length, 'nothing else removed');
}

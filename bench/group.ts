// Scenario 7 (issue 16): a rule over a group of 100 repositories × 100 tags. planScope lists every
// repository's tags across repositories under the one concurrency bound; the limit is the round trips
// that many requests need at C: ⌈requests ÷ C⌉ × L.
import { createRegistryApi } from '../src/core';
import { countingFetch } from '../test/support/countingFetch';
import { compileRule } from '../src/core/rules';
import { compileRe2 } from '../src/core/rules/regex';
import { planScope } from '../src/core/rules/scope';
import { apiRequests, C, L, log, median, RUNS, startDouble, timed } from './lib';

export const GROUP_REPOS = 100;
export const GROUP_TAGS = 100;
const GROUP = 'org-02';

export interface S7 {
  runs: Array<{ ms: number; requests: number; peak: number }>;
  repositories: number;
  deleteCount: number;
}

export async function scenario7(): Promise<S7> {
  const double = await startDouble();
  try {
    // org-02 and its teams hold the projects 5–8, 25–28, …; 100 repositories bench-000… spread over them.
    const projects: number[] = [];
    for (let i = 5; i <= 250 && projects.length < 52; i += 20) for (let k = 0; k < 4 && i + k <= 250; k++) projects.push(i + k);
    const tags = Array.from({ length: GROUP_TAGS }, (_, i) => ({ name: `build-${String(i).padStart(3, '0')}`, ageDays: i }));
    for (let r = 0; r < GROUP_REPOS; r++) {
      const res = await fetch(`${double.url}/__double/projects/${projects[r % projects.length]}/repositories`, {
        method: 'POST', body: JSON.stringify({ name: `bench-${String(r).padStart(3, '0')}`, tags }),
      });
      if (!res.ok) throw new Error(`seeding repository ${r}: ${res.status} ${await res.text()}`);
    }
    const rule = compileRule({ deleteRegex: 'build-.*', keepN: 10, olderThan: '30d' });
    const repositories = compileRe2('/bench-\\d+$', { anchored: false });
    const runs: S7['runs'] = [];
    let last = { plans: 0, deleteCount: 0 };
    for (let run = 0; run < RUNS; run++) {
      await double.resetLog();
      const counter = countingFetch();
      const api = createRegistryApi({
        baseUrl: double.url, credential: { kind: 'private', value: double.tokens.owner }, concurrency: C, fetch: counter.fetch,
      } as never);
      const { ms, value } = await timed(() => planScope(api, { kind: 'group', group: GROUP }, rule, { repositories, concurrency: C }));
      const requests = (await apiRequests(double)).length;
      const peak = counter.peak();
      runs.push({ ms, requests, peak });
      last = { plans: value.plans.length, deleteCount: value.deleteCount };
      log(`S7 run ${run + 1}: ${ms.toFixed(0)} ms, ${requests} requests, peak ${peak} in flight, ${value.plans.length} repositories, ${value.deleteCount} to delete`);
    }
    return { runs, repositories: last.plans, deleteCount: last.deleteCount };
  } finally {
    await double.close();
  }
}

/** The limit of one run: the round trips its requests need at C requests in flight. */
export function groupLimitMs(requests: number): number {
  return Math.ceil(requests / C) * L;
}

export function s7Median(s: S7): { ms: number; requests: number } {
  return { ms: median(s.runs.map((r) => r.ms)), requests: median(s.runs.map((r) => r.requests)) };
}

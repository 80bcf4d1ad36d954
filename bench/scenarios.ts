// Scenarios 1–5 of the performance issue. Each returns plain numbers; run.ts turns them into the table.
import * as os from 'os';
import * as path from 'path';
import { createRegistryApi } from '../src/core';
import type { RegistryApi } from '../src/core/registryApi';
import { compileRule, evaluateRule, type Rule } from '../src/core/rules';
import type { Page, PageRequest, TagDetails } from '../src/core/types';
import {
  apiRequests, C, duplicates, L, log, median, recordingFetch, RUNS, runCliProcess, sentDuringRetryAfter, startDouble, timed,
  type RemoteDouble, type WireRecord,
} from './lib';
import { restDeleteOneByOne, restDetails, type RestRun } from './restClients';

export const PROJECT = 'org-01/service-001';
export const HUGE_REPO = 2; // 10,050 tags
export const BIG_REPO = 1; // 2,500 tags
export const HUGE_TAGS = 10_050;
/** Comparison clients read details of this many tags and are scaled linearly to the full size. */
export const COMPARE_SAMPLE = 1000;

const repoRoot = path.resolve(__dirname, '..', '..');

export interface OursRun {
  ms: number;
  requests: number;
}

export interface Comparison {
  name: string;
  run: RestRun;
  /** Wall time for the full work (measured × scale). */
  ms: number;
  /** Requests for the full work (measured × scale). */
  requests: number;
  note: string;
}

export function client(double: RemoteDouble, records?: WireRecord[]): RegistryApi {
  return createRegistryApi({
    baseUrl: double.url,
    credential: { kind: 'private', value: double.tokens.owner },
    concurrency: C,
    ...(records ? { fetch: recordingFetch(records) } : {}),
  });
}

// --- 1. list all tags with details -------------------------------------------------------------------------

export interface S1 {
  ours: OursRun[];
  cli: { ms: number; requests: number; maxRssKb: number | null; rows: number; exitCode: number | null };
  comparisons: Comparison[];
}

export async function scenario1(): Promise<S1> {
  const double = await startDouble();
  try {
    const ours: OursRun[] = [];
    for (let i = 0; i < RUNS; i++) {
      await double.resetLog();
      const api = client(double);
      const { ms, value } = await timed(() => api.listTagDetails(PROJECT, HUGE_REPO));
      if (value.length !== HUGE_TAGS) throw new Error(`scenario 1: got ${value.length} tags, expected ${HUGE_TAGS}`);
      ours.push({ ms, requests: (await apiRequests(double)).length });
      log(`s1 ours run ${i + 1}: ${ms.toFixed(0)} ms, ${ours[i].requests} requests`);
    }

    await double.resetLog();
    const cli = await runCli(double);
    log(`s1 CLI: ${cli.ms.toFixed(0)} ms, ${cli.requests} requests, maxRSS ${cli.maxRssKb} KB`);

    const target = { url: double.url, token: double.tokens.owner, projectId: 1, repositoryId: HUGE_REPO };
    const scale = HUGE_TAGS / COMPARE_SAMPLE;
    const comparisons: Comparison[] = [];
    for (const [name, conc] of [['REST N+1 sequential', 1], [`REST N+1 at concurrency ${C}`, C]] as const) {
      await double.resetLog();
      const run = await restDetails(target, COMPARE_SAMPLE, conc);
      if (run.items !== COMPARE_SAMPLE) throw new Error(`${name}: read ${run.items} of ${COMPARE_SAMPLE}`);
      comparisons.push({
        name, run, ms: run.ms * scale, requests: Math.round(run.requests * scale),
        note: `measured on the first ${COMPARE_SAMPLE} tags (${run.requests} requests, ${(run.ms / 1000).toFixed(1)} s), scaled ×${scale.toFixed(2)}`,
      });
      log(`s1 ${name}: ${run.ms.toFixed(0)} ms for ${COMPARE_SAMPLE} tags (${run.requests} requests)`);
    }
    return { ours, cli, comparisons };
  } finally {
    await double.close();
  }
}

/** `node dist/cli.js tags <project> <repo> --details --json` once, with its peak RSS from a --require probe. */
async function runCli(double: RemoteDouble): Promise<S1['cli']> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: os.tmpdir(), GITLAB_URL: double.url, GITLAB_TOKEN: double.tokens.owner };
  const r = await runCliProcess(repoRoot, ['tags', PROJECT, String(HUGE_REPO), '--details', '--json'], env);
  let rows = -1;
  try {
    rows = (JSON.parse(r.stdout) as unknown[]).length;
  } catch {
    log(`s1 CLI output not JSON; stderr: ${r.stderr.slice(0, 500)}`);
  }
  return { ms: r.ms, requests: (await apiRequests(double)).length, maxRssKb: r.maxRssKb, rows, exitCode: r.exitCode };
}

// --- 2. the tree of an account ---------------------------------------------------------------------------------

export interface S2 {
  ms: number;
  requests: number;
  byKind: Record<string, number>;
  duplicateRequests: Array<{ key: string; count: number }>;
  groups: number;
  projects: number;
  /** Group rows expanded: their subgroups and own projects listed (the tree nests like GitLab). */
  groupListings: number;
  projectRepositoryListings: number;
  repositoriesSeen: number;
  repositoriesDistinct: number;
}

/**
 * What src/extension/tree/provider.ts asks for when every node of an account is expanded and every
 * "Load more…" clicked: the account node lists top-level groups (listGroups topLevelOnly) and member
 * projects (listProjects) in parallel, pages of `gitlabRegistry.pageSize` (100) following the cursor; a
 * group node lists listGroupRepositories(group.id); a project node listProjectRepositories(project.id), the
 * same paging. The provider's AccountCache keys each page by list and cursor (`once`), so a list is
 * fetched once; expanding nodes is done C at a time here (a user expands one by one; the count is the same).
 */
export async function scenario2(): Promise<S2> {
  const double = await startDouble();
  try {
    const records: WireRecord[] = [];
    const api = client(double, records);
    const perPage = 100;
    const all = async <T>(load: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> => {
      const items: T[] = [];
      let page: PageRequest = { perPage };
      for (let i = 0; i < 1000; i++) {
        const p = await load(page);
        items.push(...p.items);
        if (!p.next) break;
        page = { cursor: p.next, perPage };
      }
      return items;
    };
    let seen = 0;
    const distinct = new Set<number>();
    let groupListings = 0;
    let projectListings = 0;
    let groups = 0;
    let projects = 0;
    // Every row of the tree expanded, as the extension lists them: top-level groups and member projects;
    // a group's subgroups and own projects; a project's repositories. C rows are expanded at once.
    const { ms } = await timed(async () => {
      const [groupList, projectList] = await Promise.all([
        all((p) => api.listGroups({ topLevelOnly: true }, p)),
        all((p) => api.listProjects({}, p)),
      ]);
      const inGroup = (path: string) => groupList.some((g) => path.toLowerCase().startsWith(`${g.full_path.toLowerCase()}/`));
      const queue: Array<() => Promise<void>> = [];
      const projectJob = (id: number) => async () => {
        projectListings++;
        projects++;
        for (const r of await all((p) => api.listProjectRepositories(id, p))) { seen++; distinct.add(r.id); }
      };
      const groupJob = (id: number) => async () => {
        groupListings++;
        groups++;
        const [subgroups, own] = await Promise.all([
          all((p) => api.listSubgroups(id, p)),
          all((p) => api.listGroupProjects(id, { minAccessLevel: 20, directOnly: true }, p)),
        ]);
        queue.push(...subgroups.map((g) => groupJob(g.id)), ...own.map((pr) => projectJob(pr.id)));
      };
      queue.push(...groupList.map((g) => groupJob(g.id)), ...projectList.filter((pr) => !inGroup(pr.path_with_namespace)).map((pr) => projectJob(pr.id)));
      let running = 0;
      await new Promise<void>((resolve, reject) => {
        const pump = (): void => {
          if (queue.length === 0 && running === 0) return resolve();
          while (running < C && queue.length > 0) {
            const job = queue.shift()!;
            running++;
            job().then(() => { running--; pump(); }, reject);
          }
        };
        pump();
      });
    });
    const log2 = await apiRequests(double);
    const byKind: Record<string, number> = {};
    for (const e of log2) {
      const kind = e.path === '/api/graphql' ? 'POST /api/graphql'
        : `${e.method} ${e.path.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
    // The same GET (path+query) twice, or the same GraphQL question (body) twice.
    const dup = duplicates(log2);
    const bodies = new Map<string, number>();
    for (const r of records) if (r.method === 'POST' && r.body) bodies.set(r.body, (bodies.get(r.body) ?? 0) + 1);
    for (const [body, count] of bodies) if (count > 1) dup.push({ key: `POST /api/graphql ${body.slice(0, 120)}`, count });
    return {
      ms, requests: log2.length, byKind, duplicateRequests: dup, groups, projects,
      groupListings, projectRepositoryListings: projectListings,
      repositoriesSeen: seen, repositoriesDistinct: distinct.size,
    };
  } finally {
    await double.close();
  }
}

// --- 3 and 4. delete 1,000 named tags ----------------------------------------------------------------------------

export const DELETE_N = 1000;
export const THROTTLE = { perMinute: 2000, prefill: 1980 };
/** Cap for the one-at-a-time REST deletion under the throttle. */
export const REST_THROTTLED_CAP_MS = 180_000;

export function namesToDelete(): string[] {
  return Array.from({ length: DELETE_N }, (_, i) => `build-${String(i + 1).padStart(5, '0')}`);
}

export interface DeleteRun extends OursRun {
  deleted: number;
  failed: number;
  notAttempted: number;
  /** Tags of the 1,000 still present in the double afterwards. */
  leftInDouble: number;
  got429: number;
  /** Requests the double received while a Retry-After given to the client was pending. */
  sentDuringRetryAfter: number;
}

export interface SDelete {
  ours: DeleteRun[];
  comparisons: Comparison[];
}

async function deleteOnce(double: RemoteDouble, names: string[]): Promise<DeleteRun> {
  const records: WireRecord[] = [];
  const api = client(double, records);
  const { ms, value } = await timed(() => api.deleteTags(PROJECT, BIG_REPO, names));
  const remaining = new Set((await double.repository(BIG_REPO))?.tags.map((t) => t.name) ?? []);
  const log2 = await apiRequests(double);
  const got = records.filter((r) => r.status === 429).map((r) => ({ at: r.doneAt, retryAfter: r.retryAfter ?? 0 }));
  return {
    ms, requests: log2.length, deleted: value.deleted.length, failed: value.failed.length,
    notAttempted: value.notAttempted?.length ?? 0, leftInDouble: names.filter((n) => remaining.has(n)).length,
    got429: got.length, sentDuringRetryAfter: sentDuringRetryAfter(got, log2).length,
  };
}

/**
 * One double process for the scenario, warmed up once (an untimed deletion of 100 other tags, so that
 * neither the server's nor the client's JIT is cold), then reset before every run: every run starts from
 * the seeded state with an empty throttle window (the prefill is stamped again at the first request).
 */
export async function scenarioDelete(throttled: boolean): Promise<SDelete> {
  const tag = throttled ? 's4' : 's3';
  const ours: DeleteRun[] = [];
  const double = await startDouble(throttled ? { rateLimit: THROTTLE } : {});
  try {
    const warm = Array.from({ length: 100 }, (_, i) => `build-${String(2001 + i).padStart(5, '0')}`);
    await client(double).deleteTags(PROJECT, BIG_REPO, warm);
    for (let i = 0; i < RUNS; i++) {
      await double.reset();
      const run = await deleteOnce(double, namesToDelete());
      ours.push(run);
      log(`${tag} ours run ${i + 1}: ${run.ms.toFixed(0)} ms, ${run.requests} requests, deleted ${run.deleted}, failed ${run.failed}, 429s ${run.got429}, sent during Retry-After ${run.sentDuringRetryAfter}`);
    }
    await double.reset();
    const cap = throttled ? REST_THROTTLED_CAP_MS : 10 * 60_000;
    const run = await restDeleteOneByOne(
      { url: double.url, token: double.tokens.owner, projectId: 1, repositoryId: BIG_REPO }, namesToDelete(), cap);
    log(`${tag} REST one-at-a-time: ${run.ms.toFixed(0)} ms, ${run.requests} requests, deleted ${run.items}${run.capped ? ' (capped)' : ''}`);
    let ms = run.ms;
    let note = `measured in full (${run.requests} requests incl. 429s)`;
    if (run.capped) {
      // The rest at one round trip per deletion (said so in the table).
      ms = run.ms + (DELETE_N - run.items) * L;
      note = `capped at ${cap / 1000} s after ${run.items} deletions; the rest computed at 1 × L per deletion`;
    }
    return { ours, comparisons: [{ name: 'REST one-at-a-time deletion', run, ms, requests: run.requests, note }] };
  } finally {
    await double.close();
  }
}

// --- 5. preview a deletion rule -------------------------------------------------------------------------------

export interface S5 {
  runsMs: number[];
  tags: number;
  deleted: number;
  kept: number;
  rule: Rule;
}

export async function scenario5(): Promise<S5> {
  const double = await startDouble({ latencyMs: 0 });
  let tags: TagDetails[];
  let rules;
  try {
    const api = client(double);
    tags = await api.listTagDetails(PROJECT, HUGE_REPO);
    rules = await api.listTagProtectionRules(PROJECT);
  } finally {
    await double.close();
  }
  const rule: Rule = { deleteRegex: 'build-.*', keepRegex: 'build-0*[1-9]00', keepN: 10, olderThan: '30d' };
  const ctx = { now: Date.now(), protectionRules: rules, callerAccessLevel: 40 };
  // Warm-up (JIT), not counted.
  evaluateRule(tags, rule, ctx);
  const runsMs: number[] = [];
  let last;
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    last = evaluateRule(tags, compileRule(rule), ctx);
    runsMs.push(performance.now() - t0);
  }
  log(`s5 engine: median ${median(runsMs).toFixed(1)} ms over ${tags.length} tags`);
  return { runsMs, tags: tags.length, deleted: last!.delete.length, kept: last!.keep.length, rule };
}

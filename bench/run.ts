// `npm run bench` → scripts/bench.js (build, compile) → this file. Runs the scenarios of the performance
// issue against the GitLab double and prints the results table (also written to bench/results.md).
// BENCH_ONLY=1,3 runs a subset; BENCH_LATENCY_MS, BENCH_MAX_IN_FLIGHT, BENCH_RUNS, BENCH_SKIP_HOST=1 (see README).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { scenario6, type S6 } from './extension';
import { GROUP_REPOS, GROUP_TAGS, groupLimitMs, s7Median, scenario7, type S7 } from './group';
import { scenario7 as scenario8, type S7 as S8 } from './preview';
import { RECORD_IMAGES, RECORD_TAGS, TOKEN_FLOW_ROUND_TRIPS, recordLimitMs, s9Median, scenario9, type S9 } from './restore';
import { STORAGE_DELETE, scenario9 as scenario10, type S9 as S10 } from './storage';
import { C, CONNECT_MS, DELETE_WORK_MS, fmtMs, fmtRatio, L, LIST_WORK_MS, log, mdTable, median, RUNS } from './lib';
import {
  COMPARE_SAMPLE, DELETE_N, HUGE_TAGS, REST_THROTTLED_CAP_MS, THROTTLE, scenario1, scenario2, scenario5, scenarioDelete,
  type S1, type S2, type S5, type SDelete,
} from './scenarios';

const repoRoot = path.resolve(__dirname, '..', '..');
const ALL = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];
const only = new Set((process.env.BENCH_ONLY ?? ALL.join(',')).split(',').map((s) => s.trim()));

const TAGS_PAGE = 20;
const DESTROY_LIMIT = 20;

interface Row {
  scenario: string;
  requests: string;
  wall: string;
  limit: string;
  vsLimit: string;
  vsComparisons: string;
  target: string;
  met: string;
}

const rows: Row[] = [];
const notes: string[] = [];
const verdicts: Array<{ what: string; ok: boolean | null; detail: string }> = [];

function verdict(what: string, ok: boolean | null, detail: string): string {
  verdicts.push({ what, ok, detail });
  return ok === null ? 'n/a' : ok ? 'met' : 'MISSED';
}

function report1(s: S1): void {
  const limit = (1 + Math.ceil(HUGE_TAGS / TAGS_PAGE)) * L;
  const ms = median(s.ours.map((r) => r.ms));
  const req = median(s.ours.map((r) => r.requests));
  const seq = s.comparisons[0];
  const vs = s.comparisons.map((c) => `${fmtRatio(c.ms / ms)} faster than ${c.name}`).join('; ');
  const okLimit = ms / limit <= 1.25;
  const okSeq = seq.ms / ms >= 8;
  rows.push({
    scenario: `1. ${HUGE_TAGS.toLocaleString('en')} tags with details — core listTagDetails (median of ${s.ours.length})`,
    requests: String(req), wall: fmtMs(ms), limit: `${fmtMs(limit)} (${limit / L} × L)`, vsLimit: fmtRatio(ms / limit),
    vsComparisons: vs, target: '≤ 1.25 × limit; ≥ 8× REST N+1 sequential',
    met: `${verdict('S1 ≤ 1.25 × limit', okLimit, fmtRatio(ms / limit))} / ${verdict('S1 ≥ 8× REST N+1 sequential', okSeq, fmtRatio(seq.ms / ms))}`,
  });
  rows.push({
    scenario: '1b. same, real CLI process `node dist/cli.js tags … --details --json` (once)',
    requests: String(s.cli.requests), wall: fmtMs(s.cli.ms), limit: fmtMs(limit), vsLimit: fmtRatio(s.cli.ms / limit),
    vsComparisons: s.comparisons.map((c) => `${fmtRatio(c.ms / s.cli.ms)} faster than ${c.name}`).join('; '),
    target: '(reported)', met: s.cli.exitCode === 0 && s.cli.rows === HUGE_TAGS ? `exit 0, ${s.cli.rows} rows` : `exit ${s.cli.exitCode}, ${s.cli.rows} rows`,
  });
  for (const c of s.comparisons) {
    rows.push({
      scenario: `1c. comparison: ${c.name}`, requests: `${c.requests} (scaled)`, wall: `${fmtMs(c.ms)} (scaled)`, limit: fmtMs(limit),
      vsLimit: fmtRatio(c.ms / limit), vsComparisons: '—', target: '(comparison)', met: c.note,
    });
  }
}

function report2(s: S2): void {
  const ok = s.duplicateRequests.length === 0;
  rows.push({
    scenario: `2. tree of an account, every row expanded: ${s.groups} groups and subgroups, ${s.projects} projects → repositories, all pages`,
    requests: String(s.requests), wall: fmtMs(s.ms), limit: '—', vsLimit: '—', vsComparisons: '—',
    target: 'no object asked for twice',
    met: `${verdict('S2 no request twice', ok, `${s.duplicateRequests.length} repeated`)}: ${s.duplicateRequests.length} path+query (or GraphQL body) repeated`,
  });
  const kinds = Object.entries(s.byKind).map(([k, n]) => `${k} × ${n}`).join(', ');
  notes.push(`Scenario 2 requests by kind: ${kinds}. Listings: ${s.groupListings} group rows (subgroups + own projects), `
    + `${s.projectRepositoryListings} project repository listings; ${s.repositoriesSeen} repositories delivered, `
    + `${s.repositoriesDistinct} distinct (each repository once per account, under its project).`
    + (s.duplicateRequests.length ? ` Repeated: ${s.duplicateRequests.map((d) => `${d.key} × ${d.count}`).join('; ')}` : ''));
}

function reportDelete(s: SDelete, throttled: boolean): void {
  const unthrottled = (1 + Math.ceil(DELETE_N / DESTROY_LIMIT / C)) * L;
  const needed = 1 + Math.ceil(DELETE_N / DESTROY_LIMIT);
  const throttledLimit = Math.max(unthrottled, (needed / THROTTLE.perMinute) * 60_000);
  const limit = throttled ? throttledLimit : unthrottled;
  const ms = median(s.ours.map((r) => r.ms));
  const req = median(s.ours.map((r) => r.requests));
  const comp = s.comparisons[0];
  const failed = s.ours.reduce((a, r) => a + r.failed + r.notAttempted + r.leftInDouble, 0);
  const during = s.ours.reduce((a, r) => a + r.sentDuringRetryAfter, 0);
  const got429 = s.ours.map((r) => r.got429).join('/');
  if (!throttled) {
    const ok = ms / limit <= 1.25;
    rows.push({
      scenario: `3. delete ${DELETE_N.toLocaleString('en')} named tags of the 2,500-tag repository (seeded state per run, median of ${s.ours.length})`,
      requests: String(req), wall: fmtMs(ms), limit: `${fmtMs(limit)} (${limit / L} × L)`, vsLimit: fmtRatio(ms / limit),
      vsComparisons: `${fmtRatio(comp.ms / ms)} faster than ${comp.name}`, target: '≤ 1.25 × limit',
      met: `${verdict('S3 ≤ 1.25 × limit', ok, fmtRatio(ms / limit))}; failed/left ${failed}`,
    });
  } else {
    const okLimit = ms / limit <= 1.1;
    const okRest = comp.ms / ms >= 10;
    const okClean = failed === 0 && during === 0;
    rows.push({
      scenario: `4. scenario 3 under ${THROTTLE.perMinute}/min with ${THROTTLE.prefill} already counted (median of ${s.ours.length})`,
      requests: `${req} (429s: ${got429})`, wall: fmtMs(ms),
      limit: `${fmtMs(limit)} = max(${fmtMs(unthrottled)}, ${needed} req ÷ ${THROTTLE.perMinute}/min)`, vsLimit: fmtRatio(ms / limit),
      vsComparisons: `${fmtRatio(comp.ms / ms)} faster than ${comp.name} under the same throttle`,
      target: '≤ 1.1 × throttled limit; ≥ 10× one-at-a-time REST; 0 failed; nothing sent during Retry-After',
      met: `${verdict('S4 ≤ 1.1 × throttled limit', okLimit, fmtRatio(ms / limit))} / ${verdict('S4 ≥ 10× one-at-a-time REST', okRest, fmtRatio(comp.ms / ms))} / `
        + `${verdict('S4 0 failed, none during Retry-After', okClean, `failed ${failed}, during Retry-After ${during}`)}`
        + ` (failed ${failed}, sent during Retry-After ${during})`,
    });
  }
  rows.push({
    scenario: `${throttled ? '4' : '3'}c. comparison: ${comp.name}${throttled ? ' (same throttle)' : ''}`,
    requests: String(comp.requests), wall: fmtMs(comp.ms), limit: fmtMs(limit), vsLimit: fmtRatio(comp.ms / limit),
    vsComparisons: '—', target: '(comparison)', met: `${comp.note}; deleted ${comp.run.items}, failed ${comp.run.failures}`,
  });
}

function report5(s: S5): void {
  const ms = median(s.runsMs);
  rows.push({
    scenario: `5. preview a deletion rule over ${s.tags.toLocaleString('en')} tags (engine only, median of ${s.runsMs.length})`,
    requests: '0', wall: fmtMs(ms), limit: '—', vsLimit: '—', vsComparisons: '—', target: '≤ 200 ms',
    met: `${verdict('S5 ≤ 200 ms', ms <= 200, fmtMs(ms))} (${s.deleted} to delete, ${s.kept} kept)`,
  });
  notes.push(`Scenario 5 rule: ${JSON.stringify(s.rule)}, with project 1's tag protection rules, caller Maintainer; `
    + `compile + evaluate per run; runs ${s.runsMs.map((m) => m.toFixed(1)).join(', ')} ms.`);
}

function report7(s: S7): void {
  const { ms, requests } = s7Median(s);
  const limit = groupLimitMs(requests);
  const peak = Math.max(...s.runs.map((r) => r.peak));
  rows.push({
    scenario: `7. rule over a group: ${GROUP_REPOS} repositories × ${GROUP_TAGS} tags, preview (median of ${s.runs.length})`,
    requests: String(requests), wall: fmtMs(ms), limit: `${fmtMs(limit)} (⌈${requests} ÷ ${C}⌉ × L)`, vsLimit: fmtRatio(ms / limit),
    vsComparisons: '—', target: '≤ 1.25 × limit; ≤ C in flight',
    met: `${verdict('S7 ≤ 1.25 × limit', ms <= 1.25 * limit, fmtRatio(ms / limit))} / ${verdict('S7 ≤ C in flight', peak <= C, `peak ${peak}`)} `
      + `(${s.repositories} repositories, ${s.deleteCount} to delete; peak ${peak} in flight)`,
  });
  notes.push(`Scenario 7: group org-02 with ${GROUP_REPOS} added repositories of ${GROUP_TAGS} tags, rule {"deleteRegex":"build-.*","keepN":10,"olderThan":"30d"}, `
    + `--repos "/bench-\\d+$"; runs ${s.runs.map((r) => `${r.ms.toFixed(0)} ms / ${r.requests} requests`).join(', ')}.`);
}

function report9(s: S9): void {
  const { ms } = s9Median(s);
  const limit = recordLimitMs(s.unique);
  const gets = Math.max(...s.runs.map((r) => r.manifestGets));
  const gitlab = Math.max(...s.runs.map((r) => r.gitlabRequests));
  const peak = Math.max(...s.runs.map((r) => r.peak));
  const rounds = Math.ceil(s.unique / C);
  rows.push({
    scenario: `9. recording ${RECORD_TAGS.toLocaleString('en')} tags (${s.unique} unique digests) for the deletion journal (median of ${s.runs.length})`,
    requests: `${median(s.runs.map((r) => r.registryRequests))} registry, ${gitlab} GitLab`, wall: fmtMs(ms),
    limit: `${fmtMs(limit)} ((${TOKEN_FLOW_ROUND_TRIPS} + ⌈${s.unique} ÷ ${C}⌉) × L)`, vsLimit: fmtRatio(ms / limit),
    vsComparisons: '—', target: '≤ 1.25 × limit; one GET per unique digest; ≤ C in flight; no GitLab request',
    met: `${verdict('S9 ≤ 1.25 × limit', ms <= 1.25 * limit, fmtRatio(ms / limit))} / ${verdict('S9 one GET per digest', gets === s.unique, `${gets} GETs`)} / `
      + `${verdict('S9 ≤ C in flight', peak <= C, `peak ${peak}`)} / ${verdict('S9 no GitLab request', gitlab === 0, `${gitlab} GitLab requests`)}`,
  });
  notes.push(`Scenario 9: ${RECORD_TAGS} tags over ${RECORD_IMAGES} images in one repository of the double's own Registry V2 (registryHost 'self'), `
    + `digests known from the preview; AccountRegistry + ManifestStore (memory only) per run; ${rounds} rounds of manifest GETs; `
    + `the first C GETs meet the 401 challenge together and share one /jwt/auth request; `
    + `runs ${s.runs.map((r) => `${r.ms.toFixed(0)} ms / ${r.manifestGets} manifest GETs (200) / ${r.challenges} challenges / ${r.tokenRequests} token requests / ${r.registryRequests} registry requests`).join(', ')}.`);
}

function report6(s: S6, cli?: S1['cli']): void {
  const kb = s.bundleBytes / 1024;
  rows.push({
    scenario: '6a. dist/extension.js (npm run build)', requests: '—', wall: `${kb.toFixed(1)} KB`, limit: '400 KB', vsLimit: fmtRatio(kb / 400),
    vsComparisons: '—', target: '≤ 400 KB minified',
    met: `${verdict('S6 bundle ≤ 400 KB minified', kb <= 400 && s.bundleMinified, `${kb.toFixed(1)} KB`)}${s.bundleMinified ? ' (minified)' : ' (NOT minified)'}`,
  });
  const h = s.host;
  const noReq = h.requestsBeforeView === null ? null : h.requestsBeforeView === 0 && h.notActiveBeforeView === true;
  rows.push({
    scenario: '6b. activate() in VS Code (code-server), then the view opened', requests: h.requestsBeforeView === null ? '—' : `${h.requestsBeforeView} before view, ${h.requestsAfterView} after`,
    wall: h.activationMs === null ? '—' : fmtMs(h.activationMs), limit: '50 ms', vsLimit: h.activationMs === null ? '—' : fmtRatio(h.activationMs / 50),
    vsComparisons: '—', target: '≤ 50 ms; no request before the view is opened; activates only on view/commands',
    met: `${verdict('S6 activate() ≤ 50 ms', h.activationMs === null ? null : h.activationMs <= 50, h.activationMs === null ? (h.error ?? h.how) : fmtMs(h.activationMs))} / `
      + `${verdict('S6 no request before view', noReq, `${h.requestsBeforeView} requests, active before view: ${h.notActiveBeforeView === false}`)} / `
      + `${verdict('S6 activation events', s.activationOk, s.activationEvents.filter((e) => !/^(onView|onCommand):/.test(e)).join(', ') || 'view + commands only')}`,
  });
  notes.push(`Scenario 6 activation: ${h.how}${h.error ? ` — ${h.error}` : ''}. Activation events (explicit + implied by contributes): `
    + `${s.activationEvents.length} (${s.activationEvents.filter((e) => e.startsWith('onView')).join(', ')} + ${s.activationEvents.filter((e) => e.startsWith('onCommand')).length} onCommand).`);
  if (cli) {
    rows.push({
      scenario: '6c. peak memory of `glcr tags … --details --json` on scenario 1', requests: String(cli.requests),
      wall: cli.maxRssKb === null ? '—' : `${(cli.maxRssKb / 1024).toFixed(0)} MB`, limit: '—', vsLimit: '—', vsComparisons: '—',
      target: '(reported)', met: 'process.resourceUsage().maxRSS of the CLI process (--require probe)',
    });
  }
}

function report8(s: S8): void {
  const ms = median(s.runs.map((r) => r.totalMs));
  rows.push({
    scenario: `8. rule preview of ${s.tags.toLocaleString('en')} tags: model + HTML + first paint in Chromium (median of ${s.runs.length})`,
    requests: '—', wall: fmtMs(ms), limit: '1.5 s', vsLimit: fmtRatio(ms / 1500), vsComparisons: '—', target: '≤ 1.5 s after the data arrived',
    met: verdict('S8 preview first paint ≤ 1.5 s', ms <= 1500, fmtMs(ms)),
  });
  notes.push(`Scenario 8: ${(s.htmlBytes / 1e6).toFixed(2)} MB of HTML; runs (model+HTML / Chromium to first-contentful-paint) `
    + `${s.runs.map((r) => `${r.modelMs.toFixed(0)}+${r.paintMs.toFixed(0)}`).join(', ')} ms; screenshot ${path.relative(repoRoot, s.screenshot)}.`);
}

function report10(s: S10): void {
  const ms = median(s.cold.map((r) => r.ms));
  const unique = s.cold[0].unique;
  const limitTrips = Math.ceil(unique / C);
  const trips = ms / L;
  const requests = median(s.cold.map((r) => r.requests));
  rows.push({
    scenario: `10. storage estimate: delete ${STORAGE_DELETE.toLocaleString('en')} of ${s.tags.toLocaleString('en')} tags, cold cache (median of ${s.cold.length})`,
    requests: `${requests} (${s.cold[0].manifestGets} manifest GETs)`, wall: `${fmtMs(ms)} = ${trips.toFixed(1)} round trips`,
    limit: `${fmtMs(limitTrips * L)} (⌈${unique} manifests ÷ ${C}⌉ = ${limitTrips} × L)`, vsLimit: fmtRatio(trips / limitTrips),
    vsComparisons: '—', target: '≤ 1.25 × ⌈unique manifests ÷ C⌉ round trips',
    met: `${verdict('S10 ≤ 1.25 × ⌈unique ÷ C⌉ round trips', trips <= 1.25 * limitTrips, fmtRatio(trips / limitTrips))} `
      + `(reclaimable ${s.reclaimable} B, shared ${s.shared} B)`,
  });
  rows.push({
    scenario: '10b. the same estimate again, a new store over the same disk cache (warm)', requests: String(s.warm.requests), wall: fmtMs(s.warm.ms),
    limit: '2 requests', vsLimit: '—', vsComparisons: '—', target: '≤ 2 requests',
    met: verdict('S10 warm ≤ 2 requests', s.warm.requests <= 2, `${s.warm.requests} requests`),
  });
  rows.push({
    scenario: `10c. peak memory of \`glcr rm … ${STORAGE_DELETE} tags --dry-run --json\` (cold cache, tag listing included)`,
    requests: `${s.cli.requests} registry`, wall: s.cli.maxRssKb === null ? '—' : `${(s.cli.maxRssKb / 1024).toFixed(0)} MB`, limit: '—', vsLimit: '—',
    vsComparisons: '—', target: '(reported)',
    met: `exit ${s.cli.exitCode} in ${fmtMs(s.cli.ms)}, reclaimable_bytes ${s.cli.reclaimable}${s.cli.reclaimable === s.reclaimable ? ' (= 10)' : ' (≠ 10!)'}`,
  });
  notes.push(`Scenario 10: repository org-01/service-001/big of the large scenario (2,500 \`build-…\` OCI manifests + \`latest\`, a manifest list of 2 platforms), `
    + `the oldest ${STORAGE_DELETE} tags deleted; the double serves Registry V2 on its own origin under the same L, C and connection round trip; `
    + `cold runs ${s.cold.map((r) => `${r.ms.toFixed(0)} ms / ${r.requests} requests`).join(', ')}; warm ${s.warm.ms.toFixed(0)} ms.`);
}

/** The hand-written "## History" section of the current results.md (before/after measurements), kept across runs. */
function keptHistory(): string {
  try {
    const old = fs.readFileSync(path.join(repoRoot, 'bench', 'results.md'), 'utf8');
    const at = old.indexOf('\n## History');
    return at < 0 ? '' : old.slice(at);
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  log(`L = ${L} ms, C = ${C}, ours runs = ${RUNS}, scenarios ${[...only].join(',')}`);
  let s1: S1 | undefined;
  if (only.has('1')) report1((s1 = await scenario1()));
  if (only.has('2')) report2(await scenario2());
  if (only.has('3')) reportDelete(await scenarioDelete(false), false);
  if (only.has('4')) reportDelete(await scenarioDelete(true), true);
  if (only.has('5')) report5(await scenario5());
  if (only.has('6')) report6(await scenario6(), s1?.cli);
  if (only.has('7')) report7(await scenario7());
  if (only.has('8')) report8(await scenario8(repoRoot));
  if (only.has('9')) report9(await scenario9());
  if (only.has('10')) report10(await scenario10(repoRoot));

  const table = mdTable(
    ['Scenario', 'Requests', 'Wall time', 'Limit', '× limit', 'vs comparison clients', 'Target', 'Result'],
    rows.map((r) => [r.scenario, r.requests, r.wall, r.limit, r.vsLimit, r.vsComparisons, r.target, r.met]),
  );
  const missed = verdicts.filter((v) => v.ok === false);
  const md = [
    '# Benchmark results',
    '',
    `Run ${new Date().toISOString()} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; `
      + `GitLab double (large scenario, GraphQL on), injected round-trip latency L = ${L} ms, server-side cap C = ${C} requests in flight, `
      + `${CONNECT_MS} ms per new connection, server work ${DELETE_WORK_MS} ms per deleted tag and ${LIST_WORK_MS} ms per tag in a tags=true answer; `
      + `our client runs ${RUNS}× per scenario (median), comparison clients once. Total ${((Date.now() - t0) / 1000).toFixed(0)} s.`,
    '',
    table,
    '',
    'Limits: listing T tags (1 + ⌈T/20⌉) × L; deleting N tags (1 + ⌈N/20/C⌉) × L; under a throttle of R/min '
      + 'max(unthrottled limit, requests needed ÷ R), with requests needed = 1 + ⌈N/20⌉ (one existence check, one mutation per 20 names). '
      + 'The deletion limits count one 20-name mutation per request, the measure the independent check of glcr rm used; the client '
      + 'now sends up to 5 mutations per request, spread evenly over C slots (bench/README.md). '
      + `Comparison clients for scenario 1 read the first ${COMPARE_SAMPLE} tags and are scaled linearly to ${HUGE_TAGS} (said in the row). `
      + `The throttled REST deletion is capped at ${REST_THROTTLED_CAP_MS / 1000} s.`,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    missed.length === 0 ? 'All measured targets met.' : `Missed: ${missed.map((v) => `${v.what} (${v.detail})`).join('; ')}.`,
    '',
  ].join('\n');
  process.stdout.write(`\n${md}\n`);
  if (ALL.every((n) => only.has(n))) fs.writeFileSync(path.join(repoRoot, 'bench', 'results.md'), md + keptHistory());
  else fs.writeFileSync(path.join(repoRoot, 'bench', `results.partial.md`), md);
  log(`done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});

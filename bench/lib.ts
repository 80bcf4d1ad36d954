// Shared helpers of the benchmarks: the GitLab double as the benchmarks run it (GraphQL on, round-trip
// latency L, server-side cap of C requests in flight), timing, medians, request-log analysis and the
// markdown table. Nothing here is part of the test suite.
import { fork, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { FetchFn } from '../src/core/http';
import type { DoubleOptions, DoubleRepository, RequestLogEntry, TokenName } from '../test/double/contract';

/** Round-trip latency injected by the double (ms): BENCH_LATENCY_MS, default 50. */
export const L = Number(process.env.BENCH_LATENCY_MS ?? 50);
/** Server-side cap on requests in flight: BENCH_MAX_IN_FLIGHT, default 8 (also our client's concurrency). */
export const C = Number(process.env.BENCH_MAX_IN_FLIGHT ?? 8);
/** Runs of our client per scenario (the median counts): BENCH_RUNS, default 3. */
export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
/**
 * What GitLab charges that loopback does not, so the double is no kinder than GitLab: a handshake round
 * trip per new connection (BENCH_CONNECT_MS, default L), server work per deleted tag (GitLab sends one
 * registry DELETE per name; BENCH_DELETE_WORK_MS, default 1 ms) and per tag in a `tags=true` repository
 * answer (registry listing and entity rendering; BENCH_LIST_WORK_MS, default 0.02 ms: 50 ms for 2,500).
 */
export const CONNECT_MS = Number(process.env.BENCH_CONNECT_MS ?? L);
export const DELETE_WORK_MS = Number(process.env.BENCH_DELETE_WORK_MS ?? 1);
export const LIST_WORK_MS = Number(process.env.BENCH_LIST_WORK_MS ?? 0.02);

/** The double in its own process (doubleServer.ts), read through its control API (which is not logged). */
export interface RemoteDouble {
  readonly url: string;
  readonly tokens: Record<TokenName, string>;
  requests(): Promise<RequestLogEntry[]>;
  resetLog(): Promise<void>;
  /** POST /__double/reset: the seeded state again (throttle windows and log cleared); the process stays warm. */
  reset(): Promise<void>;
  repository(id: number): Promise<DoubleRepository | undefined>;
  close(): Promise<void>;
}

/** The double as every scenario uses it (large scenario, GraphQL, latency L, cap C); `extra` adds e.g. a throttle. */
export async function startDouble(extra: DoubleOptions = {}): Promise<RemoteDouble> {
  const opts: DoubleOptions = {
    scenario: 'large', graphql: true, latencyMs: L, maxInFlight: C, bulkJobDelayMs: 0, repositoryDeletionStepMs: 0,
    connectLatencyMs: CONNECT_MS, serverWork: { perDeletedTagMs: DELETE_WORK_MS, perListedTagMs: LIST_WORK_MS }, ...extra,
  };
  const child = fork(path.join(__dirname, 'doubleServer.js'), [JSON.stringify(opts)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const hello = await new Promise<{ url: string; tokens: Record<TokenName, string> }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the double did not start within 30 s')), 30_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as { url: string; tokens: Record<TokenName, string> });
    });
    child.once('exit', (code) => reject(new Error(`the double exited (${code}) before it started`)));
  });
  const control = (p: string, method = 'GET'): Promise<Response> => fetch(`${hello.url}/__double${p}`, { method });
  return {
    url: hello.url,
    tokens: hello.tokens,
    async requests() {
      return (await (await control('/requests')).json()) as RequestLogEntry[];
    },
    async resetLog() {
      await (await control('/reset-log', 'POST')).arrayBuffer();
    },
    async reset() {
      await (await control('/reset', 'POST')).arrayBuffer();
    },
    async repository(id) {
      const res = await control(`/repositories/${id}`);
      if (res.status === 404) return undefined;
      return (await res.json()) as DoubleRepository;
    },
    async close() {
      if (child.exitCode === null) child.send('close');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** API requests in the double's log (control-API calls are never logged). */
export async function apiRequests(double: RemoteDouble): Promise<RequestLogEntry[]> {
  return (await double.requests()).filter((r) => r.path.startsWith('/api/'));
}

/** path+query asked more than once (GET only: the tree never posts; GraphQL POSTs are told apart by body elsewhere). */
export function duplicates(entries: RequestLogEntry[]): Array<{ key: string; count: number }> {
  const counts = new Map<string, number>();
  for (const e of entries) {
    if (e.method !== 'GET') continue;
    const key = `${e.path}${e.query ? `?${e.query.replace(/^\?/, '')}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([key, count]) => ({ key, count }));
}

/**
 * A fetch wrapper that records, per request, when it was sent, its status and any Retry-After, and keeps
 * the GraphQL request bodies (to detect the same GraphQL question asked twice).
 */
export interface WireRecord {
  sentAt: number;
  doneAt: number;
  method: string;
  url: string;
  status: number;
  retryAfter?: number;
  body?: string;
}

export function recordingFetch(records: WireRecord[]): FetchFn {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeFetch = require('node-fetch') as FetchFn;
  return async (url, init) => {
    const rec: WireRecord = {
      sentAt: Date.now(), doneAt: 0, method: String(init.method ?? 'GET'), url, status: 0,
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
    };
    records.push(rec);
    try {
      const res = await nodeFetch(url, init);
      rec.status = res.status;
      rec.doneAt = Date.now();
      const ra = res.headers.get('retry-after');
      if (ra !== null) rec.retryAfter = Number(ra);
      return res;
    } catch (e) {
      rec.doneAt = Date.now();
      throw e;
    }
  };
}

/**
 * Requests the double received while a Retry-After the client had already been given was still pending.
 * `received429` = (time the 429 arrived at the client, Retry-After seconds); `log` = the double's log.
 * A request that left before the 429 arrived is not a violation (the client could not know yet).
 */
export function sentDuringRetryAfter(received429: Array<{ at: number; retryAfter: number }>, log: RequestLogEntry[]): RequestLogEntry[] {
  const bad: RequestLogEntry[] = [];
  for (const e of log) {
    for (const r of received429) {
      // 5 ms of slack for the two clocks (same machine, Date.now both) and the socket hop.
      if (e.start > r.at + 5 && e.start < r.at + r.retryAfter * 1000 - 5) {
        bad.push(e);
        break;
      }
    }
  }
  return bad;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return '—';
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

export function mdTable(header: string[], rows: string[][]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map(esc).join(' | ')} |`);
  return lines.join('\n');
}

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** `node --require rssProbe.js dist/cli.js <args>` once: its output, exit code, wall time and peak RSS (KB). */
export async function runCliProcess(repoRoot: string, args: string[], env: NodeJS.ProcessEnv): Promise<{
  ms: number; stdout: string; stderr: string; exitCode: number | null; maxRssKb: number | null;
}> {
  const rssFile = path.join(os.tmpdir(), `glcr-bench-rss-${process.pid}.json`);
  fs.rmSync(rssFile, { force: true });
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--require', path.join(__dirname, 'rssProbe.js'), path.join(repoRoot, 'dist', 'cli.js'), ...args],
    { env: { ...env, GLCR_BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const killer = setTimeout(() => child.kill('SIGKILL'), 5 * 60_000);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(killer);
  const ms = performance.now() - t0;
  let maxRssKb: number | null = null;
  try {
    maxRssKb = (JSON.parse(fs.readFileSync(rssFile, 'utf8')) as { maxRSS: number }).maxRSS;
  } catch {
    maxRssKb = null;
  }
  fs.rmSync(rssFile, { force: true });
  return { ms, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode, maxRssKb };
}

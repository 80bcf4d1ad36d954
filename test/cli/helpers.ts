// Runs the built CLI (dist/cli.js) as a child process. Always async: the GitLab double answers from this
// same process, so a synchronous spawn would deadlock.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** out/test/cli → repository root → dist/cli.js */
export const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Environment on top of a minimal one (PATH only): variables such as GITLAB_TOKEN or CI_JOB_TOKEN of the caller never leak in. */
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** Called once the child is running (e.g. to send SIGINT later). */
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
}

/**
 * The manifest cache of the glcr processes this test file starts: one fresh folder per test process, so
 * that files do not see each other's cache (nor the user's ~/.cache/glcr). A test may pass its own.
 */
let cacheHome: string | undefined;
function testCacheHome(): string {
  cacheHome ??= fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-test-cache-'));
  return cacheHome;
}

export function glcr(args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: testCacheHome() };
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
    opts.onSpawn?.(child);
  });
}

/** Parses stdout as JSON; fails with the whole output when it is not pure JSON. */
export function parseJson<T = unknown>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** The non-empty lines of stderr. */
export function errLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l.trim() !== '');
}

let tmpDir: string | undefined;

/** Writes a token to a private temp file (with a trailing newline, as editors save it) and returns its path. */
export function tokenFile(token: string): string {
  tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-cli-test-'));
  const file = path.join(tmpDir, `token-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return file;
}

export function cleanupTemp(): void {
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = undefined;
}

/** Code-point order, written independently of the CLI's. */
export function codePointSorted(values: readonly string[]): string[] {
  const key = (s: string) => Array.from(s, (c) => c.codePointAt(0)!);
  return [...values].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  });
}

/** Polls `check` every 20 ms until it is true or `timeoutMs` passes (bounded). */
export async function waitFor(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for a condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** No stack traces, ever: no "    at " frames, no "Error:" dumps from node. */
export function assertNoStack(r: CliResult): void {
  if (/^\s+at .+\(.+:\d+:\d+\)$/m.test(r.stderr) || /node:internal/.test(r.stderr)) {
    throw new Error(`stderr carries a stack trace:\n${r.stderr}`);
  }
}

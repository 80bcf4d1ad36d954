// The API for integration tests that run INSIDE the real extension host (test/integration/suite/*.itest.ts).
// Loaded only in the extension host (it imports 'vscode'); the runner is test/integration/run.ts and the
// loader that calls these tests is test/integration/index.ts.
//
//   import * as assert from 'assert';
//   import { test, harness } from '../../harness/inhost';
//   test('lists the projects', async () => {
//     const ext = await harness.activate();
//     assert.ok(ext.isActive);
//   }, { timeout: 30_000 });
//
// A suite module may instead (or also) export `tests: Array<{ name, fn, timeout? }>`.
import * as vscode from 'vscode';
import type { DoubleOptions, TokenName } from '../double/contract';

export const EXTENSION_ID = 'glcr.gitlab-container-registry';

export interface InHostTest {
  name: string;
  fn: () => unknown | Promise<unknown>;
  /** ms; default 60 000 (GLCR_ITEST_TEST_TIMEOUT_MS). */
  timeout?: number;
  skip?: boolean;
}

const pending: InHostTest[] = [];

/** Registers a test; tests run one after another in file order, files in name order. */
export function test(name: string, fn: () => unknown | Promise<unknown>, opts: { timeout?: number; skip?: boolean } = {}): void {
  pending.push({ name, fn, ...opts });
}

/** Registers a test that is reported as skipped. */
test.skip = (name: string, fn: () => unknown | Promise<unknown>, opts: { timeout?: number } = {}): void => {
  pending.push({ name, fn, ...opts, skip: true });
};

/** Hands over (and forgets) the tests registered so far. Used by test/integration/index.ts. */
export function takeRegistered(): InHostTest[] {
  return pending.splice(0, pending.length);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set in the extension host (is this running under test/integration/run.ts?)`);
  return v;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** What the runner hands the extension host, and small helpers. */
export const harness = {
  /** The GitLab double's base URL (http://127.0.0.1:PORT; API under /api/v4). */
  doubleUrl(): string {
    return env('GLCR_DOUBLE_URL');
  },
  /** The seeded tokens of the double, by name (owner, maintainer, developer, ..., expired, revoked, job). */
  tokens(): Record<TokenName, string> {
    return JSON.parse(env('GLCR_DOUBLE_TOKENS')) as Record<TokenName, string>;
  },
  token(name: TokenName): string {
    return harness.tokens()[name];
  },
  /** The double's HTTP control API (GET /__double/requests, POST /__double/faults, ...; see test/double/README.md). */
  control(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    return call(harness.doubleUrl(), method, path.startsWith('/__double') ? path : `/__double${path}`, body);
  },
  /** Re-seeds the double in place (POST /__double/reset): state, faults and request log. */
  async resetDouble(): Promise<void> {
    await harness.control('POST', '/__double/reset');
  },
  /** Replaces the double by a fresh one with other options (e.g. { legacyRegistry: true }), same URL and tokens. */
  async restartDouble(options: DoubleOptions = {}): Promise<void> {
    await call(env('GLCR_HARNESS_URL'), 'POST', '/restart', options);
  },
  /** The extension under test (throws when VS Code does not know it). */
  extension<T = unknown>(): vscode.Extension<T> {
    const ext = vscode.extensions.getExtension<T>(EXTENSION_ID);
    if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
    return ext;
  },
  /** Activates the extension under test and returns its exports (the API activate() returned). */
  async activate<T = unknown>(): Promise<T> {
    return harness.extension<T>().activate();
  },
  /** Polls until fn returns a truthy value (returned) or throws after timeoutMs. */
  async waitFor<T>(fn: () => T | Promise<T>, opts: { timeoutMs?: number; intervalMs?: number; message?: string } = {}): Promise<T> {
    const until = Date.now() + (opts.timeoutMs ?? 10_000);
    let last: unknown;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      if (Date.now() > until) {
        throw new Error(`${opts.message ?? 'condition'} not met within ${opts.timeoutMs ?? 10_000} ms${last ? `: ${String(last)}` : ''}`);
      }
      await sleep(opts.intervalMs ?? 100);
    }
  },
  sleep,
};

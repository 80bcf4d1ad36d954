// Shared set-up for the client tests that run against the GitLab double: a client per seeded token, a log
// that records every line (checked for token leaks); countingFetch lives in test/support.
import { startGitLabDouble } from '../double/gitlabDouble';
import type { DoubleOptions, GitLabDouble, TokenName } from '../double/contract';
import { RestClientOptions, RestRegistryApi } from '../../src/core/restClient';
import type { Credential, Logger } from '../../src/core/types';

export const logLines: string[] = [];
export const errorMessages: string[] = [];

export const captureLog: Logger = {
  debug: (m) => logLines.push(m),
  info: (m) => logLines.push(m),
  warn: (m) => logLines.push(m),
  error: (m) => logLines.push(m),
};

export function startDouble(opts: DoubleOptions = {}): Promise<GitLabDouble> {
  return startGitLabDouble(opts);
}

export function apiFor(
  double: GitLabDouble,
  who: TokenName | Credential | null,
  extra: Partial<RestClientOptions> = {},
): RestRegistryApi {
  const credential: Credential | undefined = who === null ? undefined
    : typeof who === 'string' ? { kind: who === 'job' ? 'job' : 'private', value: double.tokens[who] } : who;
  return new RestRegistryApi({
    baseUrl: double.url, credential, log: captureLog, retryBaseMs: 5, retryMaxDelayMs: 20, timeoutMs: 5000, ...extra,
  });
}

/** Remembers the message of any error (for the leak check) and returns it. */
export async function caught(p: Promise<unknown>): Promise<Error & { kind?: string; status?: number; details?: Record<string, unknown>; gitlabMessage?: string }> {
  try {
    await p;
  } catch (e) {
    errorMessages.push(String((e as Error).message));
    return e as Error;
  }
  throw new Error('expected a rejection');
}

export { countingFetch } from '../support/countingFetch';

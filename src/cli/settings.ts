// Where the GitLab URL and the credential come from. Precedence (first wins):
//   URL:   --url, $GITLAB_URL, $CI_SERVER_URL, https://gitlab.com
//   token: --token-file (content trimmed), $GITLAB_TOKEN (both PRIVATE-TOKEN), $CI_JOB_TOKEN (JOB-TOKEN);
//          none → anonymous requests.
// No option takes a token value: a secret in argv shows in the process list and the shell history.
import * as fs from 'fs';
import { UsageError } from '../core/errors';
import type { Credential } from '../core/types';
import { assertSafeTransport, normalizeInstanceUrl } from '../core/url';
import type { FlagValue } from './command';

export const DEFAULT_URL = 'https://gitlab.com';

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** The normalised instance URL; refuses plain http:// to a non-loopback host unless --allow-http. */
export function resolveInstanceUrl(flags: Record<string, FlagValue | undefined>, env: NodeJS.ProcessEnv): string {
  const given = typeof flags.url === 'string' ? flags.url : undefined;
  let source = '--url';
  let raw = given;
  if (raw === undefined && envValue(env, 'GITLAB_URL')) {
    raw = envValue(env, 'GITLAB_URL');
    source = 'GITLAB_URL';
  }
  if (raw === undefined && envValue(env, 'CI_SERVER_URL')) {
    raw = envValue(env, 'CI_SERVER_URL');
    source = 'CI_SERVER_URL';
  }
  if (raw === undefined) return DEFAULT_URL;
  let url: string;
  try {
    url = normalizeInstanceUrl(raw);
  } catch (e) {
    throw new UsageError(`${source}: ${(e as Error).message}`);
  }
  try {
    assertSafeTransport(url, flags['allow-http'] === true);
  } catch {
    throw new UsageError(
      `refusing plain http:// to ${new URL(url).host}: the token would travel in clear text (use https://, or add --allow-http)`,
    );
  }
  return url;
}

export interface CredentialSource {
  credential?: Credential;
  /** Where it came from, for hints: '--token-file', 'GITLAB_TOKEN', 'CI_JOB_TOKEN' or 'none'. */
  source: string;
}

export function resolveCredential(
  flags: Record<string, FlagValue | undefined>,
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string = (p) => fs.readFileSync(p, 'utf8'),
): CredentialSource {
  const file = typeof flags['token-file'] === 'string' ? flags['token-file'] : undefined;
  if (file !== undefined) {
    if (file === '') throw new UsageError('--token-file needs a path');
    let text: string;
    try {
      text = readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : code ?? 'unreadable';
      throw new UsageError(`cannot read --token-file ${file}: ${why}`);
    }
    const value = text.trim();
    if (value === '') throw new UsageError(`--token-file ${file} is empty`);
    if (/[\r\n]/.test(value)) throw new UsageError(`--token-file ${file} holds more than one line; it must contain only the token`);
    return { credential: { kind: 'private', value }, source: '--token-file' };
  }
  const pat = envValue(env, 'GITLAB_TOKEN');
  if (pat !== undefined) return { credential: { kind: 'private', value: pat.trim() }, source: 'GITLAB_TOKEN' };
  const job = envValue(env, 'CI_JOB_TOKEN');
  if (job !== undefined) return { credential: { kind: 'job', value: job.trim() }, source: 'CI_JOB_TOKEN' };
  return { source: 'none' };
}

/** --concurrency: a whole number 1..64. */
export function parseConcurrency(value: FlagValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 64) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 64 (got "${text.slice(0, 20)}")`);
  }
  return Number(text);
}

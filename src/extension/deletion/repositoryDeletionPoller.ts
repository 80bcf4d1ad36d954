// GitLab deletes a repository in the background after answering 202. This watches such repositories
// (bounded attempts, exponential backoff) until GitLab no longer has them or reports the deletion failed.
import { GitLabError } from '../../core/errors';
import type { RegistryApi } from '../../core/registryApi';
import type { RepositoryStatus } from '../../core/types';
import type { Log } from '../log';

export interface PollOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const DEFAULT_POLL_OPTIONS: PollOptions = { initialDelayMs: 2000, maxDelayMs: 30000, maxAttempts: 40 };

/** The wait before attempt `n` (0-based): doubling from the initial delay up to the cap. */
export function backoffDelay(attempt: number, o: PollOptions): number {
  return Math.min(o.maxDelayMs, o.initialDelayMs * 2 ** Math.min(attempt, 20));
}

export class RepositoryDeletionPoller {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Aborts the check in flight (and the client's retries of it) when watching stops. */
  private readonly inFlight = new Map<string, AbortController>();
  private disposed = false;
  options: PollOptions = { ...DEFAULT_POLL_OPTIONS };

  constructor(
    private readonly api: (accountId: string) => RegistryApi,
    private readonly onChange: (accountId: string, repositoryId: number, status: RepositoryStatus | 'gone') => void,
    private readonly log: Log,
  ) {}

  /** Starts (or restarts) watching one repository. */
  watch(accountId: string, repositoryId: number): void {
    this.stop(accountId, repositoryId);
    this.schedule(accountId, repositoryId, 0, undefined);
  }

  isWatching(accountId: string, repositoryId: number): boolean {
    return this.timers.has(`${accountId}|${repositoryId}`);
  }

  private schedule(accountId: string, repositoryId: number, attempt: number, last: RepositoryStatus | undefined): void {
    if (this.disposed) return;
    const key = `${accountId}|${repositoryId}`;
    if (attempt >= this.options.maxAttempts) {
      this.timers.delete(key);
      this.log.warn(`Stopped watching the deletion of repository ${repositoryId} after ${attempt} checks (status: ${last ?? 'unknown'}).`);
      return;
    }
    const timer = setTimeout(() => void this.check(accountId, repositoryId, attempt, last), backoffDelay(attempt, this.options));
    this.timers.set(key, timer);
  }

  private async check(accountId: string, repositoryId: number, attempt: number, last: RepositoryStatus | undefined): Promise<void> {
    const key = `${accountId}|${repositoryId}`;
    if (this.disposed || !this.timers.has(key)) return;
    try {
      const abort = new AbortController();
      this.inFlight.set(key, abort);
      const repo = await this.api(accountId).getRepository(repositoryId, { signal: abort.signal }).finally(() => this.inFlight.delete(key));
      if (this.disposed || !this.timers.has(key)) return;
      if (repo.status !== last) this.onChange(accountId, repositoryId, repo.status);
      if (repo.status === 'delete_failed' || repo.status === null) {
        this.timers.delete(key);
        this.log.info(`Repository ${repositoryId}: deletion ${repo.status === null ? 'no longer scheduled' : 'failed'}.`);
        return;
      }
      this.schedule(accountId, repositoryId, attempt + 1, repo.status);
    } catch (err) {
      if (this.disposed || !this.timers.has(key)) return;
      if (err instanceof GitLabError && err.kind === 'not_found') {
        this.timers.delete(key);
        this.log.info(`Repository ${repositoryId} is gone.`);
        this.onChange(accountId, repositoryId, 'gone');
        return;
      }
      this.log.warn(`Checking repository ${repositoryId}: ${err instanceof Error ? err.message : String(err)}`);
      this.schedule(accountId, repositoryId, attempt + 1, last);
    }
  }

  stop(accountId: string, repositoryId: number): void {
    const key = `${accountId}|${repositoryId}`;
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.inFlight.get(key)?.abort();
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const a of this.inFlight.values()) a.abort();
  }
}

// Fills in tag details (digest, size, date) after the tag names are shown: a queue drained with bounded
// concurrency, results reported in small batches so the tree updates a few rows at a time.
import type { TagDetails } from '../../core/types';

export interface DetailsJob {
  accountId: string;
  projectId: number;
  repositoryId: number;
  name: string;
}

export interface TagDetailsLoaderHooks {
  fetch(job: DetailsJob): Promise<TagDetails>;
  has(job: DetailsJob): boolean;
  store(job: DetailsJob, details: TagDetails): void;
  concurrency(): number;
  /** Some tags of a repository got details (batched). */
  loaded(accountId: string, repositoryId: number, names: string[]): void;
  /** Nothing of this repository is queued or running any more. */
  settled(accountId: string, repositoryId: number): void;
  failed(job: DetailsJob, err: unknown): void;
}

const key = (j: { accountId: string; repositoryId: number }): string => `${j.accountId}\u0000${j.repositoryId}`;

export class TagDetailsLoader {
  private readonly queue: DetailsJob[] = [];
  private readonly known = new Set<string>();
  private readonly outstanding = new Map<string, number>();
  private readonly batch = new Map<string, { accountId: string; repositoryId: number; names: string[] }>();
  private active = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(private readonly hooks: TagDetailsLoaderHooks, private readonly flushMs = 60) {}

  /** Queues the tags whose details are neither known nor already queued. */
  request(jobs: DetailsJob[]): void {
    for (const job of jobs) {
      const id = `${key(job)}\u0000${job.name}`;
      if (this.known.has(id) || this.hooks.has(job)) continue;
      this.known.add(id);
      this.queue.push(job);
      this.outstanding.set(key(job), (this.outstanding.get(key(job)) ?? 0) + 1);
    }
    this.pump();
  }

  /** Allows tags to be fetched again (after a refresh): all of them, an account's, or one repository's. */
  forget(accountId?: string, repositoryId?: number): void {
    if (accountId === undefined) {
      this.known.clear();
      return;
    }
    const prefix = repositoryId === undefined ? `${accountId}\u0000` : `${key({ accountId, repositoryId })}\u0000`;
    for (const id of [...this.known]) if (id.startsWith(prefix)) this.known.delete(id);
  }

  isLoading(accountId: string, repositoryId: number): boolean {
    return (this.outstanding.get(key({ accountId, repositoryId })) ?? 0) > 0;
  }

  private pump(): void {
    while (!this.disposed && this.active < this.hooks.concurrency() && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.active++;
      // Through a promise: a fetch that throws at once (the account was removed meanwhile) must still free its
      // slot, or `active` never goes down again and no details load any more, for any account.
      Promise.resolve().then(() => this.hooks.fetch(job)).then(
        (details) => {
          if (this.disposed) return;
          this.hooks.store(job, details);
          this.addToBatch(job);
        },
        (err: unknown) => {
          if (!this.disposed) this.hooks.failed(job, err);
        },
      ).finally(() => {
        this.active--;
        const k = key(job);
        const left = (this.outstanding.get(k) ?? 1) - 1;
        if (left <= 0) {
          this.outstanding.delete(k);
          this.flush();
          if (!this.disposed) this.hooks.settled(job.accountId, job.repositoryId);
        } else {
          this.outstanding.set(k, left);
        }
        this.pump();
      });
    }
  }

  private addToBatch(job: DetailsJob): void {
    const k = key(job);
    const entry = this.batch.get(k) ?? { accountId: job.accountId, repositoryId: job.repositoryId, names: [] };
    entry.names.push(job.name);
    this.batch.set(k, entry);
    this.flushTimer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const entries = [...this.batch.values()];
    this.batch.clear();
    if (this.disposed) return;
    for (const e of entries) this.hooks.loaded(e.accountId, e.repositoryId, e.names);
  }

  dispose(): void {
    this.disposed = true;
    this.queue.length = 0;
    if (this.flushTimer) clearTimeout(this.flushTimer);
  }
}

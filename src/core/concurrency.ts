// Bounded-concurrency fan-out. Everything that touches many tags goes through mapLimit so that there is
// never an unbounded burst of requests and never a slow one-after-the-other loop.

export interface MapLimitOptions {
  /** When aborted, no new item is started; items already running finish. */
  signal?: AbortSignal;
  /** Called after each item settles (successfully or not). */
  onSettled?: (done: number, total: number) => void;
}

export interface MapLimitResult<T, R> {
  /** Results by input index; `undefined` where the item was not started. */
  results: Array<R | undefined>;
  /** Inputs that were never started (because of abort or an earlier failure), in input order. */
  notStarted: T[];
  /** True when the signal was aborted before every item had started. */
  aborted: boolean;
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight. If `fn` rejects, no further items start,
 * running ones are awaited, and the first error is re-thrown (callers that want per-item errors catch them
 * inside `fn`). On abort, it stops starting items and resolves with the ones not started.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  opts: MapLimitOptions = {},
): Promise<MapLimitResult<T, R>> {
  const bound = Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 1));
  const results: Array<R | undefined> = new Array(items.length).fill(undefined);
  const started: boolean[] = new Array(items.length).fill(false);
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;
  let aborted = false;

  const worker = async (): Promise<void> => {
    for (;;) {
      if (failure) return;
      if (opts.signal?.aborted) {
        if (next < items.length) aborted = true;
        return;
      }
      const index = next++;
      if (index >= items.length) return;
      started[index] = true;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        if (!failure) failure = { error };
      } finally {
        done++;
        opts.onSettled?.(done, items.length);
      }
    }
  };

  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(bound, items.length); i++) workers.push(worker());
  await Promise.all(workers);
  if (failure) throw failure.error;
  const notStarted = items.filter((_, i) => !started[i]);
  return { results, notStarted, aborted: aborted || (notStarted.length > 0 && opts.signal?.aborted === true) };
}

/** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** At most `limit` holders at once; the rest wait in arrival order. Requests never nest, so it cannot deadlock. */
export class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(limit: number) {
    this.free = Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 1));
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

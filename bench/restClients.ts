// Comparison clients: small scripts with plain fetch against the double's REST API, written the way a
// script (or `glab ... --details`) would do it. They honour Retry-After (sleep, then repeat the request),
// nothing more clever. Every loop is bounded.

export interface RestTarget {
  /** http://127.0.0.1:PORT */
  url: string;
  token: string;
  projectId: number;
  repositoryId: number;
}

export interface RestRun {
  requests: number;
  ms: number;
  /** Tags handled (details read or deleted). */
  items: number;
  failures: number;
  /** Stopped by the time cap before finishing. */
  capped: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Counter {
  requests = 0;
  constructor(private readonly t: RestTarget, private readonly deadline: number) {}

  /** One request; on 429 waits Retry-After (bounded by the deadline) and repeats. */
  async send(method: string, path: string): Promise<Response> {
    for (let attempt = 0; attempt < 20; attempt++) {
      this.requests++;
      const res = await fetch(`${this.t.url}/api/v4${path}`, { method, headers: { 'PRIVATE-TOKEN': this.t.token } });
      if (res.status !== 429) return res;
      await res.arrayBuffer();
      const wait = Math.max(1, Number(res.headers.get('retry-after') ?? 1)) * 1000;
      if (Date.now() + wait > this.deadline) throw new CapReached();
      await sleep(wait);
    }
    throw new Error(`${method} ${path}: still 429 after 20 attempts`);
  }

  expired(): boolean {
    return Date.now() > this.deadline;
  }
}

class CapReached extends Error {}

function tagsPath(t: RestTarget): string {
  return `/projects/${t.projectId}/registry/repositories/${t.repositoryId}/tags`;
}

/** Tag names, offset pages of 100, up to `limit` names. */
async function listNames(c: Counter, t: RestTarget, limit: number): Promise<string[]> {
  const names: string[] = [];
  for (let page = 1; page <= 1000 && names.length < limit; page++) {
    const res = await c.send('GET', `${tagsPath(t)}?per_page=100&page=${page}`);
    if (!res.ok) throw new Error(`listing page ${page}: ${res.status}`);
    const items = (await res.json()) as Array<{ name: string }>;
    for (const i of items) names.push(i.name);
    const next = res.headers.get('x-next-page');
    if (!next) break;
  }
  return names.slice(0, limit);
}

/**
 * The glab --details pattern: list the tags, then one details request per tag, `concurrency` at a time
 * (1 = strictly sequential). Only the first `limit` tags (the caller scales).
 */
export async function restDetails(t: RestTarget, limit: number, concurrency: number, capMs = 10 * 60_000): Promise<RestRun> {
  const t0 = performance.now();
  const c = new Counter(t, Date.now() + capMs);
  let failures = 0;
  let done = 0;
  let capped = false;
  try {
    const names = await listNames(c, t, limit);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length && !c.expired()) {
        const name = names[next++];
        const res = await c.send('GET', `${tagsPath(t)}/${encodeURIComponent(name)}`);
        if (res.ok) {
          await res.json();
          done++;
        } else {
          await res.arrayBuffer();
          failures++;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    capped = done + failures < names.length;
  } catch (e) {
    if (!(e instanceof CapReached)) throw e;
    capped = true;
  }
  return { requests: c.requests, ms: performance.now() - t0, items: done, failures, capped };
}

/**
 * One-at-a-time REST deletion: one GET of the repository with its tag names (to check them), then one
 * DELETE per tag, sequentially, honouring Retry-After. Stops at `capMs` (reported as capped).
 */
export async function restDeleteOneByOne(t: RestTarget, names: string[], capMs: number): Promise<RestRun> {
  const t0 = performance.now();
  const c = new Counter(t, Date.now() + capMs);
  let deleted = 0;
  let failures = 0;
  let capped = false;
  try {
    const res = await c.send('GET', `/registry/repositories/${t.repositoryId}?tags=true`);
    const existing = new Set(((await res.json()) as { tags?: Array<{ name: string }> }).tags?.map((x) => x.name) ?? []);
    for (const name of names) {
      if (c.expired()) {
        capped = true;
        break;
      }
      if (!existing.has(name)) {
        failures++;
        continue;
      }
      const del = await c.send('DELETE', `${tagsPath(t)}/${encodeURIComponent(name)}`);
      await del.arrayBuffer();
      if (del.ok) deleted++;
      else failures++;
    }
  } catch (e) {
    if (!(e instanceof CapReached)) throw e;
    capped = true;
  }
  return { requests: c.requests, ms: performance.now() - t0, items: deleted, failures, capped };
}

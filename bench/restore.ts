// Scenario 9 (issue 15): recording 1,000 tags for the deletion journal before deleting them. The tags'
// digests are known (the preview read them from GitLab), so recording reads each unique manifest once from
// the registry (the double's own Registry V2, same latency L and cap C) through AccountRegistry +
// ManifestStore, at most C at a time, and sends no GitLab API request. The limit is the token flow (the
// registry's challenge, then /jwt/auth) plus ⌈unique digests ÷ C⌉ rounds of manifest GETs.
import { AccountRegistry, ManifestStore } from '../src/core';
import { readManifestsForJournal, storedManifestReader } from '../src/core/restore';
import { countingFetch } from '../test/support/countingFetch';
import { C, L, log, median, RUNS, startDouble, timed } from './lib';

export const RECORD_TAGS = 1000;
export const RECORD_IMAGES = 250;
/** Round trips of the token flow before the first manifest: the 401 challenge and the /jwt/auth answer. */
export const TOKEN_FLOW_ROUND_TRIPS = 2;

export interface S9 {
  runs: Array<{ ms: number; manifestGets: number; challenges: number; tokenRequests: number; registryRequests: number; gitlabRequests: number; peak: number; recorded: number }>;
  unique: number;
}

export async function scenario9(): Promise<S9> {
  const double = await startDouble({ registryHost: 'self' });
  try {
    const name = 'journal-bench';
    const tags = Array.from({ length: RECORD_TAGS }, (_, i) => i < RECORD_IMAGES
      ? { name: `rec-${String(i).padStart(4, '0')}` }
      : { name: `rec-${String(i).padStart(4, '0')}`, sameImageAs: `rec-${String(i % RECORD_IMAGES).padStart(4, '0')}` });
    const res = await fetch(`${double.url}/__double/projects/1/repositories`, { method: 'POST', body: JSON.stringify({ name, tags }) });
    if (!res.ok) throw new Error(`seeding: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: number };
    const repo = await double.repository(id);
    if (!repo) throw new Error('seeding: the repository is missing');
    const digests = repo.tags.map((t) => ({ tag: t.name, digest: t.digest }));
    const unique = new Set(digests.map((t) => t.digest)).size;
    const location = `${new URL(double.url).host}/${repo.path}`;
    const runs: S9['runs'] = [];
    for (let run = 0; run < RUNS; run++) {
      await double.resetLog();
      const counter = countingFetch();
      // A fresh account registry and an empty store per run: nothing cached, the token flow included.
      const registry = new AccountRegistry({ baseUrl: double.url, credential: { kind: 'private', value: double.tokens.owner }, fetch: counter.fetch as never });
      const store = new ManifestStore({ concurrency: C });
      const client = registry.client(location, ['pull']);
      const { ms, value } = await timed(() => readManifestsForJournal(digests, storedManifestReader(store, client), C));
      const log_ = await double.requests();
      const manifestGets = log_.filter((q) => q.method === 'GET' && q.path.includes('/manifests/') && q.status === 200).length;
      const challenges = log_.filter((q) => q.path.startsWith('/v2') && q.status === 401).length;
      const tokenRequests = log_.filter((q) => q.path === '/jwt/auth').length;
      const registryRequests = log_.filter((q) => q.path.startsWith('/v2') || q.path === '/jwt/auth').length;
      const gitlabRequests = log_.filter((q) => q.path.startsWith('/api/')).length;
      const recorded = value.tags.length;
      if (value.unreadable.length > 0) throw new Error(`scenario 9: ${value.unreadable.length} tags unreadable: ${value.unreadable[0].reason}`);
      runs.push({ ms, manifestGets, challenges, tokenRequests, registryRequests, gitlabRequests, peak: counter.peak(), recorded });
      log(`S9 run ${run + 1}: ${ms.toFixed(0)} ms, ${manifestGets} manifest GETs, ${challenges} challenges, ${tokenRequests} token requests, ${registryRequests} registry requests, `
        + `${gitlabRequests} GitLab requests, peak ${counter.peak()} in flight, ${recorded} tags recorded`);
    }
    return { runs, unique };
  } finally {
    await double.close();
  }
}

/** The limit: the token flow plus ⌈unique ÷ C⌉ rounds of manifest GETs, each one round trip L. */
export function recordLimitMs(unique: number): number {
  return (TOKEN_FLOW_ROUND_TRIPS + Math.ceil(unique / C)) * L;
}

export function s9Median(s: S9): { ms: number } {
  return { ms: median(s.runs.map((r) => r.ms)) };
}

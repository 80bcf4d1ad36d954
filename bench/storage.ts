// Scenario 10 (issue 14): the storage estimate for deleting 1,000 of the 2,500 tags of the big repository.
// The double serves Registry V2 on its own origin (registryHost 'self') under the same latency L, cap C and
// per-connection round trip as the API. The estimate must read every manifest the repository's tags reach
// (kept tags decide what is shared), each once, C at a time: the limit is ⌈unique manifests ÷ C⌉ round trips.
// A second computation with a new store over the same disk cache (a new CLI process, a new window) is warm:
// at most 2 requests. Peak memory: the CLI process `glcr rm … --dry-run --json` with the rssProbe.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AccountRegistry, ManifestStore, deletionFigure, type StorageEstimate, type TagDigest } from '../src/core';
import { BIG_REPO, PROJECT } from './scenarios';
import { C, L, log, RUNS, runCliProcess, startDouble, timed, type RemoteDouble } from './lib';

export const STORAGE_DELETE = 1000;

export interface S9 {
  tags: number;
  cold: Array<{ ms: number; requests: number; manifestGets: number; unique: number }>;
  warm: { ms: number; requests: number };
  reclaimable: number;
  shared: number;
  cli: { ms: number; maxRssKb: number | null; exitCode: number | null; requests: number; reclaimable: number | null };
}

const registryRequests = async (double: RemoteDouble) =>
  (await double.requests()).filter((r) => r.path.startsWith('/v2/') || r.path === '/jwt/auth');

function access(double: RemoteDouble, dir: string) {
  return {
    registry: new AccountRegistry({ baseUrl: double.url, credential: { kind: 'private', value: double.tokens.owner } }),
    store: new ManifestStore({ dir, concurrency: C }),
  };
}

export async function scenario9(repoRoot: string): Promise<S9> {
  const double = await startDouble({ registryHost: 'self' });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-bench-storage-'));
  try {
    const repo = await double.repository(BIG_REPO);
    if (!repo) throw new Error('no big repository');
    const location = `${new URL(double.url).host}/${repo.path}`;
    const tags: TagDigest[] = repo.tags.map((t) => ({ name: t.name, digest: t.digest }));
    const deleted = repo.tags.filter((t) => t.name !== 'latest').slice(0, STORAGE_DELETE).map((t) => t.name);
    const cold: S9['cold'] = [];
    let estimate: StorageEstimate | undefined;
    let warmDir = '';
    for (let run = 0; run < RUNS; run++) {
      warmDir = path.join(tmp, `cold-${run}`);
      await double.resetLog();
      const { ms, value } = await timed(() => deletionFigure(access(double, warmDir), location, tags, deleted));
      if (!value.available) throw new Error(`estimate not available: ${value.reason}`);
      estimate = value.value;
      const reqs = await registryRequests(double);
      const manifestGets = reqs.filter((r) => r.path.includes('/manifests/')).length;
      cold.push({ ms, requests: reqs.length, manifestGets, unique: estimate.manifests });
      log(`S10 cold run ${run + 1}: ${ms.toFixed(0)} ms = ${(ms / L).toFixed(1)} × L, ${reqs.length} registry requests (${manifestGets} manifest GETs), ${estimate.manifests} unique manifests`);
    }
    await double.resetLog();
    const w = await timed(() => deletionFigure(access(double, warmDir), location, tags, deleted));
    if (!w.value.available) throw new Error(`warm estimate not available: ${w.value.reason}`);
    const warm = { ms: w.ms, requests: (await registryRequests(double)).length };
    log(`S10 warm: ${warm.ms.toFixed(0)} ms, ${warm.requests} registry requests`);
    await double.resetLog();
    const cli = await runCli(repoRoot, double, repo.name, deleted, path.join(tmp, 'cli-cache'));
    log(`S10 CLI: ${cli.ms.toFixed(0)} ms, maxRSS ${cli.maxRssKb} KB, exit ${cli.exitCode}, reclaimable ${cli.reclaimable}`);
    return { tags: tags.length, cold, warm, reclaimable: estimate!.reclaimable_bytes, shared: estimate!.shared_bytes, cli };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    await double.close();
  }
}

/** `glcr rm <project> <repo> <1,000 tags> --dry-run --json` once (cold cache), with its peak RSS. */
async function runCli(repoRoot: string, double: RemoteDouble, repoName: string, deleted: string[], cacheDir: string): Promise<S9['cli']> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: os.tmpdir(), XDG_CACHE_HOME: cacheDir, GITLAB_URL: double.url, GITLAB_TOKEN: double.tokens.owner,
  };
  const r = await runCliProcess(repoRoot, ['rm', PROJECT, repoName, ...deleted, '--dry-run', '--json'], env);
  let reclaimable: number | null = null;
  try {
    reclaimable = (JSON.parse(r.stdout) as { reclaimable_bytes: number | null }).reclaimable_bytes;
  } catch {
    log(`S10 CLI output not JSON; stderr: ${r.stderr.slice(0, 500)}`);
  }
  return { ms: r.ms, maxRssKb: r.maxRssKb, exitCode: r.exitCode, requests: (await registryRequests(double)).length, reclaimable };
}

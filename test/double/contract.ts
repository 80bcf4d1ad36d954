// The public face of the GitLab double, fixed before it is written so that the client tests, CLI tests,
// extension tests and benchmarks can be written against it at the same time. Nothing under test/ imports
// src/core: the double is an independent second implementation of GitLab's behaviour.

export type Role = 'guest' | 'reporter' | 'developer' | 'maintainer' | 'owner';

export interface DoubleOptions {
  /** Seed data; default: the small scenario. */
  scenario?: 'small' | 'large';
  /** Legacy registry (no metadata DB): keyset tag pagination → 405, repository size null, tag
   *  protection API 404, bulk delete samples at most 200 + keep_n candidates. */
  legacyRegistry?: boolean;
  /** Serve /api/graphql (added by the performance issue). Default true once implemented. */
  graphql?: boolean;
  /** Added to every response, to model a network round trip. */
  latencyMs?: number;
  /** Server-side cap on requests processed at once; excess requests wait in a queue. */
  maxInFlight?: number;
  /** Sliding-window throttle per token: `perMinute` requests, window pre-filled with `prefill`. */
  rateLimit?: { perMinute: number; prefill?: number };
  /** Host (and port) written into `location` fields. Default 'registry.example.test:5050'. */
  registryHost?: string;
  /** Clock for timestamps and the hourly bulk limit; default Date.now. */
  now?: () => number;
  /** Listen port on 127.0.0.1; default 0 (any free port). */
  port?: number;
  // --- extensions (added by the double's implementation) ---
  /** Origin written into Link headers and absolute URLs instead of the request's own, to model GitLab
   *  behind a proxy, e.g. 'http://gitlab.internal:8080'. */
  linkOrigin?: string;
  /** Time per repository deletion step (scheduled → ongoing → removed/failed). Default 1000; 0 = the
   *  steps happen only through advanceRepositoryDeletions(). */
  repositoryDeletionStepMs?: number;
  /** Delay before an accepted bulk delete runs by itself. Default 50; 0 = only through runBulkJobs(). */
  bulkJobDelayMs?: number;
  /** Repository ids whose deletion ends in delete_failed (also failRepositoryDeletion()). */
  failRepositoryDeletions?: number[];
  /** Seed of the PRNG used by legacy bulk-delete sampling. Default 1. */
  seed?: number;
}

/** One accepted bulk delete (DELETE …/tags) and, once it ran, what it removed. */
export interface BulkJobInfo {
  id: number;
  repositoryId: number;
  projectId: number;
  params: { nameRegexDelete: string; nameRegexKeep: string | null; keepN: number | null; olderThan: string | null };
  status: 'queued' | 'done' | 'failed';
  /** Tag names removed, sorted. */
  deleted: string[];
  /** Legacy registry: candidates were randomly sampled (run incomplete). */
  sampled: boolean;
  error?: string;
}

export interface Fault {
  method?: string;
  /** Matched against the request path (without query), e.g. /\/tags\/[^/]+$/ */
  path: RegExp | string;
  /** Respond with this status (JSON body {"message": "<status> ..."} unless `body` is given). */
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  /** Process the request (state changes happen) and then reset the connection before answering. */
  resetAfterProcessing?: boolean;
  /** Delay before answering (for client timeouts). */
  delayMs?: number;
  /** How many matching requests get the fault; then it is gone. */
  times: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
  /** Which credential the request carried. */
  auth: 'private' | 'bearer' | 'job' | 'none';
  /** Epoch ms when received and when answered. */
  start: number;
  end: number;
}

export interface DoubleTag {
  name: string;
  digest: string;
  /** config digest hex (revision) */
  revision: string;
  created_at: string | null;
  total_size: number | null;
}

export interface DoubleRepository {
  id: number;
  project_id: number;
  name: string;
  path: string;
  created_at: string;
  cleanup_policy_started_at: string | null;
  status: 'delete_scheduled' | 'delete_ongoing' | 'delete_failed' | null;
  tags: DoubleTag[];
}

export interface GitLabDouble {
  /** http://127.0.0.1:PORT (the instance base URL; the API is at /api/v4). */
  readonly url: string;
  /** Tokens of the seeded users, by purpose (see TokenNames). */
  readonly tokens: Record<TokenName, string>;
  /** Live request log (every request, in arrival order). */
  readonly requests: RequestLogEntry[];
  /** Read the current state of a repository (undefined once deleted). */
  repository(id: number): DoubleRepository | undefined;
  /** Find a repository by its full path (lower case). */
  repositoryByPath(path: string): DoubleRepository | undefined;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Runs queued server-side bulk-delete jobs now (they also run by themselves after a short delay). */
  runBulkJobs(): Promise<void>;
  /** Moves scheduled repository deletions on: delete_scheduled → delete_ongoing → removed. */
  advanceRepositoryDeletions(): void;
  /** Resets the request log (state stays). */
  resetLog(): void;
  close(): Promise<void>;
  // --- extensions (added by the double's implementation) ---
  /** Accepted bulk deletes in arrival order (reset by reset()). */
  readonly bulkJobs: readonly BulkJobInfo[];
  /** Makes (or stops making) this repository's deletion end in delete_failed. */
  failRepositoryDeletion(id: number, fail?: boolean): void;
  /** Restores the seeded state (relative to the clock now) and clears leases, jobs, faults, throttle and log. */
  reset(): void;
}

/** Seeded tokens every scenario provides. */
export type TokenName =
  | 'owner'        // alice: Owner of the top-level groups, scope api
  | 'maintainer'   // mary: Maintainer, scope api
  | 'developer'    // dave: Developer, scope api
  | 'reporter'     // rita: Reporter, scope api
  | 'guest'        // gus: Guest, scope api
  | 'readApi'      // alice with scope read_api only
  | 'readUser'     // alice with scope read_user only
  | 'expired'      // expired PAT → 401 invalid_token "Token is expired..."
  | 'revoked'      // revoked PAT → 401 invalid_token "Token was revoked..."
  | 'job';         // CI job token of the project with a root image, running as the developer user

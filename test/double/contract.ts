// The public face of the GitLab double, fixed before it is written so that the client tests, CLI tests,
// extension tests and benchmarks can be written against it at the same time. Nothing under test/ imports
// src/core: the double is an independent second implementation of GitLab's behaviour.

export type Role = 'guest' | 'reporter' | 'developer' | 'maintainer' | 'owner';

export interface DoubleOptions {
  /** Seed data; default: the small scenario. */
  /** 'protected': small + acme/platform/vault with tag, immutable and repository protection rules. */
  scenario?: 'small' | 'large' | 'protected';
  /** Legacy registry (no metadata DB): keyset tag pagination → 405, repository size null, tag
   *  protection API 404, bulk delete samples at most 200 + keep_n candidates. */
  legacyRegistry?: boolean;
  /** Serve /api/graphql (added by the performance issue). Default true once implemented. */
  graphql?: boolean;
  /**
   * Fields the GraphQL schema lacks, as "Type.field" (an older GitLab: e.g. 'ContainerRepositoryTag.protection'
   * before 17.9). A query that asks for one fails validation, as GitLab's does.
   */
  graphqlWithout?: string[];
  /** Added to every response, to model a network round trip. */
  latencyMs?: number;
  /** Server-side cap on requests processed at once; excess requests wait in a queue. */
  maxInFlight?: number;
  /**
   * Added before the first request on each new connection (outside the in-flight cap): the TCP handshake
   * round trip a real network charges and loopback does not. Default 0.
   */
  connectLatencyMs?: number;
  /**
   * Server work held inside the in-flight cap, as GitLab spends it: `perDeletedTagMs` for each tag a request
   * removes (GitLab sends one registry DELETE per name), `perListedTagMs` for each tag in a repository
   * answer with `tags=true` (read from the registry and rendered as entities). Default 0.
   */
  serverWork?: { perDeletedTagMs?: number; perListedTagMs?: number };
  /** Sliding-window throttle per token: `perMinute` requests, window pre-filled with `prefill`. */
  rateLimit?: { perMinute: number; prefill?: number };
  /**
   * Host (and port) written into `location` fields. Default 'registry.example.test:5050'. 'self': the double's
   * own host, which serves Registry V2 behind /jwt/auth (registryV2.ts).
   */
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
  /** Seeded probabilistic faults on API requests (see RandomFaults); also setRandomFaults(). */
  randomFaults?: RandomFaults;
}

/** What a random fault does to one request (see README "Random faults"). */
export type RandomFaultKind = '500' | '502' | '503' | 'reset' | 'resetAfterProcessing' | 'timeout' | '429burst';

/**
 * Seeded probabilistic fault mode: each API request matching `methods`/`pathPattern` gets a fault with
 * probability `rate`, the kind drawn uniformly from `kinds`. Explicit injectFault() faults win over it.
 * Draws come from one seeded PRNG in arrival order, so a serial client sees the same faults every run.
 */
export interface RandomFaults {
  /** Probability per matching request, 0..1. */
  rate: number;
  /** PRNG seed. Default 1. */
  seed?: number;
  /** Kinds to draw from. Default all seven. */
  kinds?: RandomFaultKind[];
  /** Only these methods (case-insensitive). Default all. */
  methods?: string[];
  /** Only paths (without query) matching this regex (a string is a regex source). Default all. */
  pathPattern?: RegExp | string;
  /** 'timeout': how long the request hangs before its socket is destroyed (no state change). Default 2000. */
  hangMs?: number;
  /** '429burst': this request and the next burst-1 matching requests get 429. Default 3. */
  burst?: number;
  /** '429burst': Retry-After seconds sent with each 429. Default 1. */
  retryAfterSeconds?: number;
}

/** A tag added by a test (addTags/addRepository). */
export interface SeedTag {
  name: string;
  /** Share digest, revision, size and timestamp with this existing tag of the same repository. */
  sameImageAs?: string;
  /** Age in days (null = no timestamp). Default 1. Ignored with sameImageAs. */
  ageDays?: number | null;
  /**
   * The image lives in a real registry (`registryHost` names it): the tag's digest exactly as given, never
   * materialized into the double's own Registry V2 content. Ignored with sameImageAs.
   */
  digest?: string;
}

/** A project added by a test (addProject). */
export interface SeedProject {
  /** Full path or id of an existing group. */
  namespace: string | number;
  /** Path segment, case preserved (e.g. 'Odd_Name-2.0'). */
  path: string;
  name?: string;
  visibility?: 'public' | 'internal' | 'private';
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
  /** Hang this long without processing or answering, then destroy the socket (a hung upstream). */
  hangMs?: number;
  /** How many matching requests get the fault; then it is gone. */
  times: number;
  /** Let this many matching requests through untouched first (e.g. fail the second read, not the first). */
  skip?: number;
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
  /** Set only when a fault was applied: 'inject:<what>' (injectFault) or 'random:<kind>' (random faults). */
  fault?: string;
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
  /**
   * `registry garbage-collect --delete-untagged`: removes manifests no tag reaches and blobs no manifest
   * references (also POST /__double/registry/gc). Returns what was removed.
   */
  garbageCollect(): { manifests: number; blobs: number; bytes: number };
  // --- reliability extensions (additive) ---
  /** Replaces the random fault mode (null = off). reset() goes back to the `randomFaults` option. */
  setRandomFaults(config: RandomFaults | null): void;
  /** Test-only data: tags added to a repository (kept sorted). Throws for a bad name or a duplicate. */
  addTags(repositoryId: number, tags: SeedTag[]): void;
  /** Test-only data: a project below an existing group; returns its id. */
  addProject(spec: SeedProject): number;
  /** Test-only data: an image repository ("" = root image) in a project; returns its id. */
  addRepository(projectId: number, name: string, tags?: SeedTag[]): number;
  /** Test-only data: another PAT value acting exactly like the seeded token `like`. */
  addToken(value: string, like: TokenName): void;
  /** Test-only data: a project's branches and merge requests (replacing the seeded ones). */
  setBranches(projectId: number, branches: string[], mergeRequests: SeedMergeRequest[]): void;
}

/** A merge request added by a test: its state and source branch (target: the default branch). */
export interface SeedMergeRequest {
  state: 'opened' | 'closed' | 'locked' | 'merged';
  source_branch: string;
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

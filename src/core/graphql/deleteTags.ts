// Deleting named tags over GraphQL: one existence check (REST, one request), then one
// destroyContainerRepositoryTags per 20 names, `concurrency` requests in flight, then the settlement of
// anything whose answer was lost. Until the first mutation is sent a failure means "use REST" (UseRest);
// after it, this never throws: every name ends deleted, failed or outcome unknown (deleteReport.ts).
import { mapLimit } from '../concurrency';
import {
  TagOutcome, assembleReport, failureOf, missingTag, settleLostAnswers,
} from '../deleteReport';
import { GitLabError } from '../errors';
import type { RestRegistryApi } from '../restClient';
import { stripControls } from '../text';
import type { DeleteReport, Logger, OperationOptions, ProjectRef } from '../types';
import { Capability, UseRest } from './capabilities';
import { DESTROY_TAGS, DESTROY_TAGS_LIMIT, MAX_MUTATIONS_PER_REQUEST, packedDestroyTags } from './queries';
import { GraphqlResult, GraphqlSchemaMismatch, GraphqlTransport, graphqlError, isNotPermitted, repositoryGid } from './transport';

export interface DeleteDeps {
  gql: GraphqlTransport;
  rest: RestRegistryApi;
  concurrency: number;
  log?: Logger;
  disable(capability: Capability, reason: string): void;
}

type DestroyPayload = { deletedTagNames: string[]; errors: string[] } | null | undefined;

/** What the send phase leaves to settle. */
interface Sent {
  outcomes: Map<string, TagOutcome>;
  /** Mutations whose answer was lost (5xx, reset, timeout, 429 after retries): they may or may not have run. */
  lost: Map<string, GitLabError>;
  /** Names GraphQL refused without doing anything (not permitted, schema too old): REST deletes them. */
  viaRest: string[];
}

export async function deleteTagsViaGraphql(
  deps: DeleteDeps, project: ProjectRef, repositoryId: number, names: string[], opts: OperationOptions,
): Promise<DeleteReport> {
  const requested = [...new Set(names)];
  const total = requested.length;
  if (total === 0) return { deleted: [], failed: [] };
  if (!Number.isSafeInteger(repositoryId) || repositoryId <= 0) throw new UseRest(`invalid repository id ${repositoryId}`);

  let existing: Set<string>;
  let remaining: number | undefined;
  try {
    ({ names: existing, rateLimitRemaining: remaining } = await deps.rest.existingTagNames(project, repositoryId, opts.signal));
  } catch (e) {
    if (e instanceof GitLabError && e.kind === 'cancelled') return { deleted: [], failed: [], notAttempted: requested };
    throw new UseRest(`existence check failed: ${e instanceof Error ? e.message : String(e)}`);
  }

  const sent: Sent = { outcomes: new Map(), lost: new Map(), viaRest: [] };
  // GraphQL reports names that do not exist as deleted, so they are never sent.
  for (const name of requested) if (!existing.has(name)) sent.outcomes.set(name, missingTag(name));
  let done = sent.outcomes.size;
  if (done > 0) opts.onProgress?.(done, total);

  const groups = planRequests(requested.filter((n) => existing.has(n)), deps.concurrency, remaining, deps.log);
  const result = await mapLimit(groups, deps.concurrency, async (group) => {
    await sendGroup(deps, repositoryGid(repositoryId), group, sent);
    done += group.reduce((n, chunk) => n + chunk.length, 0);
    opts.onProgress?.(Math.min(done, total), total);
  }, { signal: opts.signal });

  await settleLost(deps, project, repositoryId, sent, opts.signal);
  await deleteRefusedViaRest(deps, project, repositoryId, sent);
  return assembleReport(requested, sent.outcomes, result.notStarted.flat(2));
}

/** At most this many names in one request (5 mutations of 20): at most 100 registry deletes, far inside GitLab's 30 s. */
export const MAX_NAMES_PER_REQUEST = DESTROY_TAGS_LIMIT * MAX_MUTATIONS_PER_REQUEST;

/**
 * The requests to send: each a list of mutations of at most 20 names. GitLab deletes the names of a
 * request one by one, so the server work per slot is fixed (names ÷ concurrency); what the plan decides
 * is how many round trips each of the `concurrency` slots makes. It takes the fewest rounds in which
 * every slot carries at most 100 names per request — but two at least once one round of 20-name
 * requests would not hold every name, so that Cancel (or Ctrl-C) still has requests to hold back —
 * spreads the names evenly over those requests (no last round with one request in flight), and never
 * sends more requests than one per 20 names. When
 * GitLab's rate-limit window has fewer requests left (RateLimit-Remaining, docs/gitlab-api.md "Rate
 * limits"), just enough requests to fit, so the deletion does not wait a minute for the window to roll.
 */
export function planRequests(present: readonly string[], concurrency: number, remaining: number | undefined, log?: Logger): string[][][] {
  const total = present.length;
  if (total === 0) return [];
  const slots = Math.max(1, Math.floor(concurrency));
  const fewest = Math.ceil(total / MAX_NAMES_PER_REQUEST);
  const minRounds = total > slots * DESTROY_TAGS_LIMIT ? 2 : 1;
  const rounds = Math.max(minRounds, Math.ceil(total / (slots * MAX_NAMES_PER_REQUEST)));
  let requests = Math.max(fewest, Math.min(slots * rounds, Math.ceil(total / DESTROY_TAGS_LIMIT)));
  if (remaining !== undefined && remaining > 1 && requests > remaining - 1) {
    requests = Math.max(fewest, remaining - 1);
    log?.info(`GitLab's rate limit leaves ${remaining} requests: ${total} names in ${requests} requests.`);
  }
  return evenSplit(present, requests).map((names) => evenSplit(names, Math.ceil(names.length / DESTROY_TAGS_LIMIT)));
}

/** `items` in `parts` consecutive runs whose lengths differ by at most one. */
function evenSplit<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  let at = 0;
  for (let i = 0; i < parts; i++) {
    const size = Math.floor(items.length / parts) + (i < items.length % parts ? 1 : 0);
    out.push(items.slice(at, at + size));
    at += size;
  }
  return out;
}

/** One request with one or more mutations; records each name's outcome. Never throws. */
async function sendGroup(deps: DeleteDeps, id: string, group: string[][], sent: Sent): Promise<void> {
  try {
    // No caller signal: a mutation that has started finishes, so the report stays true.
    let answers: Array<{ chunk: string[]; payload: DestroyPayload; res: GraphqlResult<unknown> }>;
    if (group.length === 1) {
      const res = await deps.gql.mutate<{ destroyContainerRepositoryTags: DestroyPayload }>(DESTROY_TAGS, { id, tagNames: group[0] });
      answers = [{ chunk: group[0], payload: res.data?.destroyContainerRepositoryTags, res }];
    } else {
      const variables: Record<string, unknown> = { id };
      group.forEach((chunk, j) => { variables[`t${j}`] = chunk; });
      const res = await deps.gql.mutate<Record<string, DestroyPayload>>(packedDestroyTags(group.length), variables);
      answers = group.map((chunk, j) => {
        const alias = `m${j}`;
        const errors = res.errors.filter((e) => !e.path || e.path.length === 0 || e.path[0] === alias);
        return { chunk, payload: res.data?.[alias], res: { data: res.data, errors } };
      });
    }
    for (const { chunk, payload, res } of answers) recordPayload(deps, chunk, payload, res, sent);
  } catch (e) {
    const chunk = group.flat();
    if (e instanceof GraphqlSchemaMismatch) {
      // Nothing ran (validation failed): this chunk, and the capability from now on, go to REST.
      deps.disable('deleteTags', `schema: ${e.gitlabMessage}`);
      sent.viaRest.push(...chunk);
      return;
    }
    const err = e instanceof GitLabError ? e : new GitLabError('network', undefined, e instanceof Error ? e.message : String(e));
    for (const name of chunk) sent.lost.set(name, err);
  }
}

function recordPayload(deps: DeleteDeps, chunk: string[], payload: DestroyPayload, res: GraphqlResult<unknown>, sent: Sent): void {
  if (!payload) {
    if (isNotPermitted(res.errors)) {
      sent.viaRest.push(...chunk); // nothing done; REST gives the exact status per tag
    } else {
      // No payload and no refusal: whether it ran is not known.
      const err = graphqlError(res, deps.gql.host);
      for (const name of chunk) sent.lost.set(name, err);
    }
    return;
  }
  const deleted = new Set(payload.deletedTagNames ?? []);
  const errors = (payload.errors ?? []).map((m) => stripControls(String(m)));
  // Names sent but not deleted: with no error, or "cannot delete protected tag(s)", GitLab skipped them as protected.
  const protectedSkip = errors.length === 0 || errors.every((m) => /protected/i.test(m));
  for (const name of chunk) {
    if (deleted.has(name)) sent.outcomes.set(name, { deleted: true });
    else if (protectedSkip) sent.outcomes.set(name, { failure: { tag: name, error: '403 Forbidden - cannot delete protected tag(s)', status: 403 } });
    else sent.outcomes.set(name, { failure: { tag: name, error: errors.join('; ') } });
  }
}

/**
 * Names whose mutation answer was lost. Unless cancelled, REST takes them: it lists the tags and deletes
 * the ones still there with idempotent retries; a name it finds missing existed before the mutation, so
 * the mutation deleted it. What REST could not settle (cancelled, or its listing failed) gets one look;
 * if that fails too, the outcome is unknown — never "failed" for a tag GitLab may have deleted.
 */
async function settleLost(deps: DeleteDeps, project: ProjectRef, repositoryId: number, sent: Sent, signal?: AbortSignal): Promise<void> {
  if (sent.lost.size === 0) return;
  let unresolved = [...sent.lost.keys()];
  if (!signal?.aborted) {
    try {
      const retried = await deps.rest.deleteTags(project, repositoryId, unresolved, { signal });
      for (const name of retried.deleted) sent.outcomes.set(name, { deleted: true });
      for (const f of retried.failed) sent.outcomes.set(f.tag, f.status === 404 && f.outcome === undefined ? { deleted: true } : { failure: f });
      unresolved = retried.notAttempted ?? [];
    } catch (e) {
      deps.log?.warn(`Settling ${unresolved.length} lost GraphQL deletions over REST failed (${e instanceof Error ? e.message : String(e)}).`);
    }
  }
  if (unresolved.length === 0) return;
  let stillThere: Set<string> | undefined;
  try {
    stillThere = (await deps.rest.existingTagNames(project, repositoryId)).names;
  } catch {
    stillThere = undefined;
  }
  settleLostAnswers(unresolved, sent.lost, stillThere, sent.outcomes, 'the answer was lost and the check that followed failed');
}

/** Names GraphQL refused without running anything: REST deletes them (and words the errors exactly). */
async function deleteRefusedViaRest(deps: DeleteDeps, project: ProjectRef, repositoryId: number, sent: Sent): Promise<void> {
  if (sent.viaRest.length === 0) return;
  try {
    const report = await deps.rest.deleteTags(project, repositoryId, sent.viaRest);
    for (const name of report.deleted) sent.outcomes.set(name, { deleted: true });
    for (const f of report.failed) sent.outcomes.set(f.tag, { failure: f });
  } catch (e) {
    // REST throws only when its listing failed, before any delete: these names were not touched.
    for (const name of sent.viaRest) sent.outcomes.set(name, { failure: failureOf(name, e) });
  }
}

// The pieces both deletion paths (REST tag by tag, the GraphQL fast path) share: one outcome per name,
// the failure text, the "answer lost → look again" settlement and the report's assembly. Three truths per
// tag (docs/gitlab-api.md "Uncertain outcomes"): deleted, failed (confirmed still there or refused), or
// outcome unknown (sent, and neither confirmed).
import { GitLabError } from './errors';
import type { DeleteReport, TagFailure } from './types';

export type TagOutcome = { deleted: true } | { failure: TagFailure };

/** "<status> <GitLab's message>" for a tag GitLab refused, or the transport failure's text. */
export function failureOf(tag: string, error: unknown): TagFailure {
  if (error instanceof GitLabError) {
    // GraphQL answers its errors with HTTP 200: the status says nothing there.
    return error.status !== undefined && error.status !== 200
      ? { tag, error: GitLabError.summarize(error.status, error.gitlabMessage), status: error.status }
      : { tag, error: error.gitlabMessage };
  }
  return { tag, error: error instanceof Error ? error.message : String(error) };
}

/** A delete was sent and neither its success nor its failure could be confirmed. */
export function unknownOutcome(tag: string, error: unknown, why: string): TagFailure {
  const base = failureOf(tag, error);
  return { ...base, error: `${base.error}; ${why}: the tag may have been deleted`, outcome: 'unknown' };
}

/**
 * Settles names whose delete answers were lost, from one look at what exists now (`stillThere`; undefined
 * when that look failed): gone → deleted (each existed before its delete was sent), still there → the
 * failure stands, not known → outcome unknown.
 */
export function settleLostAnswers(
  names: Iterable<string>, errors: ReadonlyMap<string, unknown>, stillThere: ReadonlySet<string> | undefined,
  outcomes: Map<string, TagOutcome>, why: string,
): void {
  for (const name of names) {
    const error = errors.get(name);
    if (stillThere === undefined) outcomes.set(name, { failure: unknownOutcome(name, error, why) });
    else if (!stillThere.has(name)) outcomes.set(name, { deleted: true });
    else outcomes.set(name, { failure: failureOf(name, error) });
  }
}

/** The report in the order names were requested; names without an outcome are left out (not attempted). */
export function assembleReport(requested: readonly string[], outcomes: ReadonlyMap<string, TagOutcome>, notAttempted: readonly string[]): DeleteReport {
  const report: DeleteReport = { deleted: [], failed: [] };
  for (const name of requested) {
    const r = outcomes.get(name);
    if (!r) continue;
    if ('deleted' in r) report.deleted.push(name);
    else report.failed.push(r.failure);
  }
  if (notAttempted.length > 0) report.notAttempted = [...notAttempted];
  return report;
}

/** The 404 a missing name gets without any request (GitLab's REST wording). */
export function missingTag(tag: string): TagOutcome {
  return { failure: { tag, error: '404 Tag Not Found', status: 404 } };
}

// One POST to /api/graphql per operation, through the same HttpClient the REST client uses (token header,
// timeouts, 429 handling, size cap, redaction). Queries are idempotent and retried like REST GETs;
// mutations are sent once (HTTP-level retries only for 429, where GitLab did not run the request).
// GraphQL answers business and permission failures with HTTP 200; this module classifies them.
import { GitLabError } from '../errors';
import type { HttpClient } from '../http';

/** API-relative path that resolves to <base>/api/graphql (the HttpClient prefixes /api/v4; URL parsing folds the dot segment). */
export const GRAPHQL_RELATIVE_PATH = '/../graphql';

export interface GraphqlErrorEntry {
  message: string;
  path?: Array<string | number>;
  locations?: Array<{ line: number; column: number }>;
  extensions?: Record<string, unknown>;
}

export interface GraphqlResult<T> {
  /** Absent when nothing was executed (validation or variable errors). */
  data?: T | null;
  errors: GraphqlErrorEntry[];
}

/** GitLab's wording for "missing or not allowed" (mutations, authorized_find!). */
export const NOT_PERMITTED_MESSAGE = 'The resource that you are attempting to access does not exist';

/**
 * The server's schema lacks something the query uses (an older GitLab, or a field behind a feature
 * flag): graphql-ruby "Field 'x' doesn't exist on type 'T'", "Field 'f' doesn't accept argument 'a'",
 * "T isn't a defined input type", and the graphql-js equivalents.
 */
export class GraphqlSchemaMismatch extends GitLabError {
  constructor(message: string) {
    super('bad_request', 200, message);
    this.name = 'GraphqlSchemaMismatch';
  }
}

const SCHEMA_MISMATCH = [
  /doesn't exist on type/i,
  /doesn't accept argument/i,
  /isn't a defined input type/i,
  /Cannot query field/i,
  /Unknown argument/i,
  /Unknown type/i,
  /No such type/i,
];

export function isSchemaMismatch(errors: GraphqlErrorEntry[]): boolean {
  return errors.some((e) => SCHEMA_MISMATCH.some((re) => re.test(e.message))
    || ['undefinedField', 'argumentNotAccepted', 'variableRequiresValidType', 'undefinedType'].includes(String(e.extensions?.code ?? '')));
}

export function isNotPermitted(errors: GraphqlErrorEntry[]): boolean {
  return errors.some((e) => e.message.startsWith(NOT_PERMITTED_MESSAGE));
}

export class GraphqlTransport {
  constructor(private readonly http: HttpClient) {}

  get host(): string {
    return this.http.host;
  }

  /** A read-only operation: retried on 5xx, resets and timeouts like a REST GET. */
  query<T>(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<GraphqlResult<T>> {
    return this.send<T>(query, variables, true, signal);
  }

  /** A mutation: one attempt (a retry could repeat an effect GitLab already carried out). */
  mutate<T>(query: string, variables: Record<string, unknown>, signal?: AbortSignal): Promise<GraphqlResult<T>> {
    return this.send<T>(query, variables, false, signal);
  }

  private async send<T>(query: string, variables: Record<string, unknown>, idempotent: boolean, signal?: AbortSignal): Promise<GraphqlResult<T>> {
    const res = await this.http.request<unknown>({
      method: 'POST', path: GRAPHQL_RELATIVE_PATH, body: { query, variables }, idempotent, signal,
    });
    const body = res.data;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new GitLabError('bad_response', res.status, `${this.http.host} sent something other than a GraphQL response.`, { instance: this.http.host });
    }
    const raw = body as { data?: T | null; errors?: unknown };
    const errors = Array.isArray(raw.errors)
      ? raw.errors.map((e) => (e && typeof e === 'object' && typeof (e as GraphqlErrorEntry).message === 'string'
        ? (e as GraphqlErrorEntry) : { message: String(e) }))
      : [];
    if (!('data' in raw) && errors.length === 0) {
      throw new GitLabError('bad_response', res.status, `${this.http.host} sent a GraphQL response without data or errors.`, { instance: this.http.host });
    }
    if (errors.length > 0 && isSchemaMismatch(errors)) throw new GraphqlSchemaMismatch(errors.map((e) => e.message).join('; '));
    return { data: raw.data, errors };
  }
}

/** Numeric id at the end of a global ID (gid://gitlab/ContainerRepository/42 → 42). */
export function idFromGid(gid: unknown): number {
  const m = typeof gid === 'string' ? /\/(\d+)$/.exec(gid) : null;
  return m ? Number(m[1]) : NaN;
}

export function repositoryGid(id: number): string {
  return `gid://gitlab/ContainerRepository/${id}`;
}

/** A GraphQL answer without usable data as an error, GitLab's messages joined. */
export function graphqlError(res: GraphqlResult<unknown>, host: string): GitLabError {
  const message = res.errors.map((e) => e.message).join('; ') || 'GraphQL answered without data';
  return new GitLabError('bad_request', 200, message, { instance: host });
}

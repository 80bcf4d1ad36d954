// GitLab's GraphQL API for the container registry (docs/gitlab-api.md "GraphQL"), as the double serves
// it: graphql-js over an SDL fragment of GitLab's schema (below), resolvers reading the double's own state (model.ts), GitLab's
// error shapes, limits and both tag-pagination modes (metadata DB, legacy).
//
// gitlabDouble.ts mounts the handler on POST /api/graphql inside its normal pipeline (request log, faults,
// latency, in-flight gate, throttle); the handler is synchronous and returns a Reply.
//
// With `graphql: false` nothing is mounted and /api/graphql falls through to the REST router's
// 404 {"error":"404 Not Found"}, which is what a client sees from a GitLab (or proxy) without the route.
// The handler does its own authentication — it must NOT go through GitLabApi.authenticate():
// GraphQL accepts PRIVATE-TOKEN, Bearer, ?private_token= and ?access_token=; a JOB-TOKEN (or ?job_token=)
// is refused with 401 {"errors":[{"message":"Invalid token"}]} (GitLab does not let job tokens use
// GraphQL; whether it answers 401 or treats them as anonymous is unverified — the double picks 401).
//
// Choices where the doc leaves room (all marked [derived] there):
// * Time values are rendered in whole seconds, `2024-01-10T13:38:57Z` (fraction dropped, not rounded).
// * destroyContainerRepository is refused with the payload error "Deleting the protected repository path is
//   forbidden" under the same tag-rule condition the REST double uses for its 403.
// * Complexity is not computed; depth is (15 anonymous, 20 authenticated).

import type { IncomingHttpHeaders } from 'node:http';
import {
  DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLError, GraphQLScalarType, GraphQLSchema, Kind,
  OperationDefinitionNode, SelectionSetNode, TypeNode, ValueNode, buildSchema, executeSync, getOperationAST, parse, validate,
} from 'graphql';
import { compileRe2, isValidRe2, parseDuration } from './bulk';
import type { Reply } from './http';
import {
  ACCESS, GroupRec, PolicyRec, ProjectRec, RepoRec, State, TagRec, TagRuleRec, TokenRec, UserRec, compareNames,
  findGroupByRef, findProjectByRef, groupAccess, isInSubtree, projectAccess, protectionLevelValue, repoPath, repoRuleMatches,
  repositoryDeleteRefusal,
  repositoryRuleGuards,
} from './model';

export const GRAPHQL_PATH = '/api/graphql';

/** What the handler needs from the double: GitLabApi satisfies it structurally. */
export interface GraphqlHost {
  /** Read on every request (reset() replaces the state object). */
  readonly state: State;
  readonly settings: { legacyRegistry: boolean; registryHost: string; now: () => number };
  /** The REST double's tag-protection rule (RE2, unanchored; false on legacy registries). */
  isTagProtected(project: ProjectRec, tagName: string, access: number): boolean;
}

export interface GraphqlHooks {
  /** Starts the double's deletion worker for a repository just set to delete_scheduled. */
  scheduleRepositoryDeletion?: (repositoryId: number) => void;
  /** "Type.field" entries left out of the schema (an older GitLab). */
  without?: string[];
}

/** The request as the REST router sees it (api.ts ApiRequest has the same shape, plus origin). */
export interface GraphqlHttpRequest {
  method: string;
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export const MESSAGES = {
  invalidToken: 'Invalid token',
  queryTooLarge: 'Query too large',
  getMutation: 'Mutations are forbidden in GET requests',
  noQuery: 'No query string was present',
  notPermitted: "The resource that you are attempting to access does not exist or you don't have permission to perform this action",
  tooManyTags: 'Number of tags is greater than 20',
  noTags: 'not tags specified',
  protectedTags: 'cannot delete protected tag(s)',
  protectedRepository: 'Deleting the protected repository path is forbidden',
} as const;

const MAX_QUERY_SIZE = 10_000;
const DEFAULT_MAX_PAGE_SIZE = 100;
const TAGS_MAX_PAGE_SIZE = 20;
const DESTROY_TAGS_LIMIT = 20;
const MAX_VALIDATION_ERRORS = 5;
const MAX_DEPTH = { anonymous: 15, authenticated: 20 };

// --- enum mappings -------------------------------------------------------------------------------

export const CADENCE_ENUM: Record<string, string> = {
  '1d': 'EVERY_DAY', '7d': 'EVERY_WEEK', '14d': 'EVERY_TWO_WEEKS', '1month': 'EVERY_MONTH', '3month': 'EVERY_THREE_MONTHS',
};
export const KEEP_N_ENUM: Record<number, string> = {
  1: 'ONE_TAG', 5: 'FIVE_TAGS', 10: 'TEN_TAGS', 25: 'TWENTY_FIVE_TAGS', 50: 'FIFTY_TAGS', 100: 'ONE_HUNDRED_TAGS',
};
export const OLDER_THAN_ENUM: Record<string, string> = {
  '7d': 'SEVEN_DAYS', '14d': 'FOURTEEN_DAYS', '30d': 'THIRTY_DAYS', '60d': 'SIXTY_DAYS', '90d': 'NINETY_DAYS',
};
const invert = (m: Record<string | number, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k]));

// --- the handler ----------------------------------------------------------------------------------------

interface Caller {
  user?: UserRec;
  token?: TokenRec;
}

interface Ctx {
  caller: Caller;
  /** read_api tokens may query but not mutate. */
  canMutate: boolean;
}

export function createGraphqlHandler(host: GraphqlHost, hooks: GraphqlHooks = {}): (req: GraphqlHttpRequest) => Reply {
  const schema = buildRegistrySchema(hooks.without);
  const resolvers = new Resolvers(host, hooks);
  return (req) => {
    try {
      return handleRequest(schema, resolvers, host, req);
    } catch (e) {
      if (e instanceof HttpFailure) return e.reply;
      return { status: 500, body: { errors: [{ message: 'Internal server error' }] } };
    }
  };
}

class HttpFailure extends Error {
  constructor(readonly reply: Reply) {
    super(JSON.stringify(reply.body));
  }
}

function fail(status: number, message: string): HttpFailure {
  return new HttpFailure({ status, body: { errors: [{ message }] } });
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** PATs through PRIVATE-TOKEN, Bearer or the query; scopes api/read_api; job tokens refused. */
function authenticate(host: GraphqlHost, req: GraphqlHttpRequest): Ctx {
  if (header(req.headers, 'job-token') !== undefined || req.query.has('job_token')) throw fail(401, MESSAGES.invalidToken);
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(req.headers, 'authorization') ?? '')?.[1];
  const value = req.query.get('private_token') ?? header(req.headers, 'private-token') ?? bearer ?? req.query.get('access_token') ?? undefined;
  if (value === undefined) return { caller: {}, canMutate: false };
  const state = host.state;
  const token = state.tokens.find((t) => t.value === value);
  const expired = token?.expiresAt != null && host.settings.now() >= Date.parse(`${token.expiresAt}T00:00:00Z`);
  if (!token || token.revoked || expired || !token.scopes.some((s) => s === 'api' || s === 'read_api')) {
    throw fail(401, MESSAGES.invalidToken);
  }
  const user = state.users.get(token.userId);
  if (!user) throw fail(401, MESSAGES.invalidToken);
  return { caller: { user, token }, canMutate: token.scopes.includes('api') };
}

interface GraphqlParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

function handleRequest(schema: GraphQLSchema, resolvers: Resolvers, host: GraphqlHost, req: GraphqlHttpRequest): Reply {
  const method = req.method.toUpperCase();
  if (method !== 'POST' && method !== 'GET' && method !== 'HEAD') return { status: 404, body: { error: '404 Not Found' } };
  const ctx = authenticate(host, req);
  const viaGet = method !== 'POST';
  let params: GraphqlParams | GraphqlParams[];
  if (viaGet) {
    params = { query: req.query.get('query') ?? undefined, variables: req.query.get('variables') ?? undefined, operationName: req.query.get('operationName') ?? undefined };
  } else {
    const contentType = header(req.headers, 'content-type') ?? '';
    if (contentType.includes('application/json')) {
      try {
        params = req.body.trim() === '' ? {} : JSON.parse(req.body) as GraphqlParams | GraphqlParams[];
      } catch {
        throw fail(400, 'Invalid JSON in request body');
      }
    } else {
      const form = new URLSearchParams(req.body);
      params = { query: form.get('query') ?? req.query.get('query') ?? undefined, variables: form.get('variables') ?? undefined, operationName: form.get('operationName') ?? undefined };
    }
  }
  if (Array.isArray(params)) {
    // Multiplex: every entry runs on its own; request-level checks apply to each.
    return { status: 200, body: params.map((p) => runOne(schema, resolvers, ctx, p, viaGet)) };
  }
  if (params === null || typeof params !== 'object') throw fail(422, 'Unexpected request body');
  return { status: 200, body: runOne(schema, resolvers, ctx, params, viaGet) };
}

function runOne(schema: GraphQLSchema, resolvers: Resolvers, ctx: Ctx, p: GraphqlParams, viaGet: boolean): unknown {
  const query = typeof p.query === 'string' ? p.query : undefined;
  if (query === undefined || query.trim() === '') return { errors: [{ message: MESSAGES.noQuery }] };
  if (query.length > MAX_QUERY_SIZE) throw fail(422, MESSAGES.queryTooLarge);
  let variables: Record<string, unknown> | undefined;
  if (typeof p.variables === 'string' && p.variables.trim() !== '') {
    try {
      variables = JSON.parse(p.variables) as Record<string, unknown>;
    } catch (e) {
      throw fail(422, (e as Error).message);
    }
  } else if (p.variables !== undefined && p.variables !== null && p.variables !== '') {
    variables = p.variables as Record<string, unknown>;
  }
  if (variables !== undefined && (variables === null || typeof variables !== 'object' || Array.isArray(variables))) {
    throw fail(422, `Unexpected parameter: ${JSON.stringify(p.variables)}`);
  }
  const compiled = compileDocument(schema, query);
  if ('parseError' in compiled) return { errors: [compiled.parseError] };
  const { document, validationErrors } = compiled;
  const operationName = typeof p.operationName === 'string' && p.operationName !== '' ? p.operationName : undefined;
  const operation = getOperationAST(document, operationName);
  if (viaGet && operation?.operation === 'mutation') throw fail(422, MESSAGES.getMutation);

  if (validationErrors.length > 0) {
    return { errors: validationErrors.slice(0, MAX_VALIDATION_ERRORS).map(rubyValidationError) };
  }
  if (operation) {
    const maxDepth = ctx.caller.user ? MAX_DEPTH.authenticated : MAX_DEPTH.anonymous;
    const depth = operationDepth(document, operation);
    if (depth > maxDepth) return { errors: [{ message: `Query has depth of ${depth}, which exceeds max depth of ${maxDepth}` }] };
  }
  const result = executeSync({
    schema, document, rootValue: operation?.operation === 'mutation' ? resolvers.mutationRoot() : resolvers.queryRoot(),
    contextValue: ctx, variableValues: variables, operationName,
  });
  const out: Record<string, unknown> = {};
  if (result.errors && result.errors.length > 0) {
    const variableProblem = result.data === undefined;
    out.errors = result.errors.map((e) => (variableProblem ? rubyVariableError(e, operation) : e.toJSON()));
  }
  if (result.data !== undefined) out.data = result.data;
  // graphql-ruby puts "data" first; key order does not matter to JSON clients.
  return result.data !== undefined ? { data: result.data, ...(out.errors ? { errors: out.errors } : {}) } : out;
}

// --- graphql-ruby's wording for graphql-js errors ------------------------------------------------------------

function rubyParseMessage(err: GraphQLError): string {
  const at = err.locations?.[0];
  return at ? `Parse error: ${err.message.replace(/^Syntax Error: /, '')} at [${at.line}, ${at.column}]` : err.message;
}

/** graphql-ruby validation messages (the ones clients test for): "Field 'x' doesn't exist on type 'T'". */
function rubyValidationError(e: GraphQLError): Record<string, unknown> {
  const json = e.toJSON() as unknown as Record<string, unknown>;
  const m = e.message;
  let match: RegExpExecArray | null;
  if ((match = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(m))) {
    return { ...json, message: `Field '${match[1]}' doesn't exist on type '${match[2]}'`, extensions: { code: 'undefinedField', typeName: match[2], fieldName: match[1] } };
  }
  if ((match = /^Unknown argument "([^"]+)" on field "([^".]+)\.([^"]+)"\./.exec(m))) {
    return { ...json, message: `Field '${match[3]}' doesn't accept argument '${match[1]}'`, extensions: { code: 'argumentNotAccepted', name: match[3], typeName: 'Field', argumentName: match[1] } };
  }
  if ((match = /^Unknown type "([^"]+)"\./.exec(m))) {
    return { ...json, message: `${match[1]} isn't a defined input type`, extensions: { code: 'variableRequiresValidType', typeName: match[1] } };
  }
  if ((match = /^Field "([^"]+)" argument "([^"]+)" of type "([^"]+)" is required, but it was not provided\./.exec(m))) {
    return { ...json, message: `Field '${match[1]}' is missing required arguments: ${match[2]}`, extensions: { code: 'missingRequiredArguments', className: 'Field', name: match[1], arguments: match[2] } };
  }
  return json;
}

/** Variable coercion failures: graphql-ruby reports them as "Variable $x of type T was provided invalid value". */
function rubyVariableError(e: GraphQLError, operation: OperationDefinitionNode | null | undefined): Record<string, unknown> {
  const match = /^Variable "\$([^"]+)" got invalid value (.*?); (.*)$/s.exec(e.message)
    ?? /^Variable "\$([^"]+)" of (?:required|non-null) type "[^"]+" (must not be null|was not provided)\.?()$/.exec(e.message);
  if (!match) return e.toJSON() as unknown as Record<string, unknown>;
  const name = match[1];
  const def = operation?.variableDefinitions?.find((d) => d.variable.name.value === name);
  const typeText = def ? printType(def.type) : '?';
  const explanation = match[3] && match[3] !== '' ? match[3].replace(/\.$/, '') : 'Expected value to not be null';
  return {
    message: `Variable $${name} of type ${typeText} was provided invalid value`,
    locations: e.locations ?? [],
    extensions: { value: null, problems: [{ path: [], explanation }] },
  };
}

function printType(t: TypeNode): string {
  if (t.kind === Kind.NON_NULL_TYPE) return `${printType(t.type)}!`;
  if (t.kind === Kind.LIST_TYPE) return `[${printType(t.type)}]`;
  return t.name.value;
}

function operationDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
    if (!set) return 0;
    let max = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        if ((s as FieldNode).name.value.startsWith('__')) continue;
        max = Math.max(max, 1 + depthOf(s.selectionSet, seen));
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, depthOf(s.selectionSet, seen));
      } else if (!seen.has(s.name.value)) {
        const f = fragments.get(s.name.value);
        max = Math.max(max, depthOf(f?.selectionSet, new Set([...seen, s.name.value])));
      }
    }
    return max;
  };
  return depthOf(operation.selectionSet, new Set());
}

// --- schema ---------------------------------------------------------------------------------------------------

const GID = /^gid:\/\/gitlab\/([A-Za-z0-9:_]+)\/(\d+)$/;

function globalIdScalar(type: GraphQLScalarType, model: string): void {
  const parse = (value: unknown): number => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const m = typeof value === 'string' ? GID.exec(value) : null;
    if (!m) throw new GraphQLError(`"${text}" is not a valid Global ID`);
    if (m[1] !== model) throw new GraphQLError(`"${text}" does not represent an instance of ${model}`);
    return Number(m[2]);
  };
  type.parseValue = parse;
  type.parseLiteral = (ast: ValueNode) => parse(ast.kind === Kind.STRING ? ast.value : undefined);
  type.serialize = (v: unknown) => (typeof v === 'number' ? `gid://gitlab/${model}/${v}` : String(v));
}

export function buildRegistrySchema(without: readonly string[] = []): GraphQLSchema {
  const schema = buildSchema(sdlWithout(REGISTRY_SDL, without));
  globalIdScalar(schema.getType('ContainerRepositoryID') as GraphQLScalarType, 'ContainerRepository');
  globalIdScalar(schema.getType('ContainerRegistryProtectionRuleID') as GraphQLScalarType, 'ContainerRegistry::Protection::Rule');
  globalIdScalar(schema.getType('ContainerRegistryProtectionTagRuleID') as GraphQLScalarType, 'ContainerRegistry::Protection::TagRule');
  const bigInt = schema.getType('BigInt') as GraphQLScalarType;
  bigInt.serialize = (v: unknown) => (v === null || v === undefined ? null : String(v)); // GitLab sends BigInt as a JSON string
  return schema;
}

/** The SDL with the named "Type.field" lines removed (the field's definition must be on one line). */
export function sdlWithout(sdl: string, without: readonly string[]): string {
  let out = sdl;
  for (const entry of without) {
    const [type, field] = entry.split('.');
    const block = new RegExp(`((?:type|interface) ${type} [^{]*\\{)([^}]*)\\}`);
    const m = block.exec(out);
    if (!m || !field) throw new Error(`graphqlWithout: no type ${type} or no field in "${entry}"`);
    const body = m[2].split('\n').filter((line) => !new RegExp(`^\\s*${field}\\s*[:(]`).test(line)).join('\n');
    if (body === m[2]) throw new Error(`graphqlWithout: ${type} has no field ${field}`);
    out = out.replace(m[0], `${m[1]}${body}}`);
  }
  return out;
}

/** GitLab's Time: ISO 8601, whole seconds, UTC. */
export function gqlTime(value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(ms)) return null;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

// --- connections ------------------------------------------------------------------------------------------------

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

interface Connection<T> {
  nodes: T[];
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function unb64(s: string): string {
  return Buffer.from(s, 'base64').toString('utf8');
}

function checkPageArgs(args: PageArgs): void {
  if ((args.first ?? 0) < 0) throw new GraphQLError('Argument \'first\' on Field has an invalid value. Expected type \'Int\' >= 0.');
  if ((args.last ?? 0) < 0) throw new GraphQLError('Argument \'last\' on Field has an invalid value. Expected type \'Int\' >= 0.');
}

/**
 * Offset-style connection over an in-memory list (graphql-ruby ArrayConnection semantics): cursors are
 * base64 of the 1-based position, pages capped at `maxPageSize`, default page = maxPageSize.
 */
function arrayConnection<T>(all: T[], args: PageArgs, maxPageSize: number): Connection<T> {
  checkPageArgs(args);
  const decode = (c: string | null | undefined): number | undefined => {
    if (c === null || c === undefined) return undefined;
    const n = Number(unb64(c));
    if (!Number.isInteger(n) || n < 0) throw new GraphQLError('Invalid cursor provided');
    return n;
  };
  const afterPos = decode(args.after) ?? 0;
  const beforePos = decode(args.before);
  const windowStart = Math.min(afterPos, all.length);
  const windowEnd = Math.max(windowStart, Math.min(all.length, beforePos !== undefined ? beforePos - 1 : all.length));
  const first = args.first != null ? Math.min(args.first, maxPageSize) : args.last == null ? maxPageSize : undefined;
  const last = args.last != null ? Math.min(args.last, maxPageSize) : undefined;
  let from = windowStart;
  let to = windowEnd;
  if (first !== undefined) to = Math.min(to, from + first);
  if (last !== undefined) from = Math.max(from, to - last);
  const slice = all.slice(from, to);
  const edges = slice.map((node, i) => ({ cursor: b64(String(from + i + 1)), node }));
  return {
    nodes: slice,
    edges,
    pageInfo: {
      hasNextPage: first !== undefined ? to < windowEnd : false,
      hasPreviousPage: last !== undefined ? from > windowStart : windowStart > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

interface KeysetPoint {
  k: string;
  id: number;
}

/**
 * Keyset connection (GitLab's ActiveRecord keyset connection): an opaque cursor holding the sort key and
 * the id of the row, so a page boundary survives inserts and deletes. Max page size 100.
 * `compare` orders points the way `sorted` is ordered.
 */
function keysetConnection<T extends { id: number }>(
  sorted: T[], key: (t: T) => string, compare: (a: KeysetPoint, b: KeysetPoint) => number, args: PageArgs,
): Connection<T> {
  checkPageArgs(args);
  const point = (t: T): KeysetPoint => ({ k: key(t), id: t.id });
  const decode = (cursor: string): KeysetPoint => {
    try {
      const p = JSON.parse(unb64(cursor)) as KeysetPoint;
      if (typeof p.k === 'string' && typeof p.id === 'number') return p;
    } catch {
      // fall through
    }
    throw new GraphQLError('Invalid cursor provided');
  };
  let start = 0;
  let end = sorted.length;
  if (args.after) {
    const c = decode(args.after);
    const i = sorted.findIndex((t) => compare(point(t), c) > 0);
    start = i < 0 ? sorted.length : i;
  }
  if (args.before) {
    const c = decode(args.before);
    const i = sorted.findIndex((t) => compare(point(t), c) >= 0);
    end = Math.max(start, i < 0 ? sorted.length : i);
  }
  const cap = (n: number | null | undefined) => (n == null ? undefined : Math.min(n, DEFAULT_MAX_PAGE_SIZE));
  const first = cap(args.first) ?? (args.last == null ? DEFAULT_MAX_PAGE_SIZE : undefined);
  const last = cap(args.last);
  let from = start;
  let to = end;
  if (first !== undefined) to = Math.min(to, from + first);
  if (last !== undefined) from = Math.max(from, to - last);
  const slice = sorted.slice(from, to);
  const edges = slice.map((node) => ({ cursor: b64(JSON.stringify(point(node))), node }));
  return {
    nodes: slice,
    edges,
    pageInfo: {
      hasNextPage: to < end,
      hasPreviousPage: from > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

// --- resolvers ------------------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function notPermitted(): GraphQLError {
  return new GraphQLError(MESSAGES.notPermitted);
}

class Resolvers {
  constructor(private readonly host: GraphqlHost, private readonly hooks: GraphqlHooks) {}

  private get state(): State {
    return this.host.state;
  }

  private get legacy(): boolean {
    return this.host.settings.legacyRegistry;
  }

  // permissions: the REST double's rules (api.ts), GraphQL flavour where GitLab differs.

  private access(ctx: Ctx, p: ProjectRec): number {
    return projectAccess(this.state, ctx.caller.user?.id, p.id);
  }

  private canSeeProject(ctx: Ctx, p: ProjectRec): boolean {
    if (p.visibility === 'public') return true;
    if (p.visibility === 'internal') return ctx.caller.user !== undefined;
    return this.access(ctx, p) >= ACCESS.guest;
  }

  private canReadRegistry(ctx: Ctx, p: ProjectRec): boolean {
    if (p.registryAccessLevel === 'disabled' || !this.canSeeProject(ctx, p)) return false;
    if (this.access(ctx, p) >= ACCESS.reporter) return true;
    if (p.registryAccessLevel !== 'enabled') return false;
    return p.visibility === 'public' || (p.visibility === 'internal' && ctx.caller.user !== undefined);
  }

  private canSeeGroup(ctx: Ctx, g: GroupRec): boolean {
    if (g.visibility === 'public') return true;
    if (g.visibility === 'internal') return ctx.caller.user !== undefined;
    return groupAccess(this.state, ctx.caller.user?.id, g.id) >= ACCESS.guest;
  }

  private findProject(fullPath: string): ProjectRec | undefined {
    // GraphQL looks projects up by full path only (a numeric "path" is not an id here).
    return /^\d+$/.test(fullPath) ? undefined : findProjectByRef(this.state, fullPath);
  }

  // roots

  queryRoot(): Obj {
    return {
      project: ({ fullPath }: { fullPath: string }, ctx: Ctx) => {
        const p = this.findProject(fullPath);
        return p && this.canSeeProject(ctx, p) ? this.projectObj(p) : null;
      },
      group: ({ fullPath }: { fullPath: string }, ctx: Ctx) => {
        const g = /^\d+$/.test(fullPath) ? undefined : findGroupByRef(this.state, fullPath);
        return g && this.canSeeGroup(ctx, g) ? this.groupObj(g) : null;
      },
      containerRepository: ({ id }: { id: number }, ctx: Ctx) => {
        const repo = this.state.repos.get(id);
        if (!repo) return null;
        const p = this.state.projects.get(repo.projectId);
        return p && this.canReadRegistry(ctx, p) ? this.repositoryObj(repo, true) : null;
      },
    };
  }

  mutationRoot(): Obj {
    return {
      destroyContainerRepositoryTags: ({ input }: { input: { id: number; tagNames: string[]; clientMutationId?: string } }, ctx: Ctx) =>
        this.destroyTags(input, ctx),
      destroyContainerRepository: ({ input }: { input: { id: number; clientMutationId?: string } }, ctx: Ctx) =>
        this.destroyRepository(input, ctx),
      updateContainerExpirationPolicy: ({ input }: { input: Obj }, ctx: Ctx) => this.updatePolicy(input, ctx),
      createContainerProtectionRepositoryRule: () => { throw notPermitted(); },
      updateContainerProtectionRepositoryRule: () => { throw notPermitted(); },
      deleteContainerProtectionRepositoryRule: () => { throw notPermitted(); },
      createContainerProtectionTagRule: () => { throw notPermitted(); },
      updateContainerProtectionTagRule: () => { throw notPermitted(); },
      deleteContainerProtectionTagRule: () => { throw notPermitted(); },
    };
  }

  // objects

  private projectObj(p: ProjectRec): Obj {
    return {
      id: `gid://gitlab/Project/${p.id}`,
      name: p.name,
      fullPath: p.fullPath,
      containerRegistryEnabled: (_: unknown, ctx: Ctx) => this.canReadRegistry(ctx, p),
      containerRepositories: (args: RepoListArgs, ctx: Ctx) => {
        if (!this.canReadRegistry(ctx, p)) return null;
        return this.repositoryConnection([...this.state.repos.values()].filter((r) => r.projectId === p.id), args);
      },
      containerRepositoriesCount: (_: unknown, ctx: Ctx) =>
        this.canReadRegistry(ctx, p) ? [...this.state.repos.values()].filter((r) => r.projectId === p.id).length : 0,
      containerTagsExpirationPolicy: (_: unknown, ctx: Ctx) => {
        if (!this.canReadRegistry(ctx, p)) return null;
        return this.policyObj(p, this.access(ctx, p) >= ACCESS.maintainer, false);
      },
      containerExpirationPolicy: (_: unknown, ctx: Ctx) =>
        this.access(ctx, p) >= ACCESS.maintainer ? this.policyObj(p, true, true) : null,
      containerProtectionRepositoryRules: (args: PageArgs, ctx: Ctx) =>
        this.access(ctx, p) >= ACCESS.maintainer ? arrayConnection(p.repoRules.map((r) => ({
          id: r.id,
          repositoryPathPattern: r.repository_path_pattern,
          minimumAccessLevelForDelete: r.minimum_access_level_for_delete?.toUpperCase() ?? null,
          minimumAccessLevelForPush: r.minimum_access_level_for_push?.toUpperCase() ?? null,
        })), args, DEFAULT_MAX_PAGE_SIZE) : null,
      containerProtectionTagRules: (args: PageArgs, ctx: Ctx) => {
        if (this.access(ctx, p) < ACCESS.maintainer) return null;
        // Legacy registry: tag protection needs the metadata database → as with the feature flag off, [].
        const rules = this.legacy ? [] : p.tagRules.map((r) => this.tagRuleObj(r));
        return arrayConnection(rules, args, DEFAULT_MAX_PAGE_SIZE);
      },
    };
  }

  private groupObj(g: GroupRec): Obj {
    const readable = (ctx: Ctx) =>
      g.visibility === 'public' || groupAccess(this.state, ctx.caller.user?.id, g.id) >= ACCESS.reporter;
    const repos = (ctx: Ctx) => [...this.state.repos.values()].filter((r) => {
      const p = this.state.projects.get(r.projectId);
      return p !== undefined && isInSubtree(this.state, p.groupId, g.id) && this.canReadRegistry(ctx, p);
    });
    return {
      id: `gid://gitlab/Group/${g.id}`,
      name: g.name,
      fullPath: g.fullPath,
      containerRepositories: (args: RepoListArgs, ctx: Ctx) => (readable(ctx) ? this.repositoryConnection(repos(ctx), args) : null),
      containerRepositoriesCount: (_: unknown, ctx: Ctx) => (readable(ctx) ? repos(ctx).length : 0),
    };
  }

  private repositoryConnection(repos: RepoRec[], args: RepoListArgs): Connection<Obj> {
    const sort = (args.sort ?? 'CREATED_DESC').toUpperCase();
    const byName = (r: RepoRec) => repoPath(this.state, r);
    const byCreated = (r: RepoRec) => `${r.createdAt}`;
    const key = sort.startsWith('NAME') ? byName : byCreated;
    const desc = sort.endsWith('_DESC');
    let list = repos;
    if (args.name) {
      const needle = args.name.toLowerCase();
      list = list.filter((r) => r.name.toLowerCase().includes(needle));
    }
    // Keys are compared as strings; ties broken by id in the same direction (GitLab adds the primary key).
    const compare = (a: KeysetPoint, b: KeysetPoint) => {
      const c = compareNames(a.k, b.k) || a.id - b.id;
      return desc ? -c : c;
    };
    const sorted = [...list].sort((a, b) => compare({ k: key(a), id: a.id }, { k: key(b), id: b.id }));
    const conn = keysetConnection(sorted, key, compare, args);
    return mapConnection(conn, (r) => this.repositoryObj(r, false));
  }

  private repositoryObj(repo: RepoRec, details: boolean): Obj {
    const state = this.state;
    const project = state.projects.get(repo.projectId)!;
    const path = repoPath(state, repo);
    const location = `${this.host.settings.registryHost}/${path}`;
    const obj: Obj = {
      id: `gid://gitlab/ContainerRepository/${repo.id}`,
      name: repo.name,
      path,
      location,
      createdAt: gqlTime(repo.createdAt),
      updatedAt: gqlTime(repo.createdAt),
      expirationPolicyStartedAt: gqlTime(repo.cleanupPolicyStartedAt),
      expirationPolicyCleanupStatus: 'UNSCHEDULED',
      lastCleanupDeletedTagsCount: null,
      status: repo.status === null ? null : repo.status.toUpperCase(),
      tagsCount: repo.tags.length,
      project: () => this.projectObj(project),
      protectionRuleExists: project.repoRules.some((r) => r.minimum_access_level_for_push !== null &&
        repoRuleMatches(r.repository_path_pattern, repoPath(this.state, repo))),
      migrationState: '',
      userPermissions: (_: unknown, ctx: Ctx) => ({ destroyContainerRepository: this.access(ctx, project) >= ACCESS.developer }),
    };
    if (details) {
      obj.size = this.legacy ? null : repo.sizeBytes;
      obj.lastPublishedAt = () => (this.legacy ? null : gqlTime(latest(repo.tags)));
      obj.manifest = () => null;
      obj.tags = (args: TagListArgs, ctx: Ctx) => this.tagConnection(repo, project, path, location, args, ctx);
    }
    return obj;
  }

  private tagObj(t: TagRec, project: ProjectRec, path: string, location: string): Obj {
    return {
      name: t.name,
      path: `${path}:${t.name}`,
      location: `${location}:${t.name}`,
      digest: t.digest,
      revision: t.revision,
      shortRevision: t.revision.slice(0, 9),
      totalSize: t.total_size,
      createdAt: gqlTime(t.created_at),
      publishedAt: this.legacy ? null : gqlTime(t.created_at),
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      referrers: null,
      protection: () => this.tagProtection(project, t.name),
      userPermissions: (_: unknown, ctx: Ctx) => ({ destroyContainerRepositoryTag: this.access(ctx, project) >= ACCESS.developer }),
    };
  }

  private tagProtection(project: ProjectRec, name: string): Obj | null {
    if (this.legacy) return null;
    const matching = project.tagRules.filter((r) => compileRe2(r.tag_name_pattern)?.test(name) ?? false);
    if (matching.length === 0) return null;
    const highest = (pick: (r: TagRuleRec) => TagRuleRec['minimum_access_level_for_delete']) => {
      let best: TagRuleRec['minimum_access_level_for_delete'] = null;
      for (const r of matching) if (protectionLevelValue(pick(r)) > protectionLevelValue(best)) best = pick(r);
      return best === null ? null : best.toUpperCase();
    };
    return {
      minimumAccessLevelForDelete: highest((r) => r.minimum_access_level_for_delete),
      minimumAccessLevelForPush: highest((r) => r.minimum_access_level_for_push),
    };
  }

  private tagRuleObj(r: TagRuleRec): Obj {
    return {
      id: r.id,
      tagNamePattern: r.tag_name_pattern,
      minimumAccessLevelForDelete: r.minimum_access_level_for_delete?.toUpperCase() ?? null,
      minimumAccessLevelForPush: r.minimum_access_level_for_push?.toUpperCase() ?? null,
    };
  }

  private policyObj(p: ProjectRec, detailed: boolean, deprecatedType: boolean): Obj {
    const pol = p.policy;
    const hide = <T>(v: T): T | null => (detailed ? v : null);
    return {
      enabled: pol.enabled,
      nextRunAt: gqlTime(pol.next_run_at),
      cadence: hide(CADENCE_ENUM[pol.cadence] ?? (deprecatedType ? 'EVERY_DAY' : null)),
      keepN: hide(pol.keep_n === null ? null : KEEP_N_ENUM[pol.keep_n] ?? null),
      olderThan: hide(pol.older_than === null ? null : OLDER_THAN_ENUM[pol.older_than] ?? null),
      nameRegex: hide(pol.name_regex),
      nameRegexKeep: hide(pol.name_regex_keep),
      createdAt: hide(gqlTime(p.createdAt)),
      updatedAt: hide(gqlTime(p.createdAt)),
    };
  }

  // tags

  private tagConnection(repo: RepoRec, project: ProjectRec, path: string, location: string, args: TagListArgs, _ctx: Ctx): Connection<Obj> {
    const toObj = (t: TagRec) => this.tagObj(t, project, path, location);
    let tags = repo.tags; // sorted by name
    if (args.name) tags = tags.filter((t) => t.name.includes(args.name as string));
    const sort = args.sort ?? null;
    if (this.legacy) {
      // Legacy registries: the whole list, sorted in memory, paginated as an array (offset cursors, 20 per page).
      let list = [...tags];
      if (sort === 'NAME_DESC') list.reverse();
      return mapConnection(arrayConnection(list, args, TAGS_MAX_PAGE_SIZE), toObj);
    }
    return mapConnection(registryKeysetPage(tags, sort, args), toObj);
  }

  // mutations

  private mutationRepo(id: number, ctx: Ctx): { repo: RepoRec; project: ProjectRec; access: number } {
    if (!ctx.canMutate) throw notPermitted();
    const repo = this.state.repos.get(id);
    const project = repo ? this.state.projects.get(repo.projectId) : undefined;
    if (!repo || !project || !this.canReadRegistry(ctx, project)) throw notPermitted();
    const access = this.access(ctx, project);
    if (access < ACCESS.developer) throw notPermitted();
    return { repo, project, access };
  }

  private destroyTags(input: { id: number; tagNames: string[]; clientMutationId?: string }, ctx: Ctx): Obj {
    // The argument's `prepare` runs before authorization.
    if (input.tagNames.length > DESTROY_TAGS_LIMIT) throw new GraphQLError(MESSAGES.tooManyTags);
    const { repo, project, access } = this.mutationRepo(input.id, ctx);
    // A repository rule above the caller forbids deleting its images (the policy check: not permitted).
    if (repositoryRuleGuards(this.state, project, repo, access)) throw notPermitted();
    const payload = (deleted: string[], errors: string[]) => ({ clientMutationId: input.clientMutationId ?? null, deletedTagNames: deleted, errors });
    if (input.tagNames.length === 0) return payload([], [MESSAGES.noTags]);
    // Protected names are dropped silently (admins exempt; isTagProtected judges with the caller's access).
    const allowed = input.tagNames.filter((name) => !this.host.isTagProtected(project, name, access));
    if (allowed.length === 0) return payload([], [MESSAGES.protectedTags]);
    // No existence check: the registry's 404 on delete counts as success, so unknown names come back as deleted.
    const doomed = new Set(allowed);
    repo.tags = repo.tags.filter((t) => !doomed.has(t.name));
    return payload(allowed, []);
  }

  private destroyRepository(input: { id: number; clientMutationId?: string }, ctx: Ctx): Obj {
    const { repo, project, access } = this.mutationRepo(input.id, ctx);
    if (repositoryDeleteRefusal(this.state, project, repo, access, this.legacy) !== null) {
      return { clientMutationId: input.clientMutationId ?? null, containerRepository: this.repositoryObj(repo, false), errors: [MESSAGES.protectedRepository] };
    }
    if (repo.status === null || repo.status === 'delete_failed') {
      repo.status = 'delete_scheduled';
      this.hooks.scheduleRepositoryDeletion?.(repo.id);
    }
    return { clientMutationId: input.clientMutationId ?? null, containerRepository: this.repositoryObj(repo, false), errors: [] };
  }

  private updatePolicy(input: Obj, ctx: Ctx): Obj {
    if (!ctx.canMutate) throw notPermitted();
    const p = this.findProject(String(input.projectPath));
    if (!p || !this.canSeeProject(ctx, p) || this.access(ctx, p) < ACCESS.maintainer) throw notPermitted();
    const next: PolicyRec = { ...p.policy };
    const cadences = invert(CADENCE_ENUM);
    const keeps = invert(KEEP_N_ENUM);
    const olders = invert(OLDER_THAN_ENUM);
    if (input.enabled !== undefined && input.enabled !== null) next.enabled = input.enabled === true;
    if (input.cadence != null) next.cadence = cadences[String(input.cadence)];
    if (input.keepN !== undefined) next.keep_n = input.keepN === null ? null : Number(keeps[String(input.keepN)]);
    if (input.olderThan !== undefined) next.older_than = input.olderThan === null ? null : olders[String(input.olderThan)];
    if (input.nameRegex !== undefined) next.name_regex = input.nameRegex === null || input.nameRegex === '' ? null : String(input.nameRegex);
    if (input.nameRegexKeep !== undefined) next.name_regex_keep = input.nameRegexKeep === null || input.nameRegexKeep === '' ? null : String(input.nameRegexKeep);
    const errors: string[] = [];
    if (next.enabled) {
      if (next.name_regex !== null && !isValidRe2(next.name_regex)) errors.push('Name regex not valid RE2 syntax');
      if (next.name_regex_keep !== null && !isValidRe2(next.name_regex_keep)) errors.push('Name regex keep not valid RE2 syntax');
    }
    if (errors.length > 0) return { clientMutationId: input.clientMutationId ?? null, containerTagsExpirationPolicy: null, containerExpirationPolicy: null, errors };
    next.next_run_at = new Date(this.host.settings.now() + (parseDuration(next.cadence) ?? 86400) * 1000).toISOString();
    p.policy = next;
    return {
      clientMutationId: input.clientMutationId ?? null,
      containerTagsExpirationPolicy: this.policyObj(p, true, false),
      containerExpirationPolicy: this.policyObj(p, true, true),
      errors: [],
    };
  }
}

interface RepoListArgs extends PageArgs {
  name?: string | null;
  sort?: string | null;
}

interface TagListArgs extends PageArgs {
  name?: string | null;
  sort?: string | null;
  referrers?: boolean | null;
  referrerType?: string | null;
}

/**
 * Parsing and validating the same query text again for every request would make the double's own CPU time
 * part of every benchmark round trip (clients send a handful of fixed documents), so both are memoised.
 */
type CompiledDocument = { document: DocumentNode; validationErrors: readonly GraphQLError[] } | { parseError: { message: string; locations: unknown } };
const compiledBySchema = new WeakMap<GraphQLSchema, Map<string, CompiledDocument>>();
function compileDocument(schema: GraphQLSchema, query: string): CompiledDocument {
  let compiledDocuments = compiledBySchema.get(schema);
  if (compiledDocuments === undefined) compiledBySchema.set(schema, (compiledDocuments = new Map()));
  let entry = compiledDocuments.get(query);
  if (entry === undefined) {
    try {
      const document = parse(query);
      entry = { document, validationErrors: validate(schema, document, undefined, { maxErrors: MAX_VALIDATION_ERRORS + 1 }) };
    } catch (e) {
      const err = e as GraphQLError;
      entry = { parseError: { message: rubyParseMessage(err), locations: err.locations ?? [] } };
    }
    if (compiledDocuments.size >= 256) compiledDocuments.clear();
    compiledDocuments.set(query, entry);
  }
  return entry;
}

/** The first index where `pred` holds in a list where it is false…false true…true; -1 when it never holds. */
function firstIndex<T>(list: readonly T[], pred: (t: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(list[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo < list.length ? lo : -1;
}

function mapConnection<A, B>(c: Connection<A>, fn: (a: A) => B): Connection<B> {
  const edges = c.edges.map((e) => ({ cursor: e.cursor, node: fn(e.node) }));
  return { nodes: edges.map((e) => e.node), edges, pageInfo: c.pageInfo };
}

function latest(tags: TagRec[]): string | null {
  let best: string | null = null;
  for (const t of tags) if (t.created_at !== null && (best === null || Date.parse(t.created_at) > Date.parse(best))) best = t.created_at;
  return best;
}

/**
 * Metadata-DB registries: one registry request per page. page_size = max(first, last) from the RAW arguments; the registry
 * returns that many and its next marker points after them, then the connection cuts the nodes to 20 — so
 * `first` > 20 silently skips tags 21…first. No first/last → n=0 → an empty page.
 * Cursors: the tag name for name sort; base64("<published_at>|<name>") for published_at sort.
 */
function registryKeysetPage(tags: TagRec[], sort: string | null, args: PageArgs): Connection<TagRec> {
  checkPageArgs(args);
  const byPublished = sort === 'PUBLISHED_AT_ASC' || sort === 'PUBLISHED_AT_DESC';
  const desc = sort === 'NAME_DESC' || sort === 'PUBLISHED_AT_DESC';
  const publishedKey = (t: TagRec) => `${t.created_at === null ? '' : new Date(Date.parse(t.created_at)).toISOString()}|${t.name}`;
  const keyOf = (t: TagRec) => (byPublished ? publishedKey(t) : t.name);
  // Tags are kept sorted by name, so only the published-at orders need a sort.
  const ordered = !byPublished ? (desc ? [...tags].reverse() : tags) : [...tags].sort((a, b) => {
    const c = compareNames(keyOf(a), keyOf(b));
    return desc ? -c : c;
  });
  const cursorOf = (t: TagRec) => (byPublished ? b64(publishedKey(t)) : t.name);
  const markerKey = (cursor: string) => (byPublished ? unb64(cursor) : cursor);
  const isAfter = (t: TagRec, marker: string) => (desc ? compareNames(keyOf(t), marker) < 0 : compareNames(keyOf(t), marker) > 0);
  const isBefore = (t: TagRec, marker: string) => (desc ? compareNames(keyOf(t), marker) > 0 : compareNames(keyOf(t), marker) < 0);
  const n = Math.max(args.first ?? 0, args.last ?? 0);
  const empty: Connection<TagRec> = { nodes: [], edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
  if (n <= 0) return empty;
  let window: TagRec[];
  let fromIndex: number;
  if (args.before != null) {
    const marker = markerKey(args.before);
    const before = ordered.filter((t) => isBefore(t, marker));
    window = before.slice(Math.max(0, before.length - n));
    fromIndex = before.length - window.length;
  } else {
    const marker = args.after != null ? markerKey(args.after) : undefined;
    fromIndex = marker === undefined ? 0 : firstIndex(ordered, (t) => isAfter(t, marker));
    if (fromIndex < 0) fromIndex = ordered.length;
    window = ordered.slice(fromIndex, fromIndex + n);
  }
  const hasMore = fromIndex + window.length < ordered.length;
  const hasPrevious = fromIndex > 0;
  // The registry's Link markers: rel=next after the last item it returned, rel=previous before the first.
  const endCursor = hasMore && window.length > 0 ? cursorOf(window[window.length - 1]) : null;
  const startCursor = hasPrevious && window.length > 0 ? cursorOf(window[0]) : null;
  const nodes = args.before != null ? window.slice(Math.max(0, window.length - TAGS_MAX_PAGE_SIZE)) : window.slice(0, TAGS_MAX_PAGE_SIZE);
  return {
    nodes,
    edges: nodes.map((node) => ({ cursor: cursorOf(node), node })),
    pageInfo: { hasNextPage: endCursor !== null, hasPreviousPage: startCursor !== null, startCursor, endCursor },
  };
}

// --- SDL (the subset of GitLab's schema the client uses) ----------------------------------------------------------------------------------------

export const REGISTRY_SDL = `
scalar Time
scalar BigInt
scalar UntrustedRegexp
scalar ContainerRepositoryID
scalar ContainerRegistryProtectionRuleID
scalar ContainerRegistryProtectionTagRuleID

type Query {
  project(fullPath: ID!): Project
  group(fullPath: ID!): Group
  containerRepository(id: ContainerRepositoryID!): ContainerRepositoryDetails
}

type Mutation {
  destroyContainerRepository(input: DestroyContainerRepositoryInput!): DestroyContainerRepositoryPayload
  destroyContainerRepositoryTags(input: DestroyContainerRepositoryTagsInput!): DestroyContainerRepositoryTagsPayload
  updateContainerExpirationPolicy(input: UpdateContainerExpirationPolicyInput!): UpdateContainerExpirationPolicyPayload
  createContainerProtectionRepositoryRule(input: CreateContainerProtectionRepositoryRuleInput!): CreateContainerProtectionRepositoryRulePayload
  updateContainerProtectionRepositoryRule(input: UpdateContainerProtectionRepositoryRuleInput!): UpdateContainerProtectionRepositoryRulePayload
  deleteContainerProtectionRepositoryRule(input: DeleteContainerProtectionRepositoryRuleInput!): DeleteContainerProtectionRepositoryRulePayload
  createContainerProtectionTagRule(input: createContainerProtectionTagRuleInput!): createContainerProtectionTagRulePayload   # experiment 17.8; payload type name assumed from input name (UNCONFIRMED)
  updateContainerProtectionTagRule(input: UpdateContainerProtectionTagRuleInput!): UpdateContainerProtectionTagRulePayload   # experiment 17.8
  deleteContainerProtectionTagRule(input: DeleteContainerProtectionTagRuleInput!): DeleteContainerProtectionTagRulePayload   # experiment 17.8
}

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

# Minimal Project/Group: only the registry-related fields plus identification.
type Project {
  id: ID!
  name: String!
  fullPath: ID!
  containerRegistryEnabled: Boolean
  containerRepositories(name: String, sort: ContainerRepositorySort = CREATED_DESC,
                        after: String, before: String, first: Int, last: Int): ContainerRepositoryConnection
  containerRepositoriesCount: Int!
  containerTagsExpirationPolicy: ContainerTagsExpirationPolicy
  containerExpirationPolicy: ContainerExpirationPolicy @deprecated(reason: "Use \`container_tags_expiration_policy\`. Deprecated in GitLab 17.5.")
  containerProtectionRepositoryRules(after: String, before: String, first: Int, last: Int): ContainerProtectionRepositoryRuleConnection   # experiment 16.10
  containerProtectionTagRules(after: String, before: String, first: Int, last: Int): ContainerProtectionTagRuleConnection               # experiment 17.8
}

type Group {
  id: ID!
  name: String!
  fullPath: ID!
  containerRepositories(name: String, sort: ContainerRepositorySort = CREATED_DESC,
                        after: String, before: String, first: Int, last: Int): ContainerRepositoryConnection
  containerRepositoriesCount: Int!
}

type ContainerRepositoryPermissions { destroyContainerRepository: Boolean! }
type ContainerRepositoryTagPermissions { destroyContainerRepositoryTag: Boolean! }

type ContainerRepository {
  id: ID!
  name: String!
  path: String!
  location: String!
  createdAt: Time!
  updatedAt: Time!
  expirationPolicyStartedAt: Time
  expirationPolicyCleanupStatus: ContainerRepositoryCleanupStatus
  lastCleanupDeletedTagsCount: Int
  status: ContainerRepositoryStatus
  tagsCount: Int!
  project: Project!
  protectionRuleExists: Boolean!
  migrationState: String! @deprecated(reason: "Returns an empty string. This was used for the migration of GitLab.com, which is now complete. Not used by Self-managed instances. Deprecated in GitLab 17.0.")
  userPermissions: ContainerRepositoryPermissions!
  # canDelete: Boolean! @deprecated(reason: "Deprecated in 16.7")   # UNCONFIRMED for >=17.0 (absent from Ref 17.9); only for simulating 13.6–16.x
}

type ContainerRepositoryDetails {
  id: ID!
  name: String!
  path: String!
  location: String!
  createdAt: Time!
  updatedAt: Time!
  expirationPolicyStartedAt: Time
  expirationPolicyCleanupStatus: ContainerRepositoryCleanupStatus
  lastCleanupDeletedTagsCount: Int
  status: ContainerRepositoryStatus
  tagsCount: Int!
  project: Project!
  protectionRuleExists: Boolean!
  migrationState: String! @deprecated(reason: "Returns an empty string. Deprecated in GitLab 17.0.")
  userPermissions: ContainerRepositoryPermissions!
  size: Float
  lastPublishedAt: Time
  manifest(reference: String!): String
  tags(sort: ContainerRepositoryTagSort, name: String, referrers: Boolean, referrerType: String,
       after: String, before: String, first: Int, last: Int): ContainerRepositoryTagConnection
  # tagDetails(name: String!): ContainerRepositoryTagDetails   # UNCONFIRMED: only in a newer code copy, not in Ref 17.9
}

type ContainerRepositoryConnection {
  edges: [ContainerRepositoryEdge]
  nodes: [ContainerRepository]
  pageInfo: PageInfo!
}
type ContainerRepositoryEdge { cursor: String!  node: ContainerRepository }

type ContainerRepositoryTag {
  name: String!
  path: String!
  location: String!
  digest: String
  revision: String
  shortRevision: String
  totalSize: BigInt
  createdAt: Time
  publishedAt: Time
  mediaType: String
  referrers: [ContainerRepositoryReferrer!]
  protection: ContainerProtectionAccessLevel          # experiment 17.9
  userPermissions: ContainerRepositoryTagPermissions!
  # canDelete: Boolean! @deprecated(reason: "Deprecated in 16.7")   # UNCONFIRMED for >=17.0
}

type ContainerRepositoryTagConnection {
  edges: [ContainerRepositoryTagEdge]
  nodes: [ContainerRepositoryTag]
  pageInfo: PageInfo!
}
type ContainerRepositoryTagEdge { cursor: String!  node: ContainerRepositoryTag }

type ContainerRepositoryReferrer {
  artifactType: String
  digest: String
  userPermissions: ContainerRepositoryTagPermissions!
}

type ContainerProtectionAccessLevel {
  minimumAccessLevelForDelete: ContainerProtectionTagRuleAccessLevel
  minimumAccessLevelForPush: ContainerProtectionTagRuleAccessLevel
}

type ContainerTagsExpirationPolicy {
  cadence: ContainerExpirationPolicyCadenceEnum
  createdAt: Time
  enabled: Boolean!
  keepN: ContainerExpirationPolicyKeepEnum
  nameRegex: UntrustedRegexp
  nameRegexKeep: UntrustedRegexp
  nextRunAt: Time
  olderThan: ContainerExpirationPolicyOlderThanEnum
  updatedAt: Time
}

type ContainerExpirationPolicy {
  cadence: ContainerExpirationPolicyCadenceEnum!
  createdAt: Time!
  enabled: Boolean!
  keepN: ContainerExpirationPolicyKeepEnum
  nameRegex: UntrustedRegexp
  nameRegexKeep: UntrustedRegexp
  nextRunAt: Time
  olderThan: ContainerExpirationPolicyOlderThanEnum
  updatedAt: Time!
}

type ContainerProtectionRepositoryRule {
  id: ContainerRegistryProtectionRuleID!
  repositoryPathPattern: String!
  minimumAccessLevelForDelete: ContainerProtectionRepositoryRuleAccessLevel
  minimumAccessLevelForPush: ContainerProtectionRepositoryRuleAccessLevel
}
type ContainerProtectionRepositoryRuleConnection {
  edges: [ContainerProtectionRepositoryRuleEdge]
  nodes: [ContainerProtectionRepositoryRule]
  pageInfo: PageInfo!
}
type ContainerProtectionRepositoryRuleEdge { cursor: String!  node: ContainerProtectionRepositoryRule }

type ContainerProtectionTagRule {
  id: ContainerRegistryProtectionTagRuleID!
  tagNamePattern: String!
  minimumAccessLevelForDelete: ContainerProtectionTagRuleAccessLevel
  minimumAccessLevelForPush: ContainerProtectionTagRuleAccessLevel
}
type ContainerProtectionTagRuleConnection {
  edges: [ContainerProtectionTagRuleEdge]
  nodes: [ContainerProtectionTagRule]
  pageInfo: PageInfo!
}
type ContainerProtectionTagRuleEdge { cursor: String!  node: ContainerProtectionTagRule }

enum ContainerRepositorySort {
  CREATED_ASC
  CREATED_DESC
  NAME_ASC
  NAME_DESC
  UPDATED_ASC
  UPDATED_DESC
  created_asc @deprecated(reason: "This was renamed. Use: \`CREATED_ASC\`. Deprecated in GitLab 13.5.")
  created_desc @deprecated(reason: "This was renamed. Use: \`CREATED_DESC\`. Deprecated in GitLab 13.5.")
  updated_asc @deprecated(reason: "This was renamed. Use: \`UPDATED_ASC\`. Deprecated in GitLab 13.5.")
  updated_desc @deprecated(reason: "This was renamed. Use: \`UPDATED_DESC\`. Deprecated in GitLab 13.5.")
}
enum ContainerRepositoryTagSort { NAME_ASC NAME_DESC PUBLISHED_AT_ASC PUBLISHED_AT_DESC }
enum ContainerRepositoryStatus { DELETE_FAILED DELETE_ONGOING DELETE_SCHEDULED }
enum ContainerRepositoryCleanupStatus { ONGOING SCHEDULED UNFINISHED UNSCHEDULED }
enum ContainerExpirationPolicyCadenceEnum { EVERY_DAY EVERY_MONTH EVERY_THREE_MONTHS EVERY_TWO_WEEKS EVERY_WEEK }
enum ContainerExpirationPolicyKeepEnum { FIFTY_TAGS FIVE_TAGS ONE_HUNDRED_TAGS ONE_TAG TEN_TAGS TWENTY_FIVE_TAGS }
enum ContainerExpirationPolicyOlderThanEnum {
  FOURTEEN_DAYS
  NINETY_DAYS
  SEVEN_DAYS
  SIXTY_DAYS
  THIRTY_DAYS
  # ONE_DAY THREE_DAYS ONE_HUNDRED_EIGHTY_DAYS THREE_HUNDRED_SIXTY_FIVE_DAYS SEVEN_HUNDRED_THIRTY_DAYS ONE_THOUSAND_NINETY_FIVE_DAYS   # UNCONFIRMED (newer enum file only)
}
enum ContainerProtectionRepositoryRuleAccessLevel { ADMIN MAINTAINER OWNER }
enum ContainerProtectionTagRuleAccessLevel { ADMIN MAINTAINER OWNER }

input DestroyContainerRepositoryInput { clientMutationId: String  id: ContainerRepositoryID! }
type DestroyContainerRepositoryPayload {
  clientMutationId: String
  containerRepository: ContainerRepository!
  errors: [String!]!
}

input DestroyContainerRepositoryTagsInput {
  clientMutationId: String
  id: ContainerRepositoryID!
  tagNames: [String!]!
}
type DestroyContainerRepositoryTagsPayload {
  clientMutationId: String
  deletedTagNames: [String!]!
  errors: [String!]!
}

input UpdateContainerExpirationPolicyInput {
  clientMutationId: String
  projectPath: ID!
  enabled: Boolean
  cadence: ContainerExpirationPolicyCadenceEnum
  keepN: ContainerExpirationPolicyKeepEnum
  olderThan: ContainerExpirationPolicyOlderThanEnum
  nameRegex: UntrustedRegexp
  nameRegexKeep: UntrustedRegexp
}
type UpdateContainerExpirationPolicyPayload {
  clientMutationId: String
  containerTagsExpirationPolicy: ContainerTagsExpirationPolicy
  containerExpirationPolicy: ContainerExpirationPolicy @deprecated(reason: "Use \`container_tags_expiration_policy\`. Deprecated in GitLab 17.5.")
  errors: [String!]!
}

input CreateContainerProtectionRepositoryRuleInput {
  clientMutationId: String
  projectPath: ID!
  repositoryPathPattern: String!
  minimumAccessLevelForDelete: ContainerProtectionRepositoryRuleAccessLevel
  minimumAccessLevelForPush: ContainerProtectionRepositoryRuleAccessLevel
}
type CreateContainerProtectionRepositoryRulePayload {
  clientMutationId: String
  containerProtectionRepositoryRule: ContainerProtectionRepositoryRule
  errors: [String!]!
}
input UpdateContainerProtectionRepositoryRuleInput {
  clientMutationId: String
  id: ContainerRegistryProtectionRuleID!
  repositoryPathPattern: String
  minimumAccessLevelForDelete: ContainerProtectionRepositoryRuleAccessLevel
  minimumAccessLevelForPush: ContainerProtectionRepositoryRuleAccessLevel
}
type UpdateContainerProtectionRepositoryRulePayload {
  clientMutationId: String
  containerProtectionRepositoryRule: ContainerProtectionRepositoryRule
  errors: [String!]!
}
input DeleteContainerProtectionRepositoryRuleInput { clientMutationId: String  id: ContainerRegistryProtectionRuleID! }
type DeleteContainerProtectionRepositoryRulePayload {
  clientMutationId: String
  containerProtectionRepositoryRule: ContainerProtectionRepositoryRule
  errors: [String!]!
}

input createContainerProtectionTagRuleInput {
  clientMutationId: String
  projectPath: ID!
  tagNamePattern: String!
  minimumAccessLevelForDelete: ContainerProtectionTagRuleAccessLevel
  minimumAccessLevelForPush: ContainerProtectionTagRuleAccessLevel
}
type createContainerProtectionTagRulePayload {   # UNCONFIRMED type name (Ref shows only the input name)
  clientMutationId: String
  containerProtectionTagRule: ContainerProtectionTagRule
  errors: [String!]!
}
input UpdateContainerProtectionTagRuleInput {
  clientMutationId: String
  id: ContainerRegistryProtectionTagRuleID!
  tagNamePattern: String
  minimumAccessLevelForDelete: ContainerProtectionTagRuleAccessLevel
  minimumAccessLevelForPush: ContainerProtectionTagRuleAccessLevel
}
type UpdateContainerProtectionTagRulePayload {
  clientMutationId: String
  containerProtectionTagRule: ContainerProtectionTagRule
  errors: [String!]!
}
input DeleteContainerProtectionTagRuleInput { clientMutationId: String  id: ContainerRegistryProtectionTagRuleID! }
type DeleteContainerProtectionTagRulePayload {
  clientMutationId: String
  containerProtectionTagRule: ContainerProtectionTagRule
  errors: [String!]!
}
`;

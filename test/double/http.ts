// Small HTTP helpers shared by the handlers: the error type, request bodies, Grape-like params.

export type Json = unknown;

/** What a handler answers. A string body is sent as text/plain, anything else as JSON. */
export interface Reply {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

/** Thrown by handlers; becomes the response as is. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly body: Json, readonly headers: Record<string, string> = {}) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

export const REASONS: Record<number, string> = {
  400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 412: 'Precondition Failed', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** GitLab's render_api_error! shape: {"message":"<status> <text>"}. */
export function message(status: number, text?: string): ApiError {
  return new ApiError(status, { message: `${status} ${text ?? REASONS[status] ?? 'Error'}` });
}

export const REGISTRY_UNREACHABLE_MESSAGE =
  'We are having trouble connecting to the Container Registry. If this error persists, please review the troubleshooting documentation.';

/** Sets `a[b][c]=v` style keys into a nested object (Rack's nested form params). */
function setNested(target: Record<string, unknown>, key: string, value: string): void {
  const parts = key.replace(/\]/g, '').split('[');
  let obj = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = obj[parts[i]];
    if (typeof next !== 'object' || next === null) obj[parts[i]] = {};
    obj = obj[parts[i]] as Record<string, unknown>;
  }
  obj[parts[parts.length - 1]] = value;
}

export function formToObject(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  params.forEach((value, key) => setNested(out, key, value));
  return out;
}

/** Grape's params: query string merged with a JSON or form body (body wins). */
export function mergeParams(query: URLSearchParams, contentType: string | undefined, body: string): Record<string, unknown> {
  const params = formToObject(query);
  if (body.trim() === '') return params;
  if (contentType?.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ApiError(400, { error: 'The provided content-type \'application/json\' is not valid JSON' });
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(params, parsed);
    return params;
  }
  Object.assign(params, formToObject(new URLSearchParams(body)));
  return params;
}

/** Grape Boolean coercion for query flags. */
export function boolParam(params: Record<string, unknown>, name: string): boolean {
  const v = params[name];
  if (v === undefined || v === null || v === '') return false;
  if (v === true || v === 'true' || v === '1' || v === 1) return true;
  if (v === false || v === 'false' || v === '0' || v === 0) return false;
  throw new ApiError(400, { error: `${name} is invalid` });
}

export function stringParam(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  return String(v);
}

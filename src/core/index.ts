// Public surface of the core (no vscode imports anywhere below src/core).
export * from './types';
export type { RegistryApi } from './registryApi';
export { GitLabError, UsageError } from './errors';
export type { GitLabErrorKind, GitLabErrorDetails } from './errors';
export { createRegistryApi } from './client';
export { RestRegistryApi } from './restClient';
export { normalizeTimestamp } from './entities';
export { compareCodePoints, stripControls } from './text';
export type { RestClientOptions } from './restClient';
export { normalizeInstanceUrl, isLoopbackHost, assertSafeTransport, encodeProjectRef } from './url';
export { mapLimit, sleep } from './concurrency';
export type { MapLimitOptions, MapLimitResult } from './concurrency';
export { HttpClient } from './http';
export type { FetchFn, HttpClientOptions, RequestSpec, HttpResult } from './http';
export { mapHttpError, extractGitLabMessage, parseRetryAfter } from './errorMapping';
export { parseLinkHeader, apiPathFromLink } from './pagination';

// The factory every caller (extension, CLI, benchmarks) uses to get a RegistryApi: GitLab's GraphQL API as
// the fast path where it serves (tag details 20 per request, 20 tags deleted per mutation), REST for the
// rest and as the per-capability fallback (job tokens, older instances, GraphQL switched off). Both go
// through one HttpClient, so one account has one 429/RateLimit pause, whichever API learned it.
import { createFastPathApi } from './graphql';
import { createHttpClient } from './http';
import type { RegistryApi } from './registryApi';
import { RestClientOptions, RestRegistryApi } from './restClient';
import type { ClientOptions } from './types';

/**
 * Creates the GitLab client for one instance and credential. Throws UsageError (nothing sent) for an
 * invalid URL, or for plain http:// to a non-loopback host without `allowHttp`.
 */
export function createRegistryApi(options: ClientOptions | RestClientOptions): RegistryApi {
  return createFastPathApi(new RestRegistryApi(options, createHttpClient(options)), options);
}

// The factory every caller (extension, CLI, benchmarks) uses to get a RegistryApi. Today it is the REST
// implementation; a GraphQL fast path can later be placed behind the same interface here.
import type { RegistryApi } from './registryApi';
import { RestClientOptions, RestRegistryApi } from './restClient';
import type { ClientOptions } from './types';

/**
 * Creates the GitLab client for one instance and credential. Throws UsageError (nothing sent) for an
 * invalid URL, or for plain http:// to a non-loopback host without `allowHttp`.
 */
export function createRegistryApi(options: ClientOptions | RestClientOptions): RegistryApi {
  return new RestRegistryApi(options);
}

// GraphQL fast path (docs/gitlab-graphql-registry.md). See fastPathApi.ts for how createRegistryApi uses it.
export { createFastPathApi, FastPathApi, fastPathDisabledReason, resetFastPathMemory } from './fastPathApi';
export type { Capability, FastPathOptions } from './fastPathApi';
export { GraphqlTransport, GraphqlSchemaMismatch, idFromGid, repositoryGid } from './transport';
export type { GraphqlErrorEntry, GraphqlResult } from './transport';

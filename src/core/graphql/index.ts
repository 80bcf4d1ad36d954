// GraphQL fast path (docs/gitlab-api.md "GraphQL"). createRegistryApi (../client.ts) builds it over REST.
export { createFastPathApi, FastPathApi } from './fastPathApi';
export type { FastPathOptions } from './fastPathApi';
export { CapabilityMemory } from './capabilities';
export type { Capability } from './capabilities';
export { GraphqlTransport, GraphqlSchemaMismatch, idFromGid, repositoryGid } from './transport';
export type { GraphqlErrorEntry, GraphqlResult } from './transport';

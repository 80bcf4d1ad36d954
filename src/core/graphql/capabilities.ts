// What the fast path has learned about one GitLab instance: which GraphQL capabilities its schema lacks
// (older GitLab) or whether /api/graphql is unusable altogether. Owned by the client that createRegistryApi
// builds, so it lives and dies with that client: nothing module-wide to reset between tests.

/** What can be switched off independently when an instance's schema lacks it. */
export type Capability = 'repositories' | 'tagDetails' | 'deleteTags' | 'deleteRepository' | 'cleanupPolicy' | 'tagProtection'
  /** ContainerRepositoryTag.protection (GitLab 17.9+): without it, tag pages are asked for without the field. */
  | 'tagLevels'
  /** tags(sort: PUBLISHED_AT_DESC) with real dates (registries with the metadata database). */
  | 'newestFirst';

export class CapabilityMemory {
  /** '*' = the endpoint is unusable; otherwise one capability. */
  private readonly off = new Map<Capability | '*', string>();

  /** Why GraphQL is not used for this capability, or undefined when it is. */
  disabledReason(capability: Capability): string | undefined {
    return this.off.get('*') ?? this.off.get(capability);
  }

  disable(capability: Capability | '*', reason: string): void {
    this.off.set(capability, reason);
  }
}

/** Signals "answer this call over REST" inside the fast path, before anything was written; never escapes it. */
export class UseRest extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

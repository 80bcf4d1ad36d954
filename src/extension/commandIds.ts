// Command, view and context ids in one place. package.json must agree with these; the unit test
// test/unit/extension-commands.test.ts checks it. No `vscode` import here so that test runs in plain Node.

export const VIEW_CONTAINER_ID = 'gitlabRegistry';
export const VIEW_ID = 'gitlabRegistry.registries';

/** Command ids are `gitlabRegistry.<camelCaseTitle>`. */
export const CommandIds = {
  addAccount: 'gitlabRegistry.addAccount',
  removeAccount: 'gitlabRegistry.removeAccount',
  reauthenticate: 'gitlabRegistry.reauthenticate',
  showEnvironmentAccount: 'gitlabRegistry.showEnvironmentAccount',
  refresh: 'gitlabRegistry.refresh',
  deleteTag: 'gitlabRegistry.deleteTag',
  deleteRepository: 'gitlabRegistry.deleteRepository',
  copyImageReference: 'gitlabRegistry.copyImageReference',
  copyDigest: 'gitlabRegistry.copyDigest',
  copyPullCommand: 'gitlabRegistry.copyPullCommand',
  copyReferenceByDigest: 'gitlabRegistry.copyReferenceByDigest',
  pullImage: 'gitlabRegistry.pullImage',
  inspectManifest: 'gitlabRegistry.inspectManifest',
  openInBrowser: 'gitlabRegistry.openInBrowser',
  filterTags: 'gitlabRegistry.filterTags',
  clearTagFilter: 'gitlabRegistry.clearTagFilter',
  sortTagsByName: 'gitlabRegistry.sortTagsByName',
  sortTagsNewestFirst: 'gitlabRegistry.sortTagsNewestFirst',
  loadMore: 'gitlabRegistry.loadMore',
  showLogs: 'gitlabRegistry.showLogs',
  deleteTagsByRule: 'gitlabRegistry.deleteTagsByRule',
  restoreDeletedTags: 'gitlabRegistry.restoreDeletedTags',
  editCleanupPolicy: 'gitlabRegistry.editCleanupPolicy',
  previewCleanupPolicy: 'gitlabRegistry.previewCleanupPolicy',
  applyCleanupPolicyToProjects: 'gitlabRegistry.applyCleanupPolicyToProjects',
  listRepositoriesBySize: 'gitlabRegistry.listRepositoriesBySize',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

/** Context keys set with `setContext`, used in package.json `when` clauses. */
export const ContextKeys = {
  tagSortOrder: 'gitlabRegistry.tagSortOrder',
  environmentAccountHidden: 'gitlabRegistry.environmentAccountHidden',
  /** True once the tree's first level is known: before, the welcome view would flash "Add Account". */
  accountsResolved: 'gitlabRegistry.accountsResolved',
} as const;

/** Configuration keys (section `gitlabRegistry`). */
export const Settings = {
  section: 'gitlabRegistry',
  pageSize: 'pageSize',
  concurrency: 'concurrency',
  tagSortOrder: 'tagSortOrder',
  showGarbageCollectionNotice: 'showGarbageCollectionNotice',
  confirmTypingThreshold: 'confirmTypingThreshold',
  restoreRetentionDays: 'restoreRetentionDays',
} as const;

/**
 * Traits joined into a TreeItem's contextValue (sorted, `;`-separated, e.g. `repository;writable`).
 * Menus match single traits with `viewItem =~ /(^|;)trait(;|$)/`.
 */
export const Traits = {
  account: 'account',
  environment: 'environment',
  unauthorized: 'unauthorized',
  readOnly: 'readOnly',
  writable: 'writable',
  group: 'group',
  project: 'project',
  policy: 'policy',
  repository: 'repository',
  filtered: 'filtered',
  tag: 'tag',
  hasDigest: 'hasDigest',
  /** Known undeletable for this account (protection rule or immutable): no Delete actions. */
  protected: 'protected',
  error: 'error',
  loadMore: 'loadMore',
  message: 'message',
} as const;

export type Trait = (typeof Traits)[keyof typeof Traits];

export function contextValue(traits: Iterable<Trait>): string {
  return [...new Set(traits)].sort().join(';');
}

/** A `when` clause fragment matching one trait of `viewItem`. */
export function hasTrait(trait: Trait): string {
  return `viewItem =~ /(^|;)${trait}(;|$)/`;
}

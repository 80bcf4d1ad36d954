// The options that narrow or widen a deletion beyond GitLab's rule, shared by `bulk` and `rm`:
// gone-branch images and cosign companions (core/rules/conditions.ts). One definition per option name.
import type { CliContext, CommandOption } from '../command';

export const GONE_BRANCHES_OPTION: CommandOption = {
  name: 'gone-branches', type: 'boolean',
  description: 'only images of branches that are gone (the CI_COMMIT_REF_SLUG of a merged/closed merge request\'s deleted branch)',
};
export const WITH_SIGNATURES_OPTION: CommandOption = {
  name: 'with-signatures', type: 'boolean',
  description: 'also delete the cosign sha256-<hex>.sig/.att/.sbom tags of images that lose their last tag',
};
export const ORPHANED_SIGNATURES_OPTION: CommandOption = {
  name: 'orphaned-signatures', type: 'boolean',
  description: 'also delete cosign sha256-<hex>.sig/.att/.sbom tags whose image has no tag left',
};

export interface ConditionFlags {
  goneBranches?: boolean;
  withSignatures?: boolean;
  orphanedSignatures?: boolean;
}

export function conditionFlags(ctx: CliContext): ConditionFlags {
  return {
    goneBranches: ctx.flags['gone-branches'] === true,
    withSignatures: ctx.flags['with-signatures'] === true,
    orphanedSignatures: ctx.flags['orphaned-signatures'] === true,
  };
}

// Which project a cleanup-policy command acts on: the policy node, a project node, or (palette) picked.
import type { Account } from '../accounts/account';
import { isPolicyNode, isProjectNode } from '../tree/nodes';
import type { CommandContext } from './context';
import { pickAccount, pickProject } from './pickers';

export interface PolicyTarget {
  account: Account;
  projectId: number;
  projectPath: string;
}

export async function policyTarget(ctx: CommandContext, node: unknown, filter?: (a: Account) => boolean): Promise<PolicyTarget | undefined> {
  if (isPolicyNode(node) || isProjectNode(node)) {
    const account = ctx.store.get(node.accountId);
    if (!account) return undefined;
    return isPolicyNode(node)
      ? { account, projectId: node.projectId, projectPath: node.projectPath }
      : { account, projectId: node.project.id, projectPath: node.project.path_with_namespace };
  }
  const account = await pickAccount(ctx, filter);
  if (!account) return undefined;
  const project = await pickProject(ctx, account);
  return project ? { account, projectId: project.id, projectPath: project.path_with_namespace } : undefined;
}

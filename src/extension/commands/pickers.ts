// The command-palette path: without a node, commands walk account → project → repository → tags.
import * as vscode from 'vscode';
import type { Page, PageRequest, Project, Repository, Tag } from '../../core/types';
import { instanceHost, type Account } from '../accounts/account';
import type { CommandContext } from './context';

export async function pickAccount(ctx: CommandContext, filter: (a: Account) => boolean = () => true): Promise<Account | undefined> {
  await ctx.store.ready();
  const accounts = ctx.store.list().filter(filter);
  if (accounts.length === 0) {
    void ctx.ui.info(vscode.l10n.t('No GitLab account to use. Add one with "GitLab Registry: Add Account".'));
    return undefined;
  }
  if (accounts.length === 1) return accounts[0];
  return ctx.ui.pickOne(
    accounts.map((a) => ({ label: instanceHost(a.instanceUrl), description: a.username ? `@${a.username}` : undefined, value: a })),
    vscode.l10n.t('Select a GitLab account'),
  );
}

/** A quick pick offers every item, not only GitLab's first page (bounded: 50 pages of 100). */
export async function allPages<T>(list: (page: PageRequest) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await list({ cursor, perPage: 100 });
    for (const item of page.items) items.push(item); // not push(...items): a huge page would overflow the stack
    cursor = page.next;
    if (!cursor) break;
  }
  return items;
}

export async function pickProject(ctx: CommandContext, account: Account): Promise<Project | undefined> {
  const api = ctx.clients.api(account.id);
  const projects = await allPages((page) => api.listProjects({}, page));
  if (projects.length === 0) {
    void ctx.ui.info(vscode.l10n.t('No projects where you are at least a Reporter.'));
    return undefined;
  }
  return ctx.ui.pickOne(projects.map((p) => ({ label: p.path_with_namespace, value: p })), vscode.l10n.t('Select a project'));
}

export async function pickRepository(ctx: CommandContext, account: Account, project: Project): Promise<Repository | undefined> {
  const api = ctx.clients.api(account.id);
  const repositories = await allPages((page) => api.listProjectRepositories(project.id, page));
  if (repositories.length === 0) {
    void ctx.ui.info(vscode.l10n.t('{0} has no image repositories.', project.path_with_namespace));
    return undefined;
  }
  ctx.model.rememberRepositories(account.id, repositories);
  return ctx.ui.pickOne(
    repositories.map((r) => ({ label: r.name === '' ? project.path_with_namespace : r.name, description: r.location, value: r })),
    vscode.l10n.t('Select an image repository'),
  );
}

export async function pickTags(ctx: CommandContext, account: Account, repository: Repository, many: boolean): Promise<Tag[] | undefined> {
  const tags = await ctx.model.tags(account.id, repository.project_id, repository.id);
  if (tags.length === 0) {
    void ctx.ui.info(vscode.l10n.t('{0} has no tags.', repository.location));
    return undefined;
  }
  const items = tags.map((t) => ({ label: t.name, description: t.location, value: t }));
  if (many) return ctx.ui.pickMany(items, vscode.l10n.t('Select the tags'));
  const one = await ctx.ui.pickOne(items, vscode.l10n.t('Select a tag'));
  return one ? [one] : undefined;
}

/** account → project → repository, for commands run from the palette. */
export async function pickRepositoryPath(ctx: CommandContext, filter?: (a: Account) => boolean):
  Promise<{ account: Account; project: Project; repository: Repository } | undefined> {
  const account = await pickAccount(ctx, filter);
  if (!account) return undefined;
  const project = await pickProject(ctx, account);
  if (!project) return undefined;
  const repository = await pickRepository(ctx, account, project);
  return repository ? { account, project, repository } : undefined;
}

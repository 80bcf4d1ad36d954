// How each kind of node looks: one render function per kind, reading the current state from the model
// (account state, repository status, tag details, policies), so a re-render after a change event shows it.
// Server strings lose their control characters in labels and tooltips; in Markdown tooltips they are
// escaped text or inline code (markdown.ts), never raw Markdown.
import * as vscode from 'vscode';
import { stripControls } from '../../core/text';
import type { RepositoryStatus } from '../../core/types';
import { instanceHost, type Account } from '../accounts/account';
import { CommandIds, contextValue, type Trait } from '../commandIds';
import { policyDescription, policyDetails } from '../rules/policyText';
import { tagSortOrderSetting } from '../settings';
import { MAX_DATED_TAGS, dateWithExact, formatAge, formatCount, formatSize, matchesFilter, sizeWithBytes, tagDescription } from './format';
import type { RepositorySize } from './repositorySizes';
import { protectionText, sameImageMark } from './protectionText';
import { codeBlockText, markdownCode, markdownText, multilineText } from '../shownText';
import type { RegistryModel } from './model';
import {
  repositoryLabel, type AccountNode, type ErrorNode, type GroupNode, type LoadMoreNode, type MessageNode, type PolicyNode,
  type ProjectNode, type RepositoryNode, type TagNode, type TreeNode,
} from './nodes';

/** What every render function gets. */
interface RenderContext {
  model: RegistryModel;
  locale: string;
  account: Account | undefined;
  /** 'readOnly' or 'writable', for the context menus. */
  access: Trait[];
  /** Shown in tooltips of read-only accounts' nodes. */
  readOnlyNote: string | undefined;
}

export function renderNode(node: TreeNode, model: RegistryModel, locale: string): vscode.TreeItem {
  const account = model.account(node.accountId);
  const ctx: RenderContext = {
    model, locale, account,
    access: account?.readOnly ? ['readOnly'] : ['writable'],
    readOnlyNote: account?.readOnly
      ? vscode.l10n.t('Read-only: the token has the read_api scope but not api, so deleting is not available. Add the account again with an api token to delete.')
      : undefined,
  };
  const treeItem = renderKind(node, ctx);
  // Descriptions and plain tooltips carry server strings too (user names, digests, paths, error text).
  if (typeof treeItem.description === 'string') treeItem.description = stripControls(treeItem.description);
  if (typeof treeItem.tooltip === 'string') treeItem.tooltip = multilineText(treeItem.tooltip);
  return treeItem;
}

function renderKind(node: TreeNode, ctx: RenderContext): vscode.TreeItem {
  switch (node.kind) {
    case 'account': return renderAccount(node, ctx);
    case 'group': return renderGroup(node, ctx);
    case 'project': return renderProject(node, ctx);
    case 'policy': return renderPolicy(node, ctx);
    case 'repository': return renderRepository(node, ctx);
    case 'tag': return renderTag(node, ctx);
    case 'loadMore': return renderLoadMore(node, ctx);
    case 'error': return renderError(node);
    case 'message': return renderMessage(node);
  }
}

export function statusText(status: RepositoryStatus | undefined): string | undefined {
  switch (status) {
    case 'delete_scheduled': return vscode.l10n.t('deletion scheduled');
    case 'delete_ongoing': return vscode.l10n.t('deletion ongoing');
    case 'delete_failed': return vscode.l10n.t('deletion failed');
    default: return undefined;
  }
}

/** A tree item whose label (often a server string) shows no control characters. */
function item(node: TreeNode, label: string, collapsible: boolean): vscode.TreeItem {
  const treeItem = new vscode.TreeItem(stripControls(label), collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  treeItem.id = node.id;
  return treeItem;
}

function renderAccount(node: AccountNode, ctx: RenderContext): vscode.TreeItem {
  const a = ctx.account;
  const treeItem = item(node, a ? instanceHost(a.instanceUrl) : node.accountId, true);
  const reason = ctx.model.unauthorizedReason(node.accountId);
  const traits: Trait[] = ['account', ...ctx.access];
  if (a?.source === 'environment') traits.push('environment');
  // Two accounts of one user on one instance differ by these words, not only by their icon.
  const user = [
    a?.username ? `@${a.username}` : undefined,
    a?.source === 'environment' ? vscode.l10n.t('environment') : undefined,
    a?.readOnly ? vscode.l10n.t('read-only') : undefined,
  ].filter((p): p is string => !!p).join(' · ') || vscode.l10n.t('environment');
  if (reason !== undefined) {
    traits.push('unauthorized');
    treeItem.description = `${user} · ${vscode.l10n.t('re-authentication needed')}`;
    treeItem.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  } else {
    treeItem.description = user;
    treeItem.iconPath = new vscode.ThemeIcon(a?.readOnly ? 'lock' : 'account');
  }
  treeItem.contextValue = contextValue(traits);
  const md = new vscode.MarkdownString();
  if (a) {
    md.appendMarkdown(`**${markdownText(a.instanceUrl)}**\n\n`);
    md.appendMarkdown(`${markdownText(vscode.l10n.t('User'))}: ${markdownText(a.username ? `@${a.username}` : '—')}${a.name ? ` (${markdownText(a.name)})` : ''}\n\n`);
    md.appendMarkdown(`${markdownText(vscode.l10n.t('Token scopes'))}: ${markdownText(a.scopes?.join(', ') ?? vscode.l10n.t('unknown'))}\n\n`);
    if (a.expiresAt) md.appendMarkdown(`${markdownText(vscode.l10n.t('Token expires'))}: ${markdownText(a.expiresAt)}\n\n`);
    if (a.source === 'environment') md.appendMarkdown(`${markdownText(vscode.l10n.t('From the environment variables GITLAB_REGISTRY_URL and GITLAB_REGISTRY_TOKEN; the token is not stored.'))}\n\n`);
  }
  if (ctx.readOnlyNote) md.appendMarkdown(`${markdownText(ctx.readOnlyNote)}\n\n`);
  if (reason !== undefined) md.appendMarkdown(`$(error) ${markdownText(reason)} ${markdownText(vscode.l10n.t('Use "Re-authenticate" to enter a new token.'))}`);
  md.supportThemeIcons = true;
  treeItem.tooltip = md;
  return treeItem;
}

/** Below a group, a subgroup or project is named by its last path segment (its group is the row above). */
const nested = (node: GroupNode | ProjectNode): boolean => node.parent?.kind === 'group';
const lastSegment = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

function renderGroup(node: GroupNode, ctx: RenderContext): vscode.TreeItem {
  const treeItem = item(node, nested(node) ? lastSegment(node.group.full_path) : node.group.full_path, true);
  treeItem.iconPath = new vscode.ThemeIcon('organization');
  treeItem.contextValue = contextValue(['group', ...ctx.access]);
  treeItem.tooltip = `${node.group.full_path}\n${vscode.l10n.t('Subgroups and projects; group commands act on the image repositories of all of them')}`;
  return treeItem;
}

function renderProject(node: ProjectNode, ctx: RenderContext): vscode.TreeItem {
  const path = node.project.path_with_namespace;
  const treeItem = item(node, nested(node) ? lastSegment(path) : path, true);
  treeItem.iconPath = new vscode.ThemeIcon('repo');
  treeItem.contextValue = contextValue(['project', ...ctx.access]);
  treeItem.tooltip = `${path}\n${node.project.web_url}`;
  return treeItem;
}

function renderPolicy(node: PolicyNode, ctx: RenderContext): vscode.TreeItem {
  const state = ctx.model.policyState(node.accountId, node.projectId);
  const treeItem = item(node, vscode.l10n.t('Cleanup policy'), false);
  treeItem.contextValue = contextValue(['policy', ...ctx.access]);
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${markdownText(vscode.l10n.t('Cleanup policy of {0}', node.projectPath))}**\n\n`);
  if (!state) {
    treeItem.description = vscode.l10n.t('loading…');
  } else if ('error' in state) {
    treeItem.description = vscode.l10n.t('cannot be read');
    treeItem.iconPath = new vscode.ThemeIcon('warning');
    md.appendMarkdown(markdownText(state.error));
  } else if (state.policy === null) {
    treeItem.description = vscode.l10n.t('not available');
    md.appendMarkdown(markdownText(vscode.l10n.t('GitLab did not include a cleanup policy for this project.')));
  } else {
    const p = state.policy;
    treeItem.description = policyDescription(p, vscode.l10n.t);
    treeItem.iconPath = new vscode.ThemeIcon(p.enabled ? 'history' : 'circle-slash');
    for (const [k, v] of policyDetails(p, vscode.l10n.t)) md.appendMarkdown(`${markdownText(k)}: ${markdownText(v)}\n\n`);
  }
  if (!treeItem.iconPath) treeItem.iconPath = new vscode.ThemeIcon('history');
  treeItem.tooltip = md;
  return treeItem;
}

function renderRepository(node: RepositoryNode, ctx: RenderContext): vscode.TreeItem {
  const repo = ctx.model.repository(node.accountId, node.repositoryId);
  // The root image of a project is a short marker (the project row above already names the path).
  const rootImage = repo !== undefined && repo.name === '' && node.under.kind === 'project';
  const treeItem = item(node, rootImage ? vscode.l10n.t('(root image)') : repo ? repositoryLabel(repo, node.under) : String(node.repositoryId), true);
  const filter = ctx.model.filterOf(node.accountId, node.repositoryId);
  const traits: Trait[] = ['repository', ...ctx.access];
  if (filter) traits.push('filtered');
  const verdict = repo ? ctx.model.repositoryVerdict(node.accountId, repo) : undefined;
  const protectedText = verdict ? protectionText(verdict) : undefined;
  if (protectedText) traits.push('protected');
  treeItem.contextValue = contextValue(traits);
  const status = statusText(repo?.status);
  const tags = ctx.model.listedTags(node.accountId, node.repositoryId);
  // Before the tags are listed, GitLab's tags_count of the repository listing says how many there are.
  const total = tags?.length ?? (typeof repo?.tags_count === 'number' ? repo.tags_count : undefined);
  const parts: string[] = [];
  if (status) parts.push(status);
  if (protectedText) parts.push(protectedText);
  if (filter) parts.push(vscode.l10n.t('filter: {0}', filter));
  if (total !== undefined && !status) {
    const matching = filter && tags ? tags.filter((t) => matchesFilter(t.name, filter)).length : undefined;
    if (matching !== undefined) parts.push(vscode.l10n.t('{0} of {1} tags', formatCount(matching, ctx.locale), formatCount(total, ctx.locale)));
    else parts.push(total === 1 ? vscode.l10n.t('1 tag') : vscode.l10n.t('{0} tags', formatCount(total, ctx.locale)));
  }
  const size = ctx.model.sizes.get(node.accountId, node.repositoryId);
  if (size && !status) parts.push(formatSize(size.bytes) ?? '');
  // Honest order: a repository too large to date every tag first, whose registry cannot sort by date
  // either (or which is filtered), is listed by name, and says so.
  if (tags && tags.length > MAX_DATED_TAGS && tagSortOrderSetting() === 'newest' && (filter || !ctx.model.newest.sortedByServer(tags))) {
    parts.push(vscode.l10n.t('by name: too many tags to sort by date'));
  }
  const cleanupAge = repo?.cleanup_policy_started_at ? formatAge(repo.cleanup_policy_started_at, Date.now(), ctx.locale) : undefined;
  if (cleanupAge && !status) parts.push(vscode.l10n.t('cleanup {0}', cleanupAge));
  treeItem.description = parts.join(' · ');
  treeItem.iconPath = repo?.status === 'delete_failed'
    ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'))
    : repo?.status ? new vscode.ThemeIcon('sync~spin') : new vscode.ThemeIcon(protectedText ? 'lock' : 'package');
  const md = new vscode.MarkdownString();
  if (repo) {
    md.appendMarkdown(`**${markdownText(repo.location)}**\n\n`);
    if (status) md.appendMarkdown(`${markdownText(vscode.l10n.t('Status'))}: ${markdownText(status)}\n\n`);
    if (protectedText) md.appendMarkdown(`$(lock) ${markdownText(protectedText)}\n\n`);
    if (rootImage) md.appendMarkdown(`${markdownText(vscode.l10n.t('The root image of the project {0}', repo.path))}\n\n`);
    md.appendMarkdown(`${markdownText(vscode.l10n.t('Size'))}: ${markdownText(size ? repositorySizeText(size, ctx.locale) : vscode.l10n.t('not computed (List Repositories by Size… computes it)'))}\n\n`);
    if (repo.created_at) md.appendMarkdown(`${markdownText(vscode.l10n.t('Created'))}: ${markdownText(dateWithExact(repo.created_at, ctx.locale))}\n\n`);
    const started = repo.cleanup_policy_started_at ? dateWithExact(repo.cleanup_policy_started_at, ctx.locale) : vscode.l10n.t('never');
    md.appendMarkdown(`${markdownText(vscode.l10n.t('Cleanup policy last started'))}: ${markdownText(started)}\n\n`);
  }
  if (ctx.readOnlyNote) md.appendMarkdown(markdownText(ctx.readOnlyNote));
  treeItem.tooltip = md;
  return treeItem;
}

/** "1.2 GB (1,234,567,890 bytes), deduplicated by GitLab" or "…, unique layers and manifests of its tags". */
export function repositorySizeText(size: RepositorySize, locale: string): string {
  const bytes = sizeWithBytes(size.bytes, locale, vscode.l10n.t('bytes'));
  return size.source === 'gitlab'
    ? vscode.l10n.t('{0}, deduplicated by GitLab', bytes)
    : vscode.l10n.t('{0}, the unique layers and manifests of its tags (read from the registry)', bytes);
}

function renderTag(node: TagNode, ctx: RenderContext): vscode.TreeItem {
  const details = ctx.model.tagDetails(node.accountId, node.repositoryId, node.tag.name);
  const treeItem = item(node, node.tag.name, false);
  const protectedText = protectionText(ctx.model.tagVerdict(node.accountId, node.projectId, node.repositoryId, node.tag.name));
  treeItem.iconPath = new vscode.ThemeIcon(protectedText ? 'lock' : 'tag');
  const traits: Trait[] = ['tag', ...ctx.access];
  if (details?.digest) traits.push('hasDigest');
  if (protectedText) traits.push('protected');
  treeItem.contextValue = contextValue(traits);
  const same = ctx.model.sameImage(node.accountId, node.repositoryId, node.tag.name);
  // Age · size first after a protection mark (the one thing that changes what you may do): a 300 px sidebar
  // cuts the end, so the same-image mark follows the digest.
  const sameMark = sameImageMark(same);
  treeItem.description = [protectedText, tagDescription(details, Date.now(), ctx.locale, sameMark ? [sameMark] : [])].filter(Boolean).join(' · ');
  const md = new vscode.MarkdownString();
  md.supportThemeIcons = true;
  md.appendMarkdown(`**${markdownText(node.tag.name)}**\n\n`);
  if (protectedText) md.appendMarkdown(`$(lock) ${markdownText(protectedText)}\n\n`);
  if (same.length) md.appendMarkdown(`${markdownText(vscode.l10n.t('Same image as:'))} ${same.map(markdownCode).join(', ')}\n\n`);
  if (details) {
    if (details.digest) md.appendMarkdown(`${markdownText(vscode.l10n.t('Digest'))}: ${markdownCode(details.digest)}\n\n`);
    if (details.created_at) md.appendMarkdown(`${markdownText(vscode.l10n.t('Created'))}: ${markdownText(dateWithExact(details.created_at, ctx.locale))}\n\n`);
    if (details.total_size !== null) md.appendMarkdown(`${markdownText(vscode.l10n.t('Size'))}: ${markdownText(sizeWithBytes(details.total_size, ctx.locale, vscode.l10n.t('bytes')))}\n\n`);
  } else {
    md.appendMarkdown(`${markdownText(vscode.l10n.t('Loading details…'))}\n\n`);
  }
  md.appendMarkdown(`${markdownText(vscode.l10n.t('Location'))}: ${markdownCode(node.tag.location)}\n\n`);
  md.appendCodeblock(`docker pull ${codeBlockText(node.tag.location)}`, 'shell');
  if (ctx.readOnlyNote) md.appendMarkdown(`\n\n${markdownText(ctx.readOnlyNote)}`);
  treeItem.tooltip = md;
  return treeItem;
}

function renderLoadMore(node: LoadMoreNode, ctx: RenderContext): vscode.TreeItem {
  const c = node.count;
  // Tags: how many the click adds and how far the user is ("Load 100 more (100 of 10,050)").
  const title = c
    ? vscode.l10n.t('Load {0} more ({1} of {2})', formatCount(c.next, ctx.locale), formatCount(c.shown, ctx.locale), formatCount(c.total, ctx.locale))
    : vscode.l10n.t('Load more…');
  const treeItem = item(node, title, false);
  treeItem.description = c ? undefined : {
    groups: vscode.l10n.t('groups'), projects: vscode.l10n.t('projects'),
    subgroups: vscode.l10n.t('groups'), groupProjects: vscode.l10n.t('projects'),
    groupRepositories: vscode.l10n.t('image repositories'), projectRepositories: vscode.l10n.t('image repositories'),
    tags: vscode.l10n.t('tags'),
  }[node.more.list];
  treeItem.iconPath = new vscode.ThemeIcon('ellipsis');
  treeItem.contextValue = contextValue(['loadMore']);
  treeItem.command = { command: CommandIds.loadMore, title: vscode.l10n.t('Load more…'), arguments: [node] };
  return treeItem;
}

function renderError(node: ErrorNode): vscode.TreeItem {
  const treeItem = item(node, node.message, false);
  treeItem.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
  const traits: Trait[] = ['error'];
  if (node.unauthorized) traits.push('unauthorized');
  treeItem.contextValue = contextValue(traits);
  treeItem.tooltip = node.unauthorized
    ? vscode.l10n.t('{0} Use "Re-authenticate" to enter a new token.', node.message)
    : vscode.l10n.t('{0} Click to show the logs.', node.message);
  treeItem.command = node.unauthorized
    ? { command: CommandIds.reauthenticate, title: vscode.l10n.t('Re-authenticate'), arguments: [node] }
    : { command: CommandIds.showLogs, title: vscode.l10n.t('Show Logs') };
  return treeItem;
}

function renderMessage(node: MessageNode): vscode.TreeItem {
  const treeItem = item(node, node.message, false);
  if (node.details) {
    treeItem.tooltip = node.details.join('\n');
    treeItem.iconPath = new vscode.ThemeIcon('shield');
  }
  treeItem.contextValue = contextValue(['message']);
  return treeItem;
}

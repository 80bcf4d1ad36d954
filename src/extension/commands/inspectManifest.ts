import * as vscode from 'vscode';
import { handleError } from '../errors';
import { describeManifest } from '../manifestText';
import { isTagNode, type TagNode } from '../tree/nodes';
import type { CommandContext } from './context';

const SCHEME = 'glcr-manifest';
const documents = new Map<string, string>();
let registered = false;

/** Read-only documents: a TextDocumentContentProvider's documents cannot be edited or saved. */
function ensureProvider(ctx: CommandContext): void {
  if (registered) return;
  registered = true;
  ctx.extension.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(SCHEME, {
    provideTextDocumentContent: (uri) => documents.get(uri.toString()) ?? '',
  }));
}

/** Opens the tag's manifest (and, for an index, its platforms' layers) in a read-only editor. */
export async function inspectManifest(ctx: CommandContext, node?: unknown): Promise<string | undefined> {
  try {
    if (!isTagNode(node)) {
      void ctx.ui.warn(vscode.l10n.t('Select a tag in the Container Registry view first.'));
      return undefined;
    }
    const n: TagNode = node;
    const details = await ctx.model.loadTagDetails(n.accountId, n.projectId, n.repositoryId, n.tag.name);
    if (!details.digest) {
      void ctx.ui.warn(vscode.l10n.t('GitLab reports no digest for {0}.', details.location));
      return undefined;
    }
    const location = details.location.slice(0, details.location.length - details.name.length - 1);
    const { registry, store } = ctx.clients.storage(n.accountId);
    const client = registry.client(location);
    const text = await ctx.ui.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading the manifest of {0}…', details.location) }, async () => {
      const top = await store.get(client, details.digest!);
      const platforms = [];
      for (const d of top.manifests) platforms.push({ platform: d.platform ?? d.digest, manifest: await store.get(client, d.digest) });
      const json = JSON.stringify(JSON.parse((await store.bytes(client, top.digest)).toString('utf8')), null, 2);
      return [...describeManifest(top, platforms), json].join('\n');
    });
    ensureProvider(ctx);
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${details.name}.jsonc`, query: details.digest });
    documents.set(uri.toString(), text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
    return text;
  } catch (err) {
    handleError(ctx, vscode.l10n.t('Reading the manifest failed'), err);
    return undefined;
  }
}

// `glcr image rm`: remove ONE tag from a registry (tag mode, see tagRemoval.ts), or a manifest and every tag
// on it (digest mode, below).
//
// Digest mode deletes by a digest the user gave (`@sha256:…`) or one glcr computed from the manifest bytes
// the tag resolves to, never by a digest the registry merely reported. Its DELETE is never re-sent; when the
// answer is lost or says nothing definite (timeout, reset, 5xx), glcr looks the manifest up and reports
// deleted, not deleted, or "outcome unknown".
import { UsageError } from '../errors';
import type { Logger } from '../types';
import { RegistryError } from './errors';
import { parseImageRef, type ImageRef } from './imageRef';
import { RegistryClient, type ManifestContent, type ManifestInfo } from './client';
import { asRegistryError, isSuccess, isUncertain, removeTag, type CriticalState } from './tagRemoval';

export type { CriticalState } from './tagRemoval';

export interface ImageRmOptions {
  reference: string;
  digestMode: boolean;
  username?: string;
  password?: string;
  plainHttp?: boolean;
  /** Origins besides the registry's host whose token realm may receive the password (see credentialPolicy.ts). */
  trustedRealmOrigins?: string[];
  log?: Logger;
  signal?: AbortSignal;
  /** Told what is under way while a tag temporarily points at a placeholder, and null when that is over. */
  onCriticalSection?: (state: CriticalState | null) => void;
  /**
   * Called with the manifest of every tag about to be removed, before anything is deleted (the deletion
   * journal). Throwing stops the removal; nothing is deleted then.
   */
  beforeDelete?: (tags: TagManifest[], client: RegistryClient) => Promise<void>;
}

/** A tag about to be removed and its manifest, or why that could not be read. */
export interface TagManifest {
  tag: string;
  manifest?: ManifestContent;
  unreadable?: string;
}

async function readForJournal(client: RegistryClient, reference: string): Promise<{ manifest?: ManifestContent; unreadable?: string }> {
  try {
    const manifest = await client.getManifest(reference);
    return manifest ? { manifest } : { unreadable: `${reference} is not in ${client.name}` };
  } catch (e) {
    if (e instanceof RegistryError && e.kind === 'cancelled') throw e;
    return { unreadable: asRegistryError(client, e).message };
  }
}

export interface ImageRmResult {
  removed: string;
  mode: 'tag' | 'digest';
  also_removed: string[];
}

/** Tags looked up at once in digest mode. */
const HEAD_CONCURRENCY = 8;

export async function removeImage(opts: ImageRmOptions): Promise<ImageRmResult> {
  const ref = parseImageRef(opts.reference);
  if (ref.digest && !opts.digestMode) {
    throw new UsageError(
      'a digest reference removes the manifest and every tag pointing at it: add --digest to confirm, or give a tag (":<tag>")',
    );
  }
  const client = new RegistryClient({
    registry: ref.registry,
    hostname: ref.hostname,
    repository: ref.repository,
    username: opts.username,
    password: opts.password,
    plainHttp: opts.plainHttp,
    trustedRealmOrigins: opts.trustedRealmOrigins,
    actions: ['pull', 'delete'],
    log: opts.log,
    signal: opts.signal,
  });
  try {
    if (opts.digestMode) {
      const also = await removeDigest(client, ref, opts);
      return { removed: opts.reference, mode: 'digest', also_removed: also };
    }
    if (opts.beforeDelete) {
      const tag = ref.tag as string;
      await opts.beforeDelete([{ tag, ...(await readForJournal(client, tag)) }], client);
    }
    await removeTag({ client, tag: ref.tag as string, log: opts.log, signal: opts.signal, onCriticalSection: opts.onCriticalSection });
    return { removed: opts.reference, mode: 'tag', also_removed: [] };
  } catch (e) {
    if (e instanceof RegistryError || e instanceof UsageError) throw e;
    // Never let a raw stack or an unexpected message through unredacted.
    throw client.error('bad_response', `unexpected failure: ${(e as Error)?.message ?? String(e)}`);
  }
}

async function removeDigest(client: RegistryClient, ref: ImageRef, opts: ImageRmOptions): Promise<string[]> {
  const log = opts.log;
  let digest: string;
  if (ref.tag) {
    // Computed from the bytes (getManifest refuses a registry whose reported digest disagrees).
    const target = await client.getManifest(ref.tag);
    if (!target) throw client.error('unknown_tag', `tag "${ref.tag}" not found in ${client.name}`, 404);
    digest = target.digest;
  } else {
    digest = ref.digest as string;
    const target = await client.headManifest(digest);
    if (!target) throw client.error('unknown_tag', `manifest ${digest} not found in ${client.name}`, 404);
  }
  log?.info(`removing manifest ${digest} of ${client.name} and every tag pointing at it`);

  const tags = await client.listTags();
  const pointing: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tags.length) {
      const t = tags[next++];
      const info = await client.headManifest(t);
      if (info && info.digest === digest) pointing.push(t);
    }
  };
  await Promise.all(Array.from({ length: Math.min(HEAD_CONCURRENCY, tags.length) }, worker));

  if (opts.signal?.aborted) throw client.error('cancelled', 'cancelled');
  if (opts.beforeDelete && pointing.length > 0) {
    const read = await readForJournal(client, digest);
    await opts.beforeDelete(pointing.sort().map((tag) => ({ tag, ...read })), client);
  }
  await deleteDigest(client, digest, log);
  const also = pointing.filter((t) => t !== ref.tag).sort();
  log?.info(`removed ${digest}${also.length ? ` and tags ${also.join(', ')}` : ''}`);
  return also;
}

/** DELETE by digest, sent once and run to its end; an answer that says nothing definite is settled by a look-up. */
async function deleteDigest(client: RegistryClient, digest: string, log?: Logger): Promise<void> {
  let failure: RegistryError;
  try {
    const res = await client.deleteManifest(digest, { signal: null });
    if (isSuccess(res.status)) return;
    if (res.status === 404) throw client.error('unknown_tag', `manifest ${digest} not found in ${client.name}`, 404);
    if (res.status === 409) {
      throw client.fail(res, 'DELETE', `delete manifest ${digest} (a multi-arch index may still reference it; delete the index first)`);
    }
    failure = client.fail(res, 'DELETE', `delete manifest ${digest}`);
    if (!isUncertain(res.status)) throw failure;
  } catch (e) {
    if (e instanceof RegistryError && e.kind !== 'network') throw e;
    failure = asRegistryError(client, e);
  }
  let after: ManifestInfo | null;
  try {
    after = await client.headManifest(digest, { signal: null });
  } catch (e) {
    throw client.error(failure.kind,
      `outcome unknown: the registry may have deleted manifest ${digest} and every tag on it (${failure.message}; looking it up failed too: ${asRegistryError(client, e).message})`,
      failure.status, failure.code);
  }
  if (after === null) {
    log?.info(`the answer to deleting ${digest} was lost, but the manifest is gone`);
    return;
  }
  throw client.error(failure.kind, `${failure.message}; manifest ${digest} is still there (nothing was deleted)`, failure.status, failure.code);
}

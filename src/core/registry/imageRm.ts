// `glcr image rm`: remove ONE tag from a registry (tag mode), or a manifest and every tag on it (digest mode).
//
// Tag mode never deletes the manifest the tag points at, so sibling tags (and, for a multi-arch tag, the
// index and its children) stay. It tries the OCI tag delete (DELETE /v2/<name>/manifests/<tag>, GitLab's
// registry since 16.4). Where the registry refuses it (Distribution 2.8: 400 DIGEST_INVALID; others 405
// UNSUPPORTED) it first checks that deletes are enabled at all by deleting a random digest that cannot
// exist (404 = enabled, 405 = disabled; nothing changes either way), then re-points the tag at a tiny
// unique placeholder manifest (zero layers, a config blob holding a random nonce) and deletes that
// placeholder by digest. If that last delete fails, the tag is put back exactly (the original manifest
// bytes are re-pushed under the tag, which gives the same digest), so a failure never leaves the tag
// pointing at the placeholder unless restoring fails too, which the error then says.
import * as crypto from 'crypto';
import { UsageError } from '../errors';
import type { Logger } from '../types';
import { RegistryError } from './errors';
import { parseImageRef, type ImageRef } from './imageRef';
import { RegistryClient, type ManifestContent } from './client';
import {
  MT_DOCKER_CONFIG, MT_DOCKER_LIST, MT_DOCKER_MANIFEST, MT_OCI_CONFIG, MT_OCI_MANIFEST,
} from './mediaTypes';

export interface ImageRmOptions {
  reference: string;
  digestMode: boolean;
  username?: string;
  password?: string;
  plainHttp?: boolean;
  log?: Logger;
  signal?: AbortSignal;
}

export interface ImageRmResult {
  removed: string;
  mode: 'tag' | 'digest';
  also_removed: string[];
}

/** Tags looked up at once in digest mode. */
const HEAD_CONCURRENCY = 8;

function isSuccess(status: number): boolean {
  return status === 200 || status === 202 || status === 204;
}

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
    actions: ['pull', 'delete'],
    log: opts.log,
    signal: opts.signal,
  });
  try {
    if (opts.digestMode) {
      const also = await removeDigest(client, ref, opts.log);
      return { removed: opts.reference, mode: 'digest', also_removed: also };
    }
    await removeTag(client, ref, opts.log);
    return { removed: opts.reference, mode: 'tag', also_removed: [] };
  } catch (e) {
    if (e instanceof RegistryError || e instanceof UsageError) throw e;
    // Never let a raw stack or an unexpected message through unredacted.
    throw client.error('bad_response', `unexpected failure: ${(e as Error)?.message ?? String(e)}`);
  }
}

async function removeTag(client: RegistryClient, ref: ImageRef, log?: Logger): Promise<void> {
  const tag = ref.tag as string;
  const target = await client.headManifest(tag);
  if (!target) throw client.error('unknown_tag', `tag "${tag}" not found in ${client.name}`, 404);
  log?.info(`${client.name}:${tag} points at ${target.digest} (${target.mediaType || 'unknown type'})`);

  const res = await client.deleteManifest(tag);
  if (isSuccess(res.status)) {
    log?.info(`removed tag ${tag} (the registry deletes tags by name)`);
    return;
  }
  if (res.status === 404) throw client.error('unknown_tag', `tag "${tag}" not found in ${client.name}`, 404);
  if (res.status !== 400 && res.status !== 405 && res.status !== 501) {
    throw client.fail(res, 'DELETE', `remove tag ${tag}`);
  }
  log?.info(`the registry cannot delete a tag by name (HTTP ${res.status}); re-pointing it at a placeholder and deleting that`);

  // Are deletes enabled at all? A random digest cannot exist: 404 → yes, 405 → no. Nothing changes.
  const probe = await client.deleteManifest(sha256Hex(crypto.randomBytes(32)));
  if (probe.status === 405) {
    throw client.error('deletes_disabled',
      `the registry ${client.origin} does not allow deletes (HTTP 405 UNSUPPORTED): tag "${tag}" was left unchanged; an administrator must enable deletes (Distribution: storage.delete.enabled)`,
      405, 'UNSUPPORTED');
  }
  if (probe.status === 401 || probe.status === 403) throw client.fail(probe, 'DELETE', `delete from ${client.name}`);

  const original = await client.getManifest(tag);
  if (!original) throw client.error('unknown_tag', `tag "${tag}" not found in ${client.name}`, 404);

  client.requireActions(['push']);
  const placeholder = await buildPlaceholder(client, tag, original);
  // From here on the caller's cancel is ignored: the tag must end up removed or restored.
  const critical = { signal: null };
  const placeholderDigest = await client.putManifest(tag, placeholder.bytes, placeholder.mediaType, critical);
  log?.debug(`tag ${tag} now points at placeholder ${placeholderDigest}`);
  let failure: RegistryError;
  try {
    const del = await client.deleteManifest(placeholderDigest, critical);
    if (isSuccess(del.status)) {
      log?.info(`removed tag ${tag}; ${original.digest} and its other tags are untouched`);
      return;
    }
    failure = client.fail(del, 'DELETE', `delete placeholder ${placeholderDigest}`);
  } catch (e) {
    failure = e instanceof RegistryError ? e : client.error('bad_response', String((e as Error)?.message ?? e));
  }
  // Put the tag back where it was.
  try {
    await client.putManifest(tag, original.bytes, original.mediaType, critical);
  } catch {
    throw client.error(failure.kind,
      `${failure.message}; restoring the tag failed too: ${client.name}:${tag} now points at placeholder ${placeholderDigest} instead of ${original.digest}`,
      failure.status, failure.code);
  }
  throw client.error(failure.kind, `${failure.message}; tag "${tag}" was restored to ${original.digest}`, failure.status, failure.code);
}

function sha256Hex(data: Buffer): string {
  return 'sha256:' + crypto.createHash('sha256').update(data).digest('hex');
}

/** A zero-layer manifest of the original's family (Docker v2 for Docker types, OCI otherwise) whose config holds a nonce. */
async function buildPlaceholder(client: RegistryClient, tag: string, original: ManifestContent): Promise<{ bytes: Buffer; mediaType: string }> {
  const docker = original.mediaType === MT_DOCKER_MANIFEST || original.mediaType === MT_DOCKER_LIST;
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'glcr.placeholder': `removing tag ${tag}`, 'glcr.nonce': crypto.randomBytes(16).toString('hex') } },
    rootfs: { type: 'layers', diff_ids: [] },
  }));
  const configDigest = await client.uploadBlob(config);
  const mediaType = docker ? MT_DOCKER_MANIFEST : MT_OCI_MANIFEST;
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: docker ? MT_DOCKER_CONFIG : MT_OCI_CONFIG, digest: configDigest, size: config.length },
    layers: [] as unknown[],
  };
  return { bytes: Buffer.from(JSON.stringify(manifest)), mediaType };
}

async function removeDigest(client: RegistryClient, ref: ImageRef, log?: Logger): Promise<string[]> {
  let digest: string;
  if (ref.tag) {
    const target = await client.headManifest(ref.tag);
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

  const res = await client.deleteManifest(digest);
  if (!isSuccess(res.status)) {
    if (res.status === 404) throw client.error('unknown_tag', `manifest ${digest} not found in ${client.name}`, 404);
    if (res.status === 409) {
      throw client.fail(res, 'DELETE', `delete manifest ${digest} (a multi-arch index may still reference it; delete the index first)`);
    }
    throw client.fail(res, 'DELETE', `delete manifest ${digest}`);
  }
  const also = pointing.filter((t) => t !== ref.tag).sort();
  log?.info(`removed ${digest}${also.length ? ` and tags ${also.join(', ')}` : ''}`);
  return also;
}

// Tag mode of `glcr image rm`: remove ONE tag and never the manifest it points at, so sibling tags (and, for
// a multi-arch tag, the index and its children) stay.
//
// It tries the OCI tag delete (DELETE /v2/<name>/manifests/<tag>, GitLab's registry since 16.4). Where the
// registry refuses it (Distribution 2.8: 400 DIGEST_INVALID; others 405 UNSUPPORTED) it first checks that
// deletes are enabled at all by deleting a random digest that cannot exist (404 = enabled, 405 = disabled;
// nothing changes either way), then re-points the tag at a tiny unique placeholder manifest (zero layers, a
// config blob holding a random nonce) and deletes that placeholder by the digest glcr computed from the bytes
// it pushed — never by a digest the registry reported.
//
// Between the PUT of the placeholder and the end, the tag may point at the placeholder: that is the critical
// section. Its requests ignore the caller's cancel; once a write has been sent, any failure (error status,
// reset, timeout, lost answer) is followed by a look at the tag (HEAD), and glcr either finishes the removal
// or puts the original manifest back (the same bytes, so the same digest). A Ctrl-C in that window restores
// the tag. Every error says which state the tag is in.
import * as crypto from 'crypto';
import type { Logger } from '../types';
import { RegistryError } from './errors';
import { RegistryClient, sha256Digest, type ManifestContent, type RequestOptions } from './client';
import {
  MT_DOCKER_CONFIG, MT_DOCKER_LIST, MT_DOCKER_MANIFEST, MT_OCI_CONFIG, MT_OCI_MANIFEST,
} from './mediaTypes';

/** What the critical section is doing, for an interrupt handler: `doing` while it runs, `ifKilled` if the process dies now. */
export interface CriticalState {
  doing: string;
  ifKilled: string;
}

export interface TagRemovalContext {
  client: RegistryClient;
  tag: string;
  log?: Logger;
  signal?: AbortSignal;
  onCriticalSection?: (state: CriticalState | null) => void;
}

/** Requests whose outcome must be known: they run to their end even after a cancel. */
const CRITICAL: RequestOptions = { signal: null };

export function isSuccess(status: number): boolean {
  return status === 200 || status === 202 || status === 204;
}

/** A status after which the write may or may not have taken effect (the answer says nothing definite). */
export function isUncertain(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export function asRegistryError(client: RegistryClient, e: unknown): RegistryError {
  return e instanceof RegistryError ? e : client.error('bad_response', String((e as Error)?.message ?? e));
}

type TagState = { kind: 'absent' } | { kind: 'at'; digest: string } | { kind: 'unknown'; reason: string };

async function lookAtTag(client: RegistryClient, tag: string): Promise<TagState> {
  try {
    const info = await client.headManifest(tag, CRITICAL);
    return info ? { kind: 'at', digest: info.digest } : { kind: 'absent' };
  } catch (e) {
    return { kind: 'unknown', reason: asRegistryError(client, e).message };
  }
}

export async function removeTag(ctx: TagRemovalContext): Promise<void> {
  const { client, tag, log } = ctx;
  const target = await client.headManifest(tag);
  if (!target) throw client.error('unknown_tag', `tag "${tag}" not found in ${client.name}`, 404);
  log?.info(`${client.name}:${tag} points at ${target.digest} (${target.mediaType || 'unknown type'})`);

  if (ctx.signal?.aborted) throw client.error('cancelled', 'cancelled');
  const removedByName = await deleteTagByName(ctx, target.digest);
  if (removedByName) return;

  // Are deletes enabled at all? A random digest cannot exist: 404 → yes, 405 → no. Nothing changes.
  const probe = await client.deleteManifest(sha256Digest(crypto.randomBytes(32)));
  if (probe.status === 405) {
    throw client.error('deletes_disabled',
      `the registry ${client.origin} does not allow deletes (HTTP 405 UNSUPPORTED): tag "${tag}" was left unchanged; an administrator must enable deletes (Distribution: storage.delete.enabled)`,
      405, 'UNSUPPORTED');
  }
  if (probe.status === 401 || probe.status === 403) throw client.fail(probe, 'DELETE', `delete from ${client.name}`);

  const original = await client.getManifest(tag);
  if (!original) throw client.error('unknown_tag', `tag "${tag}" not found in ${client.name}`, 404);
  if (original.digest !== target.digest) {
    throw client.error('bad_response', `tag "${tag}" changed while glcr was removing it (${target.digest}, then ${original.digest}); nothing was changed`);
  }
  client.requireActions(['push']);
  const placeholder = await buildPlaceholder(client, tag, original);
  if (ctx.signal?.aborted) throw client.error('cancelled', 'cancelled');
  await new Swap(ctx, original, placeholder).run();
}

/**
 * The OCI tag delete. true: the tag is gone; false: the registry cannot delete a tag by name (use the
 * placeholder). Throws when it failed, saying whether the tag is still there.
 */
async function deleteTagByName(ctx: TagRemovalContext, digest: string): Promise<boolean> {
  const { client, tag, log } = ctx;
  let failure: RegistryError;
  try {
    const res = await client.deleteManifest(tag, CRITICAL);
    if (isSuccess(res.status)) {
      log?.info(`removed tag ${tag} (the registry deletes tags by name)`);
      return true;
    }
    if (res.status === 404) throw client.error('unknown_tag', `tag "${tag}" not found in ${client.name}`, 404);
    if (res.status === 400 || res.status === 405 || res.status === 501) {
      log?.info(`the registry cannot delete a tag by name (HTTP ${res.status}); re-pointing it at a placeholder and deleting that`);
      return false;
    }
    if (!isUncertain(res.status)) throw client.fail(res, 'DELETE', `remove tag ${tag}`);
    failure = client.fail(res, 'DELETE', `remove tag ${tag}`);
  } catch (e) {
    if (e instanceof RegistryError && e.kind !== 'network') throw e;
    failure = asRegistryError(client, e);
  }
  // The DELETE was sent but its answer says nothing definite: look.
  const state = await lookAtTag(client, tag);
  if (state.kind === 'absent') {
    log?.info(`removed tag ${tag} (the registry's answer was lost, but the tag is gone)`);
    return true;
  }
  if (state.kind === 'at' && state.digest === digest) {
    throw client.error(failure.kind, `${failure.message}; tag "${tag}" is unchanged (still ${digest})`, failure.status, failure.code);
  }
  if (state.kind === 'at') {
    throw client.error(failure.kind, `${failure.message}; tag "${tag}" now points at ${state.digest}, which glcr did not write (left as is)`, failure.status, failure.code);
  }
  throw client.error(failure.kind,
    `outcome unknown: the registry may have removed tag "${tag}" (${failure.message}; looking at the tag failed too: ${state.reason})`,
    failure.status, failure.code);
}

interface Placeholder {
  bytes: Buffer;
  mediaType: string;
  /** computed here from `bytes`, never taken from the registry */
  digest: string;
}

/** The critical section: tag → placeholder, delete the placeholder; on any doubt look, then finish or restore. */
class Swap {
  private readonly client: RegistryClient;
  private readonly tag: string;

  constructor(private readonly ctx: TagRemovalContext, private readonly original: ManifestContent, private readonly placeholder: Placeholder) {
    this.client = ctx.client;
    this.tag = ctx.tag;
  }

  async run(): Promise<void> {
    try {
      await this.swapAndDelete();
    } finally {
      this.ctx.onCriticalSection?.(null);
    }
  }

  private say(doing: string): void {
    this.ctx.onCriticalSection?.({
      doing,
      ifKilled: `tag "${this.tag}" of ${this.client.name} may be left pointing at the placeholder ${this.placeholder.digest} ` +
        `instead of ${this.original.digest}; run the same command again to finish removing it`,
    });
  }

  private async swapAndDelete(): Promise<void> {
    const { client, tag, placeholder: p } = this;
    this.say(`tag "${tag}" is being pointed at a temporary placeholder; it will be restored if interrupted`);
    let putFailure: RegistryError | undefined;
    let reported: string | undefined;
    try {
      reported = await client.putManifest(tag, p.bytes, p.mediaType, CRITICAL);
    } catch (e) {
      putFailure = asRegistryError(client, e);
    }
    if (reported !== undefined && reported !== p.digest) {
      return this.restoreAndThrow(client.error('bad_response',
        `the registry answered the placeholder's upload with digest ${reported.slice(0, 71)}, but the bytes glcr pushed hash to ${p.digest}: nothing was deleted`));
    }
    if (putFailure) {
      const state = await lookAtTag(client, tag);
      if (!(state.kind === 'at' && state.digest === p.digest)) throw this.withState(putFailure, state);
      this.ctx.log?.info(`the answer to the placeholder's upload was lost, but tag ${tag} points at it: continuing`);
    } else {
      this.ctx.log?.debug(`tag ${tag} now points at placeholder ${p.digest}`);
    }
    if (this.ctx.signal?.aborted) return this.restoreAndThrow(client.error('cancelled', 'interrupted'));

    this.say(`the placeholder of tag "${tag}" is being deleted, which removes the tag`);
    let failure: RegistryError;
    try {
      const del = await client.deleteManifest(p.digest, CRITICAL);
      if (isSuccess(del.status)) {
        this.ctx.log?.info(`removed tag ${tag}; ${this.original.digest} and its other tags are untouched`);
        return;
      }
      failure = client.fail(del, 'DELETE', `delete placeholder ${p.digest}`);
    } catch (e) {
      failure = asRegistryError(client, e);
    }
    const state = await lookAtTag(client, tag);
    if (state.kind === 'absent') {
      this.ctx.log?.info(`removed tag ${tag} (the answer to deleting the placeholder was lost, but the tag is gone)`);
      return;
    }
    if (state.kind === 'at' && state.digest !== p.digest) throw this.withState(failure, state);
    // On the placeholder, or unknown: putting the original back gives a known state either way.
    return this.restoreAndThrow(failure);
  }

  /** Puts the original manifest back under the tag, looks, and throws `failure` with the state found. */
  private async restoreAndThrow(failure: RegistryError): Promise<never> {
    const { client, tag, original } = this;
    this.say(`tag "${tag}" is being restored to ${original.digest}`);
    let putError = '';
    try {
      await client.putManifest(tag, original.bytes, original.mediaType, CRITICAL);
    } catch (e) {
      putError = asRegistryError(client, e).message;
    }
    const state = await lookAtTag(client, tag);
    const restored = state.kind === 'at' && state.digest === original.digest;
    const outcome = restored
      ? `tag "${tag}" was restored to ${original.digest}`
      : `restoring tag "${tag}" failed${putError ? ` (${putError})` : ''}: ${this.describe(state)}`;
    if (failure.kind === 'cancelled') {
      throw client.error('cancelled', `interrupted: ${outcome}${restored ? '; nothing was removed' : ''}`);
    }
    throw client.error(failure.kind, `${failure.message}; ${outcome}`, failure.status, failure.code);
  }

  private withState(failure: RegistryError, state: TagState): RegistryError {
    return this.client.error(failure.kind, `${failure.message}; ${this.describe(state)}`, failure.status, failure.code);
  }

  private describe(state: TagState): string {
    const { tag, original, placeholder: p } = this;
    switch (state.kind) {
      case 'absent':
        return `tag "${tag}" does not exist any more`;
      case 'unknown':
        return `the state of tag "${tag}" is unknown (${state.reason}): it points at ${original.digest} or at the placeholder ${p.digest}; run the same command again to finish removing it`;
      case 'at':
        if (state.digest === original.digest) return `tag "${tag}" is unchanged (still ${original.digest})`;
        if (state.digest === p.digest) {
          return `tag "${tag}" points at the placeholder ${p.digest} instead of ${original.digest}; run the same command again to finish removing it`;
        }
        return `tag "${tag}" now points at ${state.digest}, which glcr did not write (left as is)`;
    }
  }
}

/** A zero-layer manifest of the original's family (Docker v2 for Docker types, OCI otherwise) whose config holds a nonce. */
async function buildPlaceholder(client: RegistryClient, tag: string, original: ManifestContent): Promise<Placeholder> {
  const docker = original.mediaType === MT_DOCKER_MANIFEST || original.mediaType === MT_DOCKER_LIST;
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'glcr.placeholder': `removing tag ${tag}`, 'glcr.nonce': crypto.randomBytes(16).toString('hex') } },
    rootfs: { type: 'layers', diff_ids: [] },
  }));
  const configDigest = await client.uploadBlob(config);
  const mediaType = docker ? MT_DOCKER_MANIFEST : MT_OCI_MANIFEST;
  const bytes = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: { mediaType: docker ? MT_DOCKER_CONFIG : MT_OCI_CONFIG, digest: configDigest, size: config.length },
    layers: [] as unknown[],
  }));
  return { bytes, mediaType, digest: sha256Digest(bytes) };
}

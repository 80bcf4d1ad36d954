// Parses `<registry host[:port]>/<path>:<tag>` and `<registry host[:port]>/<path>@sha256:<hex>` following
// Docker's reference grammar (distribution/reference): lower-case path components separated by `/`,
// tags `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. The registry host is required (there is no implicit Docker Hub
// and no implicit `latest`: removing something must name it exactly). Error messages never quote the part
// before the first `/` when it looks like `user:password@…`, so a mistyped secret is not echoed.
import { UsageError } from '../errors';
import { isTagName } from '../names';

export interface ImageRef {
  /** host[:port] as given, e.g. registry.gitlab.com or 127.0.0.1:5000 or [::1]:5000 */
  registry: string;
  /** host without port and brackets, lower-cased */
  hostname: string;
  port?: number;
  /** repository path, e.g. group/project/image */
  repository: string;
  tag?: string;
  /** algorithm:hex, e.g. sha256:… */
  digest?: string;
  /** the reference exactly as given */
  original: string;
}

const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const EXAMPLE = 'e.g. registry.gitlab.com/group/project:v1';

/** Loopback registries are spoken to over plain HTTP: the one definition lives in ../url. */
export { isLoopbackHost } from '../url';

function parseHost(host: string): { hostname: string; port?: number } {
  const safe = host.includes('@') ? 'the registry host' : `registry host "${host}"`;
  let hostname: string;
  let portText: string | undefined;
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(.*))?$/.exec(host);
  if (v6) {
    hostname = v6[1].toLowerCase();
    portText = v6[2];
  } else {
    const i = host.indexOf(':');
    hostname = i >= 0 ? host.slice(0, i) : host;
    portText = i >= 0 ? host.slice(i + 1) : undefined;
    const labels = hostname.split('.');
    if (!hostname || !labels.every((l) => DOMAIN_COMPONENT.test(l))) {
      throw new UsageError(`invalid ${safe} in the image reference (${EXAMPLE})`);
    }
    hostname = hostname.toLowerCase();
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new UsageError(`invalid port in ${safe} (${EXAMPLE})`);
    }
    port = Number(portText);
  }
  return { hostname, port };
}

/** A first path part names a registry when it has a dot, a port, brackets (IPv6) or is localhost (Docker's rule). */
function looksLikeRegistry(first: string): boolean {
  return first.includes('.') || first.includes(':') || first.startsWith('[') || first === 'localhost';
}

export function parseImageRef(input: string): ImageRef {
  const original = input;
  const ref = input.trim();
  if (!ref) throw new UsageError(`missing image reference (${EXAMPLE})`);
  if (/\s/.test(ref)) throw new UsageError('the image reference must not contain spaces');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref)) {
    throw new UsageError(`give the image reference without a URL scheme (${EXAMPLE})`);
  }

  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!rest.includes('/')) {
      throw new UsageError(`the image reference must start with the registry host (${EXAMPLE}); credentials do not belong in it`);
    }
    if (!DIGEST.test(d)) {
      throw new UsageError(`invalid digest "${d.slice(0, 80)}": expected sha256: followed by 64 lower-case hex digits`);
    }
    digest = d;
  }

  const slash = rest.indexOf('/');
  if (slash < 0) {
    throw new UsageError(`the image reference must name the registry host and the image path (${EXAMPLE})`);
  }
  const host = rest.slice(0, slash);
  let pathAndTag = rest.slice(slash + 1);
  if (!looksLikeRegistry(host)) {
    throw new UsageError(
      `the image reference must start with the registry host, e.g. registry.gitlab.com/${rest}` +
        ' (a host has a dot or a port, or is localhost)',
    );
  }
  const { hostname, port } = parseHost(host);

  let tag: string | undefined;
  const lastSlash = pathAndTag.lastIndexOf('/');
  const colon = pathAndTag.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = pathAndTag.slice(colon + 1);
    pathAndTag = pathAndTag.slice(0, colon);
    if (!isTagName(tag)) {
      throw new UsageError(
        `invalid tag "${tag.slice(0, 140)}": a tag is 1 to 128 characters of letters, digits, _ . and -, not starting with . or -`,
      );
    }
  }
  const repository = pathAndTag;
  if (!repository) throw new UsageError(`missing image path after the registry host (${EXAMPLE})`);
  if (repository !== repository.toLowerCase()) {
    throw new UsageError(`invalid image path "${repository}": repository names must be lower-case`);
  }
  for (const c of repository.split('/')) {
    if (!PATH_COMPONENT.test(c)) {
      throw new UsageError(
        `invalid image path "${repository}": each part must be lower-case letters and digits, separated by . _ __ or -`,
      );
    }
  }
  if (repository.length > 255) throw new UsageError('invalid image path: longer than 255 characters');
  if (tag === undefined && digest === undefined) {
    throw new UsageError(`the image reference needs a tag (":<tag>") or a digest ("@sha256:…"); there is no implicit "latest"`);
  }
  if (tag !== undefined && digest !== undefined) {
    throw new UsageError('give either a tag (":<tag>") or a digest ("@sha256:…"), not both');
  }
  return { registry: host, hostname, port, repository, tag, digest, original };
}

/** host[:port]/path:tag or host[:port]/path@digest */
export function formatImageRef(ref: Pick<ImageRef, 'registry' | 'repository' | 'tag' | 'digest'>): string {
  return `${ref.registry}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag ?? ''}`}`;
}

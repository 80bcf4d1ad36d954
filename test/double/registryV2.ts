// Registry V2 as GitLab serves it, for the double's repositories: the /jwt/auth realm (HTTP Basic with a
// personal access token; pull for Reporter+ or public projects, push for Developer+, delete for Maintainer
// with the api scope; actions the caller may not have are dropped silently, a token without a registry
// scope is 403 DENIED) and /v2/ manifests, blobs and tag lists behind Bearer challenges (always 401,
// error="insufficient_scope" when the token lacks the action). Tags are the REST model's tags: deleting one
// through the GitLab API removes it here; manifests stay until garbage collection (control API). A manifest
// PUT under a tag stores the bytes and (re-)points the tag at their digest.
import { randomBytes } from 'crypto';
import { ACCESS, compareNames, findTagIndex, projectAccess, repoPath, tagTimestamp, type RepoRec, type State } from './model';
import { blobsOf, childManifests, contentOf, sha256 } from './registryContent';

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Grant {
  expires: number;
  access: Map<string, Set<string>>;
}

const TOKEN_TTL_MS = 5 * 60_000;
const json = (status: number, body: unknown, headers: Record<string, string> = {}): RawReply => ({
  status, headers: { 'Content-Type': 'application/json', ...headers }, body: Buffer.from(JSON.stringify(body)),
});

export class RegistryV2 {
  private readonly grants = new Map<string, Grant>();

  constructor(private readonly state: () => State, private readonly now: () => number) {}

  handles(path: string): boolean {
    return path === '/jwt/auth' || path === '/v2' || path.startsWith('/v2/');
  }

  handle(method: string, url: URL, headers: Record<string, string | string[] | undefined>, body: Buffer, origin: string): RawReply {
    const h = (n: string) => {
      const v = headers[n];
      return Array.isArray(v) ? v[0] : v;
    };
    if (url.pathname === '/jwt/auth') return this.auth(url, h('authorization'));
    return this.registry(method, url, h('authorization'), h('content-type'), body, origin);
  }

  // --- /jwt/auth ---------------------------------------------------------------------------------------------

  private auth(url: URL, authorization: string | undefined): RawReply {
    if (url.searchParams.get('service') !== 'container_registry') return { status: 404, headers: {}, body: Buffer.alloc(0) };
    const state = this.state();
    let userId: number | undefined;
    let scopes: string[] = [];
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (basic) {
      const password = Buffer.from(basic, 'base64').toString('utf8').replace(/^[^:]*:/, '');
      const token = state.tokens.find((t) => t.value === password);
      const expired = token?.expiresAt != null && this.now() >= Date.parse(`${token.expiresAt}T00:00:00Z`);
      if (!token || token.revoked || expired) {
        return json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'HTTP Basic: Access denied. If a token was provided, it was either incorrect, expired, or improperly scoped.' }] });
      }
      if (!token.scopes.some((s) => ['api', 'read_api', 'read_registry', 'write_registry'].includes(s))) {
        return json(403, { errors: [{ code: 'DENIED', message: 'access forbidden' }], http_status: 403 });
      }
      userId = token.userId;
      scopes = token.scopes;
    }
    const access = new Map<string, Set<string>>();
    for (const scope of url.searchParams.getAll('scope').flatMap((s) => s.split(' '))) {
      const m = /^repository:(.+):([^:]+)$/.exec(scope);
      if (!m) continue;
      const granted = this.allowed(state, m[1], userId, scopes);
      const wanted = m[2].split(',').filter((a) => granted.has(a));
      if (wanted.length) access.set(m[1], new Set([...(access.get(m[1]) ?? []), ...wanted]));
    }
    const token = randomBytes(24).toString('hex');
    this.grants.set(token, { expires: this.now() + TOKEN_TTL_MS, access });
    return json(200, { token });
  }

  private allowed(state: State, path: string, userId: number | undefined, scopes: string[]): Set<string> {
    const out = new Set<string>();
    const project = [...state.projects.values()].find((p) => path === p.fullPath.toLowerCase() || path.startsWith(p.fullPath.toLowerCase() + '/'));
    if (!project || project.registryAccessLevel === 'disabled') return out;
    const level = projectAccess(state, userId, project.id);
    if (level >= ACCESS.reporter || project.visibility === 'public') out.add('pull');
    const write = scopes.includes('api') || scopes.includes('write_registry');
    if (write && level >= ACCESS.developer) out.add('push');
    if (scopes.includes('api') && level >= ACCESS.maintainer) out.add('delete');
    return out;
  }

  // --- /v2/ --------------------------------------------------------------------------------------------------

  private challenge(origin: string, scope: string | undefined, error?: string): RawReply {
    const parts = [`realm="${origin}/jwt/auth"`, 'service="container_registry"'];
    if (scope) parts.push(`scope="${scope}"`);
    if (error) parts.push(`error="${error}"`);
    return json(401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }, { 'WWW-Authenticate': `Bearer ${parts.join(',')}` });
  }

  private registry(method: string, url: URL, authorization: string | undefined, contentType: string | undefined, body: Buffer, origin: string): RawReply {
    const bearer = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const grant = bearer ? this.grants.get(bearer) : undefined;
    const valid = grant && grant.expires > this.now() ? grant : undefined;
    const base = { 'Docker-Distribution-API-Version': 'registry/2.0' };
    if (url.pathname === '/v2' || url.pathname === '/v2/') {
      if (!valid) return this.challenge(origin, undefined, bearer ? 'invalid_token' : undefined);
      return json(200, {}, base);
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
    if (!m) return json(404, { errors: [{ code: 'NOT_FOUND', message: 'not found' }] });
    const [, path, kind, ref] = m;
    const action = method === 'GET' || method === 'HEAD' ? 'pull' : method === 'DELETE' ? 'delete' : 'push';
    const scope = `repository:${path}:${action}`;
    if (!valid) return this.challenge(origin, scope, bearer ? 'invalid_token' : undefined);
    if (!valid.access.get(path)?.has(action)) return this.challenge(origin, scope, 'insufficient_scope');
    const state = this.state();
    const repo = [...state.repos.values()].find((r) => repoPath(state, r) === path);
    if (!repo) return json(404, { errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] }, base);
    if (kind === 'tags' && ref === 'list' && method === 'GET') return json(200, { name: path, tags: repo.tags.map((t) => t.name) }, base);
    if (kind === 'blobs' && (method === 'GET' || method === 'HEAD')) return this.blob(path, ref, method, base);
    if (kind === 'manifests') {
      if (method === 'GET' || method === 'HEAD') return this.getManifest(repo, path, ref, method, base);
      if (method === 'PUT') return this.putManifest(state, repo, path, ref, body, contentType, base);
      if (method === 'DELETE') return this.deleteManifest(repo, path, ref, base);
    }
    return json(405, { errors: [{ code: 'UNSUPPORTED', message: 'The operation is unsupported.' }] }, base);
  }

  private blob(path: string, digest: string, method: string, base: Record<string, string>): RawReply {
    const c = contentOf(this.state());
    const size = c.blobs.get(digest);
    const inRepo = [...(c.repoManifests.get(path) ?? [])].some((d) => {
      const m = c.manifests.get(d);
      return m ? blobsOf(m).includes(digest) : false;
    });
    if (size === undefined || !inRepo) return json(404, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }] }, base);
    // Blob bytes are not stored: HEAD tells the size, GET sends that many zero bytes only for small blobs.
    const headers = { ...base, 'Docker-Content-Digest': digest, 'Content-Length': String(size), 'Content-Type': 'application/octet-stream' };
    return { status: 200, headers, body: method === 'HEAD' || size > 1_000_000 ? Buffer.alloc(0) : Buffer.alloc(size) };
  }

  private resolve(repo: RepoRec, path: string, ref: string): string | undefined {
    if (ref.startsWith('sha256:')) return contentOf(this.state()).repoManifests.get(path)?.has(ref) ? ref : undefined;
    const at = findTagIndex(repo.tags, ref);
    return at >= 0 ? repo.tags[at].digest : undefined;
  }

  private getManifest(repo: RepoRec, path: string, ref: string, method: string, base: Record<string, string>): RawReply {
    const digest = this.resolve(repo, path, ref);
    const m = digest ? contentOf(this.state()).manifests.get(digest) : undefined;
    if (!digest || !m) return json(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }, base);
    const headers = { ...base, 'Content-Type': m.mediaType, 'Docker-Content-Digest': digest, 'Content-Length': String(m.bytes.length) };
    return { status: 200, headers, body: method === 'HEAD' ? Buffer.alloc(0) : m.bytes };
  }

  private putManifest(state: State, repo: RepoRec, path: string, ref: string, body: Buffer, contentType: string | undefined, base: Record<string, string>): RawReply {
    const c = contentOf(state);
    const digest = sha256(body);
    let parsed: { mediaType?: string };
    try {
      parsed = JSON.parse(body.toString('utf8')) as { mediaType?: string };
    } catch {
      return json(400, { errors: [{ code: 'MANIFEST_INVALID', message: 'manifest invalid' }] }, base);
    }
    const stored = { bytes: Buffer.from(body), mediaType: parsed.mediaType ?? contentType ?? '' };
    const missing = [...childManifests(stored).filter((d) => !c.manifests.has(d)), ...blobsOf(stored).filter((d) => !c.blobs.has(d))];
    if (missing.length) return json(400, { errors: [{ code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry', detail: missing[0] }] }, base);
    c.manifests.set(digest, stored);
    let set = c.repoManifests.get(path);
    if (!set) c.repoManifests.set(path, (set = new Set()));
    set.add(digest);
    if (!ref.startsWith('sha256:')) {
      const at = findTagIndex(repo.tags, ref);
      const size = blobsOf(stored).reduce((s, d) => s + (c.blobs.get(d) ?? 0), 0);
      const tag = { name: ref, digest, revision: digest.slice(7), created_at: tagTimestamp(this.now()), total_size: size };
      if (at >= 0) repo.tags[at] = tag;
      else {
        repo.tags.push(tag);
        repo.tags.sort((a, b) => compareNames(a.name, b.name));
      }
    }
    return { status: 201, headers: { ...base, 'Docker-Content-Digest': digest, Location: `/v2/${path}/manifests/${digest}` }, body: Buffer.alloc(0) };
  }

  private deleteManifest(repo: RepoRec, path: string, ref: string, base: Record<string, string>): RawReply {
    if (!ref.startsWith('sha256:')) {
      const at = findTagIndex(repo.tags, ref);
      if (at < 0) return json(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }, base);
      repo.tags.splice(at, 1);
      return { status: 202, headers: base, body: Buffer.alloc(0) };
    }
    const c = contentOf(this.state());
    if (!c.repoManifests.get(path)?.has(ref)) return json(404, { errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }, base);
    c.repoManifests.get(path)?.delete(ref);
    repo.tags = repo.tags.filter((t) => t.digest !== ref);
    return { status: 202, headers: base, body: Buffer.alloc(0) };
  }
}

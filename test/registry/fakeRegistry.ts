// An in-process fake of a registry's /v2/ API for client unit tests (no external tools): tags, manifests,
// blob uploads, Link pagination, token (realm on a separate origin) or Basic auth, and switches for the
// behaviours a real registry varies on (tag delete supported or refused, deletes disabled, failures).
import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface Recorded {
  method: string;
  url: string;
  authorization?: string;
}

export interface FakeOptions {
  auth?: 'none' | 'basic' | 'token';
  users?: Record<string, { password: string; actions: string[] }>;
  /** how DELETE /manifests/<tag> answers: remove only the tag (GitLab ≥ 16.4), or refuse like Distribution 2.8 / others */
  tagDelete?: 'supported' | 'digest_invalid' | 'unsupported';
  deletesEnabled?: boolean;
  /** DELETE of any digest other than `keepDeletable` answers 500 (to test restore) */
  failDigestDelete?: boolean;
  /** page size for tags/list (Link rel="next") */
  pageSize?: number;
  /** absolute URL for the Link next header (to test cross-origin links) */
  nextOrigin?: string;
  /** the token realm answers {access_token} instead of {token} */
  accessTokenField?: boolean;
  /** override the realm sent in the challenge */
  realm?: string;
  /** name the fake's own realm server by this host name instead of 127.0.0.1 (e.g. localhost: another host) */
  realmHost?: string;
  /** extra text the token realm puts in its 401 message (to test redaction) */
  realmEcho?: boolean;
  /** answer these many GET/HEAD with 503 first */
  flaky503?: number;
  /**
   * A fault for one request to the registry (not the realm), decided per request: the request still takes
   * effect, then its answer is replaced. Return undefined to answer normally.
   */
  fault?: (req: { method: string; path: string }) => Fault | undefined;
  /** replaces the message of every registry error body (e.g. with control characters) */
  errorMessage?: string;
}

export type Fault =
  /** the answer is lost: the connection is destroyed after the request took effect */
  | { kind: 'reset' }
  /** the answer is this status (e.g. 502 from a proxy): after the request took effect, or (effect: false) instead */
  | { kind: 'status'; status: number; effect?: boolean }
  /** Docker-Content-Digest in the answer is replaced by this value */
  | { kind: 'digest'; digest: string }
  /** the answer is held back this long (the request has already taken effect) */
  | { kind: 'delay'; ms: number }
  /** instead of taking effect, the request is redirected (307) to this path */
  | { kind: 'redirect'; location: string };

export interface FakeRegistry {
  host: string;
  origin: string;
  realmOrigin: string;
  requests: Recorded[];
  realmRequests: Recorded[];
  tags: Map<string, string>;
  manifests: Map<string, { bytes: Buffer; mediaType: string }>;
  blobs: Set<string>;
  putManifest(tag: string, body: unknown, mediaType?: string): string;
  close(): Promise<void>;
}

const sha = (b: Buffer) => 'sha256:' + crypto.createHash('sha256').update(b).digest('hex');

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

export async function startFakeRegistry(o: FakeOptions = {}): Promise<FakeRegistry> {
  const users = o.users ?? { alice: { password: 'alice-Pa55', actions: ['pull', 'push', 'delete'] } };
  const tags = new Map<string, string>();
  const manifests = new Map<string, { bytes: Buffer; mediaType: string }>();
  const blobs = new Set<string>();
  const requests: Recorded[] = [];
  const realmRequests: Recorded[] = [];
  const tokens = new Map<string, string[]>();
  let flaky = o.flaky503 ?? 0;
  let origin = '';

  const checkBasic = (h: string | undefined): { name: string; actions: string[] } | null => {
    const m = /^Basic (.+)$/.exec(h ?? '');
    if (!m) return null;
    const [name, ...rest] = Buffer.from(m[1], 'base64').toString().split(':');
    const u = users[name];
    return u && u.password === rest.join(':') ? { name, actions: u.actions } : null;
  };

  const realmServer = http.createServer((req, res) => {
    realmRequests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    const url = new URL(req.url ?? '/', 'http://x');
    const user = req.headers.authorization ? checkBasic(req.headers.authorization) : { name: '', actions: [] };
    if (!user) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      const echo = o.realmEcho ? ` you sent ${Buffer.from((req.headers.authorization ?? '').slice(6), 'base64').toString()}` : '';
      return res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: `HTTP Basic: Access denied.${echo}` }] }));
    }
    const asked = url.searchParams.getAll('scope').flatMap((s) => s.split(':').pop()!.split(','));
    const granted = asked.filter((a) => user.actions.includes(a));
    const token = `tok-${crypto.randomBytes(8).toString('hex')}`;
    tokens.set(token, granted);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(o.accessTokenField ? { access_token: token } : { token }));
  });
  await new Promise<void>((r) => realmServer.listen(0, '127.0.0.1', r));
  const realmOrigin = `http://127.0.0.1:${(realmServer.address() as AddressInfo).port}`;

  const need = (method: string): string => (method === 'GET' || method === 'HEAD' ? 'pull' : method === 'DELETE' ? 'delete' : 'push');

  const server = http.createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    requests.push({ method, url: req.url ?? '', authorization: req.headers.authorization });
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', origin);
    const err = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify({ errors: [{ code, message: o.errorMessage ?? message }] }));
    };
    if ((method === 'GET' || method === 'HEAD') && flaky > 0) {
      flaky--;
      return err(503, 'UNAVAILABLE', 'try again');
    }
    const m = /^\/v2\/(.+?)\/(manifests|blobs\/uploads|tags\/list|uploads)\/?(.*)$/.exec(url.pathname);
    const action = need(method);
    const repo = m?.[1] ?? '';
    // auth
    if (o.auth === 'basic') {
      if (!checkBasic(req.headers.authorization)) return err(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="fake"' });
    } else if (o.auth === 'token' || o.auth === undefined) {
      const t = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const granted = t ? tokens.get(t) : undefined;
      if (!granted || !granted.includes(action)) {
        const realm = o.realm ?? `${o.realmHost ? realmOrigin.replace('127.0.0.1', o.realmHost) : realmOrigin}/jwt/auth`;
        const scope = `repository:${repo}:${action}`;
        return err(401, 'UNAUTHORIZED', 'authentication required', {
          'WWW-Authenticate': `Bearer realm="${realm}",service="container_registry",scope="${scope}"${granted ? ',error="insufficient_scope"' : ''}`,
        });
      }
    }
    // Faults hit only requests that got past authentication, so a 401 challenge is never the one lost.
    const fault = o.fault?.({ method, path: url.pathname });
    if (fault?.kind === 'status' && fault.effect === false) return err(fault.status, 'UNAVAILABLE', 'refused by the test');
    if (fault?.kind === 'redirect') {
      res.writeHead(307, { Location: fault.location });
      return res.end();
    }
    if (fault) applyFault(fault, req, res);
    if (url.pathname === '/v2/redirect-me/tags/list') {
      res.writeHead(307, { Location: `${o.nextOrigin}/v2/redirect-me/tags/list` });
      return res.end();
    }
    if (!m) return err(404, 'NOT_FOUND', 'not found');
    const [, , kind, ref] = m;
    if (kind === 'tags/list') {
      const all = [...tags.keys()].sort();
      const last = url.searchParams.get('last');
      const start = last ? all.findIndex((t) => t > last) : 0;
      const size = o.pageSize ?? all.length;
      const page = start < 0 ? [] : all.slice(start, start + size);
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (start >= 0 && start + size < all.length) {
        headers.Link = `<${o.nextOrigin ?? ''}/v2/${repo}/tags/list?n=${size}&last=${page[page.length - 1]}>; rel="next"`;
      }
      res.writeHead(200, headers);
      return res.end(JSON.stringify({ name: repo, tags: page }));
    }
    if (kind === 'blobs/uploads' && method === 'POST') {
      res.writeHead(202, { Location: `/v2/${repo}/uploads/${crypto.randomUUID()}`, 'Content-Length': '0' });
      return res.end();
    }
    if (kind === 'uploads' && method === 'PUT') {
      const d = url.searchParams.get('digest');
      if (d !== sha(body)) return err(400, 'DIGEST_INVALID', 'digest mismatch');
      blobs.add(d);
      res.writeHead(201, { 'Docker-Content-Digest': d });
      return res.end();
    }
    if (kind !== 'manifests') return err(404, 'NOT_FOUND', 'not found');
    const isDigest = ref.startsWith('sha256:');
    const digest = isDigest ? ref : tags.get(ref);
    if (method === 'GET' || method === 'HEAD') {
      const mf = digest ? manifests.get(digest) : undefined;
      if (!mf || !digest) return err(404, 'MANIFEST_UNKNOWN', 'manifest unknown');
      res.writeHead(200, { 'Content-Type': mf.mediaType, 'Docker-Content-Digest': digest, 'Content-Length': String(mf.bytes.length) });
      return res.end(method === 'HEAD' ? undefined : mf.bytes);
    }
    if (method === 'PUT') {
      const j = JSON.parse(body.toString()) as { config?: { digest: string } };
      if (j.config && !blobs.has(j.config.digest) && !manifests.has(j.config.digest)) return err(400, 'MANIFEST_BLOB_UNKNOWN', 'blob unknown');
      const d = sha(body);
      manifests.set(d, { bytes: body, mediaType: req.headers['content-type'] ?? '' });
      if (!isDigest) tags.set(ref, d);
      res.writeHead(201, { 'Docker-Content-Digest': d, Location: `/v2/${repo}/manifests/${d}` });
      return res.end();
    }
    if (method === 'DELETE') {
      if (!isDigest) {
        if (o.tagDelete === 'digest_invalid') return err(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
        if (o.tagDelete === 'unsupported') return err(405, 'UNSUPPORTED', 'The operation is unsupported.');
        if (!tags.has(ref)) return err(404, 'MANIFEST_UNKNOWN', 'manifest unknown');
        tags.delete(ref);
        res.writeHead(202);
        return res.end();
      }
      if (o.deletesEnabled === false) return err(405, 'UNSUPPORTED', 'The operation is unsupported.');
      if (!manifests.has(ref)) return err(404, 'MANIFEST_UNKNOWN', 'manifest unknown');
      if (o.failDigestDelete) return err(500, 'UNKNOWN', 'storage failure');
      manifests.delete(ref);
      for (const [t, d] of [...tags]) if (d === ref) tags.delete(t);
      res.writeHead(202);
      return res.end();
    }
    return err(405, 'UNSUPPORTED', 'method not allowed');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  origin = `http://${host}`;

  return {
    host,
    origin,
    realmOrigin,
    requests,
    realmRequests,
    tags,
    manifests,
    blobs,
    putManifest(tag, bodyObj, mediaType = 'application/vnd.oci.image.manifest.v1+json') {
      const bytes = Buffer.from(JSON.stringify(bodyObj));
      const d = sha(bytes);
      const cfg = (bodyObj as { config?: { digest?: string } }).config?.digest;
      if (cfg) blobs.add(cfg);
      manifests.set(d, { bytes, mediaType });
      tags.set(tag, d);
      return d;
    },
    async close() {
      server.closeAllConnections?.();
      realmServer.closeAllConnections?.();
      await Promise.all([
        new Promise<void>((r) => server.close(() => r())),
        new Promise<void>((r) => realmServer.close(() => r())),
      ]);
    },
  };
}

/** Replaces the answer of a request that has (or will have) taken effect; see Fault. */
function applyFault(fault: Fault, req: http.IncomingMessage, res: http.ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string>) => http.ServerResponse;
  const end = res.end.bind(res) as (chunk?: unknown) => http.ServerResponse;
  const r = res as unknown as { writeHead: unknown; end: unknown };
  if (fault.kind === 'reset') {
    r.writeHead = () => res;
    r.end = () => { req.socket.destroy(); return res; };
  } else if (fault.kind === 'status') {
    r.writeHead = () => writeHead(fault.status, { 'Content-Type': 'text/html' });
    r.end = () => end('<html><body><h1>Bad Gateway</h1></body></html>');
  } else if (fault.kind === 'digest') {
    r.writeHead = (status: number, headers: Record<string, string> = {}) => writeHead(status, { ...headers, 'Docker-Content-Digest': fault.digest });
  } else if (fault.kind === 'delay') {
    r.end = (chunk?: unknown) => { setTimeout(() => end(chunk), fault.ms); return res; };
  }
}

/** A server that records what reaches it (to prove that nothing, or no credential, was sent there). */
export async function startRecorder(): Promise<{ origin: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const s = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"name":"x","tags":["from-elsewhere"]}');
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => { s.closeAllConnections?.(); s.close(() => r()); }),
  };
}

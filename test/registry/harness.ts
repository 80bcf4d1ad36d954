// Test harness: a real OCI registry (Debian's `docker-registry`, CNCF Distribution 2.8) on 127.0.0.1 with
// GitLab-style token auth served by a small in-process token endpoint, plus OCI image layouts built in
// Node and pushed with `skopeo`. Everything lives in a temp dir and listens on 127.0.0.1 only.
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';

export const APT_HINT = 'apt-get install -y docker-registry skopeo';

/** Throws a clear message naming the apt command when docker-registry or skopeo is missing. */
export function requireTools(): void {
  const missing = ['docker-registry', 'skopeo', 'openssl'].filter((t) => {
    const r = spawnSync(t, [t === 'openssl' ? 'version' : '--version'], { stdio: 'ignore' });
    return r.error !== undefined || r.status !== 0;
  });
  if (missing.length) {
    const cmd = missing.includes('openssl') ? `${APT_HINT} openssl` : APT_HINT;
    throw new Error(`missing ${missing.join(', ')}: the registry tests need them — run \`${cmd}\` (as root)`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** libtrust key id of a public key: base32 of the first 30 bytes of sha256(SPKI DER), groups of 4 joined by ':'. */
export function libtrustKeyId(publicKey: crypto.KeyObject): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let val = 0;
  let out = '';
  for (const b of crypto.createHash('sha256').update(spki).digest().subarray(0, 30)) {
    val = ((val << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += A[(val >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += A[(val << (5 - bits)) & 31];
  return (out.match(/.{4}/g) as string[]).join(':');
}

export interface TestUser {
  password: string;
  /** registry actions this user may get on any repository, e.g. ['pull','push','delete'] */
  actions: string[];
}

export interface TokenRequest {
  user: string | null;
  scopes: string[];
  granted: { type: string; name: string; actions: string[] }[];
  status: number;
}

export interface RegistryOptions {
  users?: Record<string, TestUser>;
  /** storage.delete.enabled (default true) */
  deleteEnabled?: boolean;
  /** token auth (default true); false = an anonymous registry */
  tokenAuth?: boolean;
}

export interface RegistryHarness {
  /** 127.0.0.1:PORT */
  host: string;
  dir: string;
  storageDir: string;
  configPath: string;
  tokenRequests: TokenRequest[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** `docker-registry garbage-collect --delete-untagged` (stops the registry first). */
  garbageCollect(): string;
  close(): Promise<void>;
  blobExists(digest: string): boolean;
}

const SERVICE = 'container_registry';
const ISSUER = 'glcr-test-issuer';

/** The token endpoint: checks Basic credentials, grants the intersection of asked and allowed actions. */
async function startTokenServer(
  key: crypto.KeyObject,
  kid: string,
  users: Record<string, TestUser>,
  log: TokenRequest[],
): Promise<{ server: http.Server; realm: string }> {
  const b64u = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== '/jwt/auth') return send(404, { message: '404 Not Found' });
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    let user: string | null = null;
    let allowed: string[] = [];
    const auth = req.headers.authorization ?? '';
    if (auth) {
      const m = /^Basic (.+)$/i.exec(auth);
      const decoded = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
      const i = decoded.indexOf(':');
      const name = decoded.slice(0, i);
      const u = i > 0 ? users[name] : undefined;
      if (!u || u.password !== decoded.slice(i + 1)) {
        log.push({ user: name || null, scopes, granted: [], status: 401 });
        return send(401, {
          errors: [{
            code: 'UNAUTHORIZED',
            message: 'HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you\'re required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped. See http://127.0.0.1/help/user/profile/account/two_factor_authentication_troubleshooting.md#error-http-basic-access-denied-if-a-password-was-provided-for-git-authentication-',
          }],
        });
      }
      user = name;
      allowed = u.actions;
    }
    if (url.searchParams.get('service') !== SERVICE) {
      res.writeHead(404);
      return res.end();
    }
    // Like GitLab: actions the user may not perform are silently dropped (still 200).
    const access = scopes.map((s) => {
      const parts = s.split(':');
      const actions = (parts.pop() ?? '').split(',').filter((a) => allowed.includes(a));
      return { type: parts[0], name: parts.slice(1).join(':'), actions };
    }).filter((a) => a.type === 'repository');
    log.push({ user, scopes, granted: access, status: 200 });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: ISSUER, sub: user ?? '', aud: SERVICE, iat: now, nbf: now - 5, exp: now + 300, jti: crypto.randomUUID(), access };
    const input = b64u({ alg: 'RS256', typ: 'JWT', kid }) + '.' + b64u(claims);
    const sig = crypto.sign('sha256', Buffer.from(input), key).toString('base64url');
    send(200, { token: `${input}.${sig}` });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { server, realm: `http://127.0.0.1:${port}/jwt/auth` };
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(1000, () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<RegistryHarness> {
  requireTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-reg-'));
  const storageDir = path.join(dir, 'storage');
  fs.mkdirSync(storageDir);
  const tokenAuth = opts.tokenAuth ?? true;
  const tokenRequests: TokenRequest[] = [];
  let tokenServer: http.Server | undefined;
  let authYaml = '';
  if (tokenAuth) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPath = path.join(dir, 'key.pem');
    const certPath = path.join(dir, 'cert.pem');
    fs.writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const r = spawnSync('openssl', ['req', '-x509', '-new', '-key', keyPath, '-out', certPath, '-days', '2', '-subj', `/CN=${ISSUER}`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl could not make the test certificate: ${r.stderr}`);
    const ts = await startTokenServer(privateKey, libtrustKeyId(publicKey), opts.users ?? {}, tokenRequests);
    tokenServer = ts.server;
    authYaml = `auth:
  token:
    realm: ${ts.realm}
    service: ${SERVICE}
    issuer: ${ISSUER}
    rootcertbundle: ${certPath}
`;
  }
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const configPath = path.join(dir, 'config.yml');
  fs.writeFileSync(configPath, `version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${storageDir}
  delete:
    enabled: ${opts.deleteEnabled ?? true}
http:
  addr: ${host}
${authYaml}`);

  let proc: ChildProcess | undefined;
  const logPath = path.join(dir, 'registry.log');

  const start = async () => {
    const out = fs.openSync(logPath, 'a');
    const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', out, out] });
    fs.closeSync(out);
    proc = child;
    let exited = false;
    child.once('exit', () => { exited = true; });
    for (let i = 0; i < 100; i++) {
      if (exited) break;
      if ((await httpStatus(`http://${host}/v2/`)) > 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    const tail = fs.existsSync(logPath) ? fs.readFileSync(logPath, 'utf8').slice(-2000) : '';
    child.kill('SIGKILL');
    throw new Error(`docker-registry did not start on ${host}:\n${tail}`);
  };

  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => { p.kill('SIGKILL'); }, 5000);
      p.once('exit', () => { clearTimeout(t); resolve(); });
      p.kill('SIGTERM');
    });
  };

  await start();
  return {
    host,
    dir,
    storageDir,
    configPath,
    tokenRequests,
    start,
    stop,
    garbageCollect() {
      if (proc) throw new Error('stop the registry before garbage-collect');
      const r = spawnSync('docker-registry', ['garbage-collect', '--delete-untagged', configPath], { encoding: 'utf8', timeout: 60_000 });
      if (r.status !== 0) throw new Error(`garbage-collect failed: ${r.stderr || r.stdout}`);
      return r.stdout + r.stderr;
    },
    async close() {
      await stop();
      if (tokenServer) await new Promise<void>((r) => tokenServer!.close(() => r()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
    blobExists(digest: string) {
      const hex = digest.replace(/^sha256:/, '');
      return fs.existsSync(path.join(storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data'));
    },
  };
}

// ------------------------------------------------------------------------------------------------
// OCI image layouts built in Node

const sha = (b: Buffer) => 'sha256:' + crypto.createHash('sha256').update(b).digest('hex');

/** A one-file ustar archive. */
function tarOneFile(name: string, content: Buffer): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(content.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('13560000000\0', 136); // 2020-01-01 mtime, octal-ish constant is fine for tests
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([h, content, pad, Buffer.alloc(1024)]);
}

export interface BuiltImage {
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
}

export interface BuiltIndex {
  indexDigest: string;
  children: BuiltImage[];
}

function writeBlob(dir: string, data: Buffer): { digest: string; size: number } {
  const digest = sha(data);
  const p = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(p, { recursive: true });
  fs.writeFileSync(path.join(p, digest.slice(7)), data);
  return { digest, size: data.length };
}

function buildManifest(dir: string, arch: string, content: string): { image: BuiltImage; bytes: Buffer } {
  const tar = tarOneFile('hello.txt', Buffer.from(`${content}\n${crypto.randomBytes(16).toString('hex')}\n`));
  const layer = writeBlob(dir, zlib.gzipSync(tar));
  const config = writeBlob(dir, Buffer.from(JSON.stringify({
    architecture: arch,
    os: 'linux',
    config: { Cmd: ['/hello'] },
    rootfs: { type: 'layers', diff_ids: [sha(tar)] },
    history: [{ created_by: 'glcr test harness' }],
  })));
  const bytes = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.size }],
  }));
  const m = writeBlob(dir, bytes);
  return { image: { manifestDigest: m.digest, configDigest: config.digest, layerDigest: layer.digest }, bytes };
}

function writeLayout(dir: string, ref: string, mediaType: string, digest: string, size: number): void {
  fs.writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType, digest, size, annotations: { 'org.opencontainers.image.ref.name': ref } }],
  }));
}

/** A single-platform OCI image layout in `dir` (created), tagged `ref` in index.json. */
export function buildOciImage(dir: string, ref = 'latest', content = 'hello'): BuiltImage {
  fs.mkdirSync(dir, { recursive: true });
  const { image, bytes } = buildManifest(dir, 'amd64', content);
  writeLayout(dir, ref, 'application/vnd.oci.image.manifest.v1+json', image.manifestDigest, bytes.length);
  return image;
}

/** A multi-arch OCI image index (amd64 + arm64 children) layout in `dir`. */
export function buildOciIndex(dir: string, ref = 'latest', content = 'multi'): BuiltIndex {
  fs.mkdirSync(dir, { recursive: true });
  const children: BuiltImage[] = [];
  const entries = ['amd64', 'arm64'].map((arch) => {
    const { image, bytes } = buildManifest(dir, arch, `${content} ${arch}`);
    children.push(image);
    return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: image.manifestDigest, size: bytes.length, platform: { architecture: arch, os: 'linux' } };
  });
  const idx = writeBlob(dir, Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries })));
  writeLayout(dir, ref, 'application/vnd.oci.image.index.v1+json', idx.digest, idx.size);
  return { indexDigest: idx.digest, children };
}

// ------------------------------------------------------------------------------------------------
// skopeo

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runAsync(cmd: string, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    p.on('error', (e) => { stderr += String(e); });
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    p.stdin.end(opts.input ?? '');
  });
}

/** skopeo copy oci:<layout>:<ref> docker://<host>/<repo>:<tag> (all platforms of an index). */
export async function pushLayout(h: RegistryHarness, layoutDir: string, ref: string, repo: string, tag: string, creds: string): Promise<void> {
  const r = await runAsync('skopeo', ['copy', '--insecure-policy', '--all', '--preserve-digests', '--dest-tls-verify=false',
    '--dest-creds', creds, `oci:${layoutDir}:${ref}`, `docker://${h.host}/${repo}:${tag}`]);
  if (r.code !== 0) throw new Error(`skopeo copy to ${repo}:${tag} failed: ${r.stderr}`);
}

/** Raw manifest of <repo>:<tag> through skopeo and its digest, or null when skopeo says it is unknown. */
export async function inspectRaw(h: RegistryHarness, repo: string, tag: string, creds: string): Promise<{ digest: string; manifest: Record<string, unknown> } | null> {
  const r = await runAsync('skopeo', ['inspect', '--raw', '--tls-verify=false', '--creds', creds, `docker://${h.host}/${repo}:${tag}`]);
  if (r.code !== 0) {
    if (/manifest unknown|not found|MANIFEST_UNKNOWN|NAME_UNKNOWN/i.test(r.stderr)) return null;
    throw new Error(`skopeo inspect ${repo}:${tag} failed: ${r.stderr}`);
  }
  return { digest: sha(Buffer.from(r.stdout, 'utf8')), manifest: JSON.parse(r.stdout) as Record<string, unknown> };
}

/** Pulls <repo>:<tag> (every blob, all platforms) into a fresh OCI layout; throws when any blob is missing. */
export async function pull(h: RegistryHarness, repo: string, tag: string, creds: string): Promise<void> {
  const dest = fs.mkdtempSync(path.join(h.dir, 'pull-'));
  const r = await runAsync('skopeo', ['copy', '--insecure-policy', '--all', '--preserve-digests', '--src-tls-verify=false',
    '--src-creds', creds, `docker://${h.host}/${repo}:${tag}`, `oci:${dest}:${tag}`]);
  fs.rmSync(dest, { recursive: true, force: true });
  if (r.code !== 0) throw new Error(`skopeo could not pull ${repo}:${tag}: ${r.stderr}`);
}

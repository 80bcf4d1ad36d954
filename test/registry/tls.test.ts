// HTTPS transport: an untrusted certificate gives a clear hint; NODE_EXTRA_CA_CERTS makes it trusted
// (Node's https agent reads it at start-up, so that half runs in a child process).
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { RegistryClient, RegistryError } from '../../src/core/registry';
import { runAsync } from './harness';

const DIGEST = 'sha256:' + 'c'.repeat(64);
let dir: string;
let server: https.Server;
let port: number;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-tls-'));
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'),
    '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `openssl: ${r.stderr}`);
  server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (_req, res) => {
    res.writeHead(200, { 'Docker-Content-Digest': DIGEST, 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
    res.end();
  });
  await new Promise<void>((r2) => server.listen(0, '127.0.0.1', r2));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

// `hostname` only decides loopback → plain HTTP; a non-loopback name makes the client use HTTPS here.
const clientCode = (p: number) => `
  const { RegistryClient } = require(${JSON.stringify(path.resolve(__dirname, '../../src/core/registry'))});
  const c = new RegistryClient({ registry: '127.0.0.1:${p}', hostname: 'registry.example.test', repository: 'g/p', actions: ['pull'], maxRetries: 0 });
  c.headManifest('v1').then((m) => console.log(JSON.stringify(m)), (e) => { console.log('ERR ' + e.kind + ' ' + e.message); });
`;

test('an untrusted certificate → network error naming NODE_EXTRA_CA_CERTS', async () => {
  const c = new RegistryClient({ registry: `127.0.0.1:${port}`, hostname: 'registry.example.test', repository: 'g/p', actions: ['pull'], maxRetries: 0 });
  assert.equal(c.origin, `https://127.0.0.1:${port}`);
  await assert.rejects(c.headManifest('v1'), (e: unknown) => e instanceof RegistryError && e.kind === 'network' && /NODE_EXTRA_CA_CERTS/.test(e.message));
});

test('NODE_EXTRA_CA_CERTS makes the registry trusted', async () => {
  const r = await runAsync(process.execPath, ['-e', clientCode(port)], { env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem') } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).digest, DIGEST, r.stdout);
});

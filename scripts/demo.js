#!/usr/bin/env node
// `npm run demo` (after `npm ci`, on a fresh machine too): the packaged extension in a real VS Code
// (code-server) talking to the GitLab double, to look at and click through by hand.
//   1. installs code-server if missing (scripts/prereqs.js; as root),
//   2. builds and packages the extension (scripts/package.js → gitlab-container-registry-<version>.vsix),
//   3. compiles the double and the harness (tsc → out/),
//   4. starts the double (small scenario) and code-server with the .vsix installed and the extension's
//      environment account set: GITLAB_REGISTRY_URL=<double>, GITLAB_REGISTRY_TOKEN=<owner token>,
//   5. prints the URL and the tokens, and runs until Ctrl-C.
// Both listen on 127.0.0.1 only. From another machine, forward the port over SSH:
//   ssh -N -L 8080:127.0.0.1:8080 user@this-machine     then open http://127.0.0.1:8080/ locally.
// Environment: GLCR_DEMO_PORT (code-server, default 8080, else a free port), GLCR_DOUBLE_PORT (default: free),
// GLCR_DEMO_SCENARIO (small|large, default small), GLCR_DEMO_TOKEN (which seeded token is the environment
// account, default owner; "none" for no environment account).
const { spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const root = path.resolve(__dirname, '..');
const log = (msg) => console.log(`[demo] ${msg}`);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

async function main() {
  require('./prereqs').ensure(['code-server']);
  if (run(process.execPath, [path.join(__dirname, 'package.js')]) !== 0) process.exit(1);
  // tsc emits out/ even when some file has type errors; what the demo needs is the double and the harness.
  log('compiling the double and the harness (tsc)');
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: root, encoding: 'utf8' });
  const need = ['out/test/double/gitlabDouble.js', 'out/test/harness/codeServer.js'];
  const missing = need.filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length) {
    console.error(tsc.stdout.slice(-3000));
    throw new Error(`tsc did not produce ${missing.join(', ')}`);
  }

  const { startGitLabDouble } = require(path.join(root, 'out/test/double/gitlabDouble.js'));
  const { startCodeServer } = require(path.join(root, 'out/test/harness/codeServer.js'));
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const vsix = path.join(root, `${pkg.name}-${pkg.version}.vsix`);

  const scenario = process.env.GLCR_DEMO_SCENARIO === 'large' ? 'large' : 'small';
  const double = await startGitLabDouble({ scenario, port: Number(process.env.GLCR_DOUBLE_PORT || 0) });
  const tokenName = process.env.GLCR_DEMO_TOKEN || 'owner';
  const env = { GLCR_DOUBLE_URL: double.url, GLCR_DOUBLE_TOKENS: JSON.stringify(double.tokens) };
  if (tokenName !== 'none') {
    if (!double.tokens[tokenName]) throw new Error(`GLCR_DEMO_TOKEN=${tokenName}: no such seeded token`);
    env.GITLAB_REGISTRY_URL = double.url;
    env.GITLAB_REGISTRY_TOKEN = double.tokens[tokenName];
  }
  const wanted = Number(process.env.GLCR_DEMO_PORT || 8080);
  const port = (await portFree(wanted)) ? wanted : undefined;
  if (!port) log(`port ${wanted} is taken; using a free one`);
  const folder = path.join(root, '.vscode-test', 'demo-workspace');
  fs.mkdirSync(folder, { recursive: true });
  const t0 = Date.now();
  const cs = await startCodeServer({ installExtensions: [vsix], env, port, folder });

  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    log('stopping');
    await cs.stop().catch(() => undefined);
    await double.close().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const width = Math.max(...Object.keys(double.tokens).map((k) => k.length));
  console.log(`
GitLab Container Registry demo  (code-server ${Math.round((Date.now() - t0) / 100) / 10} s to start)

  Open:          ${cs.workbenchUrl()}
  GitLab double: ${double.url}   (API ${double.url}/api/v4, control ${double.url}/__double/, scenario ${scenario})
  Environment account: ${tokenName === 'none' ? 'none' : `GITLAB_REGISTRY_URL=${double.url} GITLAB_REGISTRY_TOKEN=<${tokenName}>`}
  Remote machine? Forward the port first:  ssh -N -L ${cs.port}:127.0.0.1:${cs.port} user@this-host

  Tokens of the double (for "Add Account", instance URL ${double.url}):
${Object.entries(double.tokens).map(([k, v]) => `    ${k.padEnd(width)}  ${v}`).join('\n')}

  The glcr CLI against the same double:
    GITLAB_URL=${double.url} GITLAB_TOKEN=${double.tokens.owner} node dist/cli.js --help

Ctrl-C stops code-server and the double.`);

  // Bounded liveness check: if code-server dies, say so and stop.
  const timer = setInterval(() => {
    try {
      process.kill(cs.pid, 0);
    } catch {
      clearInterval(timer);
      console.error(`[demo] code-server exited:\n${cs.logTail(20)}`);
      void stop(1);
    }
  }, 2000);
}

main().catch((e) => {
  console.error(`[demo] ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});

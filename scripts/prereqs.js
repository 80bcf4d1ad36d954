// Installs what the test suites need on a fresh Debian machine (as root, via apt-get and npm), or, when not
// root, stops with one line naming the command to run. Plain JS: it runs before anything is compiled.
//
//   chromium     apt-get install -y chromium                      (Playwright drives /usr/bin/chromium)
//   registry     apt-get install -y docker-registry skopeo        (a real OCI registry for test/registry)
//   code-server  apt-get install -y libkrb5-dev ripgrep, then npm install code-server@4.100.3 into
//                .vscode-test/code-server/ (git-ignored, outside the project's dependency tree)
//
// Whatever is already present is skipped, so a second run costs a few stat() calls.
// `node scripts/prereqs.js chromium code-server` runs it by hand.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const CODE_SERVER_VERSION = '4.100.3';
const codeServerDir = path.join(root, '.vscode-test', 'code-server');
/** @vscode/ripgrep version that code-server 4.100.3 (VS Code 1.100.3) installs, and the ripgrep-prebuilt
 *  release tag its postinstall downloads (lib/vscode/node_modules/@vscode/ripgrep/lib/postinstall.js). */
const RIPGREP = { pkg: '1.15.11', tag: 'v13.0.0-10' };

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let aptUpdated = false;
/** Another apt-get (another helper, unattended-upgrades) may hold the lock: wait for it, bounded. */
const APT_LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=300'];

function log(msg) {
  console.log(`[prereqs] ${msg}`);
}

function fail(msg) {
  console.error(`[prereqs] ${msg}`);
  process.exit(1);
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: opts.quiet ? 'pipe' : 'inherit', encoding: 'utf8', ...opts });
  if (r.status !== 0) {
    const tail = opts.quiet ? `\n${(r.stdout || '').slice(-2000)}${(r.stderr || '').slice(-2000)}` : '';
    fail(`failed (exit ${r.status}): ${cmd} ${args.join(' ')}${tail}`);
  }
  return r;
}

function timed(label, fn) {
  const t0 = Date.now();
  fn();
  log(`${label} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

/** apt-get install the packages not yet installed; `check(pkg)` may use a binary instead of dpkg. */
function aptEnsure(pkgs, check = dpkgInstalled) {
  const missing = pkgs.filter((p) => !check(p));
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (!isRoot) fail(`missing Debian packages: ${missing.join(' ')}; run as root: ${cmd}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  timed(`apt-get install ${missing.join(' ')}`, () => {
    if (!aptUpdated) {
      log('apt-get update');
      sh('apt-get', [...APT_LOCK_WAIT, 'update', '-qq'], { env, quiet: true });
      aptUpdated = true;
    }
    log(`apt-get install -y ${missing.join(' ')}`);
    sh('apt-get', [...APT_LOCK_WAIT, 'install', '-y', '-qq', ...missing], { env, quiet: true });
  });
}

/** Version of the code-server installed under .vscode-test/code-server, or undefined. */
function installedCodeServer() {
  const pkg = path.join(codeServerDir, 'node_modules', 'code-server', 'package.json');
  const server = path.join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
  const marker = path.join(codeServerDir, '.installed');
  try {
    const v = JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
    if (!fs.existsSync(server) || fs.readFileSync(marker, 'utf8').trim() !== v) return undefined;
    return v;
  } catch {
    return undefined;
  }
}

/** @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable here): seed its cache with Debian's rg. */
function seedRipgrepCache() {
  const target = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[process.arch];
  if (!target) fail(`no ripgrep target for arch ${process.arch}`);
  const dir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${RIPGREP.pkg}`);
  const file = path.join(dir, `ripgrep-${RIPGREP.tag}-${target}.tar.gz`);
  if (fs.existsSync(file)) return;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-'));
  fs.copyFileSync('/usr/bin/rg', path.join(tmp, 'rg'));
  fs.chmodSync(path.join(tmp, 'rg'), 0o755);
  fs.mkdirSync(dir, { recursive: true });
  sh('tar', ['-C', tmp, '-czf', file, 'rg']);
  fs.rmSync(tmp, { recursive: true, force: true });
  log(`seeded ${file} with /usr/bin/rg`);
}

function ensureCodeServer() {
  const have = installedCodeServer();
  if (have === CODE_SERVER_VERSION) return;
  const npmCmd = `npm_config_unsafe_perm=true npm_config_yes=true npm install code-server@${CODE_SERVER_VERSION} --foreground-scripts`;
  if (!isRoot) {
    fail(`code-server ${CODE_SERVER_VERSION} missing in .vscode-test/code-server; run as root: node scripts/prereqs.js code-server`
      + ` (apt-get install -y libkrb5-dev ripgrep; seed the rg cache; ${npmCmd})`);
  }
  aptEnsure(['libkrb5-dev', 'ripgrep']);
  seedRipgrepCache();
  fs.mkdirSync(codeServerDir, { recursive: true });
  const pj = path.join(codeServerDir, 'package.json');
  if (!fs.existsSync(pj)) {
    fs.writeFileSync(pj, JSON.stringify({
      name: 'glcr-code-server',
      private: true,
      description: 'code-server for the integration and e2e tests (installed by scripts/prereqs.js; not a project dependency)',
    }, null, 2) + '\n');
  }
  fs.rmSync(path.join(codeServerDir, '.installed'), { force: true });
  timed(`npm install code-server@${CODE_SERVER_VERSION}`, () => {
    log(`${npmCmd}   (in .vscode-test/code-server; about 1 min, 300 MB)`);
    const env = { ...process.env, npm_config_unsafe_perm: 'true', npm_config_yes: 'true' };
    // Its output is long (node-gyp builds); keep it out of the test log unless it fails.
    sh('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, '--foreground-scripts', '--no-audit', '--no-fund'],
      { cwd: codeServerDir, env, quiet: true });
  });
  const v = JSON.parse(fs.readFileSync(path.join(codeServerDir, 'node_modules', 'code-server', 'package.json'), 'utf8')).version;
  const rg = path.join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  if (!fs.existsSync(rg)) fail(`code-server installed but ${rg} is missing (ripgrep cache seed did not match)`);
  fs.writeFileSync(path.join(codeServerDir, '.installed'), v + '\n');
  log(`code-server ${v} ready in .vscode-test/code-server`);
}

function ensure(needs) {
  const t0 = Date.now();
  const list = [...new Set(needs)];
  if (list.length === 0) return;
  for (const need of list) {
    switch (need) {
      case 'chromium':
        aptEnsure(['chromium'], () => fs.existsSync('/usr/bin/chromium'));
        break;
      case 'registry':
        aptEnsure(['docker-registry', 'skopeo'], (p) => fs.existsSync(`/usr/bin/${p}`));
        break;
      case 'code-server':
        ensureCodeServer();
        break;
      default:
        fail(`unknown prerequisite "${need}"`);
    }
  }
  log(`${list.join(', ')}: present (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

module.exports = { ensure, codeServerDir, CODE_SERVER_VERSION };

if (require.main === module) ensure(process.argv.slice(2));

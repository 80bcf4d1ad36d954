// Starts and stops a real VS Code (code-server 4.100.3 = VS Code 1.100.3, installed by scripts/prereqs.js
// into .vscode-test/code-server) for the integration and e2e suites and for `npm run demo`.
//
// Every instance gets its own temporary config file, user-data dir, extensions dir and workspace folder,
// binds 127.0.0.1 on a free port, and runs in its own process group so that stop() also ends the extension
// hosts and the pty host it forked. The environment of the code-server process reaches the extension host:
// that is how the tests hand the double's URL and tokens (and the extension's environment account) in.
import { spawn, spawnSync, ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { codeServerEntry, repoRoot } from './paths';

export interface CodeServerOptions {
  /** Workspace folder to open; default: a fresh empty folder in the instance's temp dir. */
  folder?: string;
  /** .vsix files (or extension ids) to install into the fresh extensions dir before starting. */
  installExtensions?: string[];
  /** Extra environment for code-server and therefore for the extension host. */
  env?: Record<string, string | undefined>;
  /** User settings merged over the deterministic defaults (see DEFAULT_SETTINGS). */
  settings?: Record<string, unknown>;
  /** Display language (`--locale`, e.g. 'ru'): vscode.env.language in the extension host. */
  locale?: string;
  /**
   * A language pack extension folder for `locale` (package.json with contributes.localizations, e.g.
   * test/e2e/fixtures/ru-language-pack): packed with the pinned vsce, installed first, and registered with
   * its translations, so that the workbench's own strings are translated too. Without it an empty pack is
   * registered (the workbench stays English; the extension's own nls/l10n files are still used).
   */
  languagePack?: string;
  /** Port on 127.0.0.1; default: a free one. */
  port?: number;
  /** Copy code-server's log here when the instance stops (e.g. test-results/e2e-code-server.log). */
  logTo?: string;
  /** Keep the temp dir (user data, logs) after stop(); also set by GLCR_KEEP_TMP=1. */
  keepTmp?: boolean;
  /** Bound for /healthz to answer after spawn (ms); default 30 s. */
  startTimeoutMs?: number;
}

export interface CodeServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly folder: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly tmpDir: string;
  readonly logFile: string;
  readonly pid: number;
  /** The workbench URL for the folder, optionally with a payload (extensionDevelopmentPath, ...). */
  workbenchUrl(payload?: Array<[string, string]>): string;
  /** vscode-remote://127.0.0.1:PORT/abs/path — how the browser workbench names a server-side path. */
  remoteUri(absPath: string): string;
  /** Kills every extension host this server has forked (the next page load starts a fresh one). */
  killExtensionHosts(): number;
  /** Last lines of code-server's log. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

/** Settings that keep the workbench quiet and the same from run to run. */
export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Light Modern',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.layoutControl.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'editor.accessibilitySupport': 'off',
  'accessibility.signals.sounds.volume': 0,
  'workbench.editor.restoreViewState': false,
  'files.hotExit': 'off',
};

/** Environment variables that would leak the caller's own setup into the extension host. */
const SCRUBBED_ENV = /^(VSCODE_|ELECTRON_|GITLAB_REGISTRY_|GLCR_|CODE_SERVER_|PASSWORD$|HASHED_PASSWORD$|PORT$)/;

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: never leave a code-server behind when the runner dies.
  process.on('exit', () => {
    for (const cp of live) killGroup(cp.pid, 'SIGKILL');
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try { process.kill(pid, signal); } catch { /* gone */ }
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function httpGetStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function codeServerArgs(configFile: string, userDataDir: string, extensionsDir: string): string[] {
  return [codeServerEntry, '--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

/** Children of `pid` (from /proc), recursively. */
function descendants(pid: number): Array<{ pid: number; cmd: string }> {
  const byParent = new Map<number, Array<{ pid: number; cmd: string }>>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const list = byParent.get(ppid) ?? [];
      list.push({ pid: Number(entry), cmd });
      byParent.set(ppid, list);
    } catch {
      /* raced with an exiting process */
    }
  }
  const out: Array<{ pid: number; cmd: string }> = [];
  const walk = (p: number, depth: number): void => {
    if (depth > 6) return;
    for (const c of byParent.get(p) ?? []) {
      out.push(c);
      walk(c.pid, depth + 1);
    }
  };
  walk(pid, 0);
  return out;
}

/**
 * VS Code runs in a display language only when a language pack for it is installed; otherwise `--locale ru`
 * falls back to English and vscode.env.language stays 'en'. No language pack can be downloaded here, so the
 * harness registers an empty one (no core translations: the workbench itself stays English) in the server's
 * languagepacks.json. That is enough for vscode.env.language, vscode.l10n (l10n/bundle.l10n.<locale>.json)
 * and package.nls.<locale>.json to be used, which is what the extension's own localisation tests need.
 */
function registerLanguagePack(userDataDir: string, tmpDir: string, locale: string, pack?: InstalledLanguagePack): void {
  let translations = pack?.translations;
  if (!translations) {
    translations = path.join(tmpDir, `language-pack-${locale}`, 'main.i18n.json');
    fs.mkdirSync(path.dirname(translations), { recursive: true });
    fs.writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  }
  const id = pack?.id ?? `glcr-test.language-pack-${locale}`;
  const version = pack?.version ?? '0.0.1';
  const packs = {
    [locale]: {
      hash: crypto.createHash('md5').update(`${id}@${version}`).digest('hex'),
      extensions: [{ extensionIdentifier: { id }, version }],
      translations: { vscode: translations },
      label: locale,
    },
  };
  fs.writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
  // Where desktop VS Code keeps the display language (code-server reads --locale first).
  fs.writeFileSync(path.join(userDataDir, 'User', 'argv.json'), JSON.stringify({ locale }));
}

interface InstalledLanguagePack {
  id: string;
  version: string;
  /** The installed pack's main.i18n.json (its `vscode` translations). */
  translations: string;
}

/** Packs a language pack folder into a .vsix (pinned @vscode/vsce) so that code-server can install it. */
function packLanguagePack(dir: string, tmpDir: string): { vsix: string; manifest: { publisher: string; name: string; version: string } } {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const vsix = path.join(tmpDir, `${manifest.publisher}.${manifest.name}-${manifest.version}.vsix`);
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', vsix],
    { cwd: dir, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`vsce package ${dir} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { vsix, manifest };
}

/** Where the installed pack's `vscode` translations are (what VS Code's language pack cache would record). */
function installedLanguagePack(extensionsDir: string, manifest: { publisher: string; name: string; version: string }, locale: string): InstalledLanguagePack {
  const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
  const dir = fs.readdirSync(extensionsDir).find((d) => d.toLowerCase() === `${id}-${manifest.version}`);
  if (!dir) throw new Error(`language pack ${id} was not installed into ${extensionsDir}`);
  const installed = JSON.parse(fs.readFileSync(path.join(extensionsDir, dir, 'package.json'), 'utf8'));
  const loc = (installed.contributes?.localizations ?? []).find((l: { languageId: string }) => l.languageId.toLowerCase() === locale.toLowerCase());
  const rel = loc?.translations?.find((t: { id: string }) => t.id === 'vscode')?.path;
  if (!rel) throw new Error(`language pack ${id} has no "vscode" translations for ${locale}`);
  return { id, version: manifest.version, translations: path.join(extensionsDir, dir, rel) };
}

export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  if (!fs.existsSync(codeServerEntry)) {
    throw new Error(`code-server is not installed (${codeServerEntry}); run: node scripts/prereqs.js code-server`);
  }
  installExitHook();
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-cs-'));
  const userDataDir = path.join(tmpDir, 'user-data');
  const extensionsDir = path.join(tmpDir, 'extensions');
  const folder = opts.folder ?? path.join(tmpDir, 'workspace');
  const configFile = path.join(tmpDir, 'config.yaml');
  const logFile = path.join(tmpDir, 'code-server.log');
  for (const d of [userDataDir, path.join(userDataDir, 'User'), extensionsDir, folder]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const settings = { ...DEFAULT_SETTINGS, ...(opts.settings ?? {}) };
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const languagePack = opts.languagePack && opts.locale ? packLanguagePack(opts.languagePack, tmpDir) : undefined;
  if (opts.locale && !opts.locale.startsWith('en') && !languagePack) registerLanguagePack(userDataDir, tmpDir, opts.locale);

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED_ENV.test(k)) env[k] = v;
  // No extension gallery: these machines cannot reach open-vsx.org, and a test must not depend on it.
  env.EXTENSIONS_GALLERY = '{}';
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) env[k] = v;
  const base = codeServerArgs(configFile, userDataDir, extensionsDir);

  for (const ext of [...(languagePack ? [languagePack.vsix] : []), ...(opts.installExtensions ?? [])]) {
    const r = spawnSync(process.execPath, [...base, '--install-extension', ext, '--force'],
      { env, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0 || /Failed|Error/i.test(r.stderr ?? '')) {
      throw new Error(`code-server --install-extension ${ext} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    }
  }
  if (languagePack) registerLanguagePack(userDataDir, tmpDir, opts.locale!, installedLanguagePack(extensionsDir, languagePack.manifest, opts.locale!));

  const keepTmp = opts.keepTmp ?? process.env.GLCR_KEEP_TMP === '1';
  const startTimeout = opts.startTimeoutMs ?? 30_000;
  let lastError = '';
  // A free port can be taken between freePort() and code-server's listen(): retry a few times.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = opts.port ?? (await freePort());
    const args = [...base, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
      '--disable-getting-started-override', '--disable-proxy', '--ignore-last-opened',
      ...(opts.locale ? ['--locale', opts.locale] : []), folder];
    const logFd = fs.openSync(logFile, 'a');
    const cp = spawn(process.execPath, args, { env, cwd: folder, detached: true, stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    live.add(cp);
    let exited: number | null | undefined;
    cp.on('exit', (code) => {
      exited = code;
      live.delete(cp);
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + startTimeout;
    let healthy = false;
    while (Date.now() < deadline && exited === undefined) {
      if ((await httpGetStatus(`${url}/healthz`, 1000)) === 200) {
        healthy = true;
        break;
      }
      await sleep(100);
    }
    const tail = (n = 40): string => {
      try {
        return fs.readFileSync(logFile, 'utf8').split('\n').slice(-n).join('\n');
      } catch {
        return '';
      }
    };
    if (!healthy) {
      killGroup(cp.pid, 'SIGKILL');
      lastError = exited !== undefined
        ? `code-server exited (${exited}) before answering /healthz:\n${tail()}`
        : `code-server did not answer ${url}/healthz within ${startTimeout} ms:\n${tail()}`;
      if (/EADDRINUSE/.test(lastError) && opts.port === undefined) continue;
      break;
    }

    const pid = cp.pid!;
    let stopped: Promise<void> | undefined;
    const server: CodeServer = {
      url, port, folder, userDataDir, extensionsDir, tmpDir, logFile, pid,
      workbenchUrl(payload?: Array<[string, string]>): string {
        let u = `${url}/?folder=${encodeURIComponent(folder)}`;
        if (payload?.length) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
        return u;
      },
      remoteUri(absPath: string): string {
        return `vscode-remote://127.0.0.1:${port}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`;
      },
      killExtensionHosts(): number {
        const hosts = descendants(pid).filter((p) => /--type=extensionHost/.test(p.cmd));
        for (const h of hosts) {
          try { process.kill(h.pid, 'SIGKILL'); } catch { /* gone */ }
        }
        return hosts.length;
      },
      logTail: tail,
      stop(): Promise<void> {
        stopped ??= (async () => {
          if (exited === undefined) {
            killGroup(pid, 'SIGTERM');
            const until = Date.now() + 5000;
            while (exited === undefined && Date.now() < until) await sleep(50);
            // code-server's children (extension hosts, pty host) share the group: make sure all are gone.
            killGroup(pid, 'SIGKILL');
          }
          // Wait (bounded) until no process of the group is left, so that nothing writes into tmpDir anymore.
          for (let i = 0; i < 60 && groupAlive(pid); i++) await sleep(50);
          if (opts.logTo) {
            try {
              fs.mkdirSync(path.dirname(opts.logTo), { recursive: true });
              fs.copyFileSync(logFile, opts.logTo);
            } catch { /* best effort */ }
          }
          if (!keepTmp) {
            try {
              fs.rmSync(tmpDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
            } catch (e) {
              console.warn(`[harness] could not remove ${tmpDir}: ${String(e)}`);
            }
          }
        })();
        return stopped;
      },
    };
    return server;
  }
  if (!keepTmp) fs.rmSync(tmpDir, { recursive: true, force: true });
  throw new Error(lastError);
}

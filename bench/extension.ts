// Scenario 6: the extension. Bundle size, activation events, and activate()'s own duration measured in a
// real VS Code (code-server, the test harness of test/harness/) — read from the extension's log file —
// together with the check that no request reaches GitLab before the view is opened.
import * as fs from 'fs';
import * as path from 'path';
import { startGitLabDouble } from '../test/double/gitlabDouble';
import { launchBrowser, newContext, Workbench } from '../test/harness/browser';
import { startCodeServer } from '../test/harness/codeServer';
import { codeServerEntry } from '../test/harness/paths';
import { log } from './lib';

const repoRoot = path.resolve(__dirname, '..', '..');

export interface S6 {
  bundleBytes: number;
  bundleMinified: boolean;
  activationEvents: string[];
  /** Activation only on the view or commands (no '*', onStartupFinished, workspaceContains, …). */
  activationOk: boolean;
  host: {
    activationMs: number | null;
    /** The extension had not activated (no log line) before the view was opened. */
    notActiveBeforeView: boolean | null;
    requestsBeforeView: number | null;
    requestsAfterView: number | null;
    how: string;
    error?: string;
  };
}

/** The activation events VS Code derives from package.json (explicit ones plus the implicit view/command ones). */
function activationEvents(pkg: Record<string, unknown>): string[] {
  const explicit = (pkg.activationEvents as string[] | undefined) ?? [];
  const contributes = (pkg.contributes ?? {}) as { views?: Record<string, Array<{ id: string }>>; commands?: Array<{ command: string }> };
  const implicit = [
    ...Object.values(contributes.views ?? {}).flat().map((v) => `onView:${v.id}`),
    ...(contributes.commands ?? []).map((c) => `onCommand:${c.command}`),
  ];
  return [...explicit, ...implicit];
}

export async function scenario6(): Promise<S6> {
  const bundle = path.join(repoRoot, 'dist', 'extension.js');
  const text = fs.readFileSync(bundle, 'utf8');
  const lines = text.split('\n').length;
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  const events = activationEvents(pkg);
  const activationOk = events.every((e) => /^(onView|onCommand):/.test(e));
  const result: S6 = {
    bundleBytes: fs.statSync(bundle).size,
    // esbuild's minified output: no indentation, very long lines (template literals keep their own newlines).
    bundleMinified: text.length / lines > 500 && !/\n {2,}[A-Za-z_$]/.test(text.slice(0, 20_000)),
    activationEvents: events,
    activationOk,
    host: { activationMs: null, notActiveBeforeView: null, requestsBeforeView: null, requestsAfterView: null, how: '' },
  };
  if (process.env.BENCH_SKIP_HOST === '1') {
    result.host.how = 'skipped (BENCH_SKIP_HOST=1)';
    return result;
  }
  if (!fs.existsSync(codeServerEntry)) {
    result.host.how = `not measured: code-server missing (${codeServerEntry}; node scripts/prereqs.js code-server)`;
    return result;
  }
  try {
    result.host = await measureInCodeServer();
  } catch (e) {
    result.host.how = 'code-server run failed';
    result.host.error = e instanceof Error ? e.message.split('\n').slice(0, 3).join(' ') : String(e);
  }
  return result;
}

function findActivationLine(dir: string): { file: string; ms: number } | undefined {
  const stack = [dir];
  for (let guard = 0; stack.length > 0 && guard < 5000; guard++) {
    const d = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.log')) {
        let content = '';
        try {
          content = fs.readFileSync(p, 'utf8');
        } catch {
          continue;
        }
        const m = /GitLab Container Registry \S+ activated in ([\d.]+) ms/.exec(content);
        if (m) return { file: p, ms: Number(m[1]) };
      }
    }
  }
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function measureInCodeServer(): Promise<S6['host']> {
  const double = await startGitLabDouble({ scenario: 'small' });
  const cs = await startCodeServer({
    env: { GITLAB_REGISTRY_URL: double.url, GITLAB_REGISTRY_TOKEN: double.tokens.owner },
    startTimeoutMs: 60_000,
  });
  const browser = await launchBrowser();
  try {
    const context = await newContext(browser);
    const page = await context.newPage();
    const wb = new Workbench(page);
    const url = cs.workbenchUrl([['extensionDevelopmentPath', cs.remoteUri(repoRoot)], ['skipWelcome', 'true']]);
    await wb.open(url, 90_000);
    // Let the workbench and the extension host settle; nothing of ours should run or call GitLab.
    await wb.activityEntry('GitLab Registry').waitFor({ timeout: 60_000 });
    await sleep(4000);
    const before = findActivationLine(cs.userDataDir);
    const requestsBeforeView = double.requests.length;
    log(`s6 workbench up; activated before view: ${before ? 'yes' : 'no'}; requests before view: ${requestsBeforeView}`);
    await wb.openViewContainer('GitLab Registry');
    let found: { file: string; ms: number } | undefined;
    for (let i = 0; i < 150 && !found; i++) {
      await sleep(200);
      found = findActivationLine(cs.userDataDir);
    }
    for (let i = 0; i < 50 && double.requests.length === requestsBeforeView; i++) await sleep(200);
    log(`s6 activate(): ${found ? `${found.ms} ms (${path.relative(cs.userDataDir, found.file)})` : 'no log line found'}`);
    return {
      activationMs: found?.ms ?? null,
      notActiveBeforeView: before === undefined,
      requestsBeforeView,
      requestsAfterView: double.requests.length,
      how: found
        ? `code-server 4.100.3, extension from dist/ (extensionDevelopmentPath), view opened from the activity bar; activate() reports its own duration in its log (${path.relative(cs.userDataDir, found.file).replace(/^logs\/[^/]+\//, 'logs/…/')})`
        : 'code-server: the activation line was not found in the user-data logs',
    };
  } finally {
    await browser.close().catch(() => undefined);
    await cs.stop();
    await double.close();
  }
}

// The GitLab double as the UI/integration runners use it: in-process, on a fixed port for the whole run, so
// that its URL (handed to code-server's environment) stays valid when a test asks for a fresh one.
import * as http from 'http';
import * as net from 'net';
import { startGitLabDouble } from '../double/gitlabDouble';
import type { DoubleOptions, GitLabDouble, TokenName } from '../double/contract';

export type { DoubleOptions, GitLabDouble, TokenName };

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, sleep(ms).then(() => undefined)]);
}

export class DoubleHost {
  private constructor(private double: GitLabDouble, private options: DoubleOptions, readonly port: number) {}

  static async start(options: DoubleOptions = { scenario: 'small' }): Promise<DoubleHost> {
    const double = await startGitLabDouble({ ...options });
    const port = Number(new URL(double.url).port);
    return new DoubleHost(double, { ...options }, port);
  }

  /** The live double (changes on restart(): read it again after a restart). */
  get current(): GitLabDouble {
    return this.double;
  }
  get url(): string {
    return this.double.url;
  }
  get tokens(): Record<TokenName, string> {
    return this.double.tokens;
  }

  /** Environment for code-server (and so for the extension host): where the double is and its tokens. */
  env(): Record<string, string> {
    return { GLCR_DOUBLE_URL: this.url, GLCR_DOUBLE_TOKENS: JSON.stringify(this.tokens) };
  }

  /** Replaces the double by a freshly seeded one on the same port (same URL, same tokens). */
  async restart(options: DoubleOptions = this.options): Promise<GitLabDouble> {
    await withTimeout(this.double.close(), 3000);
    let lastError: unknown;
    for (let i = 0; i < 20; i++) {
      try {
        this.double = await startGitLabDouble({ ...options, port: this.port });
        this.options = { ...options };
        return this.double;
      } catch (e) {
        lastError = e;
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
        await sleep(100);
      }
    }
    throw new Error(`could not restart the GitLab double on port ${this.port}: ${String(lastError)}`);
  }

  async close(): Promise<void> {
    await withTimeout(this.double.close(), 3000);
  }
}

/**
 * A tiny HTTP control server for tests that run in another process (the extension host):
 *   POST /restart  body: DoubleOptions as JSON (port is ignored)  → 200 {"url", "tokens"}
 * Its URL reaches the extension host as GLCR_HARNESS_URL (see test/harness/inhost.ts restartDouble()).
 */
export async function startHarnessControl(host: DoubleHost): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      void (async () => {
        try {
          if (req.method === 'POST' && req.url === '/restart') {
            const opts = body.trim() ? (JSON.parse(body) as DoubleOptions) : {};
            const d = await host.restart({ scenario: 'small', ...opts });
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ url: d.url, tokens: d.tokens }));
          } else {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ message: `unknown harness route ${req.method} ${req.url}` }));
          }
        } catch (e) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: String(e) }));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

// `npm run gitlab:fake`: runs the GitLab double until SIGINT/SIGTERM and prints how to point glcr at it.
//   --scenario small|large   seed data (default small)
//   --port N                 listen port (default $PORT or 0 = any free port)
//   --legacy                 legacy registry (no metadata DB)
//   --latency MS             added to every response
//   --rate-limit N           throttle to N requests per minute per token
//   --link-origin URL        origin written into Link headers (GitLab behind a proxy)

import { startGitLabDouble } from './gitlabDouble';
import type { DoubleOptions } from './contract';

function usage(problem: string): never {
  process.stderr.write(`${problem}\nusage: gitlab:fake [--scenario small|large] [--port N] [--legacy] [--latency MS] [--rate-limit N] [--link-origin URL]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): DoubleOptions {
  const opts: DoubleOptions = { scenario: 'small', port: process.env.PORT ? Number(process.env.PORT) : 0 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    const count = (): number => {
      const v = value();
      if (!/^\d+$/.test(v)) usage(`${arg} needs a whole number, got ${v}`);
      return Number(v);
    };
    switch (arg) {
      case '--scenario': {
        const s = value();
        if (s !== 'small' && s !== 'large') usage(`unknown scenario ${s}`);
        opts.scenario = s;
        break;
      }
      case '--port': opts.port = count(); break;
      case '--legacy': opts.legacyRegistry = true; break;
      case '--latency': opts.latencyMs = count(); break;
      case '--rate-limit': opts.rateLimit = { perMinute: count() }; break;
      case '--link-origin': opts.linkOrigin = value(); break;
      case '--help': case '-h': usage('GitLab test double');
      // eslint-disable-next-line no-fallthrough
      default: usage(`unknown option ${arg}`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port! < 0 || opts.port! > 65535) usage('PORT must be 0..65535');
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const double = await startGitLabDouble(opts);
  const project = opts.scenario === 'large' ? 'org-01/service-001' : 'acme/platform/My.Project';
  const lines = [
    `GitLab double (${opts.scenario} scenario${opts.legacyRegistry ? ', legacy registry' : ''}) listening on ${double.url}`,
    `API: ${double.url}/api/v4    control API: ${double.url}/__double/`,
    '',
    'Tokens:',
    ...Object.entries(double.tokens).map(([name, value]) => `  ${name.padEnd(11)} ${value}`),
    '',
    'Try:',
    `  export GITLAB_URL=${double.url} GITLAB_TOKEN=${double.tokens.owner}`,
    '  glcr projects',
    `  glcr repos ${project}`,
    `  glcr tags ${project} 1 --details`,
    `  CI_JOB_TOKEN=${double.tokens.job} GITLAB_TOKEN= glcr repos ${project}`,
    `  curl -H "PRIVATE-TOKEN: ${double.tokens.owner}" ${double.url}/api/v4/projects/${encodeURIComponent(project)}/registry/repositories`,
    '',
    'Ctrl-C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => {
    double.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});

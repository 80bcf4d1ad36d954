// The GitLab double in its own process, so that the server's CPU work (GraphQL execution, JSON) does not
// run on the client's event loop: the benchmarks time the client, and a real GitLab is another machine.
// Started by lib.ts startDouble() with fork(); options come as JSON in argv[2]; it answers over IPC with
// {url, tokens} and stops on the message 'close' (or when the parent goes away).
import { startGitLabDouble } from '../test/double/gitlabDouble';
import type { DoubleOptions } from '../test/double/contract';

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as DoubleOptions;
  const double = await startGitLabDouble(opts);
  const stop = async (): Promise<void> => {
    await double.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'close') void stop();
  });
  process.on('disconnect', () => void stop());
  process.send?.({ url: double.url, tokens: double.tokens });
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});

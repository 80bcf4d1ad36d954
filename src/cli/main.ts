// Entry point of the `glcr` binary (bundled to dist/cli.js). Everything testable lives in run.ts; this
// file only connects it to the process: SIGINT, standard streams and the exit code.
import { criticalSection } from './criticalSection';
import { runCli } from './run';

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    process.stdin.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1024 * 1024) {
        reject(new Error('standard input is larger than 1 MiB'));
        process.stdin.destroy();
        return;
      }
      chunks.push(c);
    });
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/** Exits once stdout and stderr are flushed (a pipe may still hold the tail of a large JSON report). */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

function main(): void {
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts === 1) {
      // Stop sending; requests in flight finish so the report stays true.
      controller.abort();
      return;
    }
    const critical = criticalSection();
    if (critical && interrupts === 2) {
      process.stderr.write(`glcr: interrupted again: ${critical.doing}; waiting so that the tag is not left broken (press Ctrl-C once more to exit anyway)\n`);
      return;
    }
    if (critical) {
      process.stderr.write(`glcr: exiting at once: ${critical.ifKilled}\n`);
      process.exit(130);
    }
    process.stderr.write('glcr: interrupted twice: exiting without waiting for requests in flight (no report)\n');
    process.exit(130);
  });
  // A closed pipe (glcr … | head) is not an error worth a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  process.on('unhandledRejection', (e) => {
    process.stderr.write(`glcr: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });

  runCli(process.argv.slice(2), {
    env: process.env,
    writeStdout: (t) => process.stdout.write(t),
    writeStderr: (t) => process.stderr.write(t),
    readStdin,
    signal: controller.signal,
  }).then(exitAfterFlush, (e: unknown) => {
    process.stderr.write(`glcr: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    exitAfterFlush(1);
  });
}

main();

// Loaded with `node --require out/bench/rssProbe.js dist/cli.js …`: writes the process's peak resident set
// size (process.resourceUsage().maxRSS, kilobytes) to $GLCR_BENCH_RSS_FILE when it exits.
import * as fs from 'fs';

const file = process.env.GLCR_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      fs.writeFileSync(file, JSON.stringify({ maxRSS: process.resourceUsage().maxRSS }));
    } catch {
      // best effort
    }
  });
}

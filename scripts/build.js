#!/usr/bin/env node
// Bundles the extension and the CLI with esbuild. `--watch` rebuilds on change; `--dev` keeps maps.
const esbuild = require('esbuild');
const path = require('path');

const root = path.resolve(__dirname, '..');
const dev = process.argv.includes('--dev');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: !dev,
  sourcemap: dev,
  logLevel: 'warning',
  absWorkingDir: root,
  // node-fetch 2 pulls whatwg-url for URL parsing; Node's own URL does the job and keeps the bundle small.
  alias: { 'whatwg-url': './scripts/whatwg-url-shim.js' },
  // node-fetch's optional charset converter; never used by this project.
  external: ['encoding'],
};

/**
 * The extension loads re2js (its largest dependency, ~150 KB) from its own file at the first regex
 * (core/rules/regex.ts), so dist/extension.js stays small and activation does not read it.
 */
const re2jsBeside = {
  name: 're2js-beside',
  setup(build) {
    build.onResolve({ filter: /^re2js$/ }, () => ({ path: './re2js.js', external: true }));
  },
};

async function main() {
  await Promise.all([
    esbuild.build({
      ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['encoding', 'vscode'], plugins: [re2jsBeside],
    }),
    esbuild.build({ ...common, stdin: { contents: "module.exports = require('re2js');", resolveDir: root, loader: 'js' }, outfile: 'dist/re2js.js' }),
    esbuild.build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  ]);
}

main().catch((err) => {
  console.error(err.message || err);
  process.exit(1);
});

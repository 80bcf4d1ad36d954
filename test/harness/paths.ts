// Where things are, seen from the compiled harness (out/test/harness/*.js) or its TS source.
import * as fs from 'fs';
import * as path from 'path';

function findRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 8; i++) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'gitlab-container-registry') return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`repository root not found above ${start}`);
}

/** The repository root (holds package.json, dist/, out/). */
export const repoRoot = findRoot(__dirname);
/** test-results/ (JSON counts, screenshots, logs). */
export const resultsDir = path.join(repoRoot, 'test-results');
export const screenshotsDir = path.join(resultsDir, 'screenshots');
/** code-server installed by scripts/prereqs.js (outside the project's dependency tree). */
export const codeServerEntry = path.join(repoRoot, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** The extension under test, as VS Code identifies it. */
export const EXTENSION_ID = 'glcr.gitlab-container-registry';

export function packageJson(): { name: string; version: string; publisher: string } {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
}

/** The .vsix `npm run package` writes at the repository root. */
export function vsixPath(): string {
  const pj = packageJson();
  return path.join(repoRoot, `${pj.name}-${pj.version}.vsix`);
}

/** Writes test-results/<suite>.json = {"passed":N,"failed":M} (what scripts/test.js reads). */
export function writeResults(suite: string, counts: { passed: number; failed: number; skipped?: number }): void {
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, `${suite}.json`), JSON.stringify(counts) + '\n');
}

/** A file-name-safe slug for screenshots. */
export function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 100) || 'unnamed';
}

export function elapsed(t0: number): string {
  return `${((Date.now() - t0) / 1000).toFixed(1)} s`;
}

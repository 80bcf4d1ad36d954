// The GitLab CI/CD components in templates/: valid YAML in GitLab's component layout with documented
// inputs, and the commands their scripts run, executed as a job would (sh, the variables GitLab sets, a
// `glcr` on PATH) against the GitLab double and an in-process registry.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startGitLabDouble } from '../double/gitlabDouble';
import { startFakeRegistry } from '../registry/fakeRegistry';
import { CLI } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { loadAll(text: string): unknown[] };

const ROOT = path.resolve(__dirname, '..', '..', '..');
const TEMPLATES = path.join(ROOT, 'templates');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'glcr-templates-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

interface Input { default?: unknown; description?: string; type?: string }
interface Component { inputs: Record<string, Input>; jobs: Record<string, { script: string[]; [k: string]: unknown }>; text: string }

function load(file: string): Component {
  const text = fs.readFileSync(path.join(TEMPLATES, file), 'utf8');
  const docs = yaml.loadAll(text) as Array<Record<string, unknown>>;
  assert.equal(docs.length, 2, `${file}: a spec document, then the jobs`);
  const spec = docs[0].spec as { inputs: Record<string, Input> };
  return { inputs: spec.inputs, jobs: docs[1] as Component['jobs'], text };
}

/** GitLab's $[[ inputs.x ]] interpolation: a given value, else the default; a missing mandatory input fails. */
function interpolate(c: Component, given: Record<string, string | boolean>): Component['jobs'] {
  const out = c.text.split('\n---\n')[1].replace(/\$\[\[\s*inputs\.([a-z_]+)\s*\]\]/g, (_, name: string) => {
    const input = c.inputs[name];
    assert.ok(input, `undeclared input ${name}`);
    const v = name in given ? given[name] : input.default;
    assert.notEqual(v, undefined, `mandatory input ${name} not given`);
    return String(v);
  });
  return yaml.loadAll(out)[0] as Component['jobs'];
}

/** Runs a job's script lines with sh in a fresh directory, with `glcr` = node dist/cli.js on PATH. */
async function runJob(script: string[], env: Record<string, string>): Promise<{ code: number | null; dir: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(work, 'job-'));
  const bin = path.join(dir, '.bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'glcr'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, '.job.sh'), `set -e\n${script.join('\n')}\n`);
  return new Promise((resolve) => {
    const child = spawn('sh', ['.job.sh'], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH ?? ''}`, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, dir, stderr });
    });
  });
}

test('components: GitLab\'s layout (spec: inputs:, then jobs), every input described here and in templates/README.md', () => {
  const readme = fs.readFileSync(path.join(TEMPLATES, 'README.md'), 'utf8');
  for (const file of ['review-image-cleanup.yml', 'scheduled-cleanup.yml']) {
    const c = load(file);
    assert.ok(Object.keys(c.inputs).length >= 5, file);
    for (const [name, input] of Object.entries(c.inputs)) {
      assert.ok(typeof input.description === 'string' && input.description.length > 10, `${file}: ${name} has a description`);
      assert.ok(readme.includes(`\`${name}\``), `templates/README.md documents ${name}`);
      if (input.type === 'boolean') assert.equal(typeof input.default, 'boolean', `${file}: ${name}`);
    }
    assert.ok(readme.includes(`templates/${file.replace(/\.yml$/, '')}`) || readme.includes(file.replace(/\.yml$/, '')), `README shows include of ${file}`);
  }
  const review = interpolate(load('review-image-cleanup.yml'), { glcr_image: 'glcr:test' });
  const job = review.stop_review_image as unknown as { environment: { action: string }; script: string[]; image: string };
  assert.equal(job.environment.action, 'stop');
  assert.equal(job.image, 'glcr:test');
  assert.deepEqual(job.script, ['glcr image rm "$CI_REGISTRY_IMAGE:$CI_COMMIT_REF_SLUG" --yes --json']);
});

test('review-image-cleanup: the stop job removes exactly the branch\'s tag with the job\'s registry credentials', async () => {
  const password = 'job-token-Pa55-review';
  const reg = await startFakeRegistry({ auth: 'token', users: { 'gitlab-ci-token': { password, actions: ['pull', 'push', 'delete'] } } });
  try {
    const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'1'.repeat(64)}`, size: 2 }, layers: [] };
    reg.putManifest('feature-login', manifest);
    reg.putManifest('main', manifest);
    const job = interpolate(load('review-image-cleanup.yml'), { glcr_image: 'glcr:test' }).stop_review_image;
    const r = await runJob(job.script, {
      CI_REGISTRY: reg.host, CI_REGISTRY_IMAGE: `${reg.host}/acme/app`, CI_REGISTRY_USER: 'gitlab-ci-token', CI_REGISTRY_PASSWORD: password,
      CI_JOB_TOKEN: password, CI_COMMIT_REF_SLUG: 'feature-login', CI_COMMIT_REF_NAME: 'feature/Login', CI_SERVER_URL: reg.realmOrigin,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual([...reg.tags.keys()].sort(), ['main'], 'the sibling tag on the same image stays');
    assert.ok(!r.stderr.includes(password));
  } finally {
    await reg.close();
  }
});

test('scheduled-cleanup: writes the plan and a Markdown summary, deletes nothing unless `delete` is true', async () => {
  const d = await startGitLabDouble({ scenario: 'small' });
  try {
    const c = load('scheduled-cleanup.yml');
    const env = {
      CI_SERVER_URL: d.url, CI_PROJECT_PATH: 'acme/platform/My.Project', CI_PROJECT_ID: '1', CI_PIPELINE_SOURCE: 'schedule',
      CI_JOB_TOKEN: d.tokens.job, GITLAB_TOKEN: d.tokens.owner,
    };
    const inputs = { glcr_image: 'glcr:test', group: 'acme', delete_regex: 'v.*', older_than: '15d', repos: 'my\\.project' };
    const dry = await runJob(interpolate(c, inputs)['glcr-scheduled-cleanup'].script, env);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(fs.readFileSync(path.join(dry.dir, 'glcr-plan.json'), 'utf8')) as { delete_count: number; plans: Array<{ repository: string; delete: string[] }> };
    assert.equal(plan.delete_count, 3);
    assert.deepEqual(plan.plans.map((p) => [p.repository, p.delete]), [
      ['acme/platform/my.project', ['v1.0.0']], ['acme/platform/my.project/api', ['v2.0.0', 'v2.1.0']], ['acme/platform/my.project/tools/cli', []],
    ]);
    const summary = fs.readFileSync(path.join(dry.dir, 'glcr-summary.md'), 'utf8');
    assert.match(summary, /^# Container registry cleanup plan\n\n\*\*3\*\* tags to delete in \*\*2\*\* of 3 repositories\./);
    assert.match(summary, /\| acme\/platform\/my\.project\/api \| 2 \| 2 \| `v2\.0\.0`, `v2\.1\.0` \|/);
    assert.ok(!fs.existsSync(path.join(dry.dir, 'glcr-report.json')));
    assert.ok(!d.requests.some((q) => q.method === 'DELETE'));

    // The project itself with its job token (a Developer's: the protected v* tags would be refused), deleting.
    const { GITLAB_TOKEN: _pat, ...jobEnv } = env;
    const wet = await runJob(interpolate(c, { ...inputs, group: '', delete_regex: 'dev-.*', delete: true })['glcr-scheduled-cleanup'].script, jobEnv);
    assert.equal(wet.code, 0, wet.stderr);
    const report = JSON.parse(fs.readFileSync(path.join(wet.dir, 'glcr-report.json'), 'utf8')) as { results: Array<{ repository: string; deleted: string[] }> };
    assert.deepEqual(report.results.map((r) => [r.repository, r.deleted]), [['acme/platform/my.project', ['dev-0001', 'dev-0002']]]);
    assert.deepEqual(d.repositoryByPath('acme/platform/my.project')!.tags.map((t) => t.name),
      ['feature-login', 'latest', 'main', 'v1.0.0', 'v1.2.2', 'v1.2.3']);
  } finally {
    await d.close();
  }
});

test('Dockerfile: the final image holds node and dist/cli.js only (no npm, no sources); cli.js runs on its own', async () => {
  const text = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const final = text.slice(text.lastIndexOf('\nFROM '));
  assert.deepEqual([...final.matchAll(/^COPY (.*)$/gm)].map((m) => m[1]), [
    '--from=build /usr/local/bin/node /usr/local/bin/node',
    '--from=build /src/dist/cli.js /usr/local/lib/glcr/cli.js',
  ]);
  assert.ok(!/\bnpm\b/.test(final), 'no npm in the final stage');
  // What the image runs: cli.js alone in a directory, without node_modules or package.json beside it.
  const alone = fs.mkdtempSync(path.join(work, 'image-'));
  fs.copyFileSync(CLI, path.join(alone, 'cli.js'));
  const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(alone, 'cli.js'), '--version'], { cwd: alone, env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('close', (code) => resolve({ code, stdout }));
  });
  assert.equal(out.code, 0);
  assert.equal(out.stdout.trim(), (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
});

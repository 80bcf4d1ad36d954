// The rule preview's pure parts: the view model (reasons, totals, ordering, notes on where GitLab's own run
// may differ, garbage-collection wording), the HTML escaping, the Content-Security-Policy, the timeline.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateRule, type Rule } from '../../src/core/rules/engine';
import type { TagDetails } from '../../src/core/types';
import {
  buildPreviewModel, buildSection, englishOnly, garbageCollectionNote, GARBAGE_COLLECTION_DOCS, spaceFreedText, type PreviewInput,
} from '../../src/extension/rules/previewModel';
import { contentSecurityPolicy, escapeHtml, makeNonce, renderPreviewHtml, renderTimeline } from '../../src/extension/rules/previewHtml';
import { aggregateByWeek, chartFor } from '../../src/extension/rules/previewChart';
import { cadenceText, policyDescription, policyDetails } from '../../src/extension/rules/policyText';

const NOW = Date.parse('2025-06-01T00:00:00Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW - days * DAY).toISOString();

function tag(name: string, days: number | null, digest: string, size: number | null): TagDetails {
  return {
    name, path: `g/p:${name}`, location: `reg.example:5050/g/p:${name}`, digest, revision: null, short_revision: null,
    created_at: days === null ? null : ago(days), total_size: size,
  };
}

const TAGS: TagDetails[] = [
  tag('latest', 1, 'sha256:aaaa000000000000', 100),
  tag('main', 10, 'sha256:aaaa000000000000', 100),       // same image as latest
  tag('v1.0.0', 200, 'sha256:bbbb000000000000', 300),
  tag('dev-1', 40, 'sha256:cccc000000000000', 50),
  tag('dev-2', 35, 'sha256:dddd000000000000', 60),
  tag('dev-3', 3, 'sha256:eeee000000000000', 70),
  tag('dev-old-alias', 40, 'sha256:bbbb000000000000', 300), // same image as the kept v1.0.0
  tag('nodate', null, 'sha256:ffff000000000000', null),
];
const RULE: Rule = { deleteRegex: '.*', keepRegex: 'v.*', keepN: 1, olderThan: '7d' };

function input(tags = TAGS, rule = RULE, extra: Partial<PreviewInput> = {}): PreviewInput {
  const evaluation = evaluateRule(tags, rule, { now: NOW });
  return { ...evaluation, protection: 'checked', legacyRegistry: false, now: NOW, ...extra };
}

const repo = { location: 'reg.example:5050/g/p', id: 1, projectId: 7 };

describe('preview view model', () => {
  test('deleteNames is exactly the engine\'s delete list; every tag has one row with the engine\'s reason', () => {
    const evaluation = evaluateRule(TAGS, RULE, { now: NOW });
    const section = buildSection(input(), RULE, repo, englishOnly);
    assert.deepEqual(section.deleteNames, evaluation.delete);
    assert.equal(section.rows.length, TAGS.length);
    for (const d of evaluation.decisions) {
      const row = section.rows.find((r) => r.name === d.name)!;
      assert.equal(row.action, d.action, d.name);
      assert.equal(row.reason, d.reason, d.name);
    }
  });

  test('reason texts', () => {
    const section = buildSection(input(), RULE, repo, englishOnly);
    const reason = (name: string) => section.rows.find((r) => r.name === name)!.reasonText;
    assert.match(reason('latest'), /latest.*never deletes/);
    assert.equal(reason('v1.0.0'), 'matches the keep regex');
    assert.equal(reason('nodate'), 'one of the 1 newest matching tags'); // no timestamp sorts as "now"
    assert.equal(reason('dev-3'), 'not older than 7d');
    assert.equal(reason('dev-1'), 'matches the rule');
    const noStamp = buildSection(input(TAGS, { ...RULE, keepN: null }), { ...RULE, keepN: null }, repo, englishOnly);
    assert.match(noStamp.rows.find((r) => r.name === 'nodate')!.reasonText, /no creation date/);
    const noMatch = buildSection(input(TAGS, { deleteRegex: 'dev-.*' }), { deleteRegex: 'dev-.*' }, repo, englishOnly);
    assert.equal(noMatch.rows.find((r) => r.name === 'main')!.reasonText, 'does not match the delete regex');
  });

  test('ordering: deletions first, then kept; newest first, no timestamp as "now", ties by name', () => {
    const section = buildSection(input(), RULE, repo, englishOnly);
    const del = section.rows.filter((r) => r.action === 'delete').map((r) => r.name);
    const keep = section.rows.filter((r) => r.action === 'keep').map((r) => r.name);
    assert.deepEqual(section.rows.map((r) => r.name), [...del, ...keep]);
    assert.deepEqual(del, ['main', 'dev-2', 'dev-1', 'dev-old-alias']);
    assert.deepEqual(keep, ['nodate', 'latest', 'dev-3', 'v1.0.0']);
  });

  test('totals: counts, bytes, and what garbage collection can reclaim (not images kept tags still use)', () => {
    const s = buildSection(input(), RULE, repo, englishOnly).totals;
    assert.equal(s.tags, 8);
    assert.equal(s.deleteCount, 4);
    assert.equal(s.keepCount, 4);
    assert.equal(s.deleteBytes, 100 + 60 + 50 + 300);
    assert.equal(s.keepBytes, 100 + 70 + 300);
    // main shares latest's image, dev-old-alias shares v1.0.0's: only dev-1 and dev-2 can be reclaimed.
    assert.equal(s.reclaimableBytes, 110);
    assert.equal(s.sharedWithKept, 2);
  });

  test('notes: more than 1,000 tags, legacy registry, unreadable protection, top-level |, shared images', () => {
    const plain = buildSection(input(), RULE, repo, englishOnly);
    assert.ok(!plain.notes.some((n) => /1000|legacy|protection/.test(n)), plain.notes.join('\n'));
    assert.ok(plain.notes.some((n) => /2 of the tags to delete point to an image that a kept tag still uses/.test(n)));

    const many = Array.from({ length: 1001 }, (_, i) => tag(`b-${String(i).padStart(4, '0')}`, i % 50, `sha256:${i}`, 1));
    const big = buildSection(input(many, { deleteRegex: '.*' }), { deleteRegex: '.*' }, repo, englishOnly);
    assert.ok(big.notes.some((n) => /1001 tags.*1000 tags at a time.*slightly different/.test(n)), big.notes.join('\n'));
    assert.equal(big.notes.filter((n) => /1000/.test(n)).length, 1, 'the engine\'s English duplicate is replaced');

    const legacy = buildSection(input(TAGS, RULE, { legacyRegistry: true }), RULE, repo, englishOnly);
    assert.ok(legacy.notes.some((n) => /legacy registry.*200 \+ keep N.*random/.test(n)));

    const unknown = buildSection(input(TAGS, RULE, { protection: 'unknown', protectionNote: '403 Forbidden' }), RULE, repo, englishOnly);
    assert.ok(unknown.notes.some((n) => /protection rules could not be read \(403 Forbidden\)/.test(n)));

    const alt: Rule = { deleteRegex: 'dev|main' };
    const alternation = buildSection(input(TAGS, alt), alt, repo, englishOnly);
    assert.equal(alternation.notes.filter((n) => /top-level "\|"/.test(n)).length, 1);
  });

  test('garbage collection wording: GitLab.com (host) vs self-managed, one Learn more link', () => {
    const com = garbageCollectionNote('https://gitlab.com', englishOnly);
    assert.match(com.text, /GitLab\.com.*online.*24 hours/);
    const sm = garbageCollectionNote('https://gitlab.example.com/gitlab', englishOnly);
    assert.match(sm.text, /administrator runs "sudo gitlab-ctl registry-garbage-collect" \("-m" also removes untagged manifests\)/);
    assert.equal(com.learnMoreUrl, GARBAGE_COLLECTION_DOCS);
    assert.equal(sm.learnMoreUrl, 'https://docs.gitlab.com/administration/packages/container_registry/#container-registry-garbage-collection');
    const model = buildPreviewModel({ title: 'T', rule: RULE, instanceUrl: 'https://gitlab.com', sections: [], actions: true, t: englishOnly });
    assert.equal(model.ruleSummary, 'delete regex .* · keep regex v.* · keep the 1 newest · older than 7d');
  });

  test('the rule shows raw patterns, never JSON-escaped', () => {
    const model = buildPreviewModel({ title: 'T', rule: { deleteRegex: 'v\\d+', keepRegex: '"main"|x' }, instanceUrl: 'https://gitlab.com', sections: [], actions: false, t: englishOnly });
    assert.equal(model.ruleSummary, 'delete regex v\\d+ · keep regex "main"|x');
    const html = renderPreviewHtml(model, { nonce: 'N', cspSource: 'x', t: englishOnly });
    assert.ok(html.includes('Rule: delete regex v\\d+ · keep regex &quot;main&quot;|x'));
  });
});

describe('preview HTML', () => {
  test('escapeHtml escapes every character that could open markup or end an attribute', () => {
    assert.equal(escapeHtml(`<img src=x onerror="a('b')">&\``), '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;&#96;');
    assert.equal(escapeHtml('v1.0.0_-'), 'v1.0.0_-');
    assert.equal(escapeHtml(null), '');
    assert.equal(escapeHtml(42), '42');
  });

  test('CSP: default-src none, nonce for script and style, no remote source', () => {
    const csp = contentSecurityPolicy('https://abc.vscode-cdn.net', 'N0NCE');
    assert.match(csp, /^default-src 'none'/);
    assert.match(csp, /script-src 'nonce-N0NCE'(;|$)/);
    assert.match(csp, /style-src https:\/\/abc\.vscode-cdn\.net 'nonce-N0NCE'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|http:|https:\/\/(?!abc\.vscode-cdn\.net)/);
    const nonce = makeNonce();
    assert.match(nonce, /^[A-Za-z0-9]{32}$/);
    assert.notEqual(nonce, makeNonce());
  });

  test('the nonce comes from the CSPRNG, not Math.random (which is predictable)', () => {
    const original = Math.random;
    Math.random = () => 0;
    try {
      const first = makeNonce();
      assert.match(first, /^[0-9a-f]{32}$/);
      assert.notEqual(first, makeNonce());
      assert.notEqual(first, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    } finally {
      Math.random = original;
    }
  });

  test('the page: CSP meta, nonce on script and style, hostile names and digests escaped everywhere', () => {
    const hostile = tag('x"><script>alert(1)</script>', 10, 'sha256:"><b>d', 5);
    const tags = [...TAGS, hostile];
    const section = buildSection(input(tags), RULE, { ...repo, location: 'reg/<p>' }, englishOnly);
    const model = buildPreviewModel({ title: 'Delete <b>', rule: { ...RULE, deleteRegex: '<.*>' }, instanceUrl: 'https://gitlab.com', sections: [section], actions: true, t: englishOnly });
    const html = renderPreviewHtml(model, { nonce: 'N0NCE', cspSource: 'vscode-webview://x', t: englishOnly });
    assert.ok(html.includes(`content="${escapeHtml(contentSecurityPolicy('vscode-webview://x', 'N0NCE'))}"`));
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="N0NCE">/);
    assert.match(html, /<style nonce="N0NCE">/);
    assert.ok(!html.includes('<script>alert'), 'tag name not raw');
    assert.ok(!html.includes('"><b>'), 'digest not raw');
    assert.ok(!html.includes('<b>'), 'title not raw');
    assert.ok(html.includes('x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.doesNotMatch(html, /(src|href)="(?!https:\/\/docs\.gitlab\.com\/)[a-z]+:/i, 'no remote resources');
    assert.match(html, /Delete 5 tags…/);
    assert.match(html, /Schedule GitLab&#39;s cleanup instead…/);
    assert.match(html, /href="https:\/\/docs\.gitlab\.com\/administration\/packages\/container_registry\/#container-registry-garbage-collection"/);
  });

  test('read-only preview (policy): no buttons; only the nonce\'d script that filters and sorts', () => {
    const section = buildSection(input(), RULE, repo, englishOnly);
    const model = buildPreviewModel({ title: 'Policy', rule: RULE, instanceUrl: 'https://gitlab.example', sections: [section], actions: false, intro: 'next run', t: englishOnly });
    const html = renderPreviewHtml(model, { nonce: 'N', cspSource: 'x', t: englishOnly });
    assert.doesNotMatch(html, /<button/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="N">/);
    assert.match(html, /next run/);
  });

  test('table: human dates with the exact value in the title, sortable columns with raw sort values, a filter', () => {
    const section = buildSection(input(), RULE, repo, englishOnly);
    const model = buildPreviewModel({ title: 'T', rule: RULE, instanceUrl: 'https://gitlab.example', sections: [section], actions: true, t: englishOnly });
    const html = renderPreviewHtml(model, { nonce: 'N', cspSource: 'x', t: englishOnly });
    const row = /<tr class="del" data-name="dev-1"[^>]*>(.*?)<\/tr>/.exec(html)?.[1] ?? '';
    assert.equal(row, '<td>delete</td><td class="name">dev-1</td><td>matches the rule</td>'
      + `<td data-v="${NOW - 40 * DAY}" title="2025-04-22T00:00:00.000Z">2025-04-22 00:00 UTC · last month</td>`
      + '<td class="num" data-v="50">50 B</td><td class="digest" title="sha256:cccc000000000000">cccc00000000</td>');
    assert.ok(html.includes('<td data-v="" title="">no date</td>'), 'an undated tag');
    assert.deepEqual([...html.matchAll(/<th data-sort="(\w+)" data-column="(\w+)"/g)].map((m) => `${m[2]}:${m[1]}`),
      ['action:text', 'name:text', 'reason:text', 'created:num', 'size:num', 'digest:text']);
    assert.ok(html.includes('<input type="search" class="filter" placeholder="Filter tags by name"'));
    assert.ok(html.includes('<span class="shown" data-template="{0} of 8 tags shown">8 of 8 tags shown</span>'));
    assert.doesNotMatch(html, /T\d\d:\d\d:\d\d\.\d+Z</, 'no raw ISO date as visible text');
  });

  test('several repositories: a summary table first (one row each, with counts), then collapsible sections', () => {
    const a = buildSection(input(), RULE, { ...repo, id: 11, location: 'reg/p/a' }, englishOnly);
    const b = buildSection(input(TAGS.slice(0, 3)), RULE, { ...repo, id: 12, location: 'reg/p/b' }, englishOnly);
    const model = buildPreviewModel({ title: 'Policy', rule: RULE, instanceUrl: 'https://gitlab.example', sections: [a, b], actions: false, t: englishOnly });
    const html = renderPreviewHtml(model, { nonce: 'N', cspSource: 'x', t: englishOnly });
    const summary = /<table class="summary">.*?<\/table>/.exec(html)?.[0] ?? '';
    assert.ok(html.indexOf('<table class="summary">') < html.indexOf('<details'), 'summary first');
    assert.deepEqual([...summary.matchAll(/<tr data-repository-id="(\d+)">(.*?)<\/tr>/g)].map((m) => `${m[1]}|${m[2].replace(/<[^>]+>/g, '|')}`), [
      '11|||reg/p/a|||8||4||4||510 B||110 B|',
      '12|||reg/p/b|||3||0||3||0 B||0 B|', // latest, v1.0.0 (keep regex) and main (keep the 1 newest) stay
    ]);
    assert.ok(html.includes('<a href="#repo-11" data-open="repo-11">reg/p/a</a>'));
    assert.ok(html.includes('<details class="repo" id="repo-11" data-repository-id="11" open><summary><h2>reg/p/a</h2> <span class="counts">4 to delete, 4 to keep</span></summary>'));
    assert.ok(html.includes('<details class="repo" id="repo-12" data-repository-id="12"><summary><h2>reg/p/b</h2> <span class="counts">0 to delete, 3 to keep</span></summary>'));
    const single = renderPreviewHtml(buildPreviewModel({ title: 'P', rule: RULE, instanceUrl: 'https://gitlab.example', sections: [a], actions: false, t: englishOnly }), { nonce: 'N', cspSource: 'x', t: englishOnly });
    assert.doesNotMatch(single, /class="summary"/, 'one repository needs no summary table');
  });

  test('timeline: one point per tag, coloured by action, undated tags in the labelled band at the right edge', () => {
    const section = buildSection(input(), RULE, repo, englishOnly);
    const svg = renderTimeline(section, englishOnly);
    assert.equal((svg.match(/<circle /g) ?? []).length, TAGS.length);
    assert.equal((svg.match(/class="pt del"/g) ?? []).length, 4);
    assert.equal((svg.match(/class="pt keep"/g) ?? []).length, 4);
    assert.match(svg, /no date/);
    const undated = /<circle class="pt keep" cx="([\d.]+)"[^>]*data-name="nodate"/.exec(svg);
    assert.ok(undated);
    const xs = [...svg.matchAll(/cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    assert.equal(Number(undated[1]), Math.max(...xs));
    assert.match(svg, /<title>dev-1\nsha256:cccc000000000000\n[^<]*\ndeleted: matches the rule<\/title>/);
  });

  test('timeline of 10,050 tags: weekly stacked bars (count and size, deleted vs kept), not 10,050 points', () => {
    const base = buildSection(input(), RULE, repo, englishOnly);
    const template = base.rows[0];
    // One tag an hour back from NOW (Sunday 2025-06-01 00:00): 10,050 hours ≈ 60 weeks; odd ones kept.
    const rows = Array.from({ length: 10_050 }, (_, i) => ({
      ...template, name: `t${i}`, time: NOW - i * 3_600_000, size: 1_000_000, action: (i % 2 ? 'keep' : 'delete') as 'keep' | 'delete',
    }));
    const svg = renderTimeline({ ...base, rows }, englishOnly);
    assert.equal((svg.match(/<circle /g) ?? []).length, 0);
    assert.match(svg, /aria-label="Tags per week \(top\) and their size \(bottom\), deleted and kept"/);
    // Weeks 2024-04-08 … 2025-05-26: 60 bars, each drawn in both panels (count, size).
    assert.equal((svg.match(/<g class="bar">/g) ?? []).length, 120);
    assert.ok(svg.includes('>2024-04-08<') && svg.includes('>2025-06-01<'), 'first Monday, last Sunday');
    assert.ok(svg.includes('<title>2025-05-26 to 2025-06-01\ndeleted: 73 tags, 73.0 MB\nkept: 72 tags, 72.0 MB</title>'));
    assert.ok(svg.includes('>168<') && svg.includes('>168.0 MB<'), 'a full week: 168 tags of 1 MB each');
  });

  test('aggregateByWeek: contiguous Monday weeks, empty weeks kept, several weeks per bar for a long history', () => {
    const base = buildSection(input(), RULE, repo, englishOnly).rows[0];
    const at = (iso: string | null, action: 'delete' | 'keep', size: number | null) =>
      ({ ...base, time: iso ? Date.parse(iso) : null, action, size });
    const chart = aggregateByWeek([
      at('2025-05-05T10:00:00Z', 'delete', 10), at('2025-05-11T23:59:59Z', 'keep', 5), // Mon and Sun of one week
      at('2025-05-26T00:00:00Z', 'delete', null), at(null, 'keep', 7),
    ]);
    assert.equal(chart.weeksPerBar, 1);
    assert.deepEqual(chart.bars.map((b) => [new Date(b.start!).toISOString().slice(0, 10), b.delete.count, b.delete.bytes, b.keep.count, b.keep.bytes]), [
      ['2025-05-05', 1, 10, 1, 5], ['2025-05-12', 0, 0, 0, 0], ['2025-05-19', 0, 0, 0, 0], ['2025-05-26', 1, 0, 0, 0],
    ]);
    assert.deepEqual(chart.undated, { start: null, end: null, delete: { count: 0, bytes: 0 }, keep: { count: 1, bytes: 7 } });
    const long = aggregateByWeek([at('2020-01-06T00:00:00Z', 'keep', 1), at('2025-05-26T00:00:00Z', 'keep', 1)], 120);
    assert.equal(long.weeksPerBar, 3); // 282 weeks in bars of 3
    assert.equal(long.bars.length, 94);
    assert.equal(chartFor(Array.from({ length: 300 }, () => base)).kind, 'points');
    assert.equal(chartFor(Array.from({ length: 301 }, () => base)).kind, 'bars');
  });
});

describe('cleanup policy text', () => {
  const policy = { cadence: '7d', enabled: true, keep_n: 5, older_than: '30d', name_regex: '.*', name_regex_keep: 'v.*', next_run_at: '2025-06-08T00:00:00.000Z' };
  test('description and tooltip lines', () => {
    assert.equal(policyDescription(policy, englishOnly), 'on · every week · keep 5 · older than 30d');
    assert.equal(policyDescription({ ...policy, enabled: false }, englishOnly), 'off');
    assert.equal(cadenceText('3month', englishOnly), 'every 3 months');
    const lines = Object.fromEntries(policyDetails(policy, englishOnly));
    assert.equal(lines['Next run'], '2025-06-08T00:00:00.000Z');
    assert.equal(lines['Keep regex'], 'v.*');
    assert.equal(Object.fromEntries(policyDetails({ ...policy, keep_n: null, enabled: false }, englishOnly))['Keep the newest'], 'none');
  });
});

describe('the modal\'s space line (garbage collection is explained once, in the preview)', () => {
  test('the preview\'s upper bound until the storage figure is passed in; then that figure', () => {
    const section = buildSection(input(), RULE, repo, englishOnly);
    assert.equal(spaceFreedText(section, englishOnly), 'Garbage collection can reclaim at most 110 B (see the preview).');
    assert.equal(spaceFreedText(section, englishOnly, 1_500_000), 'Frees 1.50 MB after garbage collection (see the preview).');
  });
});

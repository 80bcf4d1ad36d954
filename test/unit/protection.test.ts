import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decideRepository, decideTag, repositoryPatternMatches, tagProtection, tagRefusal, verdictJson, verdictLabel,
  type ProjectProtection,
} from '../../src/core/protection';
import type { RepositoryProtectionRule, TagProtectionRule } from '../../src/core/types';

const tagRule = (id: number, pattern: string, del: TagProtectionRule['minimum_access_level_for_delete'],
  push: TagProtectionRule['minimum_access_level_for_push'] = del): TagProtectionRule =>
  ({ id, project_id: 7, tag_name_pattern: pattern, minimum_access_level_for_push: push, minimum_access_level_for_delete: del });
const repoRule = (id: number, pattern: string, del: RepositoryProtectionRule['minimum_access_level_for_delete']): RepositoryProtectionRule =>
  ({ id, project_id: 7, repository_path_pattern: pattern, minimum_access_level_for_push: 'maintainer', minimum_access_level_for_delete: del });

const RULES = [tagRule(1, 'release-.*', 'owner'), tagRule(2, '^v\\d', 'maintainer'), tagRule(3, '^stable$', null, null), tagRule(4, 'push-only', null, 'owner')];
const project = (accessLevel: number | null, over: Partial<ProjectProtection> = {}): ProjectProtection =>
  ({ tagRules: RULES, repositoryRules: [repoRule(9, 'group/app/secure-*', 'admin')], accessLevel, ...over });

test('tag: every role against a Maintainer rule, an Owner rule, an immutable rule and a push-only rule', () => {
  const rows: Array<[number, string, string]> = [];
  for (const [role, level] of [['developer', 30], ['maintainer', 40], ['owner', 50], ['admin', 60]] as const) {
    for (const name of ['release-1', 'v1.0', 'stable', 'push-only', 'dev']) {
      const v = decideTag(project(level), name);
      rows.push([level, name, v.deletable === false ? `${v.reason}:${v.rule}:${v.needs}` : String(v.deletable)]);
      void role;
    }
  }
  assert.deepEqual(rows, [
    [30, 'release-1', 'protected:release-.*:owner'], [30, 'v1.0', 'protected:^v\\d:maintainer'], [30, 'stable', 'immutable:^stable$:null'], [30, 'push-only', 'true'], [30, 'dev', 'true'],
    [40, 'release-1', 'protected:release-.*:owner'], [40, 'v1.0', 'true'], [40, 'stable', 'immutable:^stable$:null'], [40, 'push-only', 'true'], [40, 'dev', 'true'],
    [50, 'release-1', 'true'], [50, 'v1.0', 'true'], [50, 'stable', 'immutable:^stable$:null'], [50, 'push-only', 'true'], [50, 'dev', 'true'],
    [60, 'release-1', 'true'], [60, 'v1.0', 'true'], [60, 'stable', 'immutable:^stable$:null'], [60, 'push-only', 'true'], [60, 'dev', 'true'],
  ]);
});

test('tag: the most restrictive matching rule wins and is the one named', () => {
  const p = project(40, { tagRules: [tagRule(1, 'rel', 'maintainer'), tagRule(2, 'release', 'admin'), tagRule(3, 'e', 'owner')] });
  assert.deepEqual(decideTag(p, 'release-2'), { deletable: false, reason: 'protected', rule: 'release', needs: 'admin' });
});

test('tag: patterns are RE2, unanchored; an invalid pattern protects every tag with a warning', () => {
  assert.equal(decideTag(project(30), 'pre-release-3').deletable, false);
  const bad = tagProtection([tagRule(5, '(?=x)', 'owner')], 40);
  assert.equal(bad.decide('anything').deletable, false);
  assert.match(bad.warnings[0], /rule 5 has a pattern RE2 rejects/);
});

test('tag: unknown when the rules cannot be read and no per-tag answer; per-tag GraphQL levels decide otherwise', () => {
  const unreadable = project(30, { tagRules: null });
  assert.deepEqual(decideTag(unreadable, 'release-1'), { deletable: null });
  assert.deepEqual(decideTag(unreadable, 'release-1', null), { deletable: true });
  assert.deepEqual(decideTag(unreadable, 'release-1', { minimumAccessLevelForDelete: 'owner', minimumAccessLevelForPush: 'owner' }),
    { deletable: false, reason: 'protected', rule: '', needs: 'owner' });
  assert.deepEqual(decideTag(unreadable, 'stable', { minimumAccessLevelForDelete: null, minimumAccessLevelForPush: null }),
    { deletable: false, reason: 'immutable', rule: '', needs: null });
  // Role unknown: a matching role rule cannot be judged, an immutable one can.
  assert.deepEqual(decideTag(project(null), 'release-1'), { deletable: null });
  assert.equal(decideTag(project(null), 'stable').deletable, false);
  assert.deepEqual(decideTag(project(null), 'dev'), { deletable: true });
});

test('repository: `*` globs on the whole path; delete level against the role; tag rules block a repository with tags', () => {
  assert.equal(repositoryPatternMatches('group/app/secure-*', 'group/app/secure-api'), true);
  assert.equal(repositoryPatternMatches('group/app/secure-*', 'group/app/secure'), false);
  assert.equal(repositoryPatternMatches('group/*', 'group/app/x'), true);
  assert.equal(repositoryPatternMatches('a.b', 'axb'), false);
  const noTagRules = (level: number | null) => project(level, { tagRules: [] });
  assert.deepEqual(decideRepository(noTagRules(50), 'group/app/secure-api'), { deletable: false, reason: 'protected', rule: 'group/app/secure-*', needs: 'admin' });
  assert.deepEqual(decideRepository(noTagRules(60), 'group/app/secure-api'), { deletable: true });
  assert.deepEqual(decideRepository(noTagRules(40), 'group/app/web'), { deletable: true });
  assert.deepEqual(decideRepository(noTagRules(null), 'group/app/secure-api'), { deletable: null });
  assert.deepEqual(decideRepository(project(40, { repositoryRules: null, tagRules: [] }), 'group/app/web'), { deletable: null });
  // Tag rules: immutable blocks everyone (Owner too); an Owner rule blocks a Maintainer; none when empty.
  assert.deepEqual(decideRepository(project(50), 'group/app/web'), { deletable: false, reason: 'immutable', rule: '^stable$', needs: null });
  const ownerRule = project(40, { tagRules: [tagRule(1, 'release-.*', 'owner')] });
  assert.deepEqual(decideRepository(ownerRule, 'group/app/web'), { deletable: false, reason: 'protected', rule: 'release-.*', needs: 'owner' });
  assert.deepEqual(decideRepository(ownerRule, 'group/app/web', { hasTags: false }), { deletable: true });
});

test('texts: tree label, CLI refusal and JSON', () => {
  const owner = decideTag(project(40), 'release-1');
  assert.equal(verdictLabel(owner), 'protected: release-.* needs Owner');
  assert.equal(tagRefusal(owner), '403 Forbidden - protected by tag rule release-.* (delete needs owner)');
  const immutable = decideTag(project(50), 'stable');
  assert.equal(verdictLabel(immutable), 'immutable');
  assert.equal(tagRefusal(immutable), '403 Forbidden - immutable tag (rule ^stable$)');
  assert.deepEqual(verdictJson(owner), { reason: 'protected', rule: 'release-.*', needs: 'owner' });
  assert.equal(verdictJson({ deletable: true }), undefined);
});

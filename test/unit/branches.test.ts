// GitLab's CI_COMMIT_REF_SLUG and the gone-branch identification (src/core/branches.ts), literal cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goneBranchSlugs, refSlug } from '../../src/core/branches';
import { companionOf } from '../../src/core/rules/conditions';

test('refSlug: lower-cased, outside 0-9a-z becomes "-", 63 characters, no leading or trailing "-"', () => {
  assert.equal(refSlug('feature/Login'), 'feature-login');
  assert.equal(refSlug('-Fix_Bug.42-'), 'fix-bug-42');
  assert.equal(refSlug('Ünïcode'), 'n-code');
  assert.equal(refSlug('release/1.2'), 'release-1-2');
  assert.equal(refSlug(`${'a'.repeat(62)}/b`), 'a'.repeat(62), 'cut to 63 first, then the trailing "-" goes');
  assert.equal(refSlug('b'.repeat(70)), 'b'.repeat(63));
  assert.equal(refSlug('///'), '');
});

test('goneBranchSlugs: merge-request source branches that are no longer branches, minus slugs a live branch has', () => {
  const gone = goneBranchSlugs(
    ['main', 'feature/checkout', 'Feature-Live'],
    ['feature/Login', 'feature/checkout', 'feature/live', 'Nightly', '///'],
  );
  assert.deepEqual([...gone.entries()], [['nightly', 'Nightly'], ['feature-login', 'feature/Login']]);
  assert.deepEqual([...goneBranchSlugs(['main'], []).keys()], [], 'no merge requests: nothing is a gone branch');
});

test('companionOf: cosign .sig/.att/.sbom tags name their image digest', () => {
  const hex = '0123456789abcdef'.repeat(4);
  assert.equal(companionOf(`sha256-${hex}.sig`), `sha256:${hex}`);
  assert.equal(companionOf(`sha256-${hex}.sbom`), `sha256:${hex}`);
  assert.equal(companionOf(`sha256-${hex}.att`), `sha256:${hex}`);
  assert.equal(companionOf(`sha256-${hex}.sig2`), undefined);
  assert.equal(companionOf(`sha256-${hex.slice(1)}.sig`), undefined);
  assert.equal(companionOf('v1.2.3'), undefined);
});

// Copy Pull Command, Copy Reference by Digest and Pull Image: only plain image references get through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestReference, pullCommand } from '../../src/core/registry/pullCommand';

const DIGEST = `sha256:${'c9197b5a'.repeat(8)}`;

test('docker pull with the reference as GitLab gave it', () => {
  assert.equal(pullCommand('registry.example.com:5050/acme/web/app:v1.2'), 'docker pull registry.example.com:5050/acme/web/app:v1.2');
});

test('the location with the digest instead of the tag', () => {
  assert.equal(digestReference('registry.example.com/acme/web:latest', DIGEST), `registry.example.com/acme/web@${DIGEST}`);
});

test('a reference that is not one never becomes a command line', () => {
  for (const bad of ['registry.example.com/acme/web:v1; rm -rf ~', 'registry.example.com/acme/web:$(id)', 'registry.example.com/acme/web:v1\nid', '`id`', 'registry.example.com/Acme/web:v1']) {
    assert.throws(() => pullCommand(bad), /image reference|invalid|spaces|tag|path|repository/i, bad);
  }
  assert.throws(() => digestReference('registry.example.com/acme/web:v1', 'sha256:abc;id'));
});

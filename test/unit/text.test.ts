import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripControls, stripControlsOpt } from '../../src/core/text';

test('stripControls removes C0, DEL, C1 and bidi controls and keeps printable text', () => {
  assert.equal(stripControls('ok\u001b[31mred\u001b[0m'), 'ok[31mred[0m');
  assert.equal(stripControls('title\u001b]0;pwned\u0007end'), 'title]0;pwnedend');
  assert.equal(stripControls('c1\u009b31m\u0085x'), 'c131mx');
  assert.equal(stripControls('del\u007f'), 'del');
  assert.equal(stripControls('a\u202eb\u2066c'), 'abc');
  assert.equal(stripControls('line1\nline2\r\n\tend'), 'line1 line2   end');
  assert.equal(stripControls('Грузовик 🚚 ümlaut'), 'Грузовик 🚚 ümlaut');
});

test('stripControlsOpt passes null and undefined through', () => {
  assert.equal(stripControlsOpt(null), null);
  assert.equal(stripControlsOpt(undefined), undefined);
  assert.equal(stripControlsOpt('x\u0000y'), 'xy');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit, formatCount, formatSize, hangingWrap, reversed, textWidth, truncate, wrap } from '../../src/tui/text.js';
import { closeCodeMeaning } from '../../src/tui/close-codes.js';

test('display width counts wide CJK and emoji as two cells, combining marks as none', () => {
  assert.equal(textWidth('abc'), 3);
  assert.equal(textWidth('漢字'), 4);
  assert.equal(textWidth('🚀'), 2);
  assert.equal(textWidth('e\u0301'), 1);
});

test('fit cuts with an ellipsis or pads to exactly the width', () => {
  assert.equal(fit('hello', 8), 'hello   ');
  assert.equal(fit('hello', 8, true), '   hello');
  assert.equal(fit('hello world', 8), 'hello w…');
  assert.equal(fit('漢字漢字', 5), '漢字…');
  assert.equal(truncate('abc', 0), '');
});

test('wrap breaks at the width in cells; hanging wrap indents the continuation', () => {
  assert.deepEqual(wrap('abcdefgh', 3), ['abc', 'def', 'gh']);
  assert.deepEqual(wrap('漢字漢', 4), ['漢字', '漢']);
  assert.deepEqual(wrap('', 5), ['']);
  assert.deepEqual(hangingWrap('abcdefghij', 6), ['abcdef', '  ghij']);
  assert.deepEqual(hangingWrap('abcdefghij', 6, ' '), [' abcde', '   fgh', '   ij']);
  assert.deepEqual(hangingWrap('must never be sent on the wire', 12), ['must never', '  be sent on', '  the wire']);
  assert.deepEqual(hangingWrap('short', 12), ['short']);
});

test('sizes and counts', () => {
  assert.equal(formatSize(0), '0 B');
  assert.equal(formatSize(10239), '10239 B');
  assert.equal(formatSize(10240), '10.0 KiB');
  assert.equal(formatSize(1048576 * 5), '5.0 MiB');
  assert.equal(formatSize(1048576 * 1024 * 3), '3.0 GiB');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(999), '999');
});

test('reversed flips every span, so a highlighted part of the cursor row stays distinct', () => {
  assert.deepEqual(reversed([{ text: 'a' }, { text: 'b', inverse: true }]), [
    { text: 'a', inverse: true },
    { text: 'b', inverse: false },
  ]);
});

test('close codes: RFC 6455 §7.4.1, the IANA additions, and the §7.4.2 ranges', () => {
  assert.equal(closeCodeMeaning(1000), 'normal closure');
  assert.equal(closeCodeMeaning(1001), 'going away');
  assert.equal(closeCodeMeaning(1006), 'abnormal closure (reserved, must not be sent)');
  assert.equal(closeCodeMeaning(1013), 'try again later');
  assert.equal(closeCodeMeaning(999), 'not used (invalid on the wire)');
  assert.equal(closeCodeMeaning(2999), 'reserved for the protocol and its extensions (unassigned)');
  assert.equal(closeCodeMeaning(3000), 'registered by libraries, frameworks and applications (IANA)');
  assert.equal(closeCodeMeaning(4000), 'private use');
  assert.equal(closeCodeMeaning(5000), 'out of range (invalid on the wire)');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAbsoluteTime, formatDuration, formatEndpoint, payloadPreview, sanitizeForTerminal } from '../../src/report/index.js';

test('escape sequences and control characters are made visible, never passed through', () => {
  assert.equal(sanitizeForTerminal('a\x1b[2Jb'), 'a\\x1b[2Jb');
  assert.equal(sanitizeForTerminal('line1\nline2\r\t'), 'line1\\nline2\\r\\t');
  assert.equal(sanitizeForTerminal('\x00\x07\x7f'), '\\x00\\x07\\x7f');
  assert.equal(sanitizeForTerminal('\u009b31m'), '\\x9b31m', 'C1 CSI');
  assert.equal(sanitizeForTerminal('abc\u202edef'), 'abc\\u202edef', 'bidi override');
  assert.equal(sanitizeForTerminal('a\u2066b\u2069c\u200fd\u061ce'), 'a\\u2066b\\u2069c\\u200fd\\u061ce', 'bidi isolates and marks');
  assert.equal(sanitizeForTerminal('one\u2028two\u2029'), 'one\\u2028two\\u2029', 'line and paragraph separators');
  assert.equal(sanitizeForTerminal('plain €'), 'plain €');
});

test('payload previews are safe one-liners: text when UTF-8, hex otherwise', () => {
  assert.equal(payloadPreview(Buffer.from('hello\x1b]0;pwned\x07'), 60), 'hello\\x1b]0;pwned\\x07');
  assert.equal(payloadPreview(Buffer.from('x'.repeat(100)), 10), 'xxxxxxxxx…');
  assert.equal(payloadPreview(Buffer.from([0xde, 0xad, 0xbe, 0xef]), 60), 'de ad be ef');
  assert.equal(payloadPreview(Buffer.from([0xff, 1, 2, 3, 4, 5]), 9), 'ff 01 02 …');
});

test('endpoints and durations', () => {
  assert.equal(formatEndpoint({ ip: '127.0.0.1', port: 80 }), '127.0.0.1:80');
  assert.equal(formatEndpoint({ ip: '::1', port: 8080 }), '[::1]:8080');
  assert.equal(formatDuration(0.0123), '12 ms');
  assert.equal(formatDuration(3.14159), '3.14 s');
  assert.equal(formatDuration(42.25), '42.3 s');
  assert.equal(formatDuration(245), '4m05s');
  assert.equal(formatDuration(7380), '2h03m');
  assert.equal(formatDuration(-15), '-15.0 s', 'a capture whose time runs backwards');
  assert.equal(formatDuration(-0.25), '-250 ms');
});

test('absolute times, and times no Date can hold (pcapng timestamps are 64-bit) as seconds', () => {
  assert.equal(formatAbsoluteTime(1_700_000_000.123456), '2023-11-14 22:13:20.123456');
  assert.equal(formatAbsoluteTime(-1), '1969-12-31 23:59:59.000000');
  assert.equal(formatAbsoluteTime(2 ** 62), '4611686018427388000 s since 1970');
  assert.equal(formatAbsoluteTime(-1e13), '-10000000000000 s since 1970');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIPv4, formatIPv6, ipv4Endpoint, ipv4Text, ipv6Endpoint, ipv6Text } from '../../src/packet/address.js';

function v6(hex: string): string {
  const data = Buffer.from('ff' + hex.replace(/[^0-9a-f]/gi, '') + 'ff', 'hex');
  assert.equal(data.length, 18);
  return formatIPv6(data, 1);
}

test('IPv4 is a dotted quad read at the offset', () => {
  assert.equal(formatIPv4(Buffer.from([9, 192, 0, 2, 255, 9]), 1), '192.0.2.255');
  assert.equal(formatIPv4(Buffer.from([0, 0, 0, 0]), 0), '0.0.0.0');
});

test('RFC 5952 §4.1: leading zeros are dropped', () => {
  assert.equal(v6('2001 0db8 0000 0000 0000 0000 0000 0001'), '2001:db8::1');
  assert.equal(v6('2001 0db8 0aaa 000a 0001 0001 0001 0001'), '2001:db8:aaa:a:1:1:1:1');
});

test('RFC 5952 §4.2.1: "::" uses up as many zero groups as there are', () => {
  assert.equal(v6('2001 0db8 0000 0000 0000 0000 0002 0001'), '2001:db8::2:1');
});

test('RFC 5952 §4.2.2: a single zero group is not shortened', () => {
  assert.equal(v6('2001 0db8 0000 0001 0001 0001 0001 0001'), '2001:db8:0:1:1:1:1:1');
});

test('RFC 5952 §4.2.3: the longest run is compressed, the first one on ties', () => {
  assert.equal(v6('2001 0000 0000 0001 0000 0000 0000 0001'), '2001:0:0:1::1');
  assert.equal(v6('2001 0db8 0000 0000 0001 0000 0000 0001'), '2001:db8::1:0:0:1');
});

test('RFC 5952 §4.3: hex digits are lowercase', () => {
  assert.equal(v6('2001 0DB8 AAAA BBBB CCCC DDDD EEEE AAAA'), '2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa');
});

test('RFC 5952 §5: IPv4-mapped addresses end in dotted-quad form', () => {
  assert.equal(v6('0000 0000 0000 0000 0000 ffff c000 0280'), '::ffff:192.0.2.128');
  assert.equal(v6('0000 0000 0000 0000 0000 ffff 0000 0000'), '::ffff:0.0.0.0');
  // Only ::ffff:0:0/96 is mapped; neighbours are plain hex.
  assert.equal(v6('0000 0000 0000 0000 0001 ffff c000 0280'), '::1:ffff:c000:280');
  assert.equal(v6('0000 0000 0000 0000 0000 fffe c000 0280'), '::fffe:c000:280');
});

test('runs at either end, and the all-zero and loopback addresses', () => {
  assert.equal(v6('0000 0000 0000 0000 0000 0000 0000 0000'), '::');
  assert.equal(v6('0000 0000 0000 0000 0000 0000 0000 0001'), '::1');
  assert.equal(v6('0001 0000 0000 0000 0000 0000 0000 0000'), '1::');
  assert.equal(v6('fe80 0000 0000 0000 0000 0000 0000 0000'), 'fe80::');
  assert.equal(v6('0000 0001 0000 0000 0000 0000 0000 0000'), '0:1::');
  assert.equal(v6('0000 0000 0001 0000 0000 0000 0001 0000'), '0:0:1::1:0');
  assert.equal(v6('ffff ffff ffff ffff ffff ffff ffff ffff'), 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
});

/** Expands a formatted address back to its 8 groups (no IPv4 tail: the generator avoids the mapped range). */
function expand(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const front = parse(head);
  if (tail === null) return front;
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

function longestZeroRun(part: string): number {
  let longest = 0;
  let run = 0;
  for (const group of part.split(':')) {
    run = group === '0' ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

test('property: the text reads back to the same address, in canonical form', () => {
  // Few distinct group values, so zero runs of every length and position are common.
  const group = fc.constantFrom(0, 0, 0, 1, 0xab, 0xffff);
  fc.assert(
    fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
      const data = Buffer.alloc(16);
      groups.forEach((g, i) => data.writeUInt16BE(g, 2 * i));
      fc.pre(!(data.subarray(0, 10).every((b) => b === 0) && data.readUInt16BE(10) === 0xffff));
      const text = formatIPv6(data, 0);
      assert.deepEqual(expand(text), groups);
      assert.ok(!/(^|:)0[0-9a-f]/.test(text), `leading zero in ${text}`);
      assert.ok(text.split('::').length <= 2, `two '::' in ${text}`);
      // RFC 5952 §4.2: what stays written out is never a longer (or, before it, an equal) zero run.
      if (!text.includes('::')) {
        assert.ok(longestZeroRun(text) <= 1, text);
        return;
      }
      const [left, right] = text.split('::');
      const compressed = 8 - (text.match(/[0-9a-f]+/g) ?? []).length;
      assert.ok(compressed >= 2, text);
      assert.ok(longestZeroRun(left) < compressed, text);
      assert.ok(longestZeroRun(right) <= compressed, text);
    }),
    { numRuns: 2000 },
  );
});

test('the remembered texts are the formatted ones, through collisions and evictions', () => {
  // The all-zero addresses first: their keys equal the tables' initial contents.
  assert.equal(ipv4Text(Buffer.alloc(4), 0), '0.0.0.0');
  assert.equal(ipv6Text(Buffer.alloc(16), 0), '::');
  // Far more addresses than slots, each a variant of one address in a single 32-bit word (so colliding
  // slots hold keys that differ in any one word), each looked up again soon after and much later.
  const change = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffffffff }));
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.array(change, { minLength: 400, maxLength: 600 }), (base, changes) => {
      const addresses = changes.map(([word, value]) => {
        const address = Buffer.from(base);
        address.writeUInt32BE(value, 4 * word);
        return address;
      });
      for (const round of [0, 1]) {
        for (const [i, address] of addresses.entries()) {
          const again = addresses[(i * 7 + round) % addresses.length];
          assert.equal(ipv6Text(address, 0), formatIPv6(address, 0));
          assert.equal(ipv4Text(address, 12), formatIPv4(address, 12));
          assert.equal(ipv6Text(again, 0), formatIPv6(again, 0));
          assert.equal(ipv4Text(again, 3), formatIPv4(again, 3));
        }
      }
    }),
    { numRuns: 50 },
  );
});

test('an address and port give one shared, frozen Endpoint while it stays remembered', () => {
  const v4 = Buffer.from([192, 0, 2, 1]);
  const first = ipv4Endpoint(v4, 0, 40000);
  assert.deepEqual(first, { ip: '192.0.2.1', port: 40000 });
  assert.ok(Object.isFrozen(first));
  assert.equal(ipv4Endpoint(Buffer.from([9, 192, 0, 2, 1]), 1, 40000), first);
  assert.deepEqual(ipv4Endpoint(v4, 0, 40001), { ip: '192.0.2.1', port: 40001 });
  const v6 = Buffer.from('20010db8000000000000000000000001', 'hex');
  const six = ipv6Endpoint(v6, 0, 443);
  assert.deepEqual(six, { ip: '2001:db8::1', port: 443 });
  assert.ok(Object.isFrozen(six));
  assert.equal(ipv6Endpoint(Buffer.from(v6), 0, 443), six);
  assert.deepEqual(ipv6Endpoint(v6, 0, 444), { ip: '2001:db8::1', port: 444 });
});

test('the remembered endpoints are the right ones, through collisions and evictions', () => {
  // Far more endpoints than slots, each a variant of one address in a single 32-bit word or in its port.
  const change = fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 0xffffffff }));
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.array(change, { minLength: 5000, maxLength: 6000 }), (base, changes) => {
      const endpoints = changes.map(([word, value]) => {
        const address = Buffer.from(base);
        if (word < 4) address.writeUInt32BE(value, 4 * word);
        return { address, port: word < 4 ? 80 : value & 0xffff };
      });
      for (const round of [0, 1]) {
        for (const [i, { address, port }] of endpoints.entries()) {
          const again = endpoints[(i * 7 + round) % endpoints.length];
          assert.deepEqual(ipv6Endpoint(address, 0, port), { ip: formatIPv6(address, 0), port });
          assert.deepEqual(ipv4Endpoint(address, 12, port), { ip: formatIPv4(address, 12), port });
          assert.deepEqual(ipv6Endpoint(again.address, 0, again.port), { ip: formatIPv6(again.address, 0), port: again.port });
          assert.deepEqual(ipv4Endpoint(again.address, 3, again.port), { ip: formatIPv4(again.address, 3), port: again.port });
        }
      }
    }),
    { numRuns: 5 },
  );
});

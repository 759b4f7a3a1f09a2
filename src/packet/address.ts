/** Text forms of IP addresses read straight from packet bytes (the caller has checked the bounds). */
import { u32 } from './bytes.js';
import type { Endpoint } from './types.js';

export function formatIPv4(data: Buffer, at: number): string {
  return `${data[at]}.${data[at + 1]}.${data[at + 2]}.${data[at + 3]}`;
}

/** RFC 5952 text form of the 16-byte IPv6 address at `at`. */
export function formatIPv6(data: Buffer, at: number): string {
  // RFC 5952 §5: an IPv4-mapped address (RFC 4291 §2.5.5.2) keeps its IPv4 part in dotted-quad form.
  if (
    data.readUInt32BE(at) === 0 &&
    data.readUInt32BE(at + 4) === 0 &&
    data.readUInt32BE(at + 8) === 0x0000ffff
  ) {
    return '::ffff:' + formatIPv4(data, at + 12);
  }
  // RFC 5952 §4.2: '::' replaces the longest run of zero groups (§4.2.3), only if it is at least two
  // groups long (§4.2.2), and the first such run when two are equally long (§4.2.3).
  let bestStart = -1;
  let bestLength = 1;
  let runStart = -1;
  for (let group = 0; group < 8; group++) {
    if (data.readUInt16BE(at + 2 * group) !== 0) {
      runStart = -1;
      continue;
    }
    if (runStart < 0) runStart = group;
    if (group - runStart + 1 > bestLength) {
      bestStart = runStart;
      bestLength = group - runStart + 1;
    }
  }
  // RFC 5952 §4.1 (no leading zeros) and §4.3 (lowercase) are what toString(16) gives.
  let text = '';
  let group = 0;
  while (group < 8) {
    if (group === bestStart) {
      text += '::';
      group += bestLength;
      continue;
    }
    if (group > 0 && group !== bestStart + bestLength) text += ':';
    text += data.readUInt16BE(at + 2 * group).toString(16);
    group++;
  }
  return text;
}

// The same few addresses recur packet after packet (the ends of the connections captured), and
// formatting one costs more than decoding the rest of the packet; so the texts of recent addresses are
// kept in small direct-mapped tables, keyed by the address's 32-bit words. A slot whose text is '' is empty.
const SLOTS = 256;
const ipv4Keys = new Uint32Array(SLOTS);
const ipv4Texts = new Array<string>(SLOTS).fill('');
const ipv6Keys = new Uint32Array(SLOTS * 4);
const ipv6Texts = new Array<string>(SLOTS).fill('');
const GOLDEN = 0x9e3779b1;

/** formatIPv4, remembering recent answers. */
export function ipv4Text(data: Buffer, at: number): string {
  const key = u32(data, at);
  const slot = Math.imul(key, GOLDEN) >>> 24;
  if (ipv4Texts[slot] === '' || ipv4Keys[slot] !== key) {
    ipv4Keys[slot] = key;
    ipv4Texts[slot] = formatIPv4(data, at);
  }
  return ipv4Texts[slot];
}

/** formatIPv6, remembering recent answers. */
export function ipv6Text(data: Buffer, at: number): string {
  const a = u32(data, at);
  const b = u32(data, at + 4);
  const c = u32(data, at + 8);
  const d = u32(data, at + 12);
  const slot = Math.imul(Math.imul(Math.imul(a, GOLDEN) ^ b, GOLDEN) ^ c ^ Math.imul(d, GOLDEN), GOLDEN) >>> 24;
  const k = slot * 4;
  const known =
    ipv6Texts[slot] !== '' && ipv6Keys[k] === a && ipv6Keys[k + 1] === b && ipv6Keys[k + 2] === c && ipv6Keys[k + 3] === d;
  if (!known) {
    ipv6Keys[k] = a;
    ipv6Keys[k + 1] = b;
    ipv6Keys[k + 2] = c;
    ipv6Keys[k + 3] = d;
    ipv6Texts[slot] = formatIPv6(data, at);
  }
  return ipv6Texts[slot];
}

// Endpoints recur even more than addresses (every segment of a connection names the same two), so the
// Endpoint objects themselves are kept the same way, keyed by address and port: a segment costs no new
// ones, and the TCP stage tells endpoints apart by identity first. They are frozen, being shared.
const ENDPOINT_SLOTS = 4096;
const ipv4EndpointKeys = new Uint32Array(ENDPOINT_SLOTS * 2);
const ipv4Endpoints = new Array<Endpoint | null>(ENDPOINT_SLOTS).fill(null);
const ipv6EndpointKeys = new Uint32Array(ENDPOINT_SLOTS * 5);
const ipv6Endpoints = new Array<Endpoint | null>(ENDPOINT_SLOTS).fill(null);

/** The endpoint of the IPv4 address at `at` and `port`, the same object as long as it stays in use. */
export function ipv4Endpoint(data: Buffer, at: number, port: number): Endpoint {
  const address = u32(data, at);
  const slot = Math.imul(Math.imul(address, GOLDEN) ^ port, GOLDEN) >>> 20;
  const k = slot * 2;
  const known = ipv4Endpoints[slot];
  if (known !== null && ipv4EndpointKeys[k] === address && ipv4EndpointKeys[k + 1] === port) return known;
  ipv4EndpointKeys[k] = address;
  ipv4EndpointKeys[k + 1] = port;
  return (ipv4Endpoints[slot] = Object.freeze({ ip: ipv4Text(data, at), port }));
}

/** The endpoint of the IPv6 address at `at` and `port`, the same object as long as it stays in use. */
export function ipv6Endpoint(data: Buffer, at: number, port: number): Endpoint {
  const a = u32(data, at);
  const b = u32(data, at + 4);
  const c = u32(data, at + 8);
  const d = u32(data, at + 12);
  const slot = Math.imul(Math.imul(Math.imul(a, GOLDEN) ^ b, GOLDEN) ^ c ^ Math.imul(d ^ port, GOLDEN), GOLDEN) >>> 20;
  const k = slot * 5;
  const known = ipv6Endpoints[slot];
  if (
    known !== null &&
    ipv6EndpointKeys[k] === a &&
    ipv6EndpointKeys[k + 1] === b &&
    ipv6EndpointKeys[k + 2] === c &&
    ipv6EndpointKeys[k + 3] === d &&
    ipv6EndpointKeys[k + 4] === port
  ) {
    return known;
  }
  ipv6EndpointKeys[k] = a;
  ipv6EndpointKeys[k + 1] = b;
  ipv6EndpointKeys[k + 2] = c;
  ipv6EndpointKeys[k + 3] = d;
  ipv6EndpointKeys[k + 4] = port;
  return (ipv6Endpoints[slot] = Object.freeze({ ip: ipv6Text(data, at), port }));
}

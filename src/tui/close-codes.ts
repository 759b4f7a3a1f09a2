/**
 * What a WebSocket close code means: RFC 6455 §7.4.1 and the IANA "WebSocket Close Code Number Registry"
 * (which added 1012-1014), with the ranges of §7.4.2 for codes nobody registered here.
 */
const CLOSE_CODES: ReadonlyMap<number, string> = new Map([
  [1000, 'normal closure'],
  [1001, 'going away'],
  [1002, 'protocol error'],
  [1003, 'unsupported data'],
  [1004, 'reserved'],
  [1005, 'no status received (reserved, must not be sent)'],
  [1006, 'abnormal closure (reserved, must not be sent)'],
  [1007, 'invalid frame payload data'],
  [1008, 'policy violation'],
  [1009, 'message too big'],
  [1010, 'mandatory extension'],
  [1011, 'internal error'],
  [1012, 'service restart'],
  [1013, 'try again later'],
  [1014, 'bad gateway'],
  [1015, 'TLS handshake failure (reserved, must not be sent)'],
]);

export function closeCodeMeaning(code: number): string {
  const known = CLOSE_CODES.get(code);
  if (known) return known;
  // RFC 6455 §7.4.2
  if (code < 1000) return 'not used (invalid on the wire)';
  if (code < 3000) return 'reserved for the protocol and its extensions (unassigned)';
  if (code < 4000) return 'registered by libraries, frameworks and applications (IANA)';
  if (code < 5000) return 'private use';
  return 'out of range (invalid on the wire)';
}

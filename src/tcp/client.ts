// Who opened a connection whose SYN was not captured, guessed from the first payload.

/** Request methods of RFC 9110 §9.3 and PATCH (RFC 5789), each with the space that ends the token. */
const REQUEST_STARTS = ['GET ', 'HEAD ', 'POST ', 'PUT ', 'DELETE ', 'CONNECT ', 'OPTIONS ', 'TRACE ', 'PATCH '].map(
  (method) => Buffer.from(method, 'latin1'),
);
/** RFC 9112 §4: a status line starts with the HTTP version. */
const RESPONSE_START = Buffer.from('HTTP/', 'latin1');

export type PayloadRole = 'client' | 'server' | 'unknown';

function startsWith(payload: Buffer, prefix: Buffer): boolean {
  return payload.length >= prefix.length && payload.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/** Whether a payload starting a stream reads like an HTTP request (client), a response (server), or neither. */
export function roleFromPayload(payload: Buffer): PayloadRole {
  if (startsWith(payload, RESPONSE_START)) return 'server';
  return REQUEST_STARTS.some((start) => startsWith(payload, start)) ? 'client' : 'unknown';
}

import { firstHeaderValue, hasHeaderToken, headerValues } from '../http/index.js';
import type { HeaderField, HttpRequestHead, HttpResponseHead } from '../http/types.js';
import { negotiateDeflate, parseExtensionHeader } from '../websocket/index.js';
import { finding, type Finding } from '../findings/index.js';

/** RFC 6455 §4.1: the key is 16 random bytes, base64-encoded: 22 characters and "==". */
const KEY = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/** "HTTP/1.0" and "HTTP/0.9" are below 1.1; HTTP/2 and later never reach here as HTTP/1 heads. */
function belowHttp11(version: string): boolean {
  const match = /^HTTP\/(\d)\.(\d)$/.exec(version);
  return match !== null && (Number(match[1]) < 1 || (match[1] === '1' && match[2] === '0'));
}

/** Comma-separated elements of every `name` field, trimmed, case kept (subprotocol names are compared exactly). */
function listElements(headers: HeaderField[], name: string): string[] {
  const elements: string[] = [];
  for (const value of headerValues(headers, name)) {
    for (const element of value.split(',')) {
      const trimmed = element.trim();
      if (trimmed !== '') elements.push(trimmed);
    }
  }
  return elements;
}

/** What the client's opening handshake gets wrong (RFC 6455 §4.1, the client's requirements 1-9). */
export function requestFindings(request: HttpRequestHead): Finding[] {
  const where = { ts: request.ts, packet: request.packet };
  const out: Finding[] = [];
  if (request.method !== 'GET') {
    out.push(finding('upgrade-method-not-get', `The upgrade request's method is ${request.method}, not GET.`, where));
  }
  if (belowHttp11(request.version)) {
    out.push(finding('http-version-too-old', `The upgrade request is ${request.version}; at least HTTP/1.1 is required.`, where));
  }
  if (!hasHeaderToken(request.headers, 'connection', 'upgrade')) {
    out.push(finding('connection-token-missing', 'The upgrade request has no "Upgrade" token in Connection.', where));
  }
  const keys = headerValues(request.headers, 'sec-websocket-key').map((key) => key.trim());
  if (keys.length === 0) {
    out.push(finding('key-missing', 'The upgrade request has no Sec-WebSocket-Key.', where));
  } else if (keys.length > 1) {
    out.push(finding('key-repeated', `The upgrade request carries Sec-WebSocket-Key ${keys.length} times.`, where));
  } else if (!KEY.test(keys[0])) {
    out.push(finding('key-malformed', `Sec-WebSocket-Key ${JSON.stringify(keys[0])} is not 16 bytes in base64.`, where));
  }
  const versions = listElements(request.headers, 'sec-websocket-version');
  if (versions.length !== 1 || versions[0] !== '13') {
    const said = versions.length === 0 ? 'no Sec-WebSocket-Version' : `Sec-WebSocket-Version ${versions.join(', ')}`;
    out.push(finding('version-not-13', `The upgrade request has ${said}; RFC 6455 is version 13.`, where));
  }
  return out;
}

/**
 * What a 101 answer gets wrong beyond its Sec-WebSocket-Accept (RFC 6455 §4.1, the client's checks of the
 * response; §4.2.2, what the server sends).
 */
export function switchResponseFindings(request: HttpRequestHead, response: HttpResponseHead): Finding[] {
  const where = { ts: response.ts, packet: response.packet };
  const out: Finding[] = [];
  if (belowHttp11(response.version)) {
    out.push(finding('http-version-too-old', `The 101 response is ${response.version}; at least HTTP/1.1 is required.`, where));
  }
  if (!hasHeaderToken(response.headers, 'upgrade', 'websocket')) {
    out.push(finding('upgrade-token-missing', 'The 101 response has no "websocket" in Upgrade.', where));
  }
  if (!hasHeaderToken(response.headers, 'connection', 'upgrade')) {
    out.push(finding('connection-token-missing', 'The 101 response has no "Upgrade" token in Connection.', where));
  }
  const offeredProtocols = listElements(request.headers, 'sec-websocket-protocol');
  for (const protocol of listElements(response.headers, 'sec-websocket-protocol')) {
    if (offeredProtocols.includes(protocol)) continue;
    const offered = offeredProtocols.length === 0 ? 'none was offered' : `offered: ${offeredProtocols.join(', ')}`;
    out.push(finding('subprotocol-not-offered', `The 101 response selects subprotocol ${JSON.stringify(protocol)}; ${offered}.`, where));
  }
  const offers = parseExtensionHeader(headerValues(request.headers, 'sec-websocket-extensions'));
  const accepted = parseExtensionHeader(headerValues(response.headers, 'sec-websocket-extensions'));
  const offeredNames = new Set(offers.map((e) => e.name));
  for (const extension of accepted) {
    if (offeredNames.has(extension.name)) continue;
    out.push(finding('extension-not-offered', `The 101 response accepts extension ${extension.name}, which the client did not offer.`, where));
  }
  // RFC 7692 §7.1: a response that breaks the parameter rules must fail the connection. Judged only for an
  // offered extension: one never offered is already wrong as a whole.
  const deflate = negotiateDeflate(offers, accepted);
  if (deflate && offeredNames.has(deflate.extension) && deflate.problems.length > 0) {
    const problems = deflate.problems.join('; ');
    out.push(finding('deflate-negotiation-invalid', `The 101 response's ${deflate.extension} breaks the negotiation rules: ${problems}.`, where));
  }
  return out;
}

/** What a refusal tells the client to do instead: the versions a 426 supports, where a redirect points. */
function refusalHint(response: HttpResponseHead): string {
  const versions = listElements(response.headers, 'sec-websocket-version');
  // RFC 6455 §4.4: a server that does not speak the requested version lists the ones it does.
  if (versions.length > 0) return `; it supports Sec-WebSocket-Version ${versions.join(', ')}`;
  const location = firstHeaderValue(response.headers, 'location')?.trim();
  // RFC 6455 §4.1: a client may follow a 3xx redirect (RFC 9110 §15.4).
  if (response.status >= 300 && response.status < 400 && location) return `; it redirects to ${location}`;
  const challenge = firstHeaderValue(response.headers, 'www-authenticate')?.trim();
  if (response.status === 401 && challenge) return `; it asks for authentication: ${challenge}`;
  return '';
}

/** The upgrade was answered with something other than 101 (RFC 6455 §4.1): the connection stays HTTP. */
export function refusalFinding(response: HttpResponseHead): Finding {
  return finding(
    'upgrade-refused',
    `The server answered the upgrade with ${response.status} ${response.reason}${refusalHint(response)}.`,
    { ts: response.ts, packet: response.packet },
  );
}

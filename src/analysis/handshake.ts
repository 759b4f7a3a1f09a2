import { computeAccept, firstHeaderValue, hasHeaderToken, headerValues } from '../http/index.js';
import type { HttpRequestHead, HttpResponseHead } from '../http/types.js';
import type { Endpoint } from '../packet/types.js';
import { finding, type Finding } from '../findings/index.js';
import type { HandshakeModel } from './model.js';
import { refusalFinding, switchResponseFindings } from './handshake-checks.js';

/** RFC 6455 §4.1: the opening handshake carries `Upgrade: websocket` (the rest of §4.1 is judged by requestFindings). */
export function isUpgradeRequest(request: HttpRequestHead): boolean {
  return hasHeaderToken(request.headers, 'upgrade', 'websocket');
}

function firstValue(headers: HttpRequestHead['headers'], name: string): string | null {
  return firstHeaderValue(headers, name)?.trim() ?? null;
}

/** The URL a user would have typed: ws://host/target (the capture cannot tell wss from ws once decrypted). */
function requestUrl(request: HttpRequestHead, server: Endpoint): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(request.target)) return request.target.replace(/^http/i, 'ws');
  const host = firstValue(request.headers, 'host') ?? (server.ip.includes(':') ? `[${server.ip}]:${server.port}` : `${server.ip}:${server.port}`);
  return `ws://${host}${request.target}`;
}

/**
 * Whether `request` becomes the connection's handshake: the first upgrade request does, and so does a later
 * one once the server has refused the previous (a client may retry on the same keep-alive connection, e.g.
 * with credentials after a 401), so the model holds the attempt that decided the connection.
 */
export function isHandshakeAttempt(current: HandshakeModel | null, request: HttpRequestHead): boolean {
  if (!isUpgradeRequest(request)) return false;
  return current === null || (current.response !== null && current.response.status !== 101);
}

export function handshakeFromRequest(request: HttpRequestHead, server: Endpoint): HandshakeModel {
  return {
    request,
    response: null,
    key: firstValue(request.headers, 'sec-websocket-key'),
    accept: null,
    acceptValid: null,
    subprotocol: null,
    extensions: [],
    url: requestUrl(request, server),
  };
}

/** Records the server's answer on the handshake and returns what is wrong with it. */
export function applyResponse(handshake: HandshakeModel, response: HttpResponseHead): Finding[] {
  handshake.response = response;
  const where = { ts: response.ts, packet: response.packet };
  if (response.status !== 101) return [refusalFinding(response)];
  handshake.accept = firstValue(response.headers, 'sec-websocket-accept');
  handshake.subprotocol = firstValue(response.headers, 'sec-websocket-protocol');
  handshake.extensions = headerValues(response.headers, 'sec-websocket-extensions').map((v) => v.trim());
  return [...acceptFindings(handshake, where), ...switchResponseFindings(handshake.request, response)];
}

/** RFC 6455 §4.1: the client checks Sec-WebSocket-Accept against the key it sent. */
function acceptFindings(handshake: HandshakeModel, where: { ts: number; packet: number }): Finding[] {
  if (handshake.accept === null) {
    return [finding('accept-missing', 'The 101 response carries no Sec-WebSocket-Accept.', where)];
  }
  if (handshake.key === null) return [];
  const expected = computeAccept(handshake.key);
  handshake.acceptValid = handshake.accept === expected;
  if (handshake.acceptValid) return [];
  return [finding('accept-mismatch', `Sec-WebSocket-Accept is ${handshake.accept}, expected ${expected}.`, where)];
}

/**
 * Every finding wsdissect reports, declared once (like Wireshark's expert info table).
 * Code, docs (docs/findings.md is generated from this table) and the TUI all read it from here.
 * Add a row when a stage starts reporting something new; never report a code that is not here.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface FindingDefinition {
  severity: Severity;
  /** What the finding means for the user, one sentence. */
  meaning: string;
  /** Where the rule comes from (RFC section), when it comes from one. */
  reference?: string;
}

export const FINDINGS = {
  // capture / packet
  'capture-damaged': {
    severity: 'error',
    meaning: 'The capture file is cut short or corrupt; reading stopped there and later packets are lost.',
  },
  'packet-cut-by-snaplen': {
    severity: 'warning',
    meaning: 'Packets were captured shorter than they were on the wire (snaplen); their missing bytes count as gaps.',
  },
  'ip-fragment-skipped': {
    severity: 'warning',
    meaning: 'IP fragments are not reassembled; non-first fragments were skipped.',
  },
  'unsupported-link-type': {
    severity: 'warning',
    meaning: 'Packets with a link-layer type wsdissect does not decode were skipped.',
  },
  // tcp
  'connection-evicted': {
    severity: 'warning',
    meaning:
      'More connections were open at once than wsdissect follows (--max-connections); this one, the oldest, was let go while still open, so what came after is not in its report.',
  },
  'tcp-buffer-limit-reached': {
    severity: 'warning',
    meaning:
      'More out-of-order bytes waited for a missing segment than the reassembly buffer holds (--max-buffer); the missing bytes were declared a gap, so frames across it are lost.',
  },
  // http
  'upgrade-refused': {
    severity: 'warning',
    meaning: 'The server answered the WebSocket upgrade request with a status other than 101.',
    reference: 'RFC 6455 §4.1',
  },
  'accept-mismatch': {
    severity: 'error',
    meaning: 'Sec-WebSocket-Accept is not base64(SHA-1(Sec-WebSocket-Key + GUID)); a client must fail the connection.',
    reference: 'RFC 6455 §4.1',
  },
  'accept-missing': {
    severity: 'error',
    meaning: 'The 101 response has no Sec-WebSocket-Accept header.',
    reference: 'RFC 6455 §4.1',
  },
  'no-upgrade-response': {
    severity: 'warning',
    meaning: 'The upgrade request got no response in the capture.',
  },
  'http-malformed-head': {
    severity: 'error',
    meaning: 'An HTTP message head breaks the HTTP/1.1 syntax; the rest of that direction is not parsed as HTTP.',
    reference: 'RFC 9112 §2',
  },
  'http-head-too-long': {
    severity: 'warning',
    meaning: 'An HTTP message head is longer than the head size limit; the rest of that direction is not parsed as HTTP.',
  },
  'http-malformed-body': {
    severity: 'error',
    meaning: 'An HTTP message body is framed wrongly (Content-Length, chunked coding); the rest of that direction is not parsed as HTTP.',
    reference: 'RFC 9112 §6.3',
  },
  'http-gap': {
    severity: 'warning',
    meaning: 'Bytes missing from the capture hide where the next HTTP message starts; the rest of that direction is not parsed as HTTP.',
  },
  'http-early-data-overflow': {
    severity: 'warning',
    meaning: 'The client sent more bytes after an upgrade request than are held while waiting for the answer; they are handed on uninterpreted.',
  },
  'http-truncated': {
    severity: 'warning',
    meaning: 'The connection ended in the middle of an HTTP message.',
  },
  // websocket
  'websocket-gap': {
    severity: 'warning',
    meaning:
      'WebSocket bytes were not captured; frames in the gap are lost, and decoding resumes at the next plausible frame header after it.',
  },
  'websocket-mid-stream': {
    severity: 'info',
    meaning:
      'The capture holds no opening handshake for this connection; its bytes were decoded as WebSocket because they chain into plausible frame headers (or because --ws-port names its port).',
  },
  'frame-incomplete': {
    severity: 'warning',
    meaning: 'The stream ended in the middle of a WebSocket frame.',
  },
  'continuation-without-message': {
    severity: 'error',
    meaning: 'A continuation frame arrived when no fragmented message was open; it belongs to no message and was ignored.',
    reference: 'RFC 6455 §5.4',
  },
  'message-interrupted': {
    severity: 'error',
    meaning: 'A text or binary frame arrived while a fragmented message was still open; the open message was cut there.',
    reference: 'RFC 6455 §5.4',
  },
  'message-incomplete': {
    severity: 'warning',
    meaning: 'The stream ended before the last frame (FIN) of a fragmented message.',
    reference: 'RFC 6455 §5.4',
  },
  'text-invalid-utf8': {
    severity: 'error',
    meaning: 'A text message is not valid UTF-8; the receiver must fail the connection.',
    reference: 'RFC 6455 §5.6, §8.1',
  },
  'inflate-failed': {
    severity: 'warning',
    meaning:
      'A compressed message could not be inflated (often because the capture began after the compression window was built); its compressed bytes are shown instead.',
    reference: 'RFC 7692 §7.2.2',
  },
  'inflate-limit-reached': {
    severity: 'warning',
    meaning:
      'A compressed message inflates beyond the message size limit (possibly a decompression bomb); inflation stopped at the limit, so later messages that refer back to it cannot be inflated.',
    reference: 'RFC 7692 §7.2.2',
  },
  // analysis: the opening handshake (RFC 6455 §4)
  'upgrade-method-not-get': {
    severity: 'error',
    meaning: 'The upgrade request is not a GET; the opening handshake must be.',
    reference: 'RFC 6455 §4.1',
  },
  'http-version-too-old': {
    severity: 'error',
    meaning: 'The upgrade request or its 101 response uses an HTTP version below 1.1.',
    reference: 'RFC 6455 §4.1',
  },
  'key-missing': {
    severity: 'error',
    meaning: 'The upgrade request has no Sec-WebSocket-Key; a server must not accept it.',
    reference: 'RFC 6455 §4.1, §4.2.1',
  },
  'key-repeated': {
    severity: 'error',
    meaning: 'The upgrade request carries Sec-WebSocket-Key more than once.',
    reference: 'RFC 6455 §11.3.1',
  },
  'key-malformed': {
    severity: 'error',
    meaning: 'Sec-WebSocket-Key is not the base64 encoding of 16 bytes.',
    reference: 'RFC 6455 §4.1',
  },
  'version-not-13': {
    severity: 'warning',
    meaning:
      'The upgrade request does not say Sec-WebSocket-Version: 13 (missing, another version, or a list); the server should refuse it with 426 and the versions it supports.',
    reference: 'RFC 6455 §4.1, §4.4',
  },
  'upgrade-token-missing': {
    severity: 'error',
    meaning: 'The 101 response has no Upgrade: websocket; a client must fail the connection.',
    reference: 'RFC 6455 §4.1, §4.2.2',
  },
  'connection-token-missing': {
    severity: 'error',
    meaning: 'The upgrade request or its 101 response has no Connection header with the "Upgrade" token.',
    reference: 'RFC 6455 §4.1, §4.2.2',
  },
  'subprotocol-not-offered': {
    severity: 'error',
    meaning: 'The 101 response selects a subprotocol (Sec-WebSocket-Protocol) the client did not offer; a client must fail the connection.',
    reference: 'RFC 6455 §4.1',
  },
  'extension-not-offered': {
    severity: 'error',
    meaning: 'The 101 response accepts an extension (Sec-WebSocket-Extensions) the client did not offer; a client must fail the connection.',
    reference: 'RFC 6455 §4.1, §9.1',
  },
  'deflate-negotiation-invalid': {
    severity: 'error',
    meaning:
      'The 101 response accepts a compression extension with parameters the negotiation rules forbid (unknown, repeated, out of range, or not offered); a client must fail the connection.',
    reference: 'RFC 7692 §7.1',
  },
  'frame-before-upgrade': {
    severity: 'error',
    meaning: 'The client sent a frame before the 101 response arrived; it must wait for the server\'s answer.',
    reference: 'RFC 6455 §4.1',
  },
  // analysis: frames (RFC 6455 §5)
  'client-frame-unmasked': {
    severity: 'error',
    meaning: 'A frame from the client is not masked; the server must close the connection.',
    reference: 'RFC 6455 §5.1, §5.3',
  },
  'server-frame-masked': {
    severity: 'error',
    meaning: 'A frame from the server is masked; the client must close the connection.',
    reference: 'RFC 6455 §5.1',
  },
  'reserved-bits-set': {
    severity: 'error',
    meaning: 'A frame has RSV bits set that no negotiated extension defines.',
    reference: 'RFC 6455 §5.2',
  },
  'rsv1-misplaced': {
    severity: 'error',
    meaning: 'RSV1 (compressed) is set on a control frame or a continuation frame; with permessage-deflate it belongs on the first frame of a data message only.',
    reference: 'RFC 7692 §6.1',
  },
  'reserved-opcode': {
    severity: 'error',
    meaning: 'A frame uses a reserved opcode (0x3-0x7, 0xB-0xF); the receiver must fail the connection.',
    reference: 'RFC 6455 §5.2',
  },
  'control-frame-too-long': {
    severity: 'error',
    meaning: 'A control frame (close, ping, pong) has a payload longer than 125 bytes.',
    reference: 'RFC 6455 §5.5',
  },
  'control-frame-fragmented': {
    severity: 'error',
    meaning: 'A control frame (close, ping, pong) has FIN clear; control frames must not be fragmented.',
    reference: 'RFC 6455 §5.5',
  },
  'length-not-minimal': {
    severity: 'error',
    meaning: 'A frame\'s payload length uses a longer encoding than needed (16-bit below 126, 64-bit below 65536).',
    reference: 'RFC 6455 §5.2',
  },
  'length-top-bit-set': {
    severity: 'error',
    meaning: 'A 64-bit payload length has its most significant bit set; the frame cannot be delimited sensibly.',
    reference: 'RFC 6455 §5.2',
  },
  'close-payload-one-byte': {
    severity: 'error',
    meaning: 'A close frame has a 1-byte payload: too short for a status code, too long to be empty.',
    reference: 'RFC 6455 §5.5.1',
  },
  'close-code-invalid': {
    severity: 'error',
    meaning:
      'A close frame carries a status code that must not be sent: below 1000, 1004-1006, 1015, unassigned 1016-2999, or 5000 and above.',
    reference: 'RFC 6455 §7.4.1, §7.4.2; IANA WebSocket Close Code Number Registry',
  },
  'close-reason-invalid-utf8': {
    severity: 'error',
    meaning: 'A close frame\'s reason is not valid UTF-8.',
    reference: 'RFC 6455 §5.5.1, §8.1',
  },
  'data-after-close': {
    severity: 'error',
    meaning: 'An endpoint sent a data frame after its own close frame.',
    reference: 'RFC 6455 §5.5.1',
  },
  'pong-unsolicited': {
    severity: 'info',
    meaning: 'A pong answers no ping from the other side; allowed as a one-way heartbeat.',
    reference: 'RFC 6455 §5.5.3',
  },
  // analysis: how the connection ended, heartbeats (timeline)
  'tcp-reset': {
    severity: 'warning',
    meaning: 'The TCP connection ended with a reset (RST) rather than an orderly FIN exchange; data still in flight may have been dropped.',
    reference: 'RFC 9293 §3.5.2; RFC 6455 §7.1.1',
  },
  'abnormal-closure': {
    severity: 'warning',
    meaning:
      'The TCP connection closed without a Close frame from either side: an abnormal closure, which browsers report as code 1006.',
    reference: 'RFC 6455 §7.1.5, §7.4.1',
  },
  'close-not-answered': {
    severity: 'warning',
    meaning: 'One side sent a Close frame and the other never sent its own Close back.',
    reference: 'RFC 6455 §5.5.1, §7.1.2',
  },
  'close-without-tcp-teardown': {
    severity: 'info',
    meaning:
      'Close frames were sent but the capture ends with the TCP connection still open; the server should close it once the closing handshake is done.',
    reference: 'RFC 6455 §7.1.1',
  },
  'ping-unanswered': {
    severity: 'warning',
    meaning: 'Pings got no Pong with the same application data from the other side.',
    reference: 'RFC 6455 §5.5.2, §5.5.3',
  },
  'keepalive-unanswered': {
    severity: 'warning',
    meaning: 'TCP keep-alive probes got no answer: the peer sent nothing after them, so it is gone or unreachable.',
    reference: 'RFC 9293 §3.8.4',
  },
} as const satisfies Record<string, FindingDefinition>;

export type FindingCode = keyof typeof FINDINGS;

/** One occurrence of a finding. */
export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  ts?: number;
  packet?: number;
  frame?: number;
}

/** Builds a finding with the severity its table row declares. */
export function finding(
  code: FindingCode,
  message: string,
  where: { ts?: number; packet?: number; frame?: number } = {},
): Finding {
  return { code, severity: FINDINGS[code].severity, message, ...where };
}

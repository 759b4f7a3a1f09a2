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
    meaning: 'WebSocket bytes were not captured; frames in the gap are lost.',
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

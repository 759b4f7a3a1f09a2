/** One element of a Sec-WebSocket-Extensions list (RFC 6455 §9.1): a name and its parameters, in order. */
export interface ExtensionOffer {
  /** Lower-cased (extension names are tokens compared case-insensitively). */
  name: string;
  params: ExtensionParam[];
}

export interface ExtensionParam {
  /** Lower-cased. */
  name: string;
  /** The value with quoted-string escapes removed; null for a parameter without "=". */
  value: string | null;
}

/** The compression both sides agreed on, per sender (the sender compresses with its own window and context). */
export interface DeflateParams {
  /** The extension name as the server accepted it. */
  extension: string;
  /**
   * false: permessage-deflate (RFC 7692), one DEFLATE stream unit per message, RSV1 on its first frame.
   * true: deflate-frame / x-webkit-deflate-frame (draft-tyoshino-hybi-websocket-perframe-deflate), each
   * frame with RSV1 is compressed on its own, with the 4-byte tail removed per frame.
   */
  perFrame: boolean;
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number;
  /** Ways the response breaks the negotiation rules (RFC 7692 §7.1), for the caller to report; decoding goes on. */
  problems: string[];
}

// RFC 7230 §3.2.6 tchar, by character code (latin1 header values: codes below 256).
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TCHAR[c.charCodeAt(0)] = 1;

/** A cursor over one header value, tolerant of malformed input (it never throws and always advances). */
class HeaderReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  skip(): void {
    this.pos++;
  }

  /** Optional whitespace (RFC 7230 §3.2.3 OWS). */
  whitespace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  token(): string {
    const start = this.pos;
    while (this.pos < this.text.length && TCHAR[this.text.charCodeAt(this.pos)] === 1) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** RFC 7230 §3.2.6 quoted-string, starting at the opening quote; an unterminated one runs to the end. */
  quotedString(): string {
    let value = '';
    this.pos++;
    while (!this.done) {
      const c = this.text[this.pos++];
      if (c === '"') break;
      if (c === '\\' && !this.done) value += this.text[this.pos++];
      else value += c;
    }
    return value;
  }

  /** Skips to just past the next top-level comma (used to step over a malformed element). */
  skipElement(): void {
    while (!this.done && this.peek() !== ',') {
      if (this.peek() === '"') this.quotedString();
      else this.pos++;
    }
  }
}

/**
 * Parses Sec-WebSocket-Extensions header values (the header may repeat; each value is a comma-separated
 * list, RFC 6455 §9.1): `name *( ";" param [ "=" ( token | quoted-string ) ] )`. Empty list elements are
 * skipped (RFC 7230 §7); an element that does not start with a token is dropped. The offers returned may be
 * shared with other calls (see parsedValues): read only.
 */
export function parseExtensionHeader(values: string[]): ExtensionOffer[] {
  const offers: ExtensionOffer[] = [];
  for (const value of values) {
    for (const offer of parsedValue(value)) offers.push(offer);
  }
  return offers;
}

/**
 * Values parsed before, by value: the connections of a capture send the same few values over and over, and
 * each handshake reads them more than once. Short values only, and a bounded number of them.
 */
const parsedValues = new Map<string, readonly ExtensionOffer[]>();
const MAX_PARSED_VALUES = 64;
const MAX_PARSED_VALUE_LENGTH = 256;

function parsedValue(value: string): readonly ExtensionOffer[] {
  let offers = parsedValues.get(value);
  if (offers === undefined) {
    offers = parseValue(value);
    if (value.length <= MAX_PARSED_VALUE_LENGTH) {
      if (parsedValues.size >= MAX_PARSED_VALUES) parsedValues.clear();
      parsedValues.set(value, offers);
    }
  }
  return offers;
}

function parseValue(value: string): ExtensionOffer[] {
  const offers: ExtensionOffer[] = [];
  const reader = new HeaderReader(value);
  while (!reader.done) {
    reader.whitespace();
    if (reader.peek() === ',') {
      reader.skip();
      continue;
    }
    const name = reader.token();
    if (name === '') {
      reader.skipElement();
      continue;
    }
    const offer: ExtensionOffer = { name: name.toLowerCase(), params: [] };
    reader.whitespace();
    while (reader.peek() === ';') {
      reader.skip();
      reader.whitespace();
      const paramName = reader.token();
      reader.whitespace();
      let paramValue: string | null = null;
      if (reader.peek() === '=') {
        reader.skip();
        reader.whitespace();
        paramValue = reader.peek() === '"' ? reader.quotedString() : reader.token();
        reader.whitespace();
      }
      if (paramName !== '') offer.params.push({ name: paramName.toLowerCase(), value: paramValue });
    }
    offers.push(offer);
    // Anything left before the next comma is malformed; skip it.
    reader.skipElement();
  }
  return offers;
}

const PERMESSAGE_DEFLATE = 'permessage-deflate';
const DEFLATE_FRAME_NAMES = ['x-webkit-deflate-frame', 'deflate-frame'];
const DEFAULT_WINDOW_BITS = 15;

/** permessage-deflate offered and accepted without parameters (RFC 7692 §7.1): windows of 15 bits, kept across messages. */
export const PERMESSAGE_DEFLATE_DEFAULTS: Readonly<DeflateParams> = {
  extension: PERMESSAGE_DEFLATE,
  perFrame: false,
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: DEFAULT_WINDOW_BITS,
  clientMaxWindowBits: DEFAULT_WINDOW_BITS,
  problems: [],
};

/**
 * The compression in force from the server's answer, read with the client's offers (RFC 7692 §7.1).
 * Returns null when the response accepted no deflate extension.
 *
 * x-webkit-deflate-frame (old WebKit/Chrome, pywebsocket) compressed each data frame on its own with one
 * DEFLATE stream per direction: every RSV1 frame ends in a sync flush whose 4-byte tail is removed. Its
 * `max_window_bits` / `no_context_takeover` parameters changed meaning across draft revisions, so they are
 * not relied on: decoding keeps the window across frames with a 15-bit window, which is right whatever the
 * sender did (a sender that resets its compressor simply never refers back into the old window).
 */
export function negotiateDeflate(requestOffers: ExtensionOffer[], responseExtensions: ExtensionOffer[]): DeflateParams | null {
  const accepted = responseExtensions.filter((e) => e.name === PERMESSAGE_DEFLATE || DEFLATE_FRAME_NAMES.includes(e.name));
  if (accepted.length === 0) return null;
  const response = accepted[0];
  const problems: string[] = [];
  if (accepted.length > 1) {
    problems.push(`the response accepts ${accepted.length} compression extensions; they would all use RSV1`);
  }
  const offers = requestOffers.filter((o) => o.name === response.name);
  if (offers.length === 0) problems.push(`the server accepted ${response.name}, which the client did not offer`);

  if (response.name !== PERMESSAGE_DEFLATE) {
    return { ...PERMESSAGE_DEFLATE_DEFAULTS, extension: response.name, perFrame: true, problems };
  }

  const seen = new Set<string>();
  let serverNoContextTakeover = false;
  let clientNoContextTakeover = false;
  let serverMaxWindowBits = DEFAULT_WINDOW_BITS;
  let clientMaxWindowBits = DEFAULT_WINDOW_BITS;
  for (const param of response.params) {
    if (seen.has(param.name)) problems.push(`${param.name} appears more than once`);
    seen.add(param.name);
    switch (param.name) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (param.value !== null) problems.push(`${param.name} must have no value`);
        if (param.name === 'server_no_context_takeover') serverNoContextTakeover = true;
        else clientNoContextTakeover = true;
        break;
      case 'server_max_window_bits':
      case 'client_max_window_bits': {
        const bits = windowBitsValue(param.value);
        if (bits === null) {
          problems.push(`${param.name}=${param.value ?? ''} is not an integer from 8 to 15`);
          break;
        }
        if (param.name === 'server_max_window_bits') serverMaxWindowBits = bits;
        else clientMaxWindowBits = bits;
        if (param.name === 'client_max_window_bits' && offers.length > 0 && !offers.some((o) => hasParam(o, 'client_max_window_bits'))) {
          // RFC 7692 §7.1.2.2: only allowed when the client offered client_max_window_bits.
          problems.push('client_max_window_bits in the response, but the client did not offer it');
        }
        break;
      }
      default:
        problems.push(`unknown parameter ${param.name}`);
    }
  }
  // RFC 7692 §7.1.1.2: an offer's client_no_context_takeover is the client's promise even when the response
  // leaves it out. Which offer the server took is not said, so rely on it only when every offer made it.
  if (offers.length > 0 && offers.every((o) => hasParam(o, 'client_no_context_takeover'))) clientNoContextTakeover = true;
  return {
    extension: response.name,
    perFrame: false,
    serverNoContextTakeover,
    clientNoContextTakeover,
    serverMaxWindowBits,
    clientMaxWindowBits,
    problems,
  };
}

function hasParam(offer: ExtensionOffer, name: string): boolean {
  return offer.params.some((p) => p.name === name);
}

/** RFC 7692 §7.1.2: a decimal 8..15 without leading zeros. */
function windowBitsValue(value: string | null): number | null {
  if (value === null || !/^(?:[89]|1[0-5])$/.test(value)) return null;
  return Number(value);
}

import { isUtf8 } from 'node:buffer';

/** How payload bytes appear in the report: UTF-8 text when they are valid UTF-8, else base64. */
export type PayloadMode = 'none' | 'preview' | 'full';

/** Bytes of each payload and message body kept with `--payload preview`. */
export const PREVIEW_BYTES = 256;

export interface EncodedPayload {
  encoding: 'utf8' | 'base64';
  data: string;
  truncated: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes bytes as UTF-8, or returns null when they are not valid UTF-8. A leading byte-order mark is dropped,
 * as TextDecoder does. Without one, node's native check and a plain decode give the same string at a fraction
 * of TextDecoder's cost per call (the report calls this for every payload preview).
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  if (!startsWithBom(bytes)) return isUtf8(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8') : null;
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/** EF BB BF: U+FEFF encoded (RFC 3629 §6). */
export function startsWithBom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * Length of `bytes` without a UTF-8 sequence cut off at its end, so that a preview cut at a byte limit in the
 * middle of a character still counts as text.
 */
function withoutCutSequence(bytes: Uint8Array): number {
  const end = bytes.length;
  // Walk back over at most 3 continuation bytes to the lead byte of the last sequence.
  let lead = end - 1;
  while (lead >= 0 && lead >= end - 4 && (bytes[lead] & 0xc0) === 0x80) lead--;
  if (lead < 0 || lead < end - 4) return end;
  const b = bytes[lead];
  const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return end - lead < need ? lead : end;
}

/** The bytes without a UTF-8 sequence cut off at their end. */
export function completeUtf8Prefix(bytes: Buffer): Buffer {
  return bytes.subarray(0, withoutCutSequence(bytes));
}

/**
 * Encodes the kept bytes of a payload for the report. `cut` says whether `bytes` is already shorter than the
 * payload (the analysis kept only a prefix); `limit` cuts further (preview mode).
 */
export function encodePayload(bytes: Buffer, cut: boolean, limit: number | null): EncodedPayload {
  let shown = bytes;
  let truncated = cut;
  if (limit !== null && bytes.length > limit) {
    shown = bytes.subarray(0, limit);
    truncated = true;
  }
  const textBytes = truncated ? completeUtf8Prefix(shown) : shown;
  const text = decodeUtf8(textBytes);
  if (text !== null) return { encoding: 'utf8', data: text, truncated };
  return { encoding: 'base64', data: shown.toString('base64'), truncated };
}

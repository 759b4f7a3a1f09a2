import { isUtf8 } from 'node:buffer';

/** Below this many bytes the native call costs more than the walk. */
const NATIVE_MIN_BYTES = 64;

/** Offset of the lead byte of the last character (at most 3 continuation bytes back), or the length when none. */
function lastCharacterStart(bytes: Uint8Array): number {
  const end = bytes.length;
  for (let i = end - 1; i >= 0 && i >= end - 4; i--) {
    if ((bytes[i] & 0xc0) !== 0x80) return i;
  }
  return end;
}

/**
 * Incremental UTF-8 validator (RFC 3629 §4, the well-formed byte sequences table). A text message
 * (RFC 6455 §5.6, §8.1) arrives in fragments that may split a character, so the state between bytes
 * (how many continuation bytes are still due, and the range the next one must fall in) is carried
 * from one `push` to the next. The ranges reject overlongs (C0, C1, E0 80..9F, F0 80..8F), UTF-16
 * surrogates (ED A0..BF) and code points above U+10FFFF (F4 90.., F5..FF).
 */
export class Utf8Validator {
  /** Continuation bytes still due for the current character. */
  private due = 0;
  /** Allowed range of the next continuation byte. */
  private lower = 0x80;
  private upper = 0xbf;
  private bytesSeen = 0;
  /** Offset (from the first byte pushed) of the first byte that broke the encoding, or -1. */
  invalidAt = -1;

  get valid(): boolean {
    return this.invalidAt < 0;
  }

  /** Valid so far and not stopped inside a character: a complete message must end like this. */
  get complete(): boolean {
    return this.invalidAt < 0 && this.due === 0;
  }

  /** Feeds the next bytes; returns `valid`. Once invalid, later bytes are not looked at. */
  push(bytes: Uint8Array): boolean {
    if (this.invalidAt >= 0) return false;
    // Between characters, the bytes up to the last character's start go to the native (SIMD) check, which
    // follows the same table; only the last character, which may continue in the next push, and bytes that
    // fail (to find where) are walked here. A text message is checked at memory speed this way.
    if (this.due === 0 && bytes.length >= NATIVE_MIN_BYTES) {
      const split = lastCharacterStart(bytes);
      if (isUtf8(bytes.subarray(0, split))) {
        this.bytesSeen += split;
        return this.walk(bytes.subarray(split));
      }
    }
    return this.walk(bytes);
  }

  private walk(bytes: Uint8Array): boolean {
    const length = bytes.length;
    let due = this.due;
    let lower = this.lower;
    let upper = this.upper;
    for (let i = 0; i < length; i++) {
      const byte = bytes[i];
      if (due > 0) {
        if (byte < lower || byte > upper) return this.fail(i);
        due--;
        lower = 0x80;
        upper = 0xbf;
      } else if (byte < 0x80) {
        continue;
      } else if (byte >= 0xc2 && byte <= 0xdf) {
        due = 1;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        due = 2;
        if (byte === 0xe0) lower = 0xa0; // below: overlong
        else if (byte === 0xed) upper = 0x9f; // above: surrogates U+D800..DFFF
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        due = 3;
        if (byte === 0xf0) lower = 0x90; // below: overlong
        else if (byte === 0xf4) upper = 0x8f; // above: beyond U+10FFFF
      } else {
        return this.fail(i); // 80..C1 (stray continuation, overlong lead) or F5..FF
      }
    }
    this.due = due;
    this.lower = lower;
    this.upper = upper;
    this.bytesSeen += length;
    return true;
  }

  private fail(index: number): false {
    this.invalidAt = this.bytesSeen + index;
    return false;
  }
}

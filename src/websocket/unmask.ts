/**
 * RFC 6455 §5.3: payload byte i is XORed with maskKey[i % 4]. A frame's payload may arrive in several
 * pieces, so `maskIndex` says where in the key the first byte of `data` falls.
 */

// One 32-bit word holding the (rotated) key in the machine's byte order, so XOR on an Int32Array view
// unmasks four bytes at once whatever the endianness. Signed: the XOR stays in int32 arithmetic.
const keyWord = new Int32Array(1);
const keyBytes = new Uint8Array(keyWord.buffer);
/** Below this many words a byte loop is cheaper than making a typed-array view. */
const MIN_VIEW_WORDS = 8;

/** Byte `position` (0-3) of a key held as a big-endian 32-bit number. */
function keyByte(maskKey: number, position: number): number {
  return (maskKey >>> (24 - 8 * position)) & 0xff;
}

/**
 * Unmasks `data[start..end)` in place (all of it by default); `maskIndex` is the key position of data[start].
 * `maskKey` is the key's 4 bytes as a big-endian number (Frame.maskKey). `data` must be the caller's own copy
 * (never bytes another stage still reads).
 */
export function unmaskInPlace(data: Buffer, maskKey: number, maskIndex: number, start = 0, end = data.length): void {
  let key = maskIndex & 3;
  let i = start;
  // Bytes before the first 4-byte aligned address: a typed-array view needs an aligned start.
  while (i < end && ((data.byteOffset + i) & 3) !== 0) {
    data[i] ^= keyByte(maskKey, key);
    key = (key + 1) & 3;
    i++;
  }
  const words = (end - i) >>> 2;
  if (words >= MIN_VIEW_WORDS) {
    keyBytes[0] = keyByte(maskKey, key);
    keyBytes[1] = keyByte(maskKey, (key + 1) & 3);
    keyBytes[2] = keyByte(maskKey, (key + 2) & 3);
    keyBytes[3] = keyByte(maskKey, (key + 3) & 3);
    const word = keyWord[0];
    const view = new Int32Array(data.buffer, data.byteOffset + i, words);
    // Four words per turn: the loop overhead, not the XOR, is what a plain loop spends its time on.
    let w = 0;
    for (; w + 4 <= words; w += 4) {
      view[w] ^= word;
      view[w + 1] ^= word;
      view[w + 2] ^= word;
      view[w + 3] ^= word;
    }
    for (; w < words; w++) view[w] ^= word;
    i += words * 4; // a multiple of 4: the key position is unchanged
  }
  while (i < end) {
    data[i] ^= keyByte(maskKey, key);
    key = (key + 1) & 3;
    i++;
  }
}

/**
 * RFC 6455 §5.3: payload byte i is XORed with maskKey[i % 4]. A frame's payload may arrive in several
 * pieces, so `maskIndex` says where in the key the first byte of `data` falls.
 */

// One 32-bit word holding the (rotated) key in the machine's byte order, so XOR on a Uint32Array view
// unmasks four bytes at once whatever the endianness.
const keyWord = new Uint32Array(1);
const keyBytes = new Uint8Array(keyWord.buffer);

/**
 * Unmasks `data[start..end)` in place (all of it by default); `maskIndex` is the key position of data[start].
 * `data` must be the caller's own copy (never bytes another stage still reads).
 */
export function unmaskInPlace(data: Buffer, maskKey: Buffer, maskIndex: number, start = 0, end = data.length): void {
  let key = maskIndex & 3;
  let i = start;
  // Bytes before the first 4-byte aligned address: a Uint32Array view needs an aligned start.
  while (i < end && ((data.byteOffset + i) & 3) !== 0) {
    data[i] ^= maskKey[key];
    key = (key + 1) & 3;
    i++;
  }
  const words = (end - i) >>> 2;
  if (words > 0) {
    keyBytes[0] = maskKey[key];
    keyBytes[1] = maskKey[(key + 1) & 3];
    keyBytes[2] = maskKey[(key + 2) & 3];
    keyBytes[3] = maskKey[(key + 3) & 3];
    const word = keyWord[0];
    const view = new Uint32Array(data.buffer, data.byteOffset + i, words);
    for (let w = 0; w < words; w++) view[w] ^= word;
    i += words * 4; // a multiple of 4: the key position is unchanged
  }
  while (i < end) {
    data[i] ^= maskKey[key];
    key = (key + 1) & 3;
    i++;
  }
}

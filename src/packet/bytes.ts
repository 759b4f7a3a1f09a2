// Big-endian reads of bytes whose bounds the decoder has already checked. Buffer's readUInt16BE and
// readUInt32BE validate their offset on every call and were not always inlined: on the per-packet path
// that showed in the profiles, where these plain byte reads cost next to nothing.

export function u16(data: Buffer, at: number): number {
  return (data[at] << 8) | data[at + 1];
}

export function u32(data: Buffer, at: number): number {
  return ((data[at] << 24) | (data[at + 1] << 16) | (data[at + 2] << 8) | data[at + 3]) >>> 0;
}

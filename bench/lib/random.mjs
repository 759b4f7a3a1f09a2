// A small seeded PRNG so that one seed always yields the same capture, byte for byte.
// sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator) seeded through splitmix32:
// 32-bit integer arithmetic only, so the sequence is identical on every platform.

function splitmix32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const TWO_TO_32 = 4294967296;

export function createRandom(seed) {
  const seeder = splitmix32(seed);
  let a = seeder();
  let b = seeder();
  let c = seeder();
  let d = seeder();

  function u32() {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  const float = () => u32() / TWO_TO_32;

  return {
    u32,
    float,
    /** Uniform integer in [0, n). */
    int: (n) => Math.floor(float() * n),
    /** Uniform integer in [min, max]. */
    between: (min, max) => min + Math.floor(float() * (max - min + 1)),
    chance: (p) => float() < p,
    /** Integer in [min, max), log-uniformly distributed: as many 2–4 B values as 32–64 KB ones. */
    logUniform(min, max) {
      const value = Math.floor(Math.exp(Math.log(min) + float() * (Math.log(max) - Math.log(min))));
      return Math.min(Math.max(value, min), max - 1);
    },
    /** Fills buf with random bytes, four at a time. */
    fill(buf) {
      let i = 0;
      for (; i + 4 <= buf.length; i += 4) buf.writeUInt32LE(u32(), i);
      for (; i < buf.length; i++) buf[i] = u32() & 0xff;
      return buf;
    },
  };
}

// Variants of the fixture captures: each one a pure function of (seed, index), so that any variant can be
// made again from the two numbers the fuzzer prints.
import { execFile } from 'node:child_process';
import { readFile, readdir, writeFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { captureLayout } from './layout.mjs';

const run = promisify(execFile);

/** mulberry32 seeded through splitmix32 of (seed, index): small, fast, and the same everywhere. */
export function rng(seed, index) {
  let h = (Math.imul(seed >>> 0, 0x9e3779b9) ^ Math.imul(index >>> 0, 0x85ebca6b) ^ 0x27d4eb2f) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  let state = (h ^ (h >>> 16)) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    float: next,
    /** An integer in [0, n). */
    below: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

const CAPTURE = /\.(pcap|pcapng)(\.gz)?$/;

/** Every fixture capture under `dir` (fixtures/**), decompressed, with whether it was gzip'd. */
export async function loadFixtures(dir) {
  const out = [];
  async function walk(folder) {
    for (const name of (await readdir(folder)).sort()) {
      const path = join(folder, name);
      if ((await stat(path)).isDirectory()) await walk(path);
      else if (CAPTURE.test(name)) {
        const raw = await readFile(path);
        const gzip = raw[0] === 0x1f && raw[1] === 0x8b;
        let bytes = raw;
        if (gzip) {
          try {
            bytes = gunzipSync(raw);
          } catch {
            // A fixture that is a cut gzip on purpose: fuzz its compressed bytes as they are.
          }
        }
        out.push({ path, bytes, gzip, layout: captureLayout(bytes) });
      }
    }
  }
  await walk(dir);
  return out;
}

function hostileU32(r, value) {
  return r.pick([0, 1, 4, 8, 11, 12, 16, 0x7fffffff, 0x80000000, 0xffffffff, value + 1, value - 1, value + 4, value - 4, value * 2, r.below(2 ** 32)]) >>> 0;
}

function hostileU16(r, value) {
  return r.pick([0, 1, 19, 20, 39, 40, 0xffff, value + 1, value - 1, value + 100, r.below(0x10000)]) & 0xffff;
}

function writeField(bytes, field, r) {
  const { offset, size, littleEndian, kind } = field;
  if (offset + size > bytes.length) return;
  if (size === 4) {
    const value = littleEndian ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset);
    const next = hostileU32(r, value);
    if (littleEndian) bytes.writeUInt32LE(next, offset);
    else bytes.writeUInt32BE(next, offset);
  } else if (size === 2) {
    bytes.writeUInt16BE(hostileU16(r, bytes.readUInt16BE(offset)), offset);
  } else if (kind === 'ipv4-ihl') {
    bytes[offset] = (bytes[offset] & 0xf0) | r.below(16);
  } else {
    bytes[offset] = (r.below(16) << 4) | (bytes[offset] & 0x0f); // tcp-data-offset
  }
}

/** RFC 6455 §5.2 payload length in its three encodings, set to values a parser must survive. */
function writeWebSocketLength(bytes, at, r) {
  if (at + 2 > bytes.length) return;
  const mask = bytes[at + 1] & 0x80;
  const encoding = r.pick([7, 16, 64, 64]);
  if (encoding === 7) {
    bytes[at + 1] = mask | r.below(126);
  } else if (encoding === 16 && at + 4 <= bytes.length) {
    bytes[at + 1] = mask | 126;
    bytes.writeUInt16BE(r.pick([0, 125, 126, 0xffff, r.below(0x10000)]), at + 2);
  } else if (at + 10 <= bytes.length) {
    bytes[at + 1] = mask | 127;
    const big = r.pick([2n ** 63n, 2n ** 64n - 1n, 2n ** 53n + 1n, 2n ** 32n, 0n, 0xffffn, BigInt(r.below(2 ** 32)) << 16n]);
    bytes.writeBigUInt64BE(big, at + 2);
  }
}

/** Mutations of one (decompressed) capture; each returns a new buffer and a short label. */
const MUTATIONS = {
  truncate(bytes, r, fixture) {
    const near = fixture.layout.records.length > 0 && r.chance(0.5);
    const at = near ? Math.min(bytes.length, r.pick(fixture.layout.records) + r.below(40)) : r.below(bytes.length + 1);
    return [bytes.subarray(0, at), `truncate@${at}`];
  },
  'length-field'(bytes, r, fixture) {
    const out = Buffer.from(bytes);
    const fields = fixture.layout.fields;
    if (fields.length === 0) return MUTATIONS.flip(bytes, r);
    const kind = r.pick([...new Set(fields.map((f) => f.kind))]);
    const chosen = fields.filter((f) => f.kind === kind);
    const n = 1 + r.below(3);
    for (let i = 0; i < n; i++) writeField(out, r.pick(chosen), r);
    return [out, `length-field:${kind}x${n}`];
  },
  'ws-length'(bytes, r, fixture) {
    const out = Buffer.from(bytes);
    const payloads = fixture.layout.payloads;
    if (payloads.length === 0) return MUTATIONS.flip(bytes, r);
    const n = 1 + r.below(3);
    for (let i = 0; i < n; i++) writeWebSocketLength(out, r.pick(payloads), r);
    return [out, `ws-length x${n}`];
  },
  flip(bytes, r) {
    const out = Buffer.from(bytes);
    if (out.length === 0) return [out, 'flip:empty'];
    const n = 1 + r.below(r.chance(0.2) ? 256 : 16);
    for (let i = 0; i < n; i++) {
      const at = r.below(out.length);
      if (r.chance(0.5)) out[at] ^= 1 << r.below(8);
      else out[at] = r.pick([0x00, 0xff, 0x7f, 0x80, 0x1b, r.below(256)]);
    }
    return [out, `flip x${n}`];
  },
  splice(bytes, r, fixture, fixtures) {
    const other = r.pick(fixtures);
    const a = r.below(bytes.length + 1);
    const b = other.layout.records.length > 0 && r.chance(0.5) ? r.pick(other.layout.records) : r.below(other.bytes.length + 1);
    return [Buffer.concat([bytes.subarray(0, a), other.bytes.subarray(b)]), `splice@${a}+${other.path}@${b}`];
  },
};

const SIMPLE = Object.keys(MUTATIONS);

/**
 * Variant `index` of run `seed`: a fixture, one or more mutations (or editcap -E), and sometimes gzip'd again
 * (and then sometimes its compressed bytes cut or flipped). `scratch` is a file path editcap may use.
 */
export async function makeVariant(seed, index, fixtures, scratch, { editcap = true } = {}) {
  const r = rng(seed, index);
  const fixture = r.pick(fixtures);
  let bytes = fixture.bytes;
  const steps = [];
  const plan = editcap && r.chance(0.1) ? 'editcap' : r.chance(0.2) ? 'stack' : 'one';
  if (plan === 'editcap') {
    const rate = r.pick([0.001, 0.005, 0.02, 0.1]);
    const editSeed = r.below(2 ** 31);
    await writeFile(`${scratch}.in`, bytes);
    try {
      await run('editcap', ['-E', String(rate), '--seed', String(editSeed), `${scratch}.in`, `${scratch}.out`], { timeout: 30_000 });
      bytes = await readFile(`${scratch}.out`);
      steps.push(`editcap -E ${rate} --seed ${editSeed}`);
    } catch {
      [bytes] = MUTATIONS.flip(bytes, r);
      steps.push('editcap failed, flip');
    }
    await rm(`${scratch}.out`, { force: true });
  } else {
    const count = plan === 'stack' ? 2 + r.below(3) : 1;
    for (let i = 0; i < count; i++) {
      const name = r.pick(SIMPLE);
      // Later mutations aim at the layout of the original; good enough to land near real fields.
      const [next, label] = MUTATIONS[name](bytes, r, fixture, fixtures);
      bytes = next;
      steps.push(label);
    }
  }
  let gzip = fixture.gzip || r.chance(0.1);
  if (gzip) {
    bytes = gzipSync(bytes, { level: 1 });
    if (r.chance(0.3)) {
      const [next, label] = r.chance(0.5) ? MUTATIONS.truncate(bytes, r, { layout: { records: [] } }) : MUTATIONS.flip(bytes, r);
      bytes = next;
      steps.push(`gzip then ${label}`);
    } else {
      steps.push('gzip');
    }
  }
  const ext = fixture.path.match(CAPTURE)[1] + (gzip ? '.gz' : '');
  return { bytes, ext, fixture: fixture.path, steps };
}

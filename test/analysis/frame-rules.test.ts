/** The frame rules of src/analysis/violations.ts, fed hand-made frames (no parsing involved). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  closeCodeProblem,
  closeViolations,
  FrameRules,
  headerViolations,
  type FrameRulesOptions,
} from '../../src/analysis/violations.js';
import { PERMESSAGE_DEFLATE_DEFAULTS, type DeflateParams, type Frame } from '../../src/websocket/index.js';

const MASK = 0x37fa213d;

/** A well-formed frame (client frames masked), changed by `fields`. */
function frame(fields: Partial<Frame> & Pick<Frame, 'direction' | 'opcode'>): Frame {
  const payload = fields.payload ?? Buffer.alloc(0);
  return {
    index: 0,
    ts: 100,
    packet: 7,
    packets: [7],
    streamOffset: 0,
    fin: true,
    rsv: 0,
    masked: fields.direction === 'client',
    maskKey: fields.direction === 'client' ? MASK : null,
    payloadLength: payload.length,
    headerLength: 2,
    lengthEncoding: 7,
    payload,
    payloadTruncated: false,
    lengthTopBitSet: false,
    lengthNotMinimal: false,
    ...fields,
  };
}

const PERMESSAGE_DEFLATE: DeflateParams = PERMESSAGE_DEFLATE_DEFAULTS;
const DEFLATE_FRAME: DeflateParams = { ...PERMESSAGE_DEFLATE, extension: 'x-webkit-deflate-frame', perFrame: true };

const NO_EXTENSIONS = { deflate: null, otherExtensions: false };

function codes(f: Frame, options: Pick<FrameRulesOptions, 'deflate' | 'otherExtensions'> = NO_EXTENSIONS): string[] {
  return headerViolations(f, options).map((v) => v.code);
}

describe('header rules', () => {
  it('a masked client frame and an unmasked server frame are fine', () => {
    assert.deepEqual(codes(frame({ direction: 'client', opcode: 1 })), []);
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 1 })), []);
  });

  it('masking: clients always, servers never (RFC 6455 §5.1)', () => {
    assert.deepEqual(codes(frame({ direction: 'client', opcode: 1, masked: false, maskKey: null })), ['client-frame-unmasked']);
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 2, masked: true, maskKey: MASK })), ['server-frame-masked']);
  });

  it('RSV bits without an extension, and the message names them', () => {
    const v = headerViolations(frame({ direction: 'server', opcode: 1, rsv: 3 }), NO_EXTENSIONS);
    assert.deepEqual(v, [{ code: 'reserved-bits-set', message: 'RSV2 and RSV3 set on a text frame; no negotiated extension defines them.' }]);
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 1, rsv: 4 })), ['reserved-bits-set']);
  });

  it('permessage-deflate: RSV1 on the first data frame only (RFC 7692 §6.1)', () => {
    const deflate = { deflate: PERMESSAGE_DEFLATE, otherExtensions: false };
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 1, rsv: 4, fin: false }), deflate), []);
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 2, rsv: 4 }), deflate), []);
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 0, rsv: 4 }), deflate), ['rsv1-misplaced']);
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 9, rsv: 4 }), deflate), ['rsv1-misplaced']);
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 8, rsv: 4, payload: Buffer.from([3, 232]) }), deflate), ['rsv1-misplaced']);
    // Deflate explains RSV1 only.
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 1, rsv: 6 }), deflate), ['reserved-bits-set']);
  });

  it('deflate-frame compresses continuations too', () => {
    const deflate = { deflate: DEFLATE_FRAME, otherExtensions: false };
    assert.deepEqual(codes(frame({ direction: 'client', opcode: 0, rsv: 4 }), deflate), []);
    assert.deepEqual(codes(frame({ direction: 'client', opcode: 10, rsv: 4 }), deflate), ['rsv1-misplaced']);
  });

  it('an unknown negotiated extension may use any RSV bit', () => {
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 9, rsv: 7 }), { deflate: null, otherExtensions: true }), []);
  });

  it('reserved opcodes 3-7 and 11-15; their RSV bits are not judged on top', () => {
    for (const opcode of [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) {
      assert.deepEqual(codes(frame({ direction: 'server', opcode, rsv: 4 })), ['reserved-opcode'], `opcode ${opcode}`);
    }
    for (const opcode of [0, 1, 2, 8, 9, 10]) assert.deepEqual(codes(frame({ direction: 'server', opcode })), [], `opcode ${opcode}`);
  });

  it('control frames: at most 125 bytes, never fragmented (RFC 6455 §5.5)', () => {
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 9, payloadLength: 125 })), []);
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 9, payloadLength: 126, lengthEncoding: 16 })), ['control-frame-too-long']);
    assert.deepEqual(codes(frame({ direction: 'client', opcode: 10, fin: false })), ['control-frame-fragmented']);
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 2, payloadLength: 126, fin: false, lengthEncoding: 16 })), []);
  });

  it('length encodings: minimal, and the 64-bit top bit clear (RFC 6455 §5.2)', () => {
    const v = headerViolations(frame({ direction: 'server', opcode: 1, payloadLength: 2, lengthEncoding: 16, lengthNotMinimal: true }), NO_EXTENSIONS);
    assert.deepEqual(v, [{ code: 'length-not-minimal', message: "A text frame's payload length 2 is sent in 16 bits; 7 would do." }]);
    const long = frame({ direction: 'server', opcode: 2, payloadLength: 300, lengthEncoding: 64, lengthNotMinimal: true });
    assert.equal(headerViolations(long, NO_EXTENSIONS)[0].message, "A binary frame's payload length 300 is sent in 64 bits; 16 would do.");
    assert.deepEqual(codes(frame({ direction: 'server', opcode: 2, payloadLength: 2 ** 63, lengthEncoding: 64, lengthTopBitSet: true })), ['length-top-bit-set']);
  });

  it('several rules at once, in a fixed order', () => {
    const f = frame({ direction: 'client', opcode: 8, masked: false, maskKey: null, rsv: 2, fin: false, payloadLength: 200, lengthEncoding: 16 });
    assert.deepEqual(codes(f), ['client-frame-unmasked', 'reserved-bits-set', 'control-frame-too-long', 'control-frame-fragmented']);
  });
});

describe('close frames', () => {
  it('close codes allowed on the wire (RFC 6455 §7.4, IANA registry)', () => {
    const allowed = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];
    for (const code of allowed) assert.equal(closeCodeProblem(code), null, `${code}`);
    const refused = [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535];
    for (const code of refused) assert.notEqual(closeCodeProblem(code), null, `${code}`);
    assert.equal(closeCodeProblem(1005), '1005 only reports a closure locally and must never be sent');
    assert.equal(closeCodeProblem(1016), '1016 is not assigned in the IANA registry');
  });

  it('payload: empty or a code, never 1 byte; a UTF-8 reason', () => {
    assert.deepEqual(closeViolations(Buffer.alloc(0)), []);
    assert.deepEqual(closeViolations(Buffer.from('03e8', 'hex')), []);
    assert.deepEqual(closeViolations(Buffer.from([3])).map((v) => v.code), ['close-payload-one-byte']);
    assert.deepEqual(closeViolations(Buffer.from('03e8fffe', 'hex')).map((v) => v.code), ['close-reason-invalid-utf8']);
    assert.deepEqual(closeViolations(Buffer.from('03edc3', 'hex')).map((v) => v.code), ['close-code-invalid', 'close-reason-invalid-utf8']);
  });
});

describe('FrameRules (sequences over both directions)', () => {
  const options: FrameRulesOptions = { deflate: null, otherExtensions: false, upgradeTs: 50 };

  function run(frames: Frame[]): Array<[string, number]> {
    const rules = new FrameRules(options);
    return frames.flatMap((f, i) => rules.check(f, i).map((finding) => [finding.code, finding.frame!] as [string, number]));
  }

  it('places each finding at its frame, packet and time with the table severity', () => {
    const rules = new FrameRules(options);
    const [found] = rules.check(frame({ direction: 'server', opcode: 5, ts: 123.5, packet: 42 }), 9);
    assert.deepEqual(found, { code: 'reserved-opcode', severity: 'error', message: 'Opcode 0x5 is reserved.', ts: 123.5, packet: 42, frame: 9 });
  });

  it('a client frame completed before the 101 arrived', () => {
    assert.deepEqual(run([frame({ direction: 'client', opcode: 1, ts: 49.9 }), frame({ direction: 'client', opcode: 1, ts: 50 })]), [['frame-before-upgrade', 0]]);
  });

  it('data after the same side closed; the other side may still send', () => {
    const close = Buffer.from('03e8', 'hex');
    const found = run([
      frame({ direction: 'client', opcode: 8, payload: close }),
      frame({ direction: 'server', opcode: 1 }),
      frame({ direction: 'client', opcode: 9 }),
      frame({ direction: 'client', opcode: 1 }),
      frame({ direction: 'client', opcode: 0 }),
      frame({ direction: 'server', opcode: 8, payload: close }),
    ]);
    assert.deepEqual(found, [['data-after-close', 3], ['data-after-close', 4]]);
  });

  it('an unfinished frame is judged on its header only', () => {
    const rules = new FrameRules(options);
    const header = frame({ direction: 'server', opcode: 2, masked: true, maskKey: MASK, lengthEncoding: 64, lengthTopBitSet: true, payloadLength: 2 ** 63 });
    const found = rules.checkUnfinished(header, { ts: 200 });
    assert.deepEqual(found.map((f) => [f.code, f.ts, f.frame]), [['server-frame-masked', 200, undefined], ['length-top-bit-set', 200, undefined]]);
  });
});

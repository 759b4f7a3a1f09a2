import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assemble as assembleWithMessages, hex, text, type AssembleOptions, type FrameSpec } from './helpers.js';

/** Problems as [code, frame index] only: the wording is not part of the contract. */
function assemble(specs: FrameSpec[], options?: AssembleOptions) {
  const result = assembleWithMessages(specs, options);
  return { ...result, problems: result.problems.map(({ code, frame }) => ({ code, frame })) };
}

describe('MessageAssembler', () => {
  it('a single-frame text message', () => {
    const { frames, messages, problems } = assemble([{ opcode: 1, payload: text('Hello') }]);
    assert.deepEqual(problems, []);
    assert.deepEqual(messages, [
      {
        direction: 'server',
        ts: 1.5,
        packet: 9,
        opcode: 1,
        frames: [frames[0]],
        wireLength: 5,
        compressed: false,
        data: text('Hello'),
        truncated: false,
      },
    ]);
  });

  it('a fragmented message with control frames between its fragments (RFC 6455 §5.4)', () => {
    const { frames, messages, problems } = assemble([
      { opcode: 2, fin: false, payload: hex('01 02') },
      { opcode: 9, payload: text('ping') },
      { opcode: 0, fin: false, payload: hex('03') },
      { opcode: 0xa, payload: text('pong') },
      { opcode: 8, payload: hex('03e8') },
      { opcode: 0, fin: false, payload: Buffer.alloc(0) },
      { opcode: 0, payload: hex('04 05 06') },
      { opcode: 1, payload: text('after') },
    ]);
    assert.deepEqual(problems, []);
    assert.equal(messages.length, 2);
    assert.equal(messages[0].opcode, 2);
    assert.deepEqual(messages[0].data, hex('01 02 03 04 05 06'));
    assert.deepEqual(messages[0].frames, [frames[0], frames[2], frames[5], frames[6]]);
    assert.equal(messages[0].wireLength, 6);
    assert.equal(messages[0].truncated, false);
    assert.deepEqual(messages[1].data, text('after'));
    assert.deepEqual(messages[1].frames, [frames[7]]);
  });

  it('a continuation with no message open is reported and ignored', () => {
    const { messages, problems } = assemble([
      { opcode: 0, payload: text('orphan') },
      { opcode: 1, payload: text('ok') },
    ]);
    assert.deepEqual(problems, [{ code: 'continuation-without-message', frame: 0 }]);
    assert.deepEqual(messages.map((m) => m.data.toString()), ['ok']);
  });

  it('a new data frame while a fragmented message is open cuts the open one, then starts', () => {
    const { frames, messages, problems } = assemble([
      { opcode: 1, fin: false, payload: text('first ') },
      { opcode: 0, fin: false, payload: text('part') },
      { opcode: 2, fin: false, payload: hex('aa') },
      { opcode: 0, payload: hex('bb') },
    ]);
    assert.deepEqual(problems, [{ code: 'message-interrupted', frame: 2 }]);
    assert.equal(messages.length, 2);
    assert.deepEqual(
      messages.map((m) => [m.opcode, m.data.toString('hex'), m.truncated, m.frames.map((f) => frames.indexOf(f))]),
      [
        [1, text('first part').toString('hex'), true, [0, 1]],
        [2, 'aabb', false, [2, 3]],
      ],
    );
  });

  it('finish() delivers a message still waiting for FIN as truncated', () => {
    const { messages, problems } = assemble([{ opcode: 1, fin: false, payload: text('never ends') }], { finish: true });
    assert.deepEqual(problems, [{ code: 'message-incomplete', frame: 0 }]);
    assert.equal(messages.length, 1);
    assert.equal(messages[0].truncated, true);
    assert.equal(messages[0].data.toString(), 'never ends');
  });

  it('keeps at most maxMessageBytes of the body and marks the message truncated', () => {
    const { messages, problems } = assemble(
      [
        { opcode: 1, fin: false, payload: text('€€') }, // 6 bytes
        { opcode: 0, payload: text('€€') },
      ],
      { maxMessageBytes: 8 },
    );
    // The cut falls inside a character: not a UTF-8 problem, the rest was not kept.
    assert.deepEqual(problems, []);
    assert.equal(messages[0].truncated, true);
    assert.equal(messages[0].wireLength, 12);
    assert.deepEqual(messages[0].data, hex('e2 82 ac e2 82 ac e2 82'));
  });

  it('a frame cut by the parser keep limit makes its message truncated', () => {
    const { messages } = assemble([{ opcode: 2, payload: Buffer.alloc(50, 1) }], { maxPayloadKeep: 20 });
    assert.equal(messages[0].truncated, true);
    assert.equal(messages[0].wireLength, 50);
    assert.deepEqual(messages[0].data, Buffer.alloc(20, 1));
  });

  it('text split inside characters across fragments is valid', () => {
    const body = Buffer.from('€𝄞', 'utf8'); // e2 82 ac f0 9d 84 9e
    const { messages, problems } = assemble([
      { opcode: 1, fin: false, payload: body.subarray(0, 1) },
      { opcode: 9, payload: Buffer.alloc(0) },
      { opcode: 0, fin: false, payload: body.subarray(1, 4) },
      { opcode: 0, payload: body.subarray(4) },
    ]);
    assert.deepEqual(problems, []);
    assert.equal(messages[0].data.toString(), '€𝄞');
  });

  it('invalid UTF-8 is reported at the frame that carried the bad byte', () => {
    const { problems, messages } = assemble([
      { opcode: 1, fin: false, payload: text('ok ') },
      { opcode: 0, fin: false, payload: hex('ed') },
      { opcode: 0, payload: hex('a0 80') }, // surrogate U+D800: the second byte is the bad one
    ]);
    assert.deepEqual(problems, [{ code: 'text-invalid-utf8', frame: 2 }]);
    assert.deepEqual(messages[0].data, Buffer.concat([text('ok '), hex('ed a0 80')]));
  });

  it('a text message ending inside a character is reported at its last frame', () => {
    const { problems } = assemble([
      { opcode: 1, fin: false, payload: text('x') },
      { opcode: 0, payload: hex('f0 9d') },
    ]);
    assert.deepEqual(problems, [{ code: 'text-invalid-utf8', frame: 1 }]);
  });

  it('binary messages are not checked as UTF-8', () => {
    const { problems, messages } = assemble([{ opcode: 2, payload: hex('ff fe c0') }]);
    assert.deepEqual(problems, []);
    assert.equal(messages.length, 1);
  });
});

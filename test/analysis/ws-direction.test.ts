import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketDirection } from '../../src/analysis/ws-direction.js';
import type { FindingCode } from '../../src/findings/index.js';
import type { Frame, Message } from '../../src/websocket/types.js';
import { encodeFrame, text } from '../websocket/helpers.js';

function harness() {
  const frames: Frame[] = [];
  const messages: Message[] = [];
  const reports: [FindingCode, string, number | undefined][] = [];
  // As ConnectionAnalyzer does: every frame goes to the direction's current assembler.
  const current: { side: WebSocketDirection | null } = { side: null };
  const options = {
    direction: 'server' as const,
    maxMessageBytes: 1 << 20,
    onFrame: (frame: Frame) => {
      frames.push(frame);
      current.side?.assembler.push(frame);
    },
    onMessage: (message: Message) => messages.push(message),
    onProblem: (code: FindingCode, message: string) => reports.push([code, message, undefined]),
    report: (code: FindingCode, message: string, where: { packet?: number }) => reports.push([code, message, where.packet]),
  };
  return { frames, messages, reports, options, current };
}

const chunk = (data: Buffer, offset: number, packet: number) => ({ direction: 'server' as const, data, offset, ts: packet, packet });

describe('WebSocketDirection', () => {
  it('a gap inside a fragmented message: the message is delivered cut, without a "stream ended" finding', () => {
    const h = harness();
    const side = WebSocketDirection.afterUpgrade({ ...h.options, deflate: null });
    h.current.side = side;
    const first = encodeFrame({ opcode: 1, fin: false, payload: text('part one ') });
    side.push(chunk(first, 0, 1));
    side.gap(50, 2, 3);
    const after = Buffer.concat([Buffer.alloc(4, '~'), ...['a', 'b', 'c'].map((s) => encodeFrame({ opcode: 1, payload: text(s) }))]);
    side.push(chunk(after, first.length + 50, 4));
    side.end();
    assert.deepEqual(h.frames.map((f) => f.payload.toString()), ['part one ', 'a', 'b', 'c']);
    assert.deepEqual(h.messages.map((m) => [m.data.toString(), m.truncated]), [['part one ', true], ['a', false], ['b', false], ['c', false]]);
    assert.deepEqual(h.reports, [
      ['websocket-gap', '50 bytes from the server were not captured; frames in them are lost. Decoding resumed at the next frame header, 4 bytes after the gap (packet 4).', 3],
    ]);
  });

  it('a gap never recovered from is reported when the stream ends, with the bytes left undecoded', () => {
    const h = harness();
    const side = WebSocketDirection.afterUpgrade({ ...h.options, deflate: null });
    side.push(chunk(encodeFrame({ opcode: 2, payload: Buffer.alloc(10) }), 0, 1));
    side.gap(100, 2, 2);
    side.push(chunk(Buffer.alloc(30, '~'), 112, 3));
    side.gap(7, 4, 4);
    side.push(chunk(Buffer.alloc(5, '~'), 149, 5));
    assert.equal(side.lost, true);
    side.end();
    assert.equal(h.frames.length, 1);
    assert.deepEqual(h.reports, [
      ['websocket-gap', '107 bytes from the server were not captured; no frame start was found in the 5 bytes after the gap, so they were not decoded.', 2],
    ]);
  });

  it('mid-stream detection gives up on bytes that never chain into frames', () => {
    const h = harness();
    const side = WebSocketDirection.midStream(h.options, false);
    for (let i = 0; i < 70; i++) side.push(chunk(Buffer.alloc(1024, '~'), i * 1024, i + 1));
    side.push(chunk(encodeFrame({ opcode: 1, payload: text('too late') }), 70 * 1024, 71));
    side.end();
    assert.deepEqual([h.frames.length, h.reports.length, side.lost], [0, 0, true]);
  });
});

/**
 * wsdissect against tshark, frame by frame, on every fixture: sender, FIN, RSV, opcode, MASK, payload length,
 * the unmasked payload bytes, the close code; and every text tshark shows (after decompression) must be the
 * text of a message in wsdissect's report. A difference fails the test unless known-differences.json lists it
 * with the reason wsdissect is right and tshark is wrong; a listed difference that no longer occurs fails too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { analyzeCaptures, type ConnectionModel, type FrameModel } from '../../src/analysis/index.js';
import { fixtureCaptures } from '../fixtures/captures.js';
import { tsharkAvailable, tsharkWebSocketFrames, type OracleFrame } from './tshark.js';

/** Differences on one capture that share one explanation. */
interface KnownDifference {
  capture: string;
  /** Why wsdissect is right and tshark is wrong here. */
  reason: string;
  /** The exact difference lines this test prints. */
  differences: string[];
}

const known: KnownDifference[] = JSON.parse(readFileSync('test/oracle/known-differences.json', 'utf8'));

/** The fields both tools decode, as one comparable line per frame. */
function describe(
  frame: Pick<FrameModel, 'packet' | 'direction' | 'fin' | 'rsv' | 'opcode' | 'masked' | 'payloadLength'>,
  payload: Buffer,
  closeCode: number | null,
): string {
  const flags = `fin=${Number(frame.fin)} rsv=${frame.rsv} opcode=${frame.opcode} mask=${Number(frame.masked)}`;
  // A digest keeps lines short for megabyte payloads; the head makes a mismatch readable.
  const digest = createHash('sha256').update(payload).digest('hex').slice(0, 16);
  const head = payload.subarray(0, 16).toString('hex');
  return `packet ${frame.packet} ${frame.direction} ${flags} len=${frame.payloadLength} close=${closeCode} payload=${head}… sha256:${digest}`;
}

function oracleDirection(frame: OracleFrame, connection: ConnectionModel | undefined): 'client' | 'server' {
  return connection && frame.srcIp === connection.client.ip && frame.srcPort === connection.client.port ? 'client' : 'server';
}

/** Lines that differ between the two tools, as `tshark: …` / `wsdissect: …` pairs per connection. */
function differences(ours: ConnectionModel[], theirs: OracleFrame[]): string[] {
  const out: string[] = [];
  const byId = new Map(ours.map((c) => [c.id, c]));
  const streams = new Set([...theirs.map((f) => f.tcpStream), ...ours.filter((c) => c.frames.length > 0).map((c) => c.id)]);
  for (const stream of [...streams].sort((a, b) => a - b)) {
    const connection = byId.get(stream);
    const mine = (connection?.frames ?? []).map((f) => describe(f, f.payload, f.close?.code ?? null));
    const tshark = theirs
      .filter((f) => f.tcpStream === stream)
      .map((f) => describe({ ...f, direction: oracleDirection(f, connection) }, f.payload, f.closeCode));
    for (let i = 0; i < Math.max(mine.length, tshark.length); i++) {
      if (mine[i] === tshark[i]) continue;
      out.push(`stream ${stream} frame ${i}: tshark: ${tshark[i] ?? '(none)'} | wsdissect: ${mine[i] ?? '(none)'}`);
    }
    const texts = new Set((connection?.messages ?? []).filter((m) => m.opcode === 1).map((m) => m.data.toString('utf8')));
    for (const frame of theirs.filter((f) => f.tcpStream === stream && f.text !== undefined)) {
      if (!texts.has(frame.text!)) out.push(`stream ${stream} packet ${frame.packet}: tshark text not among wsdissect's messages: ${JSON.stringify(frame.text!.slice(0, 80))}`);
    }
  }
  return out;
}

const skip = tsharkAvailable() ? false : 'tshark is not installed (CI installs it: apt-get install tshark)';

/** Captures tshark cannot read to the end, and why (what wsdissect does with them is tested elsewhere). */
const BEYOND_TSHARK: Record<string, string> = {
  'fixtures/hostile/deflate-bomb.pcap.gz':
    'tshark 4.0 inflates the whole 1 GiB message and dies (SIGSEGV at 4.3 GB); test/cli/hostile.test.ts checks it',
};

for (const capture of fixtureCaptures()) {
  test(`${capture}: every WebSocket frame agrees with tshark`, { skip: skip || BEYOND_TSHARK[capture] || false }, async () => {
    const [{ model }, oracle] = await Promise.all([analyzeCaptures([capture], { retainBytes: null }), tsharkWebSocketFrames(capture)]);
    const found = differences(model.connections, oracle);
    const expected = known.filter((k) => k.capture === capture).flatMap((k) => k.differences);
    const unexplained = found.filter((line) => !expected.includes(line));
    const stale = expected.filter((line) => !found.includes(line));
    assert.deepEqual(unexplained, [], 'differences from tshark not explained in test/oracle/known-differences.json');
    assert.deepEqual(stale, [], 'known differences that no longer occur: remove them');
    assert.ok(oracle.length === 0 || model.connections.some((c) => c.frames.length > 0));
  });
}

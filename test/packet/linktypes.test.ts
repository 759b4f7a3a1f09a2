// The crafted captures of fixtures/linktypes (written by make.py there): one file per link type, decoded
// through the real capture reader, compared with expected.json and, when it is installed, with tshark.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { readCaptures } from '../../src/capture/index.js';
import { decodePacket, type Endpoint } from '../../src/packet/index.js';

const DIR = new URL('../../fixtures/linktypes/', import.meta.url).pathname;

/** A segment as expected.json spells it (payload in hex), or the reason the packet has none. */
type Expected =
  | {
      ipVersion: 4 | 6;
      src: Endpoint;
      dst: Endpoint;
      seq: number;
      ack: number;
      flags: number;
      window: number;
      windowScale: number | null;
      payloadLength: number;
      payload: string;
    }
  | { skipped: string };

interface ExpectedFile {
  file: string;
  linkType: number;
  packets: Array<{ number: number } & Expected>;
}

const { files } = JSON.parse(readFileSync(DIR + 'expected.json', 'utf8')) as { files: ExpectedFile[] };

function withoutNumber(packets: ExpectedFile['packets']): Expected[] {
  return packets.map(({ number: _, ...rest }) => rest as Expected);
}

async function decodeFile(file: string): Promise<{ linkTypes: number[]; decoded: Expected[] }> {
  const decoded: Expected[] = [];
  const result = await readCaptures([DIR + file], (packet) => {
    const outcome = decodePacket(packet);
    if (outcome.kind === 'skipped') {
      decoded.push({ skipped: outcome.reason });
      return;
    }
    const { ipVersion, src, dst, seq, ack, flags, window, windowScale, payloadLength, payload } = outcome.segment;
    // The packet's bytes are a view into the reader's chunk: take the hex now.
    decoded.push({ ipVersion, src, dst, seq, ack, flags, window, windowScale, payloadLength, payload: payload.toString('hex') });
  });
  assert.equal(result.error, null);
  return { linkTypes: result.linkTypes, decoded };
}

const TSHARK_FIELDS = [
  'ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw',
  'tcp.flags', 'tcp.window_size_value', 'tcp.options.wscale.shift', 'tcp.len', 'tcp.payload',
];

/** tshark's reading of the file in the same shape; frames without TCP become null. */
async function tsharkView(file: string): Promise<Array<Expected | null>> {
  const args = ['-n', '-r', DIR + file, '-o', 'tcp.desegment_tcp_streams:FALSE', '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=f'];
  for (const field of TSHARK_FIELDS) args.push('-e', field);
  const { stdout } = await promisify(execFile)('tshark', args, { encoding: 'utf8' });
  return stdout.split('\n').filter((line) => line !== '').map((line) => {
    const [ip4s, ip6s, sport, ip4d, ip6d, dport, seq, ack, flags, window, shift, length, payload] = line.split('\t');
    if (sport === '') return null;
    return {
      ipVersion: ip4s ? 4 : 6,
      src: { ip: ip4s || ip6s, port: Number(sport) },
      dst: { ip: ip4d || ip6d, port: Number(dport) },
      seq: Number(seq),
      ack: Number(ack),
      flags: parseInt(flags, 16),
      window: Number(window),
      windowScale: shift === '' ? null : Number(shift),
      payloadLength: Number(length),
      payload: payload.replaceAll(':', ''),
    };
  });
}

const tsharkMissing = spawnSync('tshark', ['--version']).error !== undefined;
// tshark takes about half a second per file to start: all files are read at once, up front.
const tsharkViews = new Map(tsharkMissing ? [] : files.map((f) => [f.file, tsharkView(f.file)] as const));

describe('crafted captures, one per link type', () => {
  test('expected.json covers every link type the decoder knows', () => {
    assert.deepEqual(files.map((f) => f.linkType).sort((a, b) => a - b), [0, 1, 12, 14, 101, 108, 113, 228, 229, 276]);
  });

  for (const entry of files) {
    test(`${entry.file} (link type ${entry.linkType}) decodes as expected.json says`, async () => {
      const { linkTypes, decoded } = await decodeFile(entry.file);
      assert.deepEqual(linkTypes, [entry.linkType]);
      assert.deepEqual(decoded, withoutNumber(entry.packets));
    });

    test(
      `${entry.file}: tshark reads the same`,
      { skip: tsharkMissing && 'tshark is not installed: the tshark cross-check of expected.json is skipped' },
      async () => {
        const expected = withoutNumber(entry.packets).map((p) => ('skipped' in p ? null : p));
        assert.deepEqual(await tsharkViews.get(entry.file), expected);
      },
    );
  }
});

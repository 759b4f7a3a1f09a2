/**
 * Memory must not grow with the number of connections in a capture: a scan or a flood of short connections
 * (a million SYNs) once kept every ended connection's model until the end, and ran into gigabytes. When the
 * caller takes each connection as it ends (onConnectionEnd: summary, report, report --ndjson), the analysis
 * keeps none of them, only the counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyzeCaptures, type ConnectionModel } from '../../src/analysis/index.js';
import { ipv4, tcp } from '../packet/build.js';
import { pcapHeader, pcapRecord, writeTemp } from '../capture/build.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const LE = { littleEndian: true };
const RAW_IPV4 = 228;
const SYN = 0x02;
const RST_ACK = 0x14;
const CONNECTIONS = 40_000;
/**
 * Connections start this far apart in capture time, so that the few hundred the TCP stage still remembers for
 * their late packets (its 240 s linger) stay a small, steady number.
 */
const SPACING_MS = 50;

/** CONNECTIONS connections from distinct clients to port 80, each a SYN refused with an RST. */
async function refusedConnections(): Promise<string> {
  const records: Buffer[] = [pcapHeader({ ...LE, linkType: RAW_IPV4 })];
  for (let i = 0; i < CONNECTIONS; i++) {
    const client = [10, 0, i >> 8, i & 0xff];
    const server = [192, 0, 2, 80];
    const port = 1024 + (i % 60_000);
    const ms = i * SPACING_MS;
    const at = (extraMs: number) => [1_700_000_000 + Math.floor((ms + extraMs) / 1000), ((ms + extraMs) % 1000) * 1000] as const;
    records.push(pcapRecord(LE, ...at(0), ipv4(tcp({ srcPort: port, dstPort: 80, seq: 7, ack: 0, flags: SYN }), { src: client, dst: server })));
    records.push(pcapRecord(LE, ...at(1), ipv4(tcp({ srcPort: 80, dstPort: port, seq: 0, ack: 8, flags: RST_ACK }), { src: server, dst: client })));
  }
  return writeTemp('refused.pcap', Buffer.concat(records));
}

const file = refusedConnections();

test('with onConnectionEnd, the heap stays flat however many connections have ended', async () => {
  const heapAt: number[] = [];
  let ended = 0;
  await analyzeCaptures([await file], {
    retainBytes: 0,
    onConnectionEnd: () => ended++,
    onProgress: (bytesRead, totalBytes) => {
      // Measured after a quarter of the capture (the TCP stage's linger table is full by then) and at its end.
      const quarter = heapAt.length === 0 && bytesRead >= totalBytes / 4;
      if (quarter || (heapAt.length === 1 && bytesRead === totalBytes)) {
        gc();
        heapAt.push(process.memoryUsage().heapUsed);
      }
    },
  });
  assert.equal(ended, CONNECTIONS);
  assert.equal(heapAt.length, 2);
  // Some 30,000 connections end in between: kept models (~600 bytes each) would add about 18 MB.
  const growth = heapAt[1] - heapAt[0];
  assert.ok(growth < 4 << 20, `the heap grew by ${(growth / 2 ** 20).toFixed(1)} MiB`);
});

test('with onConnectionEnd, the result is the overview: counts, no connections, and no handed model kept alive', async () => {
  const handed: WeakRef<ConnectionModel>[] = [];
  const result = await analyzeCaptures([await file], { retainBytes: 0, onConnectionEnd: (connection) => handed.push(new WeakRef(connection)) });
  assert.equal(result.error, null);
  assert.deepEqual(Object.keys(result.model).sort(), ['files', 'findings', 'format', 'linkTypes', 'packets', 'tcpConnections', 'webSocketConnections']);
  assert.equal(result.model.tcpConnections, CONNECTIONS);
  assert.equal(result.model.webSocketConnections, 0);
  assert.equal(result.model.packets, 2 * CONNECTIONS);
  assert.equal(handed.length, CONNECTIONS);
  // WeakRef targets live until the current task ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  assert.equal(handed.filter((ref) => ref.deref() !== undefined).length, 0, 'models still reachable after the analysis');
});

test('without onConnectionEnd, every connection is kept, in id order, and counted the same', async () => {
  const { model } = await analyzeCaptures([await file], { retainBytes: 0 });
  assert.equal(model.connections.length, CONNECTIONS);
  assert.equal(model.tcpConnections, CONNECTIONS);
  assert.equal(model.webSocketConnections, 0);
  assert.ok(model.connections.every((c, i) => c.id === i && c.close.tcpEnd === 'rst'));
});

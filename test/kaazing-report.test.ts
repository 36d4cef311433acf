import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderKaazingReport, type KaazingResults } from '../reports/kaazing.js';
import type { CompletedTransportRun, TransportName } from '../results/types.js';
import { packageRoot } from '../harness/paths.js';

/** A completed run with the given per-message overheads; everything else plausible and fixed. */
function run(transport: TransportName, clients: number, c2s: number, s2c: number, messagesPerS: number): CompletedTransportRun {
  const stats = { processes: 1, cpuSeconds: 1, maxRssBytes: 1, rssBytes: 1, eventLoopDelay: { p50Ms: 0, p99Ms: 0, maxMs: 0 } };
  return {
    state: 'completed', transport, repeat: 0, clients, rate: 1, payloadBytes: 21, durationS: 10, profile: 'kaazing-2009',
    transportOptions: { intervalMs: 1000, longPollTimeoutMs: 30000, perMessageDeflate: false },
    published: 10, windowS: 10,
    connect: { connected: clients, durationMs: 1, errors: {} },
    messages: { expected: clients * 10, delivered: clients * 10, lost: 0, duplicated: 0, reordered: 0 },
    wire: {
      c2sBytes: 0, s2cBytes: 0, setup: { c2sBytes: 0, s2cBytes: 0 }, payloadBytes: 0,
      perMessage: { c2sOverheadBytes: c2s, s2cOverheadBytes: s2c }, perConnection: { setupBytes: 0 },
      model: { c2sBytes: 0, s2cBytes: 0, setup: { c2sBytes: 0, s2cBytes: 0 } }, matchesModel: true,
    },
    throughput: { messagesPerS, c2sBitsPerS: 0, s2cBitsPerS: 0 },
    latencyMs: { p50: 1, p90: 1, p99: 1, p999: 1, max: 1, mean: 1, count: 1, histogram: '' },
    server: { ...stats, address: '127.0.0.1:1', cpuSecondsPerMessage: 0, connections: clients },
    clientWorkers: { ...stats, saturated: false, saturationReason: null },
  };
}

/** The same run, flagged as the harness flags a busy load generator, with a few resets and a model mismatch. */
function saturated(r: CompletedTransportRun): CompletedTransportRun {
  return {
    ...r,
    connect: { ...r.connect, errors: { ECONNRESET: 3 } },
    clientWorkers: { ...r.clientWorkers, saturated: true, saturationReason: 'event-loop delay p99 250 ms' },
    wire: { ...r.wire, matchesModel: false },
  };
}

const article = JSON.parse(readFileSync(path.join(packageRoot, 'scenarios', 'studies', 'kaazing.json'), 'utf8')).kaazing.article;

function fixture(): KaazingResults {
  return {
    kind: 'kaazing', schemaVersion: 2, tool: 'pushbench', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:10:00.000Z',
    environment: { node: 'v20', os: 'linux', arch: 'x64', cpuModel: 'cpu', cpuCount: 2, totalMemoryBytes: 2 ** 32, openFilesLimit: 1024, commit: 'abc', pushbenchVersion: '0.1.0' },
    command: 'pushbench kaazing', rate: 1, payloadBytes: 21, durationS: 10, article,
    framing: { payloadBytes: 21, wsServerToClientHeaderBytes: 2, wsClientToServerHeaderBytes: 6, hixie76FrameOverheadBytes: 2, tcpIpHeaderBytesPerSegment: 52, measured: { payloadBytes: 21, c2sFrameBytes: 27, s2cFrameBytes: 23 } },
    profiles: [{
      profile: 'kaazing-2009', description: 'the article', requestLines: 11, responseLines: 6, requestVisibleChars: 692, responseVisibleChars: 179,
      requestWireBytes: 716, responseWireBytes: 193, sinceBytes: 9, sinceExample: '?since=10', websocketRequestWireBytes: 800,
    }],
    cases: [
      {
        useCase: 'A', clients: 1000, profile: 'kaazing-2009', resultsFile: 'results/a.json',
        runs: [run('short-polling', 1000, 725, 193, 1000), saturated(run('websocket', 1000, 0, 2, 1000)), { ...run('sse', 1000, 0, 0, 0), state: 'errored', error: 'boom' } as never],
        tcp: { websocket: { messages: 10000, sockets: 1000, segmentsPerMessage: 2, ackOnlySegmentsPerMessage: 1, tcpIpHeaderBytesPerMessage: 104, tcpPayloadBytesPerMessage: 23 } },
        extrapolatedFrom: null,
      },
      {
        // Short polling left out by a capacity search; WebSocket measured but overloaded.
        useCase: 'B', clients: 10000, profile: 'kaazing-2009', resultsFile: 'results/b.json',
        runs: [{ ...run('websocket', 10000, 0, 2, 10000), steady: { state: 'overloaded', reason: 'mean latency rose 900 ms over 10 s', seconds: 10, slopeMsPerS: 90, riseMs: 900, toleranceMs: 50, firstThirdMeanMs: 100, lastThirdMeanMs: 900 } }],
        tcp: {},
        extrapolatedFrom: null,
        ruledOut: [{
          transport: 'short-polling',
          capacity: { file: 'docs/results/cap.json', maxClients: 6200, firstFailedClients: 6800, limitedBy: 'server CPU', rate: 1, intervalMs: 1000, p99Ms: 1000, durationS: 60, profile: 'minimal' },
          from: { useCase: 'A', clients: 1000, resultsFile: 'results/a.json' },
        }],
      },
      {
        useCase: 'C', clients: 100000, profile: 'kaazing-2009', resultsFile: null, runs: [], tcp: {},
        extrapolatedFrom: { useCase: 'A', clients: 1000, resultsFile: 'results/a.json', reason: 'open-files limit 1024 is below 200,000' },
      },
    ],
    latency: {
      oneWayDelayMs: 50, jitterMs: 0, clients: 5, rate: 1, intervalMs: 1000,
      modes: [
        { mode: 'WebSocket', transport: 'websocket', connection: 'persistent', profile: 'minimal', latencyMs: { p50: 50, p90: 51, p99: 52, max: 53, count: 50 }, error: null },
        { mode: 'short polling', transport: 'short-polling', connection: 'new connection per poll', profile: 'minimal-close', latencyMs: { p50: 650, p90: 1000, p99: 1100, max: 1150, count: 50 }, error: null, proxyConnections: 1234 },
        { mode: 'long polling', transport: 'long-polling', connection: 'keep-alive', profile: 'minimal', latencyMs: null, error: 'server died' },
      ],
      exchanges: [
        { exchange: 'pushed', connection: 'persistent', oneWayTrips: 1, count: 9, p50Ms: 51, minMs: 50.5, maxMs: 52 },
        { exchange: 'fresh poll', connection: 'new connection per poll', oneWayTrips: 4, count: 9, p50Ms: 204, minMs: 201, maxMs: 210 },
      ],
    },
  };
}

const md = renderKaazingReport(fixture());

test('the heads table shows visible characters next to wire bytes', () => {
  assert.match(md, /\| `kaazing-2009` \| 11 \| 692 \| 716 \| 6 \| 179 \| 193 \| 871 \| 909 \| 9 B \(`\?since=10`\) \| 800 \|/);
  assert.match(md, /692 \+ 179 = 871 visible characters/);
  assert.match(md, /716 \+ 193 = \*\*909 bytes\*\* \(\+38 B\)/);
});

test('measured rows compute bit rates from overhead x delivered rate, and the ratio from both directions', () => {
  // (725 + 193) x 8 x 1000 = 7,344,000 bit/s; / 2^20 = 7.00 "Mbps".
  assert.match(md, /\| short-polling \| 725\.0 \| 193\.0 \| 7,344,000 \| 7\.34 \| 7\.00 \| – \| – \| – \| 10,000 \/ 10,000 \|/);
  assert.match(md, /\| websocket \| 0\.0 \| 2\.0 \| 16,000 \| 0\.0160 \| 0\.0153 \| 2\.00 \| 1\.00 \| 104\.0 \| 10,000 \/ 10,000 \|/);
  assert.match(md, /short-polling \/ websocket = \*\*459\.0 : 1\*\*/);
  assert.match(md, /sse errored: boom/);
  assert.match(md, /- websocket: the load generator was saturated \(event-loop delay p99 250 ms\)/);
  assert.match(md, /- websocket: connection errors during the run: ECONNRESET 3\./);
  assert.match(md, /- websocket: bytes counted at the sockets differ from the framing model/);
  assert.match(md, /Caveats of the measured case these figures come from:/);
});

test('an extrapolated case says so, names its source, and scales by client count', () => {
  assert.match(md, /\*\*Extrapolated, not measured\*\*: open-files limit 1024 is below 200,000\. .*use case A's measured overhead per message \(1,000 clients, results\/a\.json\)/);
  assert.match(md, /\| short-polling \| 725\.0 \| 193\.0 \| 734,400,000 \| 734\.4 \| 700\.4 \| .* \(from A\) \|/);
});

test('a transport a capacity search ruled out is scaled from where it was measured, and says why', () => {
  const b = md.slice(md.indexOf('#### Use case B'), md.indexOf('#### Use case C'));
  // (725 + 193) x 8 x 10,000 = 73,440,000 bit/s, from use case A's run; rows stay in transport order.
  assert.match(b, /\| short-polling \| 725\.0 \| 193\.0 \| 73,440,000 \| 73\.44 \| .* \| not run: capacity \(from A\) \|\n\| websocket /);
  assert.match(b, /- short-polling not run at 10,000 clients: `pushbench capacity` \(docs\/results\/cap\.json\) sustained at most 6,200 clients at 1 message\/s \(p99 within 1,000 ms, level over 60 s, profile `minimal`, a poll every 1,000 ms\); 6,800 failed: server CPU\. Its row is use case A's measured overhead per message \(1,000 clients\) x 10,000 clients/);
  assert.match(b, /\| websocket \| .* \| 100,000 \/ 100,000 \(overloaded\) \|/);
  assert.match(b, /- websocket: overloaded at 10,000 clients \(mean latency rose 900 ms over 10 s\).*a pushed message costs the same bytes however late it is, and 100,000 of 100,000 arrived/);
});

test('the corrections are computed from the article figures and the framing model', () => {
  assert.match(md, /871 \/ 2 = 435\.5, not 500:1/);
  assert.match(md, /6,968,000 bit\/s is 6\.97 Mbit\/s \(10\^6\) but 6\.65 "Mbps" with 2\^20; the article printed 6\.6/);
  assert.match(md, /0\.153 is printed as "Kbps"/);
  assert.match(md, /Of its 6 printed rates, 6 are nearer bit\/s \/ 2\^20 than bit\/s \/ 10\^6/);
  assert.match(md, /server-to-client frame header is 2 B, a client-to-server frame 6 B/);
  assert.match(md, /a 21-byte message took 27 B client to server \(6 B overhead\) and 23 B server to client \(2 B\)/);
  assert.match(md, /`kaazing-2009` A: 725\.0 B request side, 193\.0 B response side/);
  assert.match(md, /   \| websocket \| 1 \| 2\.00 \| 1\.00 \| 104\.0 \|/);
  assert.match(md, /The 2-byte WebSocket frame header rides on at least 104 B of TCP\/IP headers/);
});

test('latency rows carry ratios to WebSocket beside the claim, and failures say why', () => {
  assert.match(md, /\| short polling \| new connection per poll \| 1,234 \| 650\.0 \| 1,000\.0 \| 1,100\.0 \| 1,150\.0 \| 50 \| 13\.00 : 1 \| 150 ms \(3:1\) \|/);
  assert.match(md, /\| fresh poll \| new connection per poll \| 4 \| 200 \| 204\.0 \| 201\.0 \| 210\.0 \| 4\.00 : 1 \|/);
  assert.match(md, /so it needs 4 one-way trips/);
  assert.match(md, /\| long polling \| keep-alive \| – \| – \| – \| – \| – \| 0 \| – \| server died \|/);
});

test('the report module imports nothing from the harness at run time', () => {
  const src = readFileSync(path.join(packageRoot, 'reports', 'kaazing.ts'), 'utf8');
  const imports = src.split('\n').filter((l) => /^import /.test(l));
  assert.ok(imports.length > 0);
  for (const l of imports) assert.match(l, /^import type /, l);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { framingModel, loadKaazingScenario, main, measureWsFrames, parseKaazingArgs, probeExchanges, profileHeads, tcpPerMessage } from '../harness/commands/kaazing.js';
import { UsageError } from '../harness/errors.js';
import { loadProfile } from '../harness/protocol/profiles.js';
import type { TcpSocketStats } from '../harness/measure/tcp-stats.js';

const scenario = loadKaazingScenario();

test('the scenario carries the article and three use cases of 1,000, 10,000 and 100,000 clients', () => {
  assert.deepEqual(scenario.useCases.map((u) => [u.useCase, u.clients]), [['A', 1000], ['B', 10000], ['C', 100000]]);
  assert.equal(scenario.article.requestVisibleChars + scenario.article.responseVisibleChars, scenario.article.pollOverheadBytes);
  for (const p of [...scenario.profiles, scenario.latency.profile, scenario.latency.closeProfile]) loadProfile(p);
});

test('profileHeads counts the article\'s exchange: 692 + 179 visible, 716 + 193 on the wire, ?since=10 adds 9', () => {
  const h = profileHeads(loadProfile('kaazing-2009'), 21, 10);
  assert.deepEqual(
    [h.requestLines, h.requestVisibleChars, h.requestWireBytes, h.responseLines, h.responseVisibleChars, h.responseWireBytes, h.sinceBytes, h.sinceExample],
    [11, 692, 716, 6, 179, 193, 9, '?since=10'],
  );
  const close = profileHeads(loadProfile('kaazing-2009-close'), 21, 10);
  // "Connection: close" instead of "Keep-Alive: 300" + "Connection: keep-alive".
  assert.equal(close.requestWireBytes, 716 - 'Keep-Alive: 300\r\n'.length - 'keep-alive'.length + 'close'.length);
});

test('framingModel: RFC 6455 by direction and hixie-76 for a 21-byte message', () => {
  assert.deepEqual(framingModel(21), { payloadBytes: 21, wsServerToClientHeaderBytes: 2, wsClientToServerHeaderBytes: 6, hixie76FrameOverheadBytes: 2, tcpIpHeaderBytesPerSegment: 52 });
  assert.equal(framingModel(200).wsClientToServerHeaderBytes, 8);
});

test('tcpPerMessage divides the counter differences of sockets present at both ends by their messages', () => {
  const sock = (peerPort: number, o: Partial<TcpSocketStats>): TcpSocketStats => ({
    state: null, localAddress: '127.0.0.1', localPort: 8080, peerAddress: '127.0.0.1', peerPort,
    segsOut: 0, segsIn: 0, dataSegsOut: 0, dataSegsIn: 0, bytesSent: 0, bytesAcked: 0, bytesReceived: 0, bytesRetrans: 0, ...o,
  });
  const before = [sock(1, { segsOut: 5, segsIn: 5 }), sock(2, { segsOut: 5, segsIn: 5 }), sock(3, { segsOut: 900, segsIn: 900 })];
  // Socket 3 closed before the second reading and socket 4 is new: neither may count.
  const after = [
    sock(1, { segsOut: 15, segsIn: 10, dataSegsOut: 10, bytesSent: 230 }),
    sock(2, { segsOut: 15, segsIn: 10, dataSegsOut: 10, bytesSent: 230 }),
    sock(4, { segsOut: 1000, segsIn: 1000 }),
  ];
  assert.deepEqual(tcpPerMessage(before, after, 10), {
    messages: 20, sockets: 2, segmentsPerMessage: 1.5, ackOnlySegmentsPerMessage: 0.5, tcpIpHeaderBytesPerMessage: 78, tcpPayloadBytesPerMessage: 23,
  });
  assert.equal(tcpPerMessage(before, [], 10), null);
});

test('bad flags are refused with one line naming the fix', () => {
  assert.throws(() => parseKaazingArgs(['--cases', 'D'], scenario), /unknown use case "D"; the scenario has A, B, C/);
  assert.throws(() => parseKaazingArgs(['--transports', 'carrier-pigeon'], scenario), /unknown transport "carrier-pigeon"/);
  assert.throws(() => parseKaazingArgs(['--profiles', 'nope'], scenario), /unknown header profile "nope"/);
  assert.throws(() => parseKaazingArgs(['--duration', '-1'], scenario), /--duration needs a positive number/);
  assert.throws(() => parseKaazingArgs(['--no-latency', '--latency-only'], scenario), /contradict/);
  assert.throws(() => parseKaazingArgs(['--bogus'], scenario), UsageError);
  assert.deepEqual(parseKaazingArgs(['--cases', 'a,b', '--duration', '3'], scenario).cases, ['A', 'B']);
  assert.throws(() => parseKaazingArgs(['--measure-up-to', 'lots'], scenario), /--measure-up-to must be a whole number of clients, got "lots"/);
  assert.equal(parseKaazingArgs(['--measure-up-to', '10000'], scenario).measureUpTo, 10_000);
  assert.equal(parseKaazingArgs([], scenario).measureUpTo, null);
});

test('--render rejects a file that is not a kaazing results file and writes nothing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-kaazing-'));
  try {
    const bogus = path.join(dir, 'run.json');
    writeFileSync(bogus, JSON.stringify({ tool: 'pushbench', runs: [] }));
    const report = path.join(dir, 'kaazing.md');
    await assert.rejects(main(['--render', bogus, '--report', report]), /not a kaazing results file/);
    await assert.rejects(main(['--render', path.join(dir, 'missing.json')]), /cannot read kaazing results/);
    assert.throws(() => readFileSync(report));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('probeExchanges: each exchange takes at least its one-way trips x the delay', async () => {
  const delayMs = 20;
  const ex = await probeExchanges({ delayMs, jitterMs: 0, samples: 3, profile: 'kaazing-2009', closeProfile: 'kaazing-2009-close' });
  assert.deepEqual(ex.map((x) => [x.oneWayTrips, x.count]), [[1, 3], [2, 3], [4, 3]]);
  for (const x of ex) assert.ok(x.minMs >= x.oneWayTrips * delayMs - 1, `${x.exchange}: ${x.minMs.toFixed(1)} ms < ${x.oneWayTrips} x ${delayMs} ms`);
});

test('measureWsFrames counts RFC 6455 frames at the socket exactly as the model says, by direction', async () => {
  for (const payloadBytes of [21, 126, 70000]) {
    const m = await measureWsFrames(payloadBytes);
    const model = framingModel(payloadBytes);
    assert.deepEqual(m, { payloadBytes, c2sFrameBytes: payloadBytes + model.wsClientToServerHeaderBytes, s2cFrameBytes: payloadBytes + model.wsServerToClientHeaderBytes });
  }
});

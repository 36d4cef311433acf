/**
 * The contract every registered transport must meet, run for real at small scale: every message delivered exactly
 * once, the bytes counted at the server's sockets equal to the spec model to the byte, latency plausible.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHistogram } from '../results/histogram.js';
import { runScenario } from '../harness/run/runner.js';
import { TRANSPORTS } from '../harness/transports/registry.js';
import type { CompletedTransportRun, TransportName } from '../results/types.js';
import { smallRun } from './helpers.js';

const CLIENTS = 100;

async function runOne(transport: TransportName, extra = {}): Promise<CompletedTransportRun> {
  const results = await runScenario(smallRun({ transports: [transport], clients: CLIENTS, intervalMs: 500, ...extra }));
  const run = results.runs[0]!;
  assert.equal(run.state, 'completed', run.state === 'errored' ? run.error : '');
  return run as CompletedTransportRun;
}

function assertContract(run: CompletedTransportRun): void {
  const m = run.messages;
  assert.equal(run.connect.connected, CLIENTS, 'every client subscribed');
  assert.equal(m.expected, CLIENTS * run.published);
  assert.equal(m.delivered, m.expected, 'every message delivered');
  assert.equal(m.lost, 0);
  assert.equal(m.duplicated, 0);
  assert.equal(m.reordered, 0);
  assert.deepEqual(run.wire.setup, run.wire.model.setup, 'setup bytes equal the model');
  assert.equal(run.wire.c2sBytes, run.wire.model.c2sBytes, 'client-to-server bytes equal the model');
  assert.equal(run.wire.s2cBytes, run.wire.model.s2cBytes, 'server-to-client bytes equal the model');
  assert.equal(run.wire.matchesModel, true);
  assert.equal(run.wire.receivedBodyBytes, m.delivered * run.payloadBytes);
  assert.ok(run.wire.setup.c2sBytes > 0 && run.wire.setup.s2cBytes > 0, 'a subscription costs bytes both ways');
  assert.equal(decodeHistogram(run.latencyMs.histogram).totalCount, m.delivered, 'one latency sample per delivery');
  assert.ok(run.latencyMs.p50 > 0 && run.latencyMs.p99 <= run.latencyMs.max);
  assert.match(run.server.address, /^127\.0\.0\.1:\d+$/);
  assert.ok(run.server.cpuSeconds > 0 && run.server.maxRssBytes > 10e6);
  // N messages at `rate` take N / rate seconds: the delivered rate can never exceed clients x rate.
  assert.ok(run.windowS >= run.published / run.rate, `window ${run.windowS} s for ${run.published} messages`);
  assert.ok(run.throughput.messagesPerS <= CLIENTS * run.rate, `${run.throughput.messagesPerS} msg/s`);
}

for (const name of Object.keys(TRANSPORTS) as TransportName[]) {
  test(`${name}: delivers every message once and its wire bytes equal the model`, async () => {
    const run = await runOne(name);
    assertContract(run);
    // Push transports deliver in well under a second on loopback; polling within one interval (500 ms).
    assert.ok(run.latencyMs.p50 < (name === 'short-polling' ? 600 : 250), `p50 ${run.latencyMs.p50} ms`);
  });
}

test('websocket: 2 bytes of overhead per message server to client, nothing client to server', async () => {
  const run = await runOne('websocket', { clients: CLIENTS });
  assert.equal(run.wire.perMessage.s2cOverheadBytes, 2);
  assert.equal(run.wire.perMessage.c2sOverheadBytes, 0);
  assert.equal(run.wire.c2sBytes, 0);
});

test('sse: per-message overhead is the id and data fields plus the chunk framing', async () => {
  const run = await runOne('sse', { payloadBytes: 21, rate: 3, durationS: 2 });
  // ids 1..6 are one digit: "id: N\n" 6 + "data: " 6 + "\n\n" 2 = 14, chunk "23\r\n" + "\r\n" = 6.
  assert.equal(run.wire.perMessage.s2cOverheadBytes, 20);
});

test('websocket with permessage-deflate: negotiated, delivered, and bytes still equal the model', async () => {
  const run = await runOne('websocket', { perMessageDeflate: true, rate: 5, durationS: 2 });
  assertContract(run);
  assert.equal(run.transportOptions.perMessageDeflate, true);
});

test('long polling with a short hold time: empty answers and re-polls are counted and modelled', async () => {
  const run = await runOne('long-polling', { longPollTimeoutMs: 300, rate: 1, durationS: 2 });
  assertContract(run);
  // Timeouts add empty exchanges: more client-to-server bytes than one request per message.
  assert.ok(run.wire.perMessage.c2sOverheadBytes > run.wire.setup.c2sBytes / CLIENTS);
});

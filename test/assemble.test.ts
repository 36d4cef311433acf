/** Results from several worker processes: counters add up, histograms merge losslessly. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHistogram, encodeHistogram, newHistogram } from '../results/histogram.js';
import type { WorkerTally } from '../harness/run/ipc.js';
import type { ProcessCostSample } from '../harness/measure/proc-stats.js';
import { assemble, perConnection, runScenario } from '../harness/run/runner.js';
import { LatencyTimeline } from '../results/timeline.js';
import { smallRun } from './helpers.js';

const cost = (cpuSeconds: number): ProcessCostSample => ({
  pid: 1,
  cpuSeconds,
  wallSeconds: 10,
  rssBytes: 50e6,
  maxRssBytes: 60e6,
  eventLoopDelay: { p50Ms: 1, p99Ms: 2, maxMs: 3 },
});

/** A worker's tally; latency k belongs to a message published in second k mod 2 of the window. */
function tally(delivered: number, latenciesUs: number[]): WorkerTally {
  const h = newHistogram();
  const timeline = new LatencyTimeline();
  timeline.reset(5_000_000, 1);
  latenciesUs.forEach((v, k) => {
    h.recordValue(v);
    timeline.record(5_000_000 + (k % 2) * 1e6 + 10, v);
  });
  return {
    subscribed: delivered / 2,
    delivered,
    duplicated: 1,
    reordered: 2,
    received: delivered + 1,
    payloadBytes: delivered * 21,
    model: { setupC2s: 10, setupS2c: 20, preC2s: 0, preS2c: 0, c2s: 0, s2c: delivered * 23, postC2s: 0, postS2c: 0 },
    errors: { ECONNRESET: 1 },
    histogram: encodeHistogram(h),
    timeline: timeline.snapshot(),
  };
}

test('counters of three workers add up and their histograms merge to the sum of their parts', () => {
  const parts = [tally(4, [1000, 2000, 3000, 4000]), tally(6, [500, 500, 500, 500, 500, 90_000]), tally(2, [7000, 8000])];
  const run = assemble(smallRun({ clients: 6 }), 'websocket', 0, {
    port: 1234,
    count: 2,
    windowS: 2,
    connectMs: 5,
    snap: {
      type: 'snapshot',
      subscribers: 6,
      cost: cost(1),
      wire: {
        setup: { c2sBytes: 30, s2cBytes: 60 },
        preWindow: { c2sBytes: 0, s2cBytes: 0 },
        window: { c2sBytes: 0, s2cBytes: 12 * 23 },
        postWindow: { c2sBytes: 0, s2cBytes: 0 },
        total: { c2sBytes: 30, s2cBytes: 60 + 12 * 23 },
        connections: 6,
        connectionsOpened: 6,
      },
      acceptErrors: { EMFILE: 2 },
    },
    reports: parts.map((t) => ({ tally: t, cost: cost(0.5) })),
  });
  assert.equal(run.messages.delivered, 12);
  assert.equal(run.messages.expected, 12);
  assert.equal(run.messages.duplicated, 3);
  assert.equal(run.messages.reordered, 6);
  // The server's accept errors are connection errors too, marked as the server's.
  assert.deepEqual(run.connect.errors, { ECONNRESET: 3, 'server:EMFILE': 2 });
  assert.deepEqual(run.server.acceptErrors, { EMFILE: 2 });
  assert.equal(run.clientWorkers.processes, 3);
  assert.equal(run.clientWorkers.cpuSeconds, 1.5);
  const merged = decodeHistogram(run.latencyMs.histogram);
  assert.equal(merged.totalCount, 12);
  assert.equal(run.latencyMs.count, 12);
  // The max of the merged histogram is the max of all parts (90 ms), not an average of maxima.
  assert.ok(Math.abs(run.latencyMs.max - 90) < 0.1, `max ${run.latencyMs.max}`);
  // Latency over time adds counts and sums and keeps the largest maximum, bucket by bucket.
  assert.deepEqual(run.latencyMs.overTime, {
    bucketS: 1,
    count: [2 + 3 + 1, 2 + 3 + 1],
    meanMs: [Math.round((1000 + 3000 + 500 + 500 + 500 + 7000) / 6) / 1000, (2000 + 4000 + 500 + 500 + 90_000 + 8000) / 6 / 1000],
    maxMs: [7, 90],
  });
  assert.deepEqual(run.wire.model.setup, { c2sBytes: 30, s2cBytes: 60 });
  assert.equal(run.wire.matchesModel, true);
  assert.equal(run.wire.perMessage.s2cOverheadBytes, 2);
});

test('a warm-up is delivered and timed, but left out of the latency percentiles', async () => {
  const results = await runScenario(smallRun({ transports: ['websocket'], clients: 40, durationS: 3, warmupS: 1 }));
  const run = results.runs[0]!;
  assert.equal(run.state, 'completed');
  if (run.state !== 'completed') return;
  assert.equal(run.published, 3);
  assert.equal(run.messages.delivered, 40 * 3);
  // The first second's message is in the timeline, not in the histogram.
  assert.deepEqual(run.latencyMs.overTime!.count, [40, 40, 40]);
  assert.equal(run.latencyMs.count, 40 * 2);
  assert.equal(results.options.warmupS, 1);
});

test('a real run over three client workers delivers to every client and merges one sample per delivery', async () => {
  const results = await runScenario(smallRun({ transports: ['sse'], clients: 150, workers: 3, durationS: 2 }));
  const run = results.runs[0]!;
  assert.equal(run.state, 'completed');
  if (run.state !== 'completed') return;
  assert.equal(run.clientWorkers.processes, 3);
  assert.equal(run.messages.delivered, 150 * run.published);
  assert.equal(run.latencyMs.count, run.messages.delivered);
  assert.equal(run.wire.matchesModel, true);
  // Every delivery sits in the bucket of its publish second: one message a second, so one bucket per message.
  const overTime = run.latencyMs.overTime!;
  assert.equal(overTime.bucketS, 1);
  assert.deepEqual(overTime.count, Array(run.published).fill(150));
  assert.ok(overTime.maxMs.every((m, i) => m !== null && m >= overTime.meanMs[i]!), JSON.stringify(overTime));
});

test('memory per connection is connected minus idle over the connections, each side\'s processes added', () => {
  const m = perConnection(100, 50e6, 60e6, [[10e6, 11e6], [10e6, 11e6]]);
  assert.equal(m.serverBytesPerConnection, 100_000);
  assert.equal(m.clientIdleRssBytes, 20e6);
  assert.equal(m.clientBytesPerConnection, 20_000);
  // No connection: no figure (null with the reason), never a division by zero.
  const none = perConnection(0, 1, 2, []);
  assert.equal(none.serverBytesPerConnection, null);
  assert.match(none.serverReason!, /no connection/);
});

/** Results from several worker processes: counters add up, histograms merge losslessly. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHistogram, encodeHistogram, newHistogram } from '../harness/histogram.js';
import type { WorkerTally } from '../harness/ipc.js';
import type { ProcessCostSample } from '../harness/proc-stats.js';
import { assemble, runScenario } from '../harness/runner.js';
import { smallRun } from './helpers.js';

const cost = (cpuSeconds: number): ProcessCostSample => ({
  pid: 1,
  cpuSeconds,
  wallSeconds: 10,
  rssBytes: 50e6,
  maxRssBytes: 60e6,
  eventLoopDelay: { p50Ms: 1, p99Ms: 2, maxMs: 3 },
});

function tally(delivered: number, latenciesUs: number[]): WorkerTally {
  const h = newHistogram();
  for (const v of latenciesUs) h.recordValue(v);
  return {
    subscribed: delivered / 2,
    delivered,
    duplicated: 1,
    reordered: 2,
    received: delivered + 1,
    payloadBytes: delivered * 21,
    model: { setupC2s: 10, setupS2c: 20, c2s: 0, s2c: delivered * 23 },
    errors: { ECONNRESET: 1 },
    histogram: encodeHistogram(h),
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
      wire: { setup: { c2sBytes: 30, s2cBytes: 60 }, total: { c2sBytes: 30, s2cBytes: 60 + 12 * 23 }, connections: 6, connectionsOpened: 6 },
    },
    reports: parts.map((t) => ({ tally: t, cost: cost(0.5) })),
  });
  assert.equal(run.messages.delivered, 12);
  assert.equal(run.messages.expected, 12);
  assert.equal(run.messages.duplicated, 3);
  assert.equal(run.messages.reordered, 6);
  assert.deepEqual(run.connect.errors, { ECONNRESET: 3 });
  assert.equal(run.clientWorkers.processes, 3);
  assert.equal(run.clientWorkers.cpuSeconds, 1.5);
  const merged = decodeHistogram(run.latencyMs.histogram);
  assert.equal(merged.totalCount, 12);
  assert.equal(run.latencyMs.count, 12);
  // The max of the merged histogram is the max of all parts (90 ms), not an average of maxima.
  assert.ok(Math.abs(run.latencyMs.max - 90) < 0.1, `max ${run.latencyMs.max}`);
  assert.deepEqual(run.wire.model.setup, { c2sBytes: 30, s2cBytes: 60 });
  assert.equal(run.wire.matchesModel, true);
  assert.equal(run.wire.perMessage.s2cOverheadBytes, 2);
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
});

import { test } from 'node:test';
import { receivedBodyBytes } from '../results/types.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { packageRoot } from '../harness/paths.js';
import type { CompletedTransportRun, ResultsFile } from '../results/types.js';
import {
  bitsPerSecondChart, capacityChart, memoryBytesPerConnection, clientDecades, completedRuns, historyCharts, latencyChart, latencyOverTimeChart, overheadChart, runCharts,
  serverCostCharts,
} from '../reports/charts.js';
import { formatNumber } from '../reports/format.js';
import { LATENCY_PERCENTILES, latencyDistribution } from '../reports/latency.js';
import { newHistogram } from './fixtures/build-results-fixtures.js';

function fixture(name: string): ResultsFile {
  return JSON.parse(readFileSync(path.join(packageRoot, 'test', 'fixtures', `results-${name}.json`), 'utf8')) as ResultsFile;
}
const quick = fixture('quick');
const small = fixture('quick-small');
const hostile = fixture('script');

test('overhead chart: one bar per run, payload and header/framing per direction straight from the results', () => {
  const spec = overheadChart(quick);
  const runs = completedRuns(quick);
  assert.deepEqual(spec.config.data.labels, runs.map((r) => r.transport));
  const [payload, s2c, c2s] = spec.config.data.datasets;
  assert.deepEqual(payload!.data, runs.map((r) => receivedBodyBytes(r.wire) / r.messages.delivered));
  assert.deepEqual(s2c!.data, runs.map((r) => r.wire.perMessage.s2cOverheadBytes));
  assert.deepEqual(c2s!.data, runs.map((r) => r.wire.perMessage.c2sOverheadBytes));
  // Payload and server-to-client overhead stack into one bar; client-to-server is its own.
  assert.equal(payload!.stack, 's2c');
  assert.equal(s2c!.stack, 's2c');
  assert.equal(c2s!.stack, 'c2s');
  assert.equal(spec.table.rows.length, runs.length);
  for (const [i, row] of spec.table.rows.entries()) {
    const r = runs[i]!;
    assert.equal(row[4], formatNumber(r.wire.perMessage.c2sOverheadBytes + r.wire.perMessage.s2cOverheadBytes));
    assert.equal(row[6], r.wire.matchesModel ? 'yes' : 'no');
  }
});

test('bits/s chart: derived lines are bytes per message × 8 × clients × rate; measured points come from every given run', () => {
  const spec = bitsPerSecondChart(quick, [quick, small]);
  assert.equal(spec.config.options.scales && (spec.config.options.scales as Record<string, { type: string }>).x!.type, 'logarithmic');
  for (const run of completedRuns(quick)) {
    const derived = spec.config.data.datasets.find((d) => d.label === `${run.transport} (derived)`)!;
    const perMessage = run.wire.perMessage.c2sOverheadBytes + run.wire.perMessage.s2cOverheadBytes;
    const expected = clientDecades(1000).map((n) => ({ x: n, y: perMessage * 8 * n * run.rate })).filter((p) => p.y > 0);
    assert.deepEqual(derived.data, expected);
    const measured = spec.config.data.datasets.find((d) => d.label === `${run.transport} (measured)`)!;
    const other = completedRuns(small).find((r) => r.transport === run.transport)!;
    const bits = (r: CompletedTransportRun) => ((r.wire.perMessage.c2sOverheadBytes + r.wire.perMessage.s2cOverheadBytes) * r.messages.delivered * 8) / r.windowS;
    assert.deepEqual(measured.data, [{ x: 100, y: bits(other) }, { x: 1000, y: bits(run) }]);
  }
  assert.deepEqual(spec.table.rows.map((r) => r[0]).slice(-2), ['100 measured', '1,000 measured']);
});

test('clientDecades reaches a decade beyond the largest client count, at least 100,000', () => {
  assert.deepEqual(clientDecades(1000), [1, 10, 100, 1000, 10000, 100000]);
  assert.deepEqual(clientDecades(250000), [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000]);
});

test('latency points are the histogram percentiles in milliseconds, and repeats are merged not averaged', () => {
  const spec = latencyChart(quick);
  for (const run of completedRuns(quick)) {
    const h = hdr.decodeFromCompressedBase64(run.latencyMs.histogram, 64, false);
    const ds = spec.config.data.datasets.find((d) => d.label === run.transport)!;
    assert.deepEqual(ds.data, LATENCY_PERCENTILES.map((p) => (p === 100 ? h.maxValue : h.getValueAtPercentile(p)) / 1000));
    assert.equal(ds.data[LATENCY_PERCENTILES.indexOf(50)], run.latencyMs.p50);
  }
  const encode = (values: number[]) => {
    const h = newHistogram();
    values.forEach((v) => h.recordValue(v));
    return hdr.encodeIntoCompressedBase64(h);
  };
  const base = completedRuns(quick)[4]!;
  const a = { ...base, repeat: 0, latencyMs: { ...base.latencyMs, histogram: encode([1000, 1000, 1000]) } };
  const b = { ...base, repeat: 1, latencyMs: { ...base.latencyMs, histogram: encode([2000]) } };
  const dist = latencyDistribution([a, b]);
  assert.equal(dist.count, 4);
  assert.ok(dist.fromHistogram);
  assert.equal(dist.points.find((p) => p.percentile === 50)!.latencyMs, 1);
  assert.equal(dist.points.find((p) => p.percentile === 100)!.latencyMs, 2);
});

test('an unreadable histogram falls back to the summary fields instead of failing the page', () => {
  const run = { ...completedRuns(quick)[0]!, latencyMs: { ...completedRuns(quick)[0]!.latencyMs, histogram: 'not base64 at all' } };
  const dist = latencyDistribution([run]);
  assert.equal(dist.fromHistogram, false);
  assert.deepEqual(dist.points.map((p) => p.percentile), [50, 90, 99, 99.9, 100]);
  assert.equal(dist.points[0]!.latencyMs, run.latencyMs.p50);
});

test('server cost: CPU µs per delivered message and resident KiB per connected client', () => {
  const [cpu, mem] = serverCostCharts(quick);
  const runs = completedRuns(quick);
  assert.deepEqual(cpu!.config.data.datasets[0]!.data, runs.map((r) => r.server.cpuSecondsPerMessage * 1e6));
  assert.deepEqual(mem!.config.data.datasets[0]!.data, runs.map((r) => r.server.rssBytes / r.connect.connected / 1024));
});

test('capacity is charted only when a run carries it, reading unknown layouts defensively', () => {
  assert.equal(capacityChart(quick), null);
  const spec = capacityChart(hostile)!;
  assert.deepEqual(spec.table.columns, ['transport', 'maxClients', '<b>bold</b>']);
  assert.deepEqual(spec.table.rows, [['websocket', '4,000', '12']]);
  const odd = { ...quick, runs: quick.runs.map((r, i) => ({ ...r, capacity: i === 0 ? 'not an object' : i === 1 ? { nested: { clients: 7 } } : undefined })) } as ResultsFile;
  assert.deepEqual(capacityChart(odd)!.table.rows, [['long-polling', '7']]);
});

test('a results file whose runs all errored has no charts', () => {
  const errored = { ...quick, runs: quick.runs.map((r) => ({ ...r, state: 'errored', error: 'boom' })) } as unknown as ResultsFile;
  assert.deepEqual(runCharts(errored), []);
  assert.equal(runCharts(hostile).length, 6);
});

test('history: one point per results file, oldest first, one line per transport', () => {
  const charts = historyCharts([quick, small]);
  const lost = charts.find((c) => c.id === 'history-lost')!;
  assert.deepEqual(lost.config.data.labels, ['2025-11-20 05:00 ede2ad3', '2025-11-21 05:00 41ae69e']);
  const sp = lost.config.data.datasets.find((d) => d.label === 'short-polling')!;
  assert.deepEqual(sp.data, [small, quick].map((r) => completedRuns(r)[0]!.messages.lost));
  const p99 = charts.find((c) => c.id === 'history-latency-p99')!;
  assert.deepEqual(p99.config.data.datasets.find((d) => d.label === 'websocket')!.data, [small, quick].map((r) => completedRuns(r)[4]!.latencyMs.p99));
});

test('latency by publish time: repeats merge (counts add, means weigh, maxima take the largest); absent when not recorded', () => {
  assert.equal(latencyOverTimeChart(quick), null);
  const base = completedRuns(quick)[0]!;
  const withTimeline = (repeat: number, count: number[], meanMs: Array<number | null>, maxMs: Array<number | null>): CompletedTransportRun => ({
    ...base,
    transport: 'websocket',
    repeat,
    latencyMs: { ...base.latencyMs, overTime: { bucketS: 1, count, meanMs, maxMs } },
  });
  const results: ResultsFile = { ...quick, runs: [withTimeline(0, [2, 0, 1], [10, null, 4], [12, null, 4]), withTimeline(1, [2], [20], [30])] };
  const spec = latencyOverTimeChart(results)!;
  assert.deepEqual(spec.config.data.labels, ['0', '1', '2']);
  const [mean, max] = spec.config.data.datasets;
  assert.equal(mean!.label, 'websocket mean');
  assert.deepEqual(mean!.data, [15, null, 4]);
  assert.deepEqual(max!.data, [30, null, 4]);
  assert.deepEqual(spec.table.columns, ['published at s', 'websocket mean ms', 'websocket max ms']);
  assert.deepEqual(spec.table.rows[1], ['1', formatNumber(null), formatNumber(null)]);
  assert.ok(runCharts(results).some((c) => c.id === 'latency-over-time'));
  assert.doesNotMatch(spec.caption, /warm-up/);
  const warmed = latencyOverTimeChart({ ...results, options: { ...results.options, warmupS: 2 } })!;
  assert.match(warmed.caption, /The first 2 s are the warm-up/);
});

test('server memory per connection is the measured one when the run has it, the end-of-window estimate otherwise', () => {
  const base = completedRuns(quick)[0]!;
  const measured = { serverIdleRssBytes: 0, serverConnectedRssBytes: 0, serverBytesPerConnection: 7619, clientIdleRssBytes: 0, clientConnectedRssBytes: 0, clientBytesPerConnection: 0 };
  assert.equal(memoryBytesPerConnection({ ...base, memory: measured }), 7619);
  assert.equal(memoryBytesPerConnection(base), base.server.rssBytes / base.connect.connected);
});

test('capacity from pushbench capacity is charted from the top-level section: max clients per transport, the table as printed', () => {
  const step = (clients: number, ok: boolean, p99Ms: number) => ({ clients, ok, p99Ms, lost: 0, unconnected: 0, limitedBy: null });
  const results: ResultsFile = {
    ...quick,
    capacity: {
      p99Ms: 1000, maxClients: 100_000, startClients: 1000, precision: 0.05, durationS: 10, intervalMs: 500,
      transports: [
        { transport: 'long-polling', maxClients: 36_966, firstFailedClients: 38_034, limitedBy: 'server CPU', steps: [step(36_966, true, 907.8), step(38_034, false, 1118)] },
        { transport: 'websocket', maxClients: 100_000, firstFailedClients: null, limitedBy: 'not reached', steps: [step(100_000, true, 747.5)] },
      ],
    },
  };
  const spec = capacityChart(results)!;
  assert.deepEqual(spec.config.data.labels, ['long-polling', 'websocket']);
  assert.deepEqual(spec.config.data.datasets[0]!.data, [36_966, 100_000]);
  assert.deepEqual(spec.table.rows, [
    ['long-polling', '36,966', '38,034', '907.8', '2', 'server CPU'],
    ['websocket', '100,000', '-', '747.5', '1', 'not reached'],
  ]);
});

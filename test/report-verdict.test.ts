/**
 * The front page's verdict: which files it draws from (the newest results of each kind, per transport), the
 * sentences it generates (each figure recomputed here from the fixtures), and runs marked overloaded shown as such.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletedTransportRun, ResultsFile } from '../results/types.js';
import { indexPageHtml, runPageHtml } from '../reports/pages.js';
import { overloadedReason, referenceFile, verdictCostChart, verdictOverheadChart, verdictSentences, verdictSeries } from '../reports/verdict.js';
import { completedRun, resultsFile } from './compare-fixtures.js';

const ws = (v = {}) => completedRun('websocket', 0, { s2cOverheadBytes: 2, cpuSecondsPerMessage: 0.00001, latencyP99Ms: 4, ...v });
const sse = (v = {}) => completedRun('sse', 0, { s2cOverheadBytes: 20, cpuSecondsPerMessage: 0.00002, latencyP99Ms: 6, ...v });
const poll = (v = {}) => completedRun('short-polling', 0, { c2sOverheadBytes: 700, s2cOverheadBytes: 200, cpuSecondsPerMessage: 0.0001, latencyP99Ms: 990, ...v });

const full = resultsFile([poll(), sse(), ws()], 'scale-1k', '2026-01-01T00:00:00.000Z');
// A later check of one transport in the same scenario: it must not hide the others.
const sseOnly = resultsFile([sse({ s2cOverheadBytes: 21 })], 'scale-1k', '2026-01-03T00:00:00.000Z');
const overloadedRun = { ...ws({ latencyP99Ms: 800 }), clients: 100_000, overloaded: { overloaded: true, reason: 'latency grew 40 ms per second' } } as CompletedTransportRun;
const big = resultsFile([overloadedRun], 'scale-100k', '2026-01-02T00:00:00.000Z');
const capacity: ResultsFile = {
  ...resultsFile([ws()], 'capacity', '2026-01-04T00:00:00.000Z'),
  capacity: {
    p99Ms: 1000, maxClients: 100_000, startClients: 1000, precision: 0.05, durationS: 10, intervalMs: 1000,
    transports: [
      { transport: 'short-polling', maxClients: 18_000, firstFailedClients: 19_000, limitedBy: 'server CPU', steps: [] },
      { transport: 'websocket', maxClients: 100_000, firstFailedClients: null, limitedBy: 'not reached', steps: [] },
    ],
  },
};
const all = [full, sseOnly, big, capacity];

test('overloadedReason reads steady.state, or an overloaded boolean, reason or object, and nothing when absent', () => {
  assert.equal(overloadedReason(ws()), null);
  assert.equal(overloadedReason({ ...ws(), overloaded: true } as CompletedTransportRun), 'overloaded');
  assert.equal(overloadedReason({ ...ws(), overloaded: 'backlog' } as CompletedTransportRun), 'backlog');
  assert.equal(overloadedReason({ ...ws(), overloaded: { overloaded: false, reason: 'x' } } as CompletedTransportRun), null);
  assert.equal(overloadedReason(overloadedRun), 'latency grew 40 ms per second');
  assert.equal(overloadedReason({ ...ws(), steady: { state: 'overloaded', reason: 'mean rose 300 ms' } } as unknown as CompletedTransportRun), 'mean rose 300 ms');
  assert.equal(overloadedReason({ ...ws(), steady: { state: 'sustained', reason: 'level' } } as unknown as CompletedTransportRun), null);
});

test('series: per scenario, per transport, the newest file that measured it; capacity searches apart', () => {
  const series = verdictSeries(all);
  assert.deepEqual(series.map((s) => s.scenario), ['scale-1k', 'scale-100k']);
  const s = series[0]!;
  assert.equal(s.transports.get('sse')!.file, sseOnly);
  assert.equal(s.transports.get('websocket')!.file, full);
  assert.equal(s.transports.get('short-polling')!.file, full);
  assert.equal(referenceFile(all), full);

  const overhead = verdictOverheadChart(series);
  assert.deepEqual(overhead.config.data.labels, ['short-polling', 'sse', 'websocket']);
  assert.deepEqual(overhead.config.data.datasets[0]!.data, [900, 21, 2]);
  assert.equal((overhead.config.options.scales as { x: { type: string } }).x.type, 'logarithmic');
  const cost = verdictCostChart(series);
  const row = cost.table.rows.find((r) => r[1]!.startsWith('scale-100k'))!;
  assert.equal(row[5], 'overloaded: latency grew 40 ms per second');
});

test('sentences: cost against WebSocket from one file, capacity, largest runs with their marks', () => {
  const [bytes, cpu, p99, sustained, largest] = verdictSentences(all);
  assert.match(bytes!, /^In scale-1k \(2026-01-01, fixture × 2; 10 clients, 1 message\/s of 21 B, profile minimal\), WebSocket spent 2 B .* short-polling 900 B \(450×\), sse 20 B \(10×\)\.$/);
  assert.equal(cpu, 'Server CPU per delivered message: WebSocket 10 µs; short-polling 100 µs (10×), sse 20 µs (2×).');
  assert.equal(p99, 'Latency p99 from publish to receipt: WebSocket 4 ms; short-polling 990 ms, sse 6 ms.');
  assert.match(sustained!, /short-polling 18,000 \(failed at 19,000: server CPU\); websocket 100,000 \(the search’s ceiling\)\.$/);
  assert.match(largest!, /websocket 10 of 100,000 clients connected, p99 800 ms \(scale-100k, 2026-01-02; marked overloaded: latency grew 40 ms per second\)/);
});

test('an overloaded run is marked on the index and on its page', () => {
  const index = indexPageHtml([{ results: big, href: 'run.html', historyHref: 'h.html' }], [], { charts: [], sentences: verdictSentences([big]), studies: [] });
  assert.ok(index.includes('<span class="badge">1 overloaded</span>'));
  const page = runPageHtml(big, [], [], 'run.html');
  assert.ok(page.includes('completed, overloaded: latency grew 40 ms per second'));
});

test('the newest kaazing study is one sentence: measured ratio beside the article’s', async () => {
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const { packageRoot } = await import('../harness/paths.js');
  const { rowsFor } = await import('../reports/kaazing.js');
  const study = JSON.parse(readFileSync(path.join(packageRoot, 'test', 'fixtures', 'kaazing-small.json'), 'utf8'));
  const sentences = verdictSentences([], [study]);
  assert.equal(sentences.length, 1);
  const a = study.cases.find((c: { profile: string; useCase: string }) => c.profile === 'kaazing-2009' && c.useCase === 'A');
  const rows = rowsFor(a, study.cases, study.rate)!.rows;
  const bytes = (t: string) => rows.filter((r) => r.transport === t).map((r) => r.c2s + r.s2c)[0]!;
  const ratio = (bytes('short-polling') / bytes('websocket')).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  assert.ok(sentences[0]!.includes(`${ratio} : 1; the article computed 871 / 2 = 435.5 : 1 and claimed 500:1 or 1000:1.`), sentences[0]);
});

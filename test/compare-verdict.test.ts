import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFiles } from '../harness/compare/compare.js';
import { toMarkdown, toText } from '../harness/compare/format.js';
import { defaultPolicy } from '../harness/compare/policy.js';
import type { MetricComparison } from '../harness/compare/types.js';
import { UsageError } from '../harness/errors.js';
import { completedRun, latencySeries, resultsFile } from './compare-fixtures.js';

const BASE_P50 = [10.0, 10.4, 9.8, 10.2, 10.1];

function row(rows: MetricComparison[], group: string, metric: string): MetricComparison {
  const found = rows.find((r) => r.group === group && r.metric === metric);
  assert.ok(found, `no row for ${group} ${metric}`);
  return found;
}

test('A/A: the same distribution, reshuffled, is unchanged everywhere and exits 0', () => {
  const base = resultsFile(latencySeries('sse', BASE_P50));
  const cand = resultsFile(latencySeries('sse', [10.1, 9.8, 10.4, 10.0, 10.2]));
  const out = compareFiles(base, cand, defaultPolicy());
  assert.equal(out.summary.exitCode, 0);
  assert.ok(out.comparisons.every((r) => r.verdict === 'unchanged'), JSON.stringify(out.comparisons.map((r) => r.verdict)));
  const p50 = row(out.comparisons, 'sse', 'latencyMs.p50');
  assert.equal(p50.pValue, 1);
  assert.equal(p50.relativeChange, 0);
});

test('a 50% slower p50 is a regression with a positive change and exits 1', () => {
  const base = resultsFile(latencySeries('websocket', BASE_P50));
  const cand = resultsFile(latencySeries('websocket', BASE_P50.map((v) => v * 1.5)));
  const out = compareFiles(base, cand, defaultPolicy());
  const p50 = row(out.comparisons, 'websocket', 'latencyMs.p50');
  assert.equal(p50.verdict, 'regression');
  assert.ok(Math.abs(p50.relativeChange! - 0.5) < 1e-12);
  assert.ok(p50.ci!.low > 0.1);
  assert.ok(Math.abs(p50.pValue! - 2 / 252) < 1e-12);
  assert.equal(out.summary.counts.regression, 1);
  assert.equal(out.summary.exitCode, 1);
});

test('a 50% faster p50 is an improvement and exits 0', () => {
  const base = resultsFile(latencySeries('websocket', BASE_P50));
  const cand = resultsFile(latencySeries('websocket', BASE_P50.map((v) => v * 0.5)));
  const out = compareFiles(base, cand, defaultPolicy());
  assert.equal(row(out.comparisons, 'websocket', 'latencyMs.p50').verdict, 'improvement');
  assert.equal(out.summary.exitCode, 0);
});

test('lower throughput is the worse direction', () => {
  const mk = (f: number) => resultsFile([0, 1, 2, 3, 4].map((i) => completedRun('sse', i, { messagesPerS: (1000 + i) * f })));
  const out = compareFiles(mk(1), mk(0.7), defaultPolicy());
  assert.equal(row(out.comparisons, 'sse', 'throughput.messagesPerS').verdict, 'regression');
  const better = compareFiles(mk(1), mk(1.3), defaultPolicy());
  assert.equal(row(better.comparisons, 'sse', 'throughput.messagesPerS').verdict, 'improvement');
});

test('memory per connection is server RSS divided by clients', () => {
  const mk = (rss: number) => resultsFile([0, 1, 2, 3, 4].map((i) => completedRun('long-polling', i, { rssBytes: rss + i * 1000 })));
  const out = compareFiles(mk(50_000_000), mk(80_000_000), defaultPolicy());
  const mem = row(out.comparisons, 'long-polling', 'server.rssBytesPerClient');
  assert.equal(mem.baseline!.median, 50_002_000 / 10);
  assert.equal(mem.verdict, 'regression');
});

test('a significant change inside the threshold is not a regression', () => {
  const tight = [10.0, 10.01, 10.02, 10.03, 10.04];
  const base = resultsFile(latencySeries('sse', tight));
  const cand = resultsFile(latencySeries('sse', tight.map((v) => v * 1.05)));
  const out = compareFiles(base, cand, defaultPolicy());
  const p50 = row(out.comparisons, 'sse', 'latencyMs.p50');
  assert.ok(p50.pValue! < 0.05, `p = ${p50.pValue}`);
  assert.equal(p50.verdict, 'unchanged');
  assert.match(p50.note!, /within ±10%/);
  // The same data with a 2% threshold: the interval now lies beyond it.
  const strict = defaultPolicy();
  strict.metrics['latencyMs.p50']!.thresholdPct = 2;
  assert.equal(row(compareFiles(base, cand, strict).comparisons, 'sse', 'latencyMs.p50').verdict, 'regression');
});

test('three repeats are insufficient: neither pass nor fail, with the --repeat needed', () => {
  const base = resultsFile(latencySeries('sse', [10, 10.1, 10.2]));
  const cand = resultsFile(latencySeries('sse', [30, 30.1, 30.2]));
  const out = compareFiles(base, cand, defaultPolicy());
  const p50 = row(out.comparisons, 'sse', 'latencyMs.p50');
  assert.equal(p50.verdict, 'insufficient-samples');
  assert.equal(p50.pValue, null);
  assert.match(p50.note!, /--repeat 4/);
  assert.equal(out.summary.exitCode, 0);
  assert.match(out.summary.repeatAdvice!, /--repeat 5/);
  assert.equal(out.summary.counts['insufficient-samples'], 5);
});

test('an errored candidate run fails; a transport on one side only is missing', () => {
  const base = resultsFile([...latencySeries('sse', BASE_P50), ...latencySeries('websocket', BASE_P50)]);
  const erroredRun = { ...completedRun('sse', 0), state: 'errored' as const, error: 'server exited with code 1' };
  const cand = resultsFile([erroredRun, ...latencySeries('sse', BASE_P50).slice(1), ...latencySeries('long-polling', BASE_P50)]);
  const out = compareFiles(base, cand, defaultPolicy());
  const sse = row(out.comparisons, 'sse', 'latencyMs.p50');
  assert.equal(sse.verdict, 'errored');
  assert.match(sse.note!, /server exited/);
  assert.equal(row(out.comparisons, 'websocket', 'latencyMs.p50').verdict, 'missing');
  assert.equal(row(out.comparisons, 'long-polling', 'latencyMs.p50').verdict, 'missing');
  assert.equal(out.summary.exitCode, 1);
});

test('runs measured with different settings are refused', () => {
  const base = resultsFile(latencySeries('sse', BASE_P50));
  const cand = resultsFile(latencySeries('sse', BASE_P50).map((r) => ({ ...r, clients: 20 })));
  assert.throws(() => compareFiles(base, cand, defaultPolicy()), (err: unknown) => err instanceof UsageError && /different settings/.test(err.message));
});

test('verdicts are reproducible: the same inputs give byte-identical JSON', () => {
  const base = resultsFile(latencySeries('sse', BASE_P50));
  const cand = resultsFile(latencySeries('sse', BASE_P50.map((v) => v * 1.12)));
  assert.equal(JSON.stringify(compareFiles(base, cand, defaultPolicy())), JSON.stringify(compareFiles(base, cand, defaultPolicy())));
});

test('the Markdown verdict names the failure first and folds the full table', () => {
  const base = resultsFile(latencySeries('websocket', BASE_P50));
  const cand = resultsFile(latencySeries('websocket', BASE_P50.map((v) => v * 1.5)));
  const md = toMarkdown(compareFiles(base, cand, defaultPolicy(), { baseline: 'base.json', candidate: 'cand.json' }));
  const lines = md.split('\n');
  assert.equal(lines[0], '### pushbench compare: ❌ 1 failing (1 regression, 0 changed, 0 errored), 0 improvement, 11 unchanged');
  assert.match(md, /Baseline `base.json` \(scenario fixture, commit unknown, 5 repeats\)/);
  const firstTable = lines.findIndex((l) => l.startsWith('| group'));
  assert.equal(
    lines[firstTable + 2],
    '| websocket | latency p50 | 10.1 ms (9.8 ms..10.4 ms) n=5 | 15.15 ms (14.7 ms..15.6 ms) n=5 | +50% [' +
      lines[firstTable + 2]!.split('[')[1]!.split(']')[0] +
      '] | 0.008 | ±10% | ❌ regression |',
  );
  assert.match(md, /<details><summary>All 12 comparisons<\/summary>/);
  const text = toText(compareFiles(base, cand, defaultPolicy()));
  assert.match(text, /verdict: 1 failing/);
});

test('warnings: another machine, an injected cost, a saturated load generator', () => {
  const base = resultsFile(latencySeries('sse', BASE_P50));
  const cand = resultsFile(latencySeries('sse', BASE_P50));
  assert.deepEqual(compareFiles(base, cand, defaultPolicy()).summary.warnings, []);
  cand.environment = { ...cand.environment, cpuModel: 'other', cpuCount: 4 };
  cand.options = { ...cand.options, injectServerCostUs: 200 };
  const first = cand.runs[0]!;
  if (first.state === 'completed') first.clientWorkers = { ...first.clientWorkers, saturated: true, saturationReason: 'busy' };
  assert.deepEqual(compareFiles(base, cand, defaultPolicy()).summary.warnings, [
    'different machines (baseline 2 × fixture, candidate 4 × other): timing verdicts may reflect the machine, not the code',
    'test-only injected server cost differs (baseline 0 µs, candidate 200 µs per message)',
    'candidate: the load generator was saturated in 1 run(s) (sse); its timings measure the client, not the server',
  ]);
});

test('runs against servers on different addresses are refused: the Host header is on the wire', () => {
  const base = resultsFile(latencySeries('sse', BASE_P50));
  const cand = resultsFile(latencySeries('sse', BASE_P50));
  cand.options = { ...cand.options, port: 8080 };
  assert.throws(() => compareFiles(base, cand, defaultPolicy()), /different addresses \(baseline 127.0.0.1:0, candidate 127.0.0.1:8080\)/);
});

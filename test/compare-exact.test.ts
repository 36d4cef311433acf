import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFiles } from '../harness/compare/compare.js';
import { applyThresholdFlag, defaultPolicy, mergePolicy } from '../harness/compare/policy.js';
import type { MetricComparison } from '../harness/compare/types.js';
import { UsageError } from '../harness/errors.js';
import { completedRun, resultsFile, type RunValues } from './compare-fixtures.js';

function one(values: RunValues[], transport: 'sse' | 'websocket' = 'sse') {
  return resultsFile(values.map((v, i) => completedRun(transport, i, v)));
}

function row(rows: MetricComparison[], metric: string): MetricComparison {
  const found = rows.find((r) => r.metric === metric);
  assert.ok(found, `no row for ${metric}`);
  return found;
}

test('one byte more or less of setup is "changed" and fails, even from a single run', () => {
  for (const delta of [1, -1]) {
    const out = compareFiles(one([{ setupS2cBytes: 1290 }]), one([{ setupS2cBytes: 1290 + delta }]), defaultPolicy());
    const r = row(out.comparisons, 'wire.setup.s2cBytes');
    assert.equal(r.verdict, 'changed');
    assert.match(r.note!, /outside the baseline's value 1290; if intended, update the baseline/);
    assert.equal(out.summary.exitCode, 1);
  }
});

test('identical wire bytes pass; per-message overhead is compared too', () => {
  const same = compareFiles(one([{}, {}]), one([{}]), defaultPolicy());
  assert.equal(row(same.comparisons, 'wire.perMessage.s2cOverheadBytes').verdict, 'unchanged');
  const grown = compareFiles(one([{}]), one([{ s2cOverheadBytes: 6 }]), defaultPolicy());
  assert.equal(row(grown.comparisons, 'wire.perMessage.s2cOverheadBytes').verdict, 'changed');
});

test('delivery faults must not grow; fewer is an improvement', () => {
  const grown = compareFiles(one([{ lost: 0 }]), one([{ lost: 1 }]), defaultPolicy());
  assert.equal(row(grown.comparisons, 'messages.lost').verdict, 'regression');
  assert.equal(grown.summary.exitCode, 1);
  const fewer = compareFiles(one([{ duplicated: 3 }]), one([{ duplicated: 0 }]), defaultPolicy());
  assert.equal(row(fewer.comparisons, 'messages.duplicated').verdict, 'improvement');
  assert.equal(fewer.summary.exitCode, 0);
});

test('a baseline that varies between repeats is judged against its range', () => {
  const base = one([{ c2sOverheadBytes: 100 }, { c2sOverheadBytes: 104 }]);
  const inside = compareFiles(base, one([{ c2sOverheadBytes: 102 }]), defaultPolicy());
  const r = row(inside.comparisons, 'wire.perMessage.c2sOverheadBytes');
  assert.equal(r.verdict, 'unchanged');
  assert.match(r.note!, /varies between baseline repeats/);
  const outside = compareFiles(base, one([{ c2sOverheadBytes: 105 }]), defaultPolicy());
  assert.equal(row(outside.comparisons, 'wire.perMessage.c2sOverheadBytes').verdict, 'changed');
});

test('a tolerance widens the exact range', () => {
  const policy = mergePolicy(defaultPolicy(), { metrics: { 'messages.lost': { tolerance: 2 } } }, 'test');
  assert.equal(row(compareFiles(one([{ lost: 0 }]), one([{ lost: 2 }]), policy).comparisons, 'messages.lost').verdict, 'unchanged');
  assert.equal(row(compareFiles(one([{ lost: 0 }]), one([{ lost: 3 }]), policy).comparisons, 'messages.lost').verdict, 'regression');
});

test('exactOnly judges only the deterministic metrics; only/skip limit metrics to groups', () => {
  const policy = defaultPolicy();
  policy.exactOnly = true;
  const out = compareFiles(one([{ latencyP50Ms: 1 }]), one([{ latencyP50Ms: 100 }]), policy);
  assert.deepEqual(
    out.comparisons.map((r) => r.metric),
    ['wire.setup.c2sBytes', 'wire.setup.s2cBytes', 'wire.perMessage.c2sOverheadBytes', 'wire.perMessage.s2cOverheadBytes', 'messages.lost', 'messages.duplicated', 'messages.reordered'],
  );
  assert.equal(out.summary.exitCode, 0);
  assert.equal(out.summary.counts['insufficient-samples'], 0);
  const skip = mergePolicy(defaultPolicy(), { metrics: { 'wire.setup.s2cBytes': { skip: ['sse'] } } }, 'test');
  const skipped = compareFiles(one([{}]), one([{ setupS2cBytes: 1 }]), skip);
  assert.equal(skipped.comparisons.some((r) => r.metric === 'wire.setup.s2cBytes'), false);
  assert.equal(skipped.summary.exitCode, 0);
});

test('policy validation names the field and the fix', () => {
  const bad: Array<[unknown, RegExp]> = [
    [{ alpha: 2 }, /"alpha" must be a number between 0 and 1/],
    [{ metrics: { 'latency.p42': {} } }, /unknown metric "latency.p42"; known metrics: wire.setup.c2sBytes/],
    [{ metrics: { 'messages.lost': { thresholdPct: 5 } } }, /exact metric; give it "tolerance"/],
    [{ metrics: { 'latencyMs.p99': { tolerance: 5 } } }, /statistical metric; give it "thresholdPct"/],
    [{ metrics: { 'latencyMs.p99': { thresholdPct: -1 } } }, /non-negative percentage/],
    [{ thresholds: {} }, /unknown field "thresholds"/],
    [[], /must be a JSON object/],
  ];
  for (const [raw, message] of bad) {
    assert.throws(() => mergePolicy(defaultPolicy(), raw, 'policy file p.json'), (err: unknown) => err instanceof UsageError && message.test(err.message));
  }
  const p = defaultPolicy();
  applyThresholdFlag(p, 'latencyMs.p99=25');
  assert.equal(p.metrics['latencyMs.p99']!.thresholdPct, 25);
  assert.throws(() => applyThresholdFlag(p, 'latencyMs.p99'), /METRIC=PERCENT/);
});

test('polling per-message overhead depends on timing: judged statistically by default, not exactly', () => {
  const base = resultsFile([0, 1, 2, 3, 4].map((i) => completedRun('short-polling', i, { c2sOverheadBytes: 62 + i * 0.3, s2cOverheadBytes: 77 })));
  const cand = resultsFile([0, 1, 2, 3, 4].map((i) => completedRun('short-polling', i, { c2sOverheadBytes: 63.6 - i * 0.3, s2cOverheadBytes: 77 })));
  const out = compareFiles(base, cand, defaultPolicy());
  const metrics = out.comparisons.map((r) => r.metric);
  assert.equal(metrics.includes('wire.perMessage.c2sOverheadBytes'), false);
  assert.equal(metrics.includes('wire.perMessage.s2cOverheadBytes'), false);
  const overhead = row(out.comparisons, 'wire.perMessage.pollingOverheadBytes');
  assert.equal(overhead.kind, 'statistical');
  assert.equal(overhead.baseline!.median, 62.6 + 77);
  assert.equal(overhead.verdict, 'unchanged');
  assert.equal(out.summary.exitCode, 0);
  // A header grown by 40 bytes on every poll answer is caught.
  const bloated = resultsFile([0, 1, 2, 3, 4].map((i) => completedRun('short-polling', i, { c2sOverheadBytes: 62 + i * 0.3, s2cOverheadBytes: 117 })));
  assert.equal(row(compareFiles(base, bloated, defaultPolicy()).comparisons, 'wire.perMessage.pollingOverheadBytes').verdict, 'regression');
  // Streaming transports keep the exact check and never get the polling metric.
  const sse = compareFiles(one([{}]), one([{}]), defaultPolicy()).comparisons.map((r) => r.metric);
  assert.ok(sse.includes('wire.perMessage.s2cOverheadBytes'));
  assert.equal(sse.includes('wire.perMessage.pollingOverheadBytes'), false);
});

/** The sustained/overloaded judgement on synthetic per-second latency series. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeSteadyState, theilSenSlope } from '../harness/measure/steady.js';
import type { LatencyOverTime } from '../results/types.js';

const series = (meanMs: number[]): LatencyOverTime => ({
  bucketS: 1,
  count: meanMs.map(() => 100),
  meanMs,
  maxMs: meanMs.map((m) => m * 2),
});

/** Deterministic noise in [-1, 1). */
const noise = (i: number): number => (((i * 7919) % 97) / 97) * 2 - 1;

test('Theil-Sen slope: exact on a line, unmoved by one wild point', () => {
  const t = [0, 1, 2, 3, 4, 5, 6];
  assert.equal(theilSenSlope(t, t.map((x) => 3 * x + 1)), 3);
  assert.equal(theilSenSlope(t, [10, 10, 10, 500, 10, 10, 10]), 0);
});

test('a flat series is sustained', () => {
  const s = judgeSteadyState(series(Array.from({ length: 60 }, () => 400)));
  assert.equal(s.state, 'sustained');
  assert.equal(s.slopeMsPerS, 0);
  assert.equal(s.seconds, 60);
});

test('a noisy flat series is sustained', () => {
  const s = judgeSteadyState(series(Array.from({ length: 60 }, (_, i) => 400 + 150 * noise(i))));
  assert.equal(s.state, 'sustained', s.reason);
});

test('one late spike (a GC pause) does not make a run overloaded', () => {
  const ys = Array.from({ length: 30 }, (_, i) => 300 + 20 * noise(i));
  ys[27] = 3000;
  assert.equal(judgeSteadyState(series(ys)).state, 'sustained');
});

test('a rising series (a growing backlog: the issue 638 -> 2,237 ms) is overloaded, with the figures', () => {
  const ys = Array.from({ length: 10 }, (_, i) => 638 + (i * (2237 - 638)) / 9);
  const s = judgeSteadyState(series(ys));
  assert.equal(s.state, 'overloaded');
  assert.ok(Math.abs(s.slopeMsPerS - 177.7) < 0.1, `${s.slopeMsPerS}`);
  assert.ok(s.lastThirdMeanMs > s.firstThirdMeanMs + s.toleranceMs);
  assert.match(s.reason, /rose \d+ ms over 10 s/);
});

test('a slow rise within the tolerance is sustained; the same rise on a low level is not', () => {
  // +40 ms over a minute at a 1 s level: within 20% of the level.
  assert.equal(judgeSteadyState(series(Array.from({ length: 60 }, (_, i) => 1000 + (40 * i) / 59))).state, 'sustained');
  // +400 ms over a minute at a 100 ms level: a backlog.
  assert.equal(judgeSteadyState(series(Array.from({ length: 60 }, (_, i) => 100 + (400 * i) / 59))).state, 'overloaded');
});

test('the warm-up seconds are left out, and a short or empty series is unjudged', () => {
  const ys = [5000, 4000, ...Array.from({ length: 10 }, () => 200)];
  assert.equal(judgeSteadyState(series(ys), 2).state, 'sustained');
  assert.equal(judgeSteadyState(series([100, 200, 300])).state, 'unjudged');
  assert.equal(judgeSteadyState(undefined).state, 'unjudged');
  const gaps = series([100, 100, 100, 100, 100, 100]);
  gaps.meanMs[2] = null;
  gaps.count[2] = 0;
  assert.equal(judgeSteadyState(gaps).seconds, 5);
});

test('the printed table stars an overloaded run\'s p99 and says why; a saturated machine is noted with its sides', async () => {
  const { formatTable } = await import('../reports/table.js');
  const { completedRun, resultsFile } = await import('./compare-fixtures.js');
  const steady = judgeSteadyState(series(Array.from({ length: 10 }, (_, i) => 638 + (i * (2237 - 638)) / 9)));
  const run = {
    ...completedRun('websocket', 0),
    steady,
    machine: { stealShare: 0, saturated: true, saturationReason: 'the 2 cores were at least 90% busy in 9 of 10 s (server 1.2 cores, clients 0.7, everything else 0.1, on average)' },
  };
  const table = formatTable(resultsFile([run]));
  assert.match(table, /\d\*\s/, 'p99 starred');
  assert.match(table, /OVERLOADED\* \(mean latency rose \d+ ms over 10 s/);
  assert.match(table, /MACHINE SATURATED \(the 2 cores were at least 90% busy in 9 of 10 s \(server 1\.2 cores/);
  const sustained = formatTable(resultsFile([{ ...completedRun('websocket', 0), steady: judgeSteadyState(series(Array(10).fill(400))) }]));
  assert.doesNotMatch(sustained, /OVERLOADED|\d\*/);
});

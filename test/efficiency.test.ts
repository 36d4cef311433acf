/** The generator comparison: like for like (completed units, whole-process CPU, alternating pairs), and its arithmetic. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { figures, measureEfficiency, summarizePairs } from '../harness/measure/efficiency.js';
import type { GeneratorPair } from '../results/types.js';

const pair = (ratio: number): GeneratorPair => ({
  order: 'pushbench-first',
  pushbench: figures({ requests: ratio * 1000, cpuSeconds: 1 }),
  other: figures({ requests: 1000, cpuSeconds: 1 }),
  ratio,
});

test('the figure is the median pair (the lower one of an even count), with the smallest and largest beside it', () => {
  assert.deepEqual(
    (({ ratio, ratioLow, ratioHigh }) => ({ ratio, ratioLow, ratioHigh }))(summarizePairs([pair(1.3), pair(0.9), pair(1.1), pair(2), pair(1.2)])),
    { ratio: 1.2, ratioLow: 0.9, ratioHigh: 2 },
  );
  assert.equal(summarizePairs([pair(1), pair(3)]).ratio, 1);
  assert.equal(summarizePairs([]).median, null);
  assert.deepEqual(figures({ requests: 500, cpuSeconds: 0.25 }), { requests: 500, cpuSeconds: 0.25, requestsPerCpuS: 2000 });
});

test('every pair alternates its order, and each WebSocket generator counts every broadcast message it received', { timeout: 120_000 }, async () => {
  const r = await measureEfficiency({ connections: 5, durationS: 1, pairs: 2, messages: 6, rate: 10 });
  assert.equal(r.counted, 'completed responses');
  assert.deepEqual(r.pairs!.map((p) => p.order), ['pushbench-first', 'other-first']);
  for (const p of r.pairs!) assert.ok(p.pushbench.requests > 0 && p.other.requests > 0, 'both completed responses');
  assert.deepEqual(r.websocket!.pairs.map((p) => p.order), ['pushbench-first', 'other-first']);
  for (const p of r.websocket!.pairs) {
    assert.equal(p.pushbench.requests, 5 * 6);
    assert.equal(p.other.requests, 5 * 6);
  }
  assert.match(r.websocket!.other, /^ws \d+\.\d+\.\d+ /);
});

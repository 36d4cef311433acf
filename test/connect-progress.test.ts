/** Safe defaults at scale: the automatic connect rate, distinguishable from an explicit 0; progress lines off a terminal. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_AT_ONCE_MAX_CLIENTS, AUTO_CONNECT_RATE_PER_S, cpuSplit, describeConnect, describeCpuSplit, resolveConnectRate } from '../harness/run/plan.js';
import { Progress, PROGRESS_EVERY_MS } from '../harness/run/progress.js';
import { parseRunArgs } from '../harness/run/scenario.js';
import type { LiveSample } from '../results/types.js';

test('connect rate: auto by default, all at once up to the measured count, a rate above; an explicit 0 stays 0', () => {
  assert.equal(parseRunArgs(['quick']).options.connectRate, 'auto');
  assert.equal(parseRunArgs(['quick', '--connect-rate', '0']).options.connectRate, 0);
  assert.equal(parseRunArgs(['quick', '--connect-rate', 'auto']).options.connectRate, 'auto');
  assert.deepEqual(resolveConnectRate('auto', ALL_AT_ONCE_MAX_CLIENTS), { ratePerS: 0, auto: true });
  assert.deepEqual(resolveConnectRate('auto', 100_000), { ratePerS: AUTO_CONNECT_RATE_PER_S, auto: true });
  assert.deepEqual(resolveConnectRate(0, 100_000), { ratePerS: 0, auto: false });
  assert.match(describeConnect('auto', 100_000), /3000 new connections\/s \(about 34 s\), at most 1,000 not yet subscribed at a time \(chosen: /);
  assert.match(describeConnect(0, 100_000), /all at once \(--connect-rate\)/);
});

test('cpu split: one core each on two, halves on more, nothing on one; the plan line says so', () => {
  assert.deepEqual(cpuSplit(2), { server: [0], clients: [1] });
  assert.deepEqual(cpuSplit(5), { server: [0, 1, 2], clients: [3, 4] });
  assert.equal(cpuSplit(1), null);
  assert.match(describeCpuSplit(2), /servers on core 0, client workers on core 1 \(one core each/);
});

test('off a terminal, a progress line at least every 5 s with phase, count and elapsed time', () => {
  const lines: string[] = [];
  const p = new Progress(false, { write: (s: string) => lines.push(s), isTTY: false });
  const sample = (tMs: number, connected: number): LiveSample => ({
    tMs, transport: 'websocket', phase: 'connecting', clients: 100_000, connected, published: 0, messagesPerS: 0, bytesPerS: 0, latencyMs: null, processes: [],
  });
  // Samples once a second for 30 s of connecting.
  for (let s = 0; s <= 30; s++) p.sample(sample(1000 + s * 1000, s * 1000), 10);
  assert.equal(lines[0], 'pushbench: websocket: connecting\n');
  const progress = lines.slice(1);
  assert.ok(progress.length >= 30_000 / PROGRESS_EVERY_MS, `${progress.length} lines`);
  assert.match(progress[0]!, /^pushbench: websocket: connecting, 5,000\/100,000 connected, 5 s in this phase\n$/);
  assert.match(progress.at(-1)!, /30,000\/100,000 connected, 30 s/);
});

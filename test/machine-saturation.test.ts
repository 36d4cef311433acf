/** Whole-machine and client-worker saturation judged second by second on synthetic samples. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { busiestWorkerSeconds, judgeMachine, perSecond, workerSaturated, type MachineSample } from '../harness/measure/machine.js';

/**
 * Builds cumulative samples one second apart from per-second figures: machine busy and steal ticks of 200 per second
 * (2 cores), server and worker ticks (100 = one core).
 */
function samples(seconds: Array<{ busy: number; steal?: number; server: number; workers: number[] }>): MachineSample[] {
  const out: MachineSample[] = [];
  let busy = 0;
  let steal = 0;
  let total = 0;
  let server = 0;
  let workers = seconds[0]!.workers.map(() => 0);
  out.push({ atMs: 0, machine: { busy, steal, total }, serverTicks: server, workerTicks: [...workers] });
  seconds.forEach((s, i) => {
    busy += s.busy;
    steal += s.steal ?? 0;
    total += 200;
    server += s.server;
    workers = workers.map((w, k) => w + s.workers[k]!);
    out.push({ atMs: (i + 1) * 1000, machine: { busy, steal, total }, serverTicks: server, workerTicks: [...workers] });
  });
  return out;
}

test('a machine at least 90% busy in most seconds is saturated, and the sides are named', () => {
  const m = judgeMachine(samples(Array.from({ length: 10 }, () => ({ busy: 190, server: 110, workers: [70] }))), 2)!;
  assert.equal(m.saturated, true);
  assert.deepEqual(m.perSecond!.busyShare, Array(10).fill(0.95));
  assert.equal(m.serverCores, 1.1);
  assert.equal(m.clientCores, 0.7);
  assert.equal(m.otherCores, 0.1);
  assert.match(m.saturationReason!, /2 cores were at least 90% busy in 10 of 10 s \(server 1\.1 cores, clients 0\.7, everything else 0\.1/);
});

test('a burst in a few seconds does not saturate the machine; an average near 60% hides nothing either way', () => {
  const s = Array.from({ length: 10 }, (_, i) => ({ busy: i < 3 ? 200 : 80, server: 40, workers: [40] }));
  assert.equal(judgeMachine(samples(s), 2)!.saturated, false);
});

test('steal counts as busy, and is reported against busy time', () => {
  const m = judgeMachine(samples(Array.from({ length: 4 }, () => ({ busy: 150, steal: 40, server: 80, workers: [60] }))), 2)!;
  assert.equal(m.saturated, true);
  assert.equal(m.stealShare, 0.2);
  assert.equal(m.stealOfBusyShare, Math.round((40 / 190) * 1e4) / 1e4);
});

test('a client worker full in a quarter of the seconds is saturated though its window average is below 90%', () => {
  // Worker 2 at 100% for 3 of 8 seconds, 40% otherwise: 62.5% on average.
  const s = Array.from({ length: 8 }, (_, i) => ({ busy: 150, server: 50, workers: [30, i < 3 ? 100 : 40] }));
  const shares = perSecond(samples(s)).workerShares;
  const avg = shares.reduce((a, x) => a + x[1]!, 0) / shares.length;
  assert.ok(avg < 0.9);
  const b = busiestWorkerSeconds(shares)!;
  assert.deepEqual({ worker: b.worker, seconds: b.seconds, of: b.of }, { worker: 1, seconds: 3, of: 8 });
  assert.equal(workerSaturated(b), true);
  // One full second of eight is not.
  const one = Array.from({ length: 8 }, (_, i) => ({ busy: 150, server: 50, workers: [30, i === 0 ? 100 : 40] }));
  assert.equal(workerSaturated(busiestWorkerSeconds(perSecond(samples(one)).workerShares)), false);
});

/** The publisher's lateness and the event-loop window: figures from the window, never from after it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { latenessOf, worstLateness } from '../harness/run/server-process.js';
import { ProcessMeter } from '../harness/measure/proc-stats.js';

test('lateness percentiles are nearest-rank over every message; an empty window is all zeros', () => {
  const late = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100 ms
  assert.deepEqual(latenessOf(late), { messages: 100, p50Ms: 50, p99Ms: 99, maxMs: 100 });
  assert.deepEqual(latenessOf([3]), { messages: 1, p50Ms: 3, p99Ms: 3, maxMs: 3 });
  assert.deepEqual(latenessOf([]), { messages: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 });
});

test('several server processes: each field is the worst process', () => {
  assert.deepEqual(
    worstLateness([
      { messages: 10, p50Ms: 1, p99Ms: 9, maxMs: 9 },
      { messages: 10, p50Ms: 2, p99Ms: 4, maxMs: 30 },
    ]),
    { messages: 10, p50Ms: 2, p99Ms: 9, maxMs: 30 },
  );
});

test('a stall after endWindow is not in the event-loop figures; startWindow opens a new window', async () => {
  const meter = new ProcessMeter();
  meter.startWindow();
  await new Promise((r) => setTimeout(r, 50));
  meter.endWindow();
  const block = (ms: number): void => {
    const end = Date.now() + ms;
    while (Date.now() < end);
  };
  block(300);
  await new Promise((r) => setTimeout(r, 30));
  assert.ok(meter.sample().eventLoopDelay.maxMs < 250, `the 300 ms stall came after the window: ${meter.sample().eventLoopDelay.maxMs} ms`);
  meter.startWindow();
  // The monitor's first interval after a reset has no start point: let one pass before the stall.
  await new Promise((r) => setTimeout(r, 50));
  block(300);
  await new Promise((r) => setTimeout(r, 30));
  assert.ok(meter.sample().eventLoopDelay.maxMs >= 250, 'inside a window the stall counts');
});

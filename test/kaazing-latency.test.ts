import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeExchanges } from '../harness/studies/kaazing/latency.js';

test('probeExchanges: each exchange takes at least its one-way trips x the delay', async () => {
  const delayMs = 20;
  const ex = await probeExchanges({ delayMs, jitterMs: 0, samples: 3, profile: 'kaazing-2009', closeProfile: 'kaazing-2009-close' });
  assert.deepEqual(ex.map((x) => [x.oneWayTrips, x.count]), [[1, 3], [2, 3], [4, 3]]);
  for (const x of ex) assert.ok(x.minMs >= x.oneWayTrips * delayMs - 1, `${x.exchange}: ${x.minMs.toFixed(1)} ms < ${x.oneWayTrips} x ${delayMs} ms`);
});

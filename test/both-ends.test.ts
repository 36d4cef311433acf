/**
 * Bytes at both ends: the simulated clients count the bytes at their own sockets for every server kind, and with
 * pushbench's own servers those counts equal the servers' to the byte, in both directions, in each part: set-up, before,
 * inside and after the measurement window.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario } from '../harness/run/runner.js';
import { addClientWires, withBothEnds } from '../harness/servers/hooks.js';
import { TRANSPORT_NAMES, type CompletedTransportRun } from '../results/types.js';
import { smallRun } from './helpers.js';

test('embedded: every transport\'s client-side byte counts equal the server\'s to the byte', async () => {
  const results = await runScenario(smallRun({ transports: [...TRANSPORT_NAMES], clients: 50, durationS: 2, rate: 2, intervalMs: 500 }));
  for (const r of results.runs) {
    assert.equal(r.state, 'completed', r.state === 'errored' ? r.error : '');
    const run = r as CompletedTransportRun;
    assert.equal(run.wire.measuredAt, 'server');
    assert.deepEqual(
      run.wire.atClients,
      { setup: run.wire.setup, preWindow: run.wire.preWindow, c2sBytes: run.wire.c2sBytes, s2cBytes: run.wire.s2cBytes, postWindow: run.wire.postWindow },
      run.transport,
    );
    assert.equal(run.wire.clientsMatchServer, true, run.transport);
    assert.equal(run.server.kind, 'embedded');
  }
});

const d = (c2sBytes: number, s2cBytes: number) => ({ c2sBytes, s2cBytes });

test('a client socket reads what the server wrote: worker ledgers are turned round and added, part by part', () => {
  // [read, written] per part: set-up, before, inside and after the window; the total is their sum.
  const w = (setup: [number, number], pre: [number, number], win: [number, number], post: [number, number]) => ({
    setup: d(...setup),
    preWindow: d(...pre),
    window: d(...win),
    postWindow: d(...post),
    total: d(setup[0] + pre[0] + win[0] + post[0], setup[1] + pre[1] + win[1] + post[1]),
    connections: 1,
    connectionsOpened: 1,
  });
  const sum = addClientWires([w([40, 5], [3, 1], [50, 2], [7, 2]), undefined, w([30, 6], [0, 0], [20, 14], [0, 0])]);
  assert.deepEqual(sum, {
    setup: d(11, 70),
    preWindow: d(1, 3),
    window: d(16, 70),
    postWindow: d(2, 7),
    total: d(30, 150),
    connections: 2,
    connectionsOpened: 2,
  });
});

test('clientsMatchServer compares every part: false when one byte differs or sits in another part, absent where the server counts nothing', () => {
  const server = { setup: d(11, 70), preWindow: d(1, 3), window: d(16, 70), postWindow: d(2, 7), total: d(30, 150), connections: 2, connectionsOpened: 2 };
  const base = { wire: { setup: server.setup, c2sBytes: 16, s2cBytes: 70 }, server: {} } as unknown as CompletedTransportRun;
  assert.equal(withBothEnds(base, 'embedded', server, true, structuredClone(server)).wire.clientsMatchServer, true);
  const off = structuredClone(server);
  off.total.s2cBytes += 1;
  off.window.s2cBytes += 1;
  assert.equal(withBothEnds(base, 'embedded', server, true, off).wire.clientsMatchServer, false);
  const setupOff = structuredClone(server);
  setupOff.setup.c2sBytes += 1;
  setupOff.total.c2sBytes += 1;
  assert.equal(withBothEnds(base, 'embedded', server, true, setupOff).wire.clientsMatchServer, false);
  // The same total, one byte counted after the window instead of inside it.
  const moved = structuredClone(server);
  moved.window.s2cBytes -= 1;
  moved.postWindow.s2cBytes += 1;
  assert.equal(withBothEnds(base, 'embedded', server, true, moved).wire.clientsMatchServer, false);
  // Socket.IO's server marks no set-up and no window: only totals are compared.
  assert.equal(withBothEnds(base, 'socketio', server, true, moved).wire.clientsMatchServer, true);
  assert.equal(withBothEnds(base, 'socketio', server, true, setupOff).wire.clientsMatchServer, false);
  const nchan = withBothEnds(base, 'nchan', server, false, server);
  assert.equal(nchan.wire.clientsMatchServer, undefined);
  assert.equal(nchan.wire.measuredAt, 'clients');
  assert.equal(nchan.server.kind, 'nchan');
  assert.deepEqual(nchan.wire.atClients, { setup: d(11, 70), preWindow: d(1, 3), c2sBytes: 16, s2cBytes: 70, postWindow: d(2, 7) });
});

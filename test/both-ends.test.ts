/**
 * Bytes at both ends: the simulated clients count the bytes at their own sockets for every server kind, and with
 * pushbench's own servers those counts equal the servers' to the byte, set-up and total, in both directions.
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
    assert.deepEqual(run.wire.atClients, { setup: run.wire.setup, c2sBytes: run.wire.c2sBytes, s2cBytes: run.wire.s2cBytes }, run.transport);
    assert.equal(run.wire.clientsMatchServer, true, run.transport);
    assert.equal(run.server.kind, 'embedded');
  }
});

test('a client socket reads what the server wrote: worker ledgers are turned round and added', () => {
  const w = (read: number, written: number, setupRead: number, setupWritten: number) => ({
    setup: { c2sBytes: setupRead, s2cBytes: setupWritten },
    total: { c2sBytes: read, s2cBytes: written },
    connections: 1,
    connectionsOpened: 1,
  });
  const sum = addClientWires([w(100, 10, 40, 5), undefined, w(50, 20, 30, 6)]);
  assert.deepEqual(sum, { setup: { c2sBytes: 11, s2cBytes: 70 }, total: { c2sBytes: 30, s2cBytes: 150 }, connections: 2, connectionsOpened: 2 });
});

test('clientsMatchServer is false when one byte differs, and absent where the server counts nothing', () => {
  const server = { setup: { c2sBytes: 11, s2cBytes: 70 }, total: { c2sBytes: 30, s2cBytes: 150 }, connections: 2, connectionsOpened: 2 };
  const base = { wire: { setup: server.setup, c2sBytes: 19, s2cBytes: 80 }, server: {} } as unknown as CompletedTransportRun;
  assert.equal(withBothEnds(base, 'embedded', server, true, structuredClone(server)).wire.clientsMatchServer, true);
  const off = structuredClone(server);
  off.total.s2cBytes += 1;
  assert.equal(withBothEnds(base, 'embedded', server, true, off).wire.clientsMatchServer, false);
  const setupOff = structuredClone(server);
  setupOff.setup.c2sBytes += 1;
  assert.equal(withBothEnds(base, 'embedded', server, true, setupOff).wire.clientsMatchServer, false);
  // Socket.IO's server marks no set-up: only totals are compared.
  assert.equal(withBothEnds(base, 'socketio', server, true, setupOff).wire.clientsMatchServer, true);
  const nchan = withBothEnds(base, 'nchan', server, false, server);
  assert.equal(nchan.wire.clientsMatchServer, undefined);
  assert.equal(nchan.wire.measuredAt, 'clients');
  assert.equal(nchan.server.kind, 'nchan');
});

/** Shared by the server-kind tests: one small run against a kind, and the delivery and byte checks every kind passes. */
import assert from 'node:assert/strict';
import { runScenario } from '../harness/run/runner.js';
import type { CompletedTransportRun, RunOptions, ServerKind, TransportName } from '../results/types.js';
import { smallRun } from './helpers.js';

const CLIENTS = 100;

export async function runKind(server: ServerKind, transport: TransportName, extra: Partial<RunOptions> = {}): Promise<CompletedTransportRun> {
  const results = await runScenario(smallRun({ server, transports: [transport], clients: CLIENTS, durationS: 2, rate: 2, intervalMs: 500, ...extra }));
  const run = results.runs[0]!;
  assert.equal(run.state, 'completed', run.state === 'errored' ? run.error : '');
  return run as CompletedTransportRun;
}

export function assertDelivered(run: CompletedTransportRun, kind: ServerKind): void {
  const m = run.messages;
  assert.equal(run.connect.connected, CLIENTS, 'every client subscribed');
  assert.equal(m.delivered, m.expected, 'every message delivered');
  assert.equal(m.lost + m.duplicated + m.reordered, 0);
  assert.deepEqual(run.connect.errors, {});
  assert.deepEqual(run.wire.setup, run.wire.model.setup, 'set-up bytes equal the model');
  assert.equal(run.wire.c2sBytes, run.wire.model.c2sBytes, 'client-to-server bytes equal the model');
  assert.equal(run.wire.s2cBytes, run.wire.model.s2cBytes, 'server-to-client bytes equal the model');
  // The window split holds at the clients' sockets too: before and after the window, as modelled.
  assert.deepEqual(run.wire.preWindow, run.wire.model.preWindow, 'bytes before the window equal the model');
  assert.deepEqual(run.wire.postWindow, run.wire.model.postWindow, 'bytes after the window equal the model');
  assert.equal(run.wire.matchesModel, true);
  assert.equal(run.wire.receivedBodyBytes, m.delivered * run.payloadBytes);
  assert.equal(run.server.kind, kind);
  assert.equal(run.wire.measuredAt, kind === 'embedded' ? 'server' : 'clients');
  // The run's figures are the clients' counts where the server is not pushbench's.
  if (kind !== 'embedded') {
    assert.deepEqual(run.wire.atClients, {
      setup: run.wire.setup,
      preWindow: run.wire.preWindow,
      c2sBytes: run.wire.c2sBytes,
      s2cBytes: run.wire.s2cBytes,
      postWindow: run.wire.postWindow,
    });
  }
}


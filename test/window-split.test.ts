/**
 * The measurement window: bytes before the first published message (set-up, and idle polls while other clients are
 * still connecting) and after the client has the last one are reported apart and never enter per-message figures;
 * the model follows the same split to the byte. A slow ramp proves it: polls answered while nothing was published.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { test } from 'node:test';
import { WireLedger } from '../harness/measure/wire.js';
import { runScenario } from '../harness/run/runner.js';
import type { CompletedTransportRun } from '../results/types.js';
import { smallRun } from './helpers.js';

/** A socket as the ledger sees it: two counters and a close event. */
class FakeSocket extends EventEmitter {
  bytesRead = 0;
  bytesWritten = 0;
  exchange(request: number, response: number): void {
    this.bytesRead += request;
    this.bytesWritten += response;
  }
}

test('the ledger splits one poll socket into set-up, before, inside and after the window by its exchanges', () => {
  const ledger = new WireLedger();
  const s = new FakeSocket();
  const sock = s as unknown as net.Socket;
  ledger.track(sock);
  s.exchange(50, 60);
  ledger.markSetup(sock);
  // Two idle polls answered while nothing was published: before the window.
  for (let i = 0; i < 2; i++) {
    ledger.requested(sock, 0);
    s.exchange(51, 70);
    ledger.responded(sock, true);
  }
  ledger.finalSeq = 3;
  // A poll asked before the first message and answered with it, then two more: inside.
  for (const since of [0, 1, 2]) {
    ledger.requested(sock, since);
    s.exchange(51, 90);
    ledger.responded(sock, false);
  }
  // Asked with the last message already in hand: after.
  ledger.requested(sock, 3);
  s.exchange(51, 70);
  ledger.responded(sock, false);
  const w = ledger.snapshot();
  assert.deepEqual(w.setup, { c2sBytes: 50, s2cBytes: 60 });
  assert.deepEqual(w.preWindow, { c2sBytes: 102, s2cBytes: 140 });
  assert.deepEqual(w.window, { c2sBytes: 153, s2cBytes: 270 });
  assert.deepEqual(w.postWindow, { c2sBytes: 51, s2cBytes: 70 });
  assert.deepEqual(w.total, { c2sBytes: 50 + 102 + 153 + 51, s2cBytes: 60 + 140 + 270 + 70 });
  // Closed sockets keep their split.
  s.emit('close');
  assert.deepEqual(ledger.snapshot().preWindow, w.preWindow);
});

test('a push socket: only what precedes the first message is before the window', () => {
  const ledger = new WireLedger();
  const s = new FakeSocket();
  const sock = s as unknown as net.Socket;
  ledger.track(sock);
  s.exchange(200, 150);
  ledger.markSetup(sock);
  ledger.beginWindow([sock]);
  s.exchange(0, 23 * 5);
  const w = ledger.snapshot();
  assert.deepEqual(w.preWindow, { c2sBytes: 0, s2cBytes: 0 });
  assert.deepEqual(w.window, { c2sBytes: 0, s2cBytes: 115 });
});

test('short polling with a slow ramp: idle polls before the first message are reported apart, not per message, and equal the model', async () => {
  // 20 clients at 10 per second: the first ones poll every 200 ms for about 2 s before anything is published.
  const results = await runScenario(
    smallRun({ transports: ['short-polling'], clients: 20, connectRate: 10, intervalMs: 200, rate: 2, durationS: 2 }),
  );
  const run = results.runs[0] as CompletedTransportRun;
  assert.equal(run.state, 'completed');
  assert.equal(run.messages.lost, 0);
  const w = run.wire;
  assert.ok(w.preWindow!.c2sBytes > 0, `idle polls of the ramp were counted before the window: ${JSON.stringify(w.preWindow)}`);
  assert.deepEqual(w.preWindow, w.model.preWindow, 'the model splits as the sockets do');
  assert.deepEqual(w.postWindow, w.model.postWindow);
  assert.equal(w.c2sBytes, w.model.c2sBytes);
  assert.equal(w.s2cBytes, w.model.s2cBytes);
  assert.equal(w.matchesModel, true);
  // Per message divides the window only.
  assert.equal(w.perMessage.c2sOverheadBytes, Math.round((w.c2sBytes / run.messages.delivered) * 1000) / 1000);
  // Every byte is in exactly one part.
  const total = run.server.perProcess!.reduce((a, p) => a + p.total.c2sBytes, 0);
  assert.equal(w.setup.c2sBytes + w.preWindow!.c2sBytes + w.c2sBytes + w.postWindow!.c2sBytes, total);
});

test('a server that writes one extra byte makes matchesModel false', async () => {
  process.env.PUSHBENCH_TEST_EXTRA_BYTE = '1';
  try {
    const results = await runScenario(smallRun({ transports: ['sse'], clients: 3, durationS: 2 }));
    const run = results.runs[0] as CompletedTransportRun;
    assert.equal(run.state, 'completed');
    assert.equal(run.messages.lost, 0, 'the extra byte is a blank SSE line: every message still arrives');
    assert.equal(run.wire.s2cBytes, run.wire.model.s2cBytes + 3, 'one byte more per client than the model');
    assert.equal(run.wire.matchesModel, false);
  } finally {
    delete process.env.PUSHBENCH_TEST_EXTRA_BYTE;
  }
});

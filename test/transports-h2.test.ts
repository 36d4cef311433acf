/**
 * The contract under --protocol h2 and h2c, for every transport at 100 clients (WebSocket on an RFC 8441 extended
 * CONNECT stream): every message once, the bytes at
 * the server's sockets equal to the model the clients built from the frames they wrote and parsed (over TLS: inside
 * TLS too, and the ciphertext 22 bytes per record more), part by part, and counted alike at both ends. HPACK's
 * dynamic table makes every later request on a connection cheaper than its first.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario } from '../harness/run/runner.js';
import { TRANSPORTS } from '../harness/transports/registry.js';
import { H2_CLIENT_PREFACE, H2_FRAME_HEADER_BYTES, h2Total } from '../harness/protocol/h2/frames.js';
import type { CompletedTransportRun, H2FrameKindBytes, TransportName } from '../results/types.js';
import { smallRun } from './helpers.js';

const CLIENTS = 100;
const TRANSPORT_NAMES = Object.keys(TRANSPORTS) as TransportName[];
const polling = (t: TransportName): boolean => t === 'short-polling' || t === 'long-polling';

for (const protocol of ['h2c', 'h2'] as const) {
  for (const name of TRANSPORT_NAMES) {
    test(`${name} over ${protocol}: every message once, bytes equal the frames the clients parsed`, async () => {
      const results = await runScenario(smallRun({ transports: [name], clients: CLIENTS, intervalMs: 500, protocol, tls: protocol === 'h2' }));
      const run = results.runs[0]!;
      assert.equal(run.state, 'completed', run.state === 'errored' ? run.error : '');
      const r = run as CompletedTransportRun;
      assert.equal(r.transportOptions.protocol, protocol);
      assert.equal(r.connect.connected, CLIENTS);
      assert.equal(r.messages.delivered, r.messages.expected);
      assert.equal(r.messages.duplicated, 0);
      assert.equal(r.messages.reordered, 0);
      assert.deepEqual(r.connect.errors, {});
      assert.equal(r.wire.matchesModel, true, JSON.stringify({ measured: [r.wire.setup, r.wire.preWindow, r.wire.c2sBytes, r.wire.s2cBytes, r.wire.postWindow], model: r.wire.model }));
      assert.equal(r.wire.clientsMatchServer, true, "the clients' sockets count what the server's do, part by part");
      const h = r.wire.h2!;
      assert.ok(h, 'an HTTP/2 run reports its frames by kind');
      // The kinds add up to the model of each part (the layer inside TLS for h2).
      const plain = protocol === 'h2' ? r.wire.tls!.plaintextModel : r.wire.model;
      const sum = (k: H2FrameKindBytes): number => h2Total(k);
      assert.equal(sum(h.setup.c2s), plain.setup.c2sBytes);
      assert.equal(sum(h.setup.s2c), plain.setup.s2cBytes);
      assert.equal(sum(h.window.c2s), plain.c2sBytes);
      assert.equal(sum(h.window.s2c), plain.s2cBytes);
      // One connection, one preface, one first request per client.
      assert.equal(h.setup.c2s.preface, CLIENTS * H2_CLIENT_PREFACE.length);
      assert.equal(h.requests.setup, CLIENTS);
      for (const part of [h.setup, h.preWindow, h.window, h.postWindow]) {
        assert.equal(part.c2s.frameHeaders, part.c2s.frames * H2_FRAME_HEADER_BYTES);
        assert.equal(part.s2c.frameHeaders, part.s2c.frames * H2_FRAME_HEADER_BYTES);
      }
      // Every message body arrives as DATA inside the window (WebSocket: inside its RFC 6455 frame).
      const bodies = r.wire.receivedBodyBytes ?? 0;
      assert.ok(bodies > 0 && h.window.s2c.data >= bodies, `${h.window.s2c.data} DATA bytes for ${bodies} body bytes`);
      if (polling(name)) {
        const w = h.headerBlockBytesPerRequest.window!;
        assert.ok(w, 'polls inside the window');
        assert.ok(w.c2sBytes < h.headerBlockBytesPerRequest.first.c2sBytes, `HPACK: a later request (${w.c2sBytes} B) is cheaper than the first (${h.headerBlockBytesPerRequest.first.c2sBytes} B)`);
        assert.ok(w.s2cBytes < h.headerBlockBytesPerRequest.first.s2cBytes);
      } else {
        assert.equal(h.headerBlockBytesPerRequest.window, null);
        assert.equal(h.window.c2s.frames, 0, 'a stream client sends nothing once subscribed (no WINDOW_UPDATE due)');
      }
      if (protocol === 'h2') {
        const t = r.wire.tls!;
        assert.deepEqual(t.plaintext, t.plaintextModel, 'HTTP/2 inside TLS equals the frames parsed');
        assert.equal(r.wire.s2cBytes, t.plaintext.s2cBytes + 22 * t.records.s2cBytes);
        assert.equal(r.wire.c2sBytes, t.plaintext.c2sBytes + 22 * t.records.c2sBytes);
      }
    });
  }
}

/**
 * The contract under --tls, for every registered transport at 100 clients: every message once, the plaintext inside
 * TLS equal to the HTTP/WebSocket model, the ciphertext at the TCP socket equal to the plaintext model plus 22 bytes
 * per record (RFC 8446 §5.2), and the set-up counted alike by each client's socket and the server's.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario } from '../harness/run/runner.js';
import { TRANSPORTS } from '../harness/transports/registry.js';
import type { CompletedTransportRun, TransportName } from '../results/types.js';
import { smallRun } from './helpers.js';

const CLIENTS = 100;

for (const name of Object.keys(TRANSPORTS) as TransportName[]) {
  test(`${name} over TLS: every message once, plaintext and ciphertext equal their models`, async () => {
    const results = await runScenario(smallRun({ transports: [name], clients: CLIENTS, intervalMs: 500, tls: true }));
    const run = results.runs[0]!;
    assert.equal(run.state, 'completed', run.state === 'errored' ? run.error : '');
    const r = run as CompletedTransportRun;
    const t = r.wire.tls!;
    assert.ok(t, 'a TLS run reports the layer inside');
    assert.equal(r.transportOptions.tls, true);
    assert.equal(t.version, 'TLSv1.3');
    assert.equal(t.recordOverheadBytes, 22);
    assert.equal(r.connect.connected, CLIENTS);
    assert.equal(r.messages.delivered, r.messages.expected);
    assert.equal(r.messages.duplicated, 0);
    assert.deepEqual(t.plaintext, t.plaintextModel, 'plaintext inside TLS equals the HTTP/WebSocket model');
    assert.equal(r.wire.c2sBytes, t.plaintext.c2sBytes + 22 * t.records.c2sBytes, 'steady c2s ciphertext = plaintext + 22 per record');
    assert.equal(r.wire.s2cBytes, t.plaintext.s2cBytes + 22 * t.records.s2cBytes, 'steady s2c ciphertext = plaintext + 22 per record');
    assert.deepEqual(r.wire.setup, r.wire.model.setup, 'set-up ciphertext: clients and server count alike');
    assert.equal(r.wire.matchesModel, true);
    assert.equal(r.wire.clientsMatchServer, true, "the clients' TCP sockets count what the server's do, part by part");
    // One record per subscription each way, and per message (push) or per poll.
    assert.deepEqual(t.records.setup, { c2sBytes: CLIENTS, s2cBytes: CLIENTS });
    if (name !== 'short-polling' && name !== 'long-polling') {
      assert.equal(t.records.s2cBytes, r.messages.delivered);
      assert.equal(t.perMessage.s2cBytes, 22);
    }
    // A full handshake each: ClientHello and Finished one way; ServerHello, certificate, signature, tickets the other.
    assert.ok(t.handshake.c2sBytes / CLIENTS > 200 && t.handshake.s2cBytes / CLIENTS > 500, JSON.stringify(t.handshake));
  });
}
